// Offset/limit paging read the same way by every door that has it, with the door's own defaults
// and caps; a value that is not a whole number is the client's 400, never a silent default.
import { invalid } from '../../core/errors/domain-error.ts';

export interface PagingRules {
  defaultLimit: number;
  maxLimit: number;
  /** Past this offset a door answers 400 (ChargeDesk caps offsets per resource). */
  maxOffset?: number;
  /** The names of the parameters, when not offset/limit (Invoiced: page/per_page). */
  names?: { offset: string; limit: string };
}

export interface Paging {
  offset: number;
  limit: number;
}

function whole(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const text = String(value).trim();
  if (!/^\d{1,15}$/.test(text)) throw invalid(`${name} must be a non-negative whole number`, name);
  return Number(text);
}

export function readPaging(query: Record<string, unknown>, rules: PagingRules): Paging {
  const names = rules.names ?? { offset: 'offset', limit: 'limit' };
  const offset = whole(query[names.offset], names.offset) ?? 0;
  const asked = whole(query[names.limit], names.limit);
  if (rules.maxOffset !== undefined && offset > rules.maxOffset) throw invalid(`${names.offset} must be at most ${rules.maxOffset}`, names.offset);
  const limit = asked === undefined || asked === 0 ? rules.defaultLimit : Math.min(asked, rules.maxLimit);
  return { offset, limit };
}
