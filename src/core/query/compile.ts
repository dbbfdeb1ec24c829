// Compiles the filter language (conditions.ts) to SQL over one domain's table: the domain lists its
// fields (columns, derived expressions, related rows); vendor_data fields and external references
// resolve the same way for every domain. The same SQL runs on SQLite and PostgreSQL.
import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import { invalid } from '../errors/domain-error.ts';
import type { TenantContext } from '../context.ts';
import { jsonText } from './json.ts';
import type { Comparison, Condition, FieldRef, FieldType, FilterValue } from './conditions.ts';

export interface ScalarField {
  /** An expression over the domain's table (use sql.ref('<table>.<column>')). */
  expr: (ctx: TenantContext) => RawBuilder<unknown> | ReturnType<typeof sql.ref>;
  type: FieldType;
  /** A plain column: may be used to order by. */
  column?: string;
}

export interface RelatedRows {
  /** `exists (select 1 from <from> <alias> where <join> and ...)` */
  from: string;
  alias: string;
  join: string;
  /** The object type the related rows' external references are filed under (for ref fields). */
  objectType?: string;
  fields: Record<string, { column: string; type: FieldType }>;
}

export interface FieldSet {
  table: string;
  /** The object type external references of this domain are filed under. */
  objectType: string;
  fields: Record<string, ScalarField>;
  related?: Record<string, RelatedRows>;
}

export const column = (table: string, name: string, type: FieldType): ScalarField => ({ expr: () => sql.ref(`${table}.${name}`), type, column: `${table}.${name}` });

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

const likeEscape = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** A comparison over any scalar expression. */
export function compare(ref: Expression<unknown>, type: FieldType, c: Pick<Comparison, 'op' | 'value'>, name: string): Expression<SqlBool> {
  const ci = type === 'text_ci';
  const target = ci ? sql`lower(${ref})` : ref;
  const value = (v: FilterValue | undefined) => {
    const raw = coerce(v, type, name);
    return ci && typeof raw === 'string' ? raw.toLowerCase() : raw;
  };
  switch (c.op) {
    case 'is_null':
      return sql<SqlBool>`${ref} is null`;
    case 'not_null':
      return sql<SqlBool>`${ref} is not null`;
    case 'in': {
      const values = Array.isArray(c.value) ? c.value : [];
      if (values.length === 0) return sql<SqlBool>`1 = 0`;
      return sql<SqlBool>`${target} in (${sql.join(values.map((v) => value(v)))})`;
    }
    case 'contains': {
      const needle = `%${likeEscape(String(coerce(c.value, 'string', name)).toLowerCase())}%`;
      return sql<SqlBool>`lower(cast(${ref} as text)) like ${needle} escape '\\'`;
    }
    case 'ne':
      // NOT EQUALS also matches rows where the field is unset.
      return sql<SqlBool>`(${target} <> ${value(c.value)} or ${ref} is null)`;
    default: {
      const op = { eq: '=', gt: '>', lt: '<', gte: '>=', lte: '<=' }[c.op];
      return sql<SqlBool>`${target} ${sql.raw(op)} ${value(c.value)}`;
    }
  }
}

function describe(field: FieldRef): string {
  if (typeof field === 'string') return field;
  if ('vendor' in field) return field.key;
  if ('ref' in field) return field.ref.kind;
  return `${field.related}.${describe(field.field)}`;
}

function scalar(ctx: TenantContext, set: FieldSet, field: FieldRef, alias?: { name: string; rows: RelatedRows }): { expr: Expression<unknown>; type: FieldType } {
  const table = alias?.name ?? set.table;
  if (typeof field === 'string') {
    if (alias) {
      const f = alias.rows.fields[field];
      if (!f) throw invalid(`Unknown field ${field}`, field);
      return { expr: sql.ref(`${alias.name}.${f.column}`), type: f.type };
    }
    const f = set.fields[field];
    if (!f) throw invalid(`Unknown field ${field}`, field);
    return { expr: f.expr(ctx), type: f.type };
  }
  if ('vendor' in field) {
    const text = jsonText(ctx.dialect, `${table}.vendor_data`, [field.vendor, ...field.key.split('.')]);
    const type = field.type ?? 'text_ci';
    const typed = type === 'number' ? sql`cast(${text} as bigint)` : text;
    if (field.otherwise === undefined) return { expr: typed, type };
    const fallback = typeof field.otherwise === 'object' ? scalar(ctx, set, field.otherwise.field, alias).expr : field.otherwise;
    // The fallback as text when the door's field is text (a column of another type, e.g. an id).
    return { expr: sql`coalesce(${typed}, ${type === 'number' ? fallback : sql`cast(${fallback} as text)`})`, type };
  }
  if ('ref' in field) {
    const objectType = alias ? alias.rows.objectType : set.objectType;
    if (!objectType) throw invalid(`${describe(field)} cannot be compared here`, describe(field));
    const expr = sql`(select r.value from external_refs r where r.tenant_id = ${sql.ref(`${table}.tenant_id`)} and r.vendor = ${field.ref.vendor} and r.object_type = ${objectType} and r.kind = ${field.ref.kind} and r.object_id = ${sql.ref(`${table}.id`)})`;
    return { expr, type: 'text_ci' };
  }
  throw invalid(`${describe(field)} cannot be compared here`, describe(field));
}

function comparison(ctx: TenantContext, set: FieldSet, c: Comparison): Expression<SqlBool> {
  const field = c.field;
  if (typeof field === 'object' && 'related' in field) {
    const rows = set.related?.[field.related];
    if (!rows) throw invalid(`Unknown field ${describe(field)}`, describe(field));
    const inner = scalar(ctx, set, field.field, { name: rows.alias, rows });
    const join = sql.raw(rows.join);
    return sql<SqlBool>`exists (select 1 from ${sql.table(rows.from)} ${sql.raw(rows.alias)} where ${join} and ${compare(inner.expr, c.as ?? inner.type, c, describe(field))})`;
  }
  const target = scalar(ctx, set, field);
  return compare(target.expr, c.as ?? target.type, c, describe(field));
}

export function compile(ctx: TenantContext, set: FieldSet, condition: Condition): Expression<SqlBool> {
  if ('always' in condition) return condition.always ? sql<SqlBool>`1 = 1` : sql<SqlBool>`1 = 0`;
  if ('all' in condition)
    return condition.all.length === 0
      ? sql<SqlBool>`1 = 1`
      : sql<SqlBool>`(${sql.join(
          condition.all.map((c) => compile(ctx, set, c)),
          sql` and `,
        )})`;
  if ('any' in condition)
    return condition.any.length === 0
      ? sql<SqlBool>`1 = 0`
      : sql<SqlBool>`(${sql.join(
          condition.any.map((c) => compile(ctx, set, c)),
          sql` or `,
        )})`;
  if ('not' in condition) return sql<SqlBool>`(case when ${compile(ctx, set, condition.not)} then 1 else 0 end) = 0`;
  return comparison(ctx, set, condition);
}

/** The column to order by for a field of the set; only plain columns order. */
export function orderColumn(set: FieldSet, field: string): string {
  const f = set.fields[field];
  if (!f?.column) throw invalid(`Cannot order by ${field}`, field);
  return f.column;
}
