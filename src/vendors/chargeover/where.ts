// ChargeOver's list grammar (spec 1.7-1.9): where=field:OP:value[,...] with \: \, \\ escapes,
// order=field:ASC|DESC[,...], offset/limit (default 10, max 100).
import type { FilterOp, OrderBy } from '../../core/query/conditions.ts';
import type { WireFilter } from '../kit/filters.ts';
import { bad } from './envelope.ts';

const OPS: Record<string, FilterOp> = { EQUALS: 'eq', NOTEQUALS: 'ne', GT: 'gt', LT: 'lt', GTE: 'gte', LTE: 'lte', CONTAINS: 'contains' };

/** Splits on a separator not preceded by a backslash escape. */
export function splitUnescaped(text: string, separator: string, maxParts = Infinity): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      current += c + text[i + 1];
      i++;
    } else if (c === separator && parts.length < maxParts - 1) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

export function unescapeValue(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

export function parseCondition(text: string): WireFilter {
  const [rawField, rawOp, rest] = splitUnescaped(text, ':', 3);
  const field = unescapeValue(rawField ?? '').trim();
  const op = (rawOp ?? '').trim().toUpperCase();
  if (!field || !op || rest === undefined) throw bad(`Invalid where condition "${text}"`);
  if (op === 'IS' || op === 'ISNOT') {
    if (unescapeValue(rest).trim().toUpperCase() !== 'NULL') throw bad(`Invalid where condition "${text}"`);
    return { field, op: op === 'IS' ? 'is_null' : 'not_null' };
  }
  const mapped = OPS[op];
  if (!mapped) throw bad(`Unknown where operator "${rawOp}"`);
  return { field, op: mapped, value: unescapeValue(rest) };
}

export function parseWhere(value: unknown): WireFilter[] {
  if (value === undefined || value === null || value === '') return [];
  const items = Array.isArray(value) ? value.map(String) : [String(value)];
  const filters: WireFilter[] = [];
  for (const item of items) {
    for (const part of splitUnescaped(item, ',')) if (part.trim()) filters.push(parseCondition(part));
  }
  return filters;
}

export function parseOrder(value: unknown): OrderBy[] {
  if (value === undefined || value === null || value === '') return [];
  const out: OrderBy[] = [];
  for (const part of String(value).split(',')) {
    if (!part.trim()) continue;
    const [field, dir = 'ASC'] = part.trim().split(':');
    // Recorded clients glue the next parameter on ("DESClimit=1?offset=0"); ChargeOver reads the direction.
    const direction = /^DESC/i.test(dir) ? 'DESC' : /^ASC/i.test(dir) ? 'ASC' : '';
    if (!direction) throw bad(`Invalid order direction "${dir}"`);
    out.push({ field, direction: direction === 'ASC' ? 'asc' : 'desc' });
  }
  return out;
}

function intParam(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const text = String(value);
  if (!/^\d+$/.test(text)) throw bad(`${name} must be a non-negative whole number`);
  return Number(text);
}

export interface Paging {
  offset: number;
  limit: number;
}

export function parsePaging(query: Record<string, unknown>, max = 100, fallback = 10): Paging {
  const offset = intParam(query.offset, 'offset', 0);
  const limit = intParam(query.limit, 'limit', fallback);
  return { offset, limit: limit === 0 ? fallback : Math.min(limit, max) };
}
