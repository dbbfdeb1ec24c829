// Lists, queries and counts for every ChargeOver type over the core's vendor-neutral filters.
import type { SelectQueryBuilder } from 'kysely';
import { applyFilters, pageWithTotal, type FieldMap } from '../../core/query/filters.ts';
import { DomainError } from '../../core/errors/domain-error.ts';
import type { Database } from '../../store/schema.ts';
import { bad, type CoRequest } from './envelope.ts';
import { parseOrder, parsePaging, parseWhere } from './where.ts';

type Q<TB extends keyof Database> = SelectQueryBuilder<Database, TB, { id: number }>;

function filtered<TB extends keyof Database>(req: CoRequest, base: Q<TB>, fields: FieldMap<Database, TB>): Q<TB> {
  try {
    return applyFilters(base, parseWhere(req.query.where), fields);
  } catch (error) {
    if (error instanceof DomainError) throw bad(`Invalid where: ${error.message}`);
    throw error;
  }
}

/** Ids of one page, in order. */
export async function listIds<TB extends keyof Database>(req: CoRequest, base: Q<TB>, fields: FieldMap<Database, TB>, pk: string): Promise<number[]> {
  const q = filtered(req, base, fields);
  const paging = parsePaging(req.query);
  try {
    const { rows } = await pageWithTotal(q, { order: parseOrder(req.query.order), ...paging }, fields, { field: pk, direction: 'asc' });
    return rows.map((row) => Number(row.id));
  } catch (error) {
    if (error instanceof DomainError) throw bad(error.message);
    throw error;
  }
}

export async function countIds<TB extends keyof Database>(req: CoRequest, base: Q<TB>, fields: FieldMap<Database, TB>): Promise<number> {
  const q = filtered(req, base, fields);
  const { total } = await pageWithTotal(q, { limit: 1, offset: 0 }, fields, { field: Object.keys(fields)[0], direction: 'asc' });
  return total;
}

/** Keeps the order of ids when rendering rows fetched in bulk. */
export function inOrder<T>(ids: number[], rows: T[], idOf: (row: T) => number): T[] {
  const byId = new Map(rows.map((row) => [idOf(row), row]));
  return ids.map((id) => byId.get(id)).filter((row): row is T => row !== undefined);
}
