// Lists, queries and counts for every ChargeOver type: the where=/order=/offset/limit grammar
// (where.ts) mapped onto the core's filter language through each type's field table (the door
// kit's toConditions/toOrder). The domain's query module runs the query.
import type { Condition, ListQuery } from '../../core/query/conditions.ts';
import { DomainError } from '../../core/errors/domain-error.ts';
import { toConditions, toOrder, type WireField } from '../kit/filters.ts';
import { bad, type CoRequest } from './envelope.ts';
import { parseOrder, parsePaging, parseWhere } from './where.ts';

export type FieldTable = Readonly<Record<string, WireField>>;

/** The request's where= as core conditions; a field or value the table refuses is a 400. */
export function whereOf(req: CoRequest, fields: FieldTable): Condition[] {
  const filters = parseWhere(req.query.where);
  try {
    return toConditions(filters, fields);
  } catch (error) {
    if (error instanceof DomainError) throw bad(`Invalid where: ${error.message}`);
    throw error;
  }
}

/** One page of the request's list: where=, order= (ties by id ascending), offset and limit. */
export function pageOf(req: CoRequest, fields: FieldTable): ListQuery {
  const where = whereOf(req, fields);
  const paging = parsePaging(req.query);
  try {
    return { where, order: toOrder(parseOrder(req.query.order), fields), ...paging };
  } catch (error) {
    if (error instanceof DomainError) throw bad(error.message);
    throw error;
  }
}

/** Runs a core list or count, answering the core's refusal of a filter (a bad value) with a 400. */
export async function listing<T>(run: Promise<T>): Promise<T> {
  try {
    return await run;
  } catch (error) {
    if (error instanceof DomainError) throw bad(error.message);
    throw error;
  }
}
