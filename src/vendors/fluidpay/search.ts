// FluidPay search bodies (spec §1.8): QuerySearchString {operator "=" | "!=", value},
// QuerySearchInt {operator "=" | "!=" | "<" | ">", value}, QueryDateRange {start_date, end_date}
// (inclusive, either side open), limit 0-100 (0 = 10) and offset ≥ 0. Anything else is a 400.
// Criteria become the core's filter conditions; the core runs them.
import { invalid } from '../../core/errors/domain-error.ts';
import { all, always, not, type Condition, type FieldRef } from '../../core/query/conditions.ts';
import { isObject, type Body } from './wire.ts';

export type StringOp = '=' | '!=';
export type IntOp = '=' | '!=' | '<' | '>';

export interface StringCriterion {
  operator: StringOp;
  value: string;
}
export interface IntCriterion {
  operator: IntOp;
  value: number;
}
export interface DateRange {
  start?: number;
  end?: number;
}

/**
 * A criterion the Go client sends for a field it does not search on: `{"operator":"","value":""}`
 * (or 0), i.e. an empty operator, or no operator and an empty value. Ignored, not refused
 * (fluidpay-v2 §1.1, §5.5); so is a JSON null anywhere.
 */
function unset(value: Body): boolean {
  const op = value.operator;
  if (op === '') return true;
  return (op === undefined || op === null) && (value.value === undefined || value.value === null || value.value === '' || value.value === 0);
}

export function stringCriterion(body: Body, field: string, path = field, ops: readonly StringOp[] = ['=', '!=']): StringCriterion | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalid(`${path} must be {"operator", "value"}`, path);
  if (unset(value)) return undefined;
  const operator = value.operator ?? '=';
  if (typeof operator !== 'string' || !(ops as readonly string[]).includes(operator)) throw invalid(`${path}.operator must be one of ${ops.join(' ')}`, path);
  if (typeof value.value !== 'string') throw invalid(`${path}.value must be a string`, path);
  return { operator: operator as StringOp, value: value.value };
}

export function intCriterion(body: Body, field: string, path = field, ops: readonly IntOp[] = ['=', '!=', '<', '>']): IntCriterion | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalid(`${path} must be {"operator", "value"}`, path);
  if (unset(value)) return undefined;
  const operator = value.operator ?? '=';
  if (typeof operator !== 'string' || !(ops as readonly string[]).includes(operator)) throw invalid(`${path}.operator must be one of ${ops.join(' ')}`, path);
  if (typeof value.value !== 'number' || !Number.isSafeInteger(value.value)) throw invalid(`${path}.value must be an integer`, path);
  return { operator: operator as IntOp, value: value.value };
}

function instant(value: unknown, path: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw invalid(`${path} must be an RFC 3339 time`, path);
  // Dart sends times without a zone: UTC (fluidpay-v2 §2.8).
  const zoned = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(value) ? `${value}Z` : value;
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(zoned) ? Date.parse(zoned) : NaN;
  if (!Number.isFinite(ms)) throw invalid(`${path} must be an RFC 3339 time`, path);
  return ms;
}

export function dateRange(body: Body, field: string, path = field): DateRange | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalid(`${path} must be {"start_date", "end_date"}`, path);
  if ((value.start_date ?? '') === '' && (value.end_date ?? '') === '') return undefined; // Go's zero value (§1.1)
  const start = instant(value.start_date, `${path}.start_date`);
  const endRaw = instant(value.end_date, `${path}.end_date`);
  // An end given to the second covers that whole second (inclusive).
  const end = endRaw === undefined ? undefined : endRaw % 1000 === 0 ? endRaw + 999 : endRaw;
  return { start, end };
}

export { always };

export function paging(body: Body, options: { minLimit?: number; maxOffset?: number } = {}): { limit: number; offset: number } {
  const limit = body.limit ?? 0;
  const offset = body.offset ?? 0;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < (options.minLimit ?? 0) || limit > 100) throw invalid('limit must be an integer from 0 to 100', 'limit');
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0 || offset > 1_000_000_000 || (options.maxOffset !== undefined && offset > options.maxOffset)) {
    throw invalid('offset must be a non-negative integer', 'offset');
  }
  return { limit: limit === 0 ? 10 : limit, offset };
}

// ---- core conditions ------------------------------------------------------------------------------

export function stringMatch(field: FieldRef, c: StringCriterion): Condition {
  return { field, op: c.operator === '=' ? 'eq' : 'ne', value: c.value, as: 'string' };
}

export function intMatch(field: FieldRef, c: IntCriterion): Condition {
  const op = ({ '=': 'eq', '!=': 'ne', '<': 'lt', '>': 'gt' } as const)[c.operator];
  return { field, op, value: c.value, as: 'number' };
}

/** Inclusive on both sides; either side may be open; a row without the time never matches. */
export function rangeMatch(field: FieldRef, r: { start?: number | string; end?: number | string }, as: 'number' | 'string' = 'number'): Condition {
  const parts: Condition[] = [{ field, op: 'not_null' }];
  if (r.start !== undefined) parts.push({ field, op: 'gte', value: r.start, as });
  if (r.end !== undefined) parts.push({ field, op: 'lte', value: r.end, as });
  return all(parts);
}

/** The condition for "=", its null-safe negation for "!=" (a row where it is unknown matches "!="). */
export function negate(condition: Condition, op: StringOp): Condition {
  return op === '=' ? condition : not(condition);
}

/** A FluidPay id criterion on an id field: an id that does not decode matches nothing (or everything, for "!="). */
export function idMatch(field: FieldRef, decoded: number | null, op: StringOp): Condition {
  return negate(decoded === null ? always(false) : { field, op: 'eq', value: decoded, as: 'number' }, op);
}
