// Vendor-neutral list filtering: a front door parses its own grammar (ChargeOver's where=,
// FluidPay's search bodies, ...) into Filters over its field names, and maps each field to a column
// or to a custom condition. The same SQL then runs on SQLite and PostgreSQL.
import { sql, type Expression, type ExpressionBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import { invalid } from '../errors/domain-error.ts';

export type FilterOp = 'eq' | 'ne' | 'gt' | 'lt' | 'gte' | 'lte' | 'contains' | 'is_null' | 'not_null' | 'in';
export type FilterValue = string | number | boolean | null | ReadonlyArray<string | number>;

export interface Filter {
  field: string;
  op: FilterOp;
  value?: FilterValue;
}

export type FieldType = 'string' | 'number' | 'boolean' | 'text_ci';

/** How a door field maps to SQL: a column (with the value's type) or a custom condition. */
export type FieldMapping<DB, TB extends keyof DB> = { column: string; type: FieldType } | { condition: (eb: ExpressionBuilder<DB, TB>, filter: Filter) => Expression<SqlBool> };

export type FieldMap<DB, TB extends keyof DB> = Record<string, FieldMapping<DB, TB>>;

export interface OrderBy {
  field: string;
  direction: 'asc' | 'desc';
}

export interface ListSpec {
  filters?: Filter[];
  order?: OrderBy[];
  offset?: number;
  limit?: number;
}

function coerce(value: FilterValue | undefined, type: FieldType, field: string): string | number {
  if (value === null || value === undefined || Array.isArray(value)) throw invalid(`A value is required for ${field}`, field);
  if (type === 'number') {
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isFinite(n)) throw invalid(`${field} must be a number`, field);
    return n;
  }
  if (type === 'boolean') {
    if (value === true || value === 1 || value === '1' || String(value).toLowerCase() === 'true') return 1;
    if (value === false || value === 0 || value === '0' || String(value).toLowerCase() === 'false') return 0;
    throw invalid(`${field} must be true or false`, field);
  }
  return String(value);
}

function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function columnCondition(column: string, type: FieldType, filter: Filter): Expression<SqlBool> {
  return expressionCondition(sql.ref(column), type, filter);
}

/** The same conditions over any scalar expression (a JSON field, a subquery), for custom mappings. */
export function expressionCondition(ref: Expression<unknown>, type: FieldType, filter: Filter): Expression<SqlBool> {
  const ci = type === 'text_ci';
  const target = ci ? sql`lower(${ref})` : ref;
  switch (filter.op) {
    case 'is_null':
      return sql<SqlBool>`${ref} is null`;
    case 'not_null':
      return sql<SqlBool>`${ref} is not null`;
    case 'in': {
      const values = Array.isArray(filter.value) ? filter.value : [];
      if (values.length === 0) return sql<SqlBool>`1 = 0`;
      const coerced = values.map((v) => {
        const c = coerce(v, type, filter.field);
        return ci && typeof c === 'string' ? c.toLowerCase() : c;
      });
      return sql<SqlBool>`${target} in (${sql.join(coerced)})`;
    }
    case 'contains': {
      const needle = `%${likeEscape(String(coerce(filter.value, 'string', filter.field)).toLowerCase())}%`;
      return sql<SqlBool>`lower(cast(${ref} as text)) like ${needle} escape '\\'`;
    }
    default: {
      const raw = coerce(filter.value, type, filter.field);
      const value = ci && typeof raw === 'string' ? raw.toLowerCase() : raw;
      const op = { eq: '=', ne: '<>', gt: '>', lt: '<', gte: '>=', lte: '<=' }[filter.op];
      // NOT EQUALS also matches rows where the field is unset, as a user would expect.
      if (filter.op === 'ne') return sql<SqlBool>`(${target} <> ${value} or ${ref} is null)`;
      return sql<SqlBool>`${target} ${sql.raw(op)} ${value}`;
    }
  }
}

/** Adds the filters to a query; an unknown field is the client's error (400), never a 500. */
export function applyFilters<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>, filters: readonly Filter[] | undefined, fields: FieldMap<DB, TB>): SelectQueryBuilder<DB, TB, O> {
  let q = query;
  for (const filter of filters ?? []) {
    const mapping = fields[filter.field];
    if (!mapping) throw invalid(`Unknown field ${filter.field}`, filter.field);
    q = q.where((eb) => ('condition' in mapping ? mapping.condition(eb, filter) : columnCondition(mapping.column, mapping.type, filter)));
  }
  return q;
}

export function applyOrder<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  order: readonly OrderBy[] | undefined,
  fields: FieldMap<DB, TB>,
  fallback: OrderBy,
): SelectQueryBuilder<DB, TB, O> {
  let q = query;
  for (const item of [...(order ?? []), fallback]) {
    const mapping = fields[item.field];
    if (!mapping || !('column' in mapping)) throw invalid(`Cannot order by ${item.field}`, item.field);
    q = q.orderBy(sql.ref(mapping.column), item.direction);
  }
  return q;
}

/** Runs a filtered query twice: the total before paging, then one page. */
export async function pageWithTotal<DB, TB extends keyof DB, O>(
  filtered: SelectQueryBuilder<DB, TB, O>,
  spec: { order?: readonly OrderBy[]; offset?: number; limit?: number },
  fields: FieldMap<DB, TB>,
  fallback: OrderBy,
): Promise<{ rows: O[]; total: number }> {
  const countRow = await filtered
    .clearSelect()
    .select(sql<number>`count(*)`.as('n'))
    .executeTakeFirst();
  const total = Number((countRow as { n?: unknown } | undefined)?.n ?? 0);
  const rows = await applyOrder(filtered, spec.order, fields, fallback)
    .offset(spec.offset ?? 0)
    .limit(spec.limit ?? 10)
    .execute();
  return { rows, total };
}
