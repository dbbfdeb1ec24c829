// Runs a list query over one domain: its base rows (the tenant's, the domain's scope), the filter
// tree compiled by the domain's field set, the order (plain columns only; the id breaks ties), one
// page, and the total before paging when asked.
import { sql, type SelectQueryBuilder } from 'kysely';
import type { Database } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { compile, orderColumn, type FieldSet } from './compile.ts';
import type { ListQuery, OrderBy, Page } from './conditions.ts';

// The base query of a domain selects its table's rows; the builder's table set is the domain's.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one runner for every domain's table
type Base<T> = SelectQueryBuilder<Database, any, T>;

export async function runList<T>(ctx: TenantContext, set: FieldSet, base: Base<T>, query: ListQuery, tieBreak: OrderBy): Promise<Page<T>> {
  let filtered = base;
  for (const condition of query.where ?? []) filtered = filtered.where(compile(ctx, set, condition));
  let total: number | null = null;
  if (query.total) {
    const row = await filtered
      .clearSelect()
      .select(sql<number>`count(*)`.as('n'))
      .executeTakeFirst();
    total = Number((row as { n?: unknown } | undefined)?.n ?? 0);
  }
  let ordered = filtered;
  for (const item of [...(query.order ?? []), tieBreak]) ordered = ordered.orderBy(sql.ref(orderColumn(set, item.field)), item.direction);
  const rows = await ordered
    .offset(query.offset ?? 0)
    .limit(query.limit ?? 10)
    .execute();
  return { rows, total };
}

export async function countList(ctx: TenantContext, set: FieldSet, base: Base<unknown>, query: Pick<ListQuery, 'where'>): Promise<number> {
  let filtered = base;
  for (const condition of query.where ?? []) filtered = filtered.where(compile(ctx, set, condition));
  const row = await filtered
    .clearSelect()
    .select(sql<number>`count(*)`.as('n'))
    .executeTakeFirst();
  return Number((row as { n?: unknown } | undefined)?.n ?? 0);
}

/** Rows fetched by id, in the order of the ids (missing ones skipped). */
export function inOrder<T>(ids: readonly number[], rows: readonly T[], idOf: (row: T) => number): T[] {
  const byId = new Map(rows.map((row) => [idOf(row), row]));
  return ids.map((id) => byId.get(id)).filter((row): row is T => row !== undefined);
}
