// FluidPay search bodies (spec §1.8): QuerySearchString {operator "=" | "!=", value},
// QuerySearchInt {operator "=" | "!=" | "<" | ">", value}, QueryDateRange {start_date, end_date}
// (inclusive, either side open), limit 0-100 (0 = 10) and offset ≥ 0. Anything else is a 400.
import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import { invalid } from '../../core/errors/domain-error.ts';
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

export function stringCriterion(body: Body, field: string, path = field, ops: readonly StringOp[] = ['=', '!=']): StringCriterion | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalid(`${path} must be {"operator", "value"}`, path);
  const operator = value.operator ?? '=';
  if (typeof operator !== 'string' || !(ops as readonly string[]).includes(operator)) throw invalid(`${path}.operator must be one of ${ops.join(' ')}`, path);
  if (typeof value.value !== 'string') throw invalid(`${path}.value must be a string`, path);
  return { operator: operator as StringOp, value: value.value };
}

export function intCriterion(body: Body, field: string, path = field, ops: readonly IntOp[] = ['=', '!=', '<', '>']): IntCriterion | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalid(`${path} must be {"operator", "value"}`, path);
  const operator = value.operator ?? '=';
  if (typeof operator !== 'string' || !(ops as readonly string[]).includes(operator)) throw invalid(`${path}.operator must be one of ${ops.join(' ')}`, path);
  if (typeof value.value !== 'number' || !Number.isSafeInteger(value.value)) throw invalid(`${path}.value must be an integer`, path);
  return { operator: operator as IntOp, value: value.value };
}

function instant(value: unknown, path: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw invalid(`${path} must be an RFC 3339 time`, path);
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) throw invalid(`${path} must be an RFC 3339 time`, path);
  return ms;
}

export function dateRange(body: Body, field: string, path = field): DateRange | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalid(`${path} must be {"start_date", "end_date"}`, path);
  const start = instant(value.start_date, `${path}.start_date`);
  const endRaw = instant(value.end_date, `${path}.end_date`);
  // An end given to the second covers that whole second (inclusive).
  const end = endRaw === undefined ? undefined : endRaw % 1000 === 0 ? endRaw + 999 : endRaw;
  return { start, end };
}

export function paging(body: Body, options: { minLimit?: number; maxOffset?: number } = {}): { limit: number; offset: number } {
  const limit = body.limit ?? 0;
  const offset = body.offset ?? 0;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < (options.minLimit ?? 0) || limit > 100) throw invalid('limit must be an integer from 0 to 100', 'limit');
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0 || offset > 1_000_000_000 || (options.maxOffset !== undefined && offset > options.maxOffset)) {
    throw invalid('offset must be a non-negative integer', 'offset');
  }
  return { limit: limit === 0 ? 10 : limit, offset };
}

// ---- SQL conditions --------------------------------------------------------------------------------

type Operand = RawBuilder<unknown> | ReturnType<typeof sql.ref>;

export function stringCondition(target: Operand, c: StringCriterion): Expression<SqlBool> {
  return c.operator === '=' ? sql<SqlBool>`${target} = ${c.value}` : sql<SqlBool>`(${target} <> ${c.value} or ${target} is null)`;
}

export function intCondition(target: Operand, c: IntCriterion): Expression<SqlBool> {
  if (c.operator === '!=') return sql<SqlBool>`(${target} <> ${c.value} or ${target} is null)`;
  return sql<SqlBool>`${target} ${sql.raw(c.operator)} ${c.value}`;
}

export function rangeCondition(target: Operand, r: DateRange): Expression<SqlBool> {
  const parts: Expression<SqlBool>[] = [sql<SqlBool>`${target} is not null`];
  if (r.start !== undefined) parts.push(sql<SqlBool>`${target} >= ${r.start}`);
  if (r.end !== undefined) parts.push(sql<SqlBool>`${target} <= ${r.end}`);
  return sql<SqlBool>`(${sql.join(parts, sql` and `)})`;
}

/** A condition that holds or not, as SQL (for ids that do not decode, statuses that never occur). */
export const always = (holds: boolean): Expression<SqlBool> => (holds ? sql<SqlBool>`1 = 1` : sql<SqlBool>`1 = 0`);

/** The condition for "=", its null-safe negation for "!=" (a row where it is unknown matches "!="). */
export function negate(condition: Expression<SqlBool>, op: StringOp): Expression<SqlBool> {
  return op === '=' ? condition : sql<SqlBool>`(case when ${condition} then 1 else 0 end) = 0`;
}
