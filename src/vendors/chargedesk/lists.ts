// Lists (spec 1.7): count 1-500 (default 20), offset capped per resource (a larger one is 400, not
// clamped), newest first, inclusive [min]/[max] time ranges in Unix seconds; the envelope
// {count, offset, data} where count is the number of items returned (G2).
import type { Condition } from '../../core/query/conditions.ts';
import { invalid } from '../../core/errors/domain-error.ts';
import type { Body } from '../kit/fields.ts';
import { nested } from './wire.ts';

/** The core transaction types ChargeDesk shows as charges (credit memos are its "credit" charges). */
export const CHARGE_TYPES = ['sale', 'authorize', 'credit_memo'] as const;

/** Charges this door took away (deleted, or with their customer) are not shown here. */
export const visibleCharges = (): Condition[] => [{ not: { field: { vendor: 'chargedesk', key: 'removed' }, op: 'not_null' } }];

export interface Page {
  offset: number;
  limit: number;
}

export function readPage(query: Body, maxOffset: number): Page {
  const whole = (key: string): number | undefined => {
    const value = query[key];
    if (value === undefined || value === null || value === '') return undefined;
    const text = String(value).trim();
    if (!/^\d{1,15}$/.test(text)) throw invalid(`${key} must be a whole number`, key);
    return Number(text);
  };
  const count = whole('count') ?? 20;
  const offset = whole('offset') ?? 0;
  if (count < 1 || count > 500) throw invalid('count must be between 1 and 500', 'count');
  if (offset > maxOffset) throw invalid(`offset must be between 0 and ${maxOffset}`, 'offset');
  return { offset, limit: count };
}

/** `key[min]` / `key[max]` in Unix seconds as inclusive bounds in epoch ms. */
export function readRange(query: Body, key: string): { from?: number; to?: number } {
  const range = nested(query, key);
  const bound = (which: 'min' | 'max'): number | undefined => {
    const value = range[which];
    if (value === undefined || value === null || value === '') return undefined;
    const text = String(value).trim();
    if (!/^\d{1,12}$/.test(text)) throw invalid(`${key}[${which}] must be a Unix timestamp`, `${key}[${which}]`);
    return which === 'min' ? Number(text) * 1000 : Number(text) * 1000 + 999;
  };
  return { from: bound('min'), to: bound('max') };
}

export function rangeConditions(field: string, range: { from?: number; to?: number }): Condition[] {
  const out: Condition[] = [];
  if (range.from !== undefined) out.push({ field, op: 'gte', value: range.from });
  if (range.to !== undefined) out.push({ field, op: 'lte', value: range.to });
  return out;
}

export const envelope = (page: Page, data: unknown[]) => ({ count: data.length, offset: page.offset, data });
