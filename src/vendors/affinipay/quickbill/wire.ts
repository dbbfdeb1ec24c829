// Quick Bill's conventions (spec §1.6): XIDs with type prefixes, AuditTrace objects for created and
// modified, search_results with q, qf (comma-joined `field:value` pairs, timestamp ranges with
// >, >=, <, <=) and order_by, and errors in the gateway's messages shape without a facility.
import type { FastifyRequest } from 'fastify';
import type { Tenant } from '../../../core/database.ts';
import type { Condition, FieldRef } from '../../../core/query/conditions.ts';
import { ApError } from '../errors.ts';
import { encodeXid } from '../ids.ts';
import { isObject, orderByParts, readInteger, timestamp, type Body } from '../wire.ts';

export type SubCode = 'invalid_length' | 'not_blank' | 'not_null' | 'invalid';

export function qbError(status: number, code: string, message: string, context?: string): ApError {
  return new ApError(status, [{ code, level: 'error', message, ...(context ? { context } : {}) }]);
}

export const qbInvalid = (context: string, message: string): ApError => qbError(422, 'invalid_data', message, context);
export const qbNotFound = (): ApError => qbError(404, 'resource_not_found', 'Requested resource not found');
export const qbConflict = (message: string): ApError => qbError(409, 'conflict', message);

/** The merchant's own organization (the owner of every contact and invoice). */
export function orgId(tenant: Pick<Tenant, 'id' | 'created_at'>): string {
  return encodeXid('org_', 'merchant', tenant.id, tenant.created_at);
}

/** Who did what, when, from where (spec §1.6); the request's address, or a loopback one. */
export function auditTrace(user: string, ms: number, inet = '127.0.0.1'): Record<string, unknown> {
  return { user, timestamp: timestamp(ms), client_inet_address: inet, client_country_code: 'US', caller_inet_address: inet, caller_country_code: 'US' };
}

/** The JSON body of a Quick Bill write: JSON, and some. */
export function qbBody(request: FastifyRequest): Body {
  const raw = request.rawBody;
  if (raw === undefined || raw.length === 0) throw qbError(422, 'no_content', 'No JSON content received');
  const type = String(request.headers['content-type'] ?? '').toLowerCase();
  if (type && !/^application\/(.+\+)?json\b/.test(type)) throw qbError(400, 'invalid_request', 'Invalid request');
  if (!isObject(request.body)) throw qbError(400, 'malformed_request', 'Unable to process JSON content');
  return request.body;
}

/** A string of `min`..`max` characters; undefined when absent. */
export function qbString(body: Body, key: string, options: { max: number; min?: number; context?: string; required?: boolean }): string | undefined {
  const value = body[key];
  const context = options.context ?? key;
  if (value === undefined || value === null || (value === '' && !options.required)) {
    if (options.required) throw qbInvalid(context, `${key} may not be empty`);
    return undefined;
  }
  if (typeof value !== 'string' && typeof value !== 'number') throw qbInvalid(context, `${key} must be a string`);
  const text = String(value);
  if (text.length < (options.min ?? 0) || text.length > options.max) throw qbInvalid(context, `${key} length must be between ${options.min ?? 0} and ${options.max}`);
  return text;
}

export function qbBool(body: Body, key: string): boolean | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw qbInvalid(key, `${key} must be true or false`);
}

/** A date or datetime: its calendar day (UTC) and instant. */
export function qbDate(value: unknown, context: string): { day: string; ms: number } | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const text = String(value);
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : Date.parse(text);
  if (!Number.isFinite(ms)) throw qbInvalid(context, `${context} is not a date`);
  return { day: new Date(ms).toISOString().slice(0, 10), ms };
}

export const dayTimestamp = (day: string): string => `${day}T00:00:00.000Z`;

// ---- search -------------------------------------------------------------------------------------

export interface QbPage {
  page: number;
  pageSize: number;
  offset: number;
}

export function qbPage(query: Body): QbPage {
  const page = readInteger(query.page, 'page') ?? 1;
  const size = readInteger(query.page_size, 'page_size') ?? 20;
  if (page < 1) throw qbInvalid('page', 'page must be at least 1');
  if (size < 1) throw qbInvalid('page_size', 'page_size must be at least 1');
  const pageSize = Math.min(size, 100);
  return { page, pageSize, offset: (page - 1) * pageSize };
}

export type QbField = { field: FieldRef; kind: 'text' | 'exact' | 'number' | 'time' } | { build: (op: string, value: string) => Condition };

const OPS: Record<string, 'gt' | 'gte' | 'lt' | 'lte' | 'eq'> = { '>': 'gt', '>=': 'gte', '<': 'lt', '<=': 'lte', ':': 'eq' };

/** `qf=f1:v1,f2:v2` and `created.timestamp>2018-06-25T15:45:57.838Z` pairs as core conditions. */
export function qfConditions(value: unknown, fields: Record<string, QbField>): Condition[] {
  if (value === undefined || value === null || value === '') return [];
  const text = Array.isArray(value) ? value.join(',') : String(value);
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const match = /^([A-Za-z0-9_.]+)(>=|<=|>|<|:)(.*)$/.exec(part);
      if (!match) throw qbInvalid('qf', `Cannot filter by ${part}`);
      const [, name, op, raw] = match;
      const mapped = fields[name];
      if (!mapped) throw qbInvalid('qf', `Cannot filter by ${name}`);
      if ('build' in mapped) return mapped.build(op, raw);
      if (mapped.kind === 'time') {
        const ms = Date.parse(raw);
        if (!Number.isFinite(ms)) throw qbInvalid('qf', `${raw} is not a timestamp`);
        return { field: mapped.field, op: OPS[op], value: ms };
      }
      if (op !== ':') throw qbInvalid('qf', `${name} takes no range`);
      if (mapped.kind === 'number') {
        if (!/^-?\d+$/.test(raw)) throw qbInvalid('qf', `${name} must be a number`);
        return { field: mapped.field, op: 'eq', value: Number(raw) };
      }
      return { field: mapped.field, op: mapped.kind === 'exact' ? 'eq' : 'contains', value: raw };
    });
}

/** `order_by=field,-other` over the allowed fields. */
export function qbOrder(value: unknown, allowed: Record<string, string>, fallback: { field: string; direction: 'asc' | 'desc' }): Array<{ field: string; direction: 'asc' | 'desc' }> {
  if (value === undefined || value === null || value === '') return [fallback];
  return orderByParts(value).map(({ name, direction }) => {
    const field = allowed[name];
    if (!field) throw qbInvalid('order_by', `Cannot order by ${name}`);
    return { field, direction };
  });
}

export function qbResults(page: QbPage, total: number, results: unknown[]): Record<string, unknown> {
  return { page: page.page, page_size: page.pageSize, total_entries: total, results };
}
