// Invoiced's wire conventions (spec §1): integer ids, Unix-second timestamps, decimal amounts in the
// currency's major unit (converted by src/core/money, never floats), lowercase currency codes,
// bracketed query filters (filter[customer]=12, sort=name ASC), and lists as a JSON array with
// X-Total-Count and a Link header (self, first, last, and next/prev where they exist).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { invalid, notFound } from '../../core/errors/domain-error.ts';
import { formatDecimal, MoneyFormatError, normalizeCurrency, parseDecimal, toFloatMajor } from '../../core/money/index.ts';
import type { Condition, OrderBy } from '../../core/query/conditions.ts';
import { bodyObject, isObject, type Body } from '../kit/fields.ts';
import { toConditions, toOrder, type WireField, type WireFilter } from '../kit/filters.ts';
import { integerCodec } from '../kit/ids.ts';
import { readPaging } from '../kit/paging.ts';

export const VENDOR = 'invoiced';
export const PREFIX = '/invoiced';

export type { Body };
export const bodyOf = (request: FastifyRequest): Body => bodyObject(request.body);

const ids = integerCodec<string>();

/** A path or body id: the core's integer, else the vendor's 404. */
export function idParam(text: unknown, what: string): number {
  const decoded = ids.decode(what, text);
  if (!decoded) throw notFound(what, text);
  return decoded.id;
}

/** An id given in a body (customer, invoice, plan): a positive integer or its digits, else 400 naming the field. */
export function bodyId(value: unknown, field: string): number {
  const decoded = ids.decode(field, value);
  if (!decoded) throw invalid(`${field} must be an integer id`, field);
  return decoded.id;
}

export const seconds = (ms: number | null | undefined): number | null => (ms === null || ms === undefined ? null : Math.floor(ms / 1000));

/** A Unix timestamp (seconds) of a calendar day: midnight UTC. */
export const daySeconds = (date: string | null | undefined): number | null => (date ? Math.floor(Date.parse(`${date}T00:00:00Z`) / 1000) : null);

/** A Unix timestamp in a body, as the calendar day (UTC) it falls on. */
export function readDay(body: Body, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,12}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 0 || n > 253402300799) throw invalid(`${key} must be a Unix timestamp in seconds`, key);
  return new Date(n * 1000).toISOString().slice(0, 10);
}

export const wireCurrency = (code: string): string => code.toLowerCase();

export function readCurrency(body: Body, key = 'currency'): string | undefined {
  const value = body[key];
  if (value === undefined || value === null || value === '') return undefined;
  const code = normalizeCurrency(value);
  if (!code) throw invalid(`${key} must be a 3-letter ISO 4217 currency code`, key);
  return code;
}

/** A decimal amount in major units (a JSON number or its digits) as minor units of the currency. */
export function readAmount(body: Body, key: string, currency: string, options: { path?: string; allowZero?: boolean } = {}): number | undefined {
  const path = options.path ?? key;
  const value = body[key];
  if (value === undefined || value === null || value === '') return undefined;
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? value.trim() : null;
  if (text === null) throw invalid(`${path} must be a number`, path);
  let minor: number;
  try {
    minor = parseDecimal(text, currency);
  } catch (error) {
    if (error instanceof MoneyFormatError) throw invalid(`${path} must be a decimal amount in ${currency} (at most the currency's decimal places)`, path);
    throw error;
  }
  if (minor < 0 || (minor === 0 && !options.allowZero)) throw invalid(`${path} must be greater than 0`, path);
  return minor;
}

/** Minor units as the JSON number Invoiced shows (2000, 17.1, 1.234 for KWD, 500 for JPY). */
export const money = (minor: number, currency: string): number => toFloatMajor(minor, currency);
export const moneyText = formatDecimal;

/** A boolean that form-minded clients may send as "1"/"true". */
export function readBool(body: Body, key: string): boolean | undefined {
  const value = body[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === '1' || value === 'true') return true;
  if (value === 0 || value === '0' || value === 'false') return false;
  throw invalid(`${key} must be true or false`, key);
}

export function readString(body: Body, key: string, options: { max?: number; path?: string } = {}): string | undefined {
  const value = body[key];
  const path = options.path ?? key;
  if (value === undefined) return undefined;
  if (value === null) return '';
  if (typeof value !== 'string' && typeof value !== 'number') throw invalid(`${path} must be a string`, path);
  const text = String(value);
  if (text.length > (options.max ?? 1000)) throw invalid(`${path} must be at most ${options.max ?? 1000} characters`, path);
  return text;
}

/** metadata: an object of short strings (Invoiced keeps string values). */
export function readMetadata(body: Body): Record<string, string> | undefined {
  const value = body.metadata;
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalid('metadata must be an object', 'metadata');
  const out: Record<string, string> = {};
  const entries = Object.entries(value);
  if (entries.length > 50) throw invalid('metadata has more than 50 keys', 'metadata');
  for (const [k, v] of entries) {
    if (k.length > 40) throw invalid('metadata keys are at most 40 characters', 'metadata');
    if (v === null) continue;
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw invalid(`metadata[${k}] must be a string`, `metadata`);
    const text = String(v);
    if (text.length > 255) throw invalid(`metadata[${k}] must be at most 255 characters`, 'metadata');
    out[k] = text;
  }
  return out;
}

// ---- lists --------------------------------------------------------------------------------------

export const PAGING = { defaultLimit: 100, maxLimit: 100 } as const;

export interface ListRequest {
  page: number;
  perPage: number;
  offset: number;
  where: Condition[];
  order: OrderBy[];
}

/** page (1-based) / per_page (≤ 100), filter[field]=value, sort=field ASC|DESC, updated_after/updated_before (Unix seconds). */
export function readList(request: FastifyRequest, fields: Readonly<Record<string, WireField>>, options: { ownFilters?: boolean } = {}): ListRequest {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const paging = readPaging({ page: query.page, per_page: query.per_page }, { defaultLimit: PAGING.defaultLimit, maxLimit: PAGING.maxLimit, names: { offset: 'page', limit: 'per_page' } });
  const page = Math.max(1, paging.offset);
  const filters: WireFilter[] = [];
  if (query.filter !== undefined && !options.ownFilters) {
    if (!isObject(query.filter)) throw invalid('filter must be given as filter[field]=value', 'filter');
    for (const [field, value] of Object.entries(query.filter)) {
      if (typeof value !== 'string') throw invalid(`filter[${field}] must be one value`, `filter[${field}]`);
      filters.push(value === '' ? { field, op: 'is_null' } : { field, op: 'eq', value });
    }
  }
  const where = toConditions(filters, fields);
  for (const [key, op] of [
    ['updated_after', 'gte'],
    ['updated_before', 'lte'],
  ] as const) {
    const value = query[key];
    if (value === undefined || value === '') continue;
    if (typeof value !== 'string' || !/^\d{1,12}$/.test(value)) throw invalid(`${key} must be a Unix timestamp`, key);
    where.push({ field: 'updated_at', op, value: Number(value) * 1000 + (op === 'lte' ? 999 : 0) });
  }
  const order: OrderBy[] = [];
  if (query.sort !== undefined && query.sort !== '') {
    if (typeof query.sort !== 'string') throw invalid('sort must be "field ASC" or "field DESC"', 'sort');
    for (const part of query.sort.split(',')) {
      const match = /^\s*([a-z_]+)(?:\s+(asc|desc))?\s*$/i.exec(part);
      if (!match) throw invalid('sort must be "field ASC" or "field DESC"', 'sort');
      order.push(...toOrder([{ field: match[1], direction: (match[2] ?? 'asc').toLowerCase() as 'asc' | 'desc' }], fields));
    }
  }
  return { page, perPage: paging.limit, offset: (page - 1) * paging.limit, where, order };
}

/** The request's own URL without page/per_page, commas escaped (clients split the header on them). */
function linkBase(request: FastifyRequest): { base: string; rest: string[] } {
  const proto = String(request.headers['x-forwarded-proto'] ?? request.protocol)
    .split(',')[0]
    .trim();
  const [path, search = ''] = request.url.split('?');
  const rest = search
    .split('&')
    .filter((part) => part !== '' && !/^(page|per_page)=/i.test(part))
    .map((part) => part.replace(/,/g, '%2C').replace(/[<>;"\s]/g, encodeURIComponent));
  return { base: `${proto}://${request.headers.host ?? 'localhost'}${path}`, rest };
}

/** Sends one page: the JSON array, X-Total-Count and Link. */
export function sendList(request: FastifyRequest, reply: FastifyReply, list: ListRequest, items: unknown[], total: number): FastifyReply {
  const { base, rest } = linkBase(request);
  const last = Math.max(1, Math.ceil(total / list.perPage));
  const url = (page: number) => `${base}?${[...rest, `page=${page}`, `per_page=${list.perPage}`].join('&')}`;
  const links = [`<${url(list.page)}>; rel="self"`, `<${url(1)}>; rel="first"`];
  if (list.page > 1) links.push(`<${url(Math.min(list.page - 1, last))}>; rel="prev"`);
  if (list.page < last) links.push(`<${url(list.page + 1)}>; rel="next"`);
  links.push(`<${url(last)}>; rel="last"`);
  return reply.header('x-total-count', String(total)).header('link', links.join(', ')).code(200).send(items);
}

/** The public base of this door for links in objects (pdf_url, url): scheme, host and, on the main port, /invoiced. */
export function siteBase(request: FastifyRequest): string {
  const proto = String(request.headers['x-forwarded-proto'] ?? request.protocol)
    .split(',')[0]
    .trim();
  const path = request.url.split('?')[0];
  const prefix = path === PREFIX || path.startsWith(`${PREFIX}/`) ? PREFIX : '';
  return `${proto}://${request.headers.host ?? 'localhost'}${prefix}`;
}
