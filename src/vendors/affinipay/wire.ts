// AffiniPay's wire conventions (spec §1.5): JSON bodies (numbers may come as numeric strings),
// integer minor-unit amounts up to 10^14−1, ISO-8601 UTC timestamps with milliseconds, masked
// numbers, search_results paging and order_by. Every reader answers AffiniPay's invalid_data with
// the field's context, sub-code and message.
import type { FastifyRequest } from 'fastify';
import { apError, invalidData, type ApError } from './errors.ts';

export type Body = Record<string, unknown>;

export const MAX_AMOUNT = 99_999_999_999_999;

export const isObject = (value: unknown): value is Body => typeof value === 'object' && value !== null && !Array.isArray(value);
const blank = (value: unknown) => value === undefined || value === null || value === '';

/** yyyy-MM-dd'T'HH:mm:ss.SSS'Z' */
export const timestamp = (ms: number): string => new Date(ms).toISOString();

/** Field names as the messages say them ("exp_month" → "Expiration month"). */
const LABELS: Record<string, string> = {
  amount: 'Amount',
  number: 'Card number',
  exp_month: 'Expiration month',
  exp_year: 'Expiration year',
  cvv: 'Card code',
  name: 'Name',
  address1: 'Street number',
  address2: 'Address',
  city: 'City',
  state: 'State or province',
  postal_code: 'Postal code',
  country: 'Country',
  email: 'Email',
  phone: 'Phone',
  routing_number: 'Routing number',
  account_number: 'Account number',
  account_type: 'Account type',
  card_type: 'Card type',
  reference: 'Reference',
  description: 'Description',
  currency: 'Currency',
};

export function labelOf(context: string): string {
  const key = context.split('.').pop() ?? context;
  return LABELS[key] ?? key.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

export const blankError = (context: string): ApError => invalidData(context, 'not_blank', `${labelOf(context)} cannot be blank`);
export const lengthError = (context: string): ApError => invalidData(context, 'invalid_length', `${labelOf(context)} length is invalid`);
export const invalidError = (context: string): ApError => invalidData(context, 'invalid', `${labelOf(context)} is invalid`);

/** The JSON body of a POST/PUT/PATCH (spec §7 steps 2–4): JSON only, and some JSON. */
export function jsonBody(request: FastifyRequest, options: { optional?: boolean } = {}): Body {
  const raw = request.rawBody;
  const empty = raw === undefined || raw.length === 0 || raw.toString('utf8').trim() === '';
  const type = String(request.headers['content-type'] ?? '').toLowerCase();
  const json = /^application\/(.+\+)?json\b/.test(type);
  if (!empty && !json) throw apError('invalid_request');
  if (type && !json && !(options.optional && empty)) throw apError('invalid_request');
  if (empty) {
    if (options.optional) return {};
    throw apError('no_content');
  }
  if (!isObject(request.body)) throw apError('malformed_request');
  return request.body;
}

/** A whole number given as a JSON number or a numeric string; undefined when absent. */
export function readInteger(value: unknown, context: string): number | undefined {
  if (blank(value)) return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d{1,16}\s*$/.test(value) ? Number(value.trim()) : NaN;
  if (!Number.isSafeInteger(n)) throw invalidError(context);
  return n;
}

/** An amount in minor units: 1 .. 10^14−1 (spec §1.5, §6 #107). */
export function readAmount(value: unknown, context = 'amount', options: { required?: boolean } = {}): number | undefined {
  if (blank(value)) {
    if (options.required) throw invalidData(context, 'not_null', `${labelOf(context)} cannot be blank`);
    return undefined;
  }
  const n = readInteger(value, context) as number;
  if (n < 1) throw invalidData(context, 'below_minimum_value', `${labelOf(context)} is less than the minimum value`);
  if (n > MAX_AMOUNT) throw invalidData(context, 'exceeds_maximum_value', `${labelOf(context)} exceeds the maximum value`);
  return n;
}

/** A string (numbers are taken as their text) of at most `max` characters; undefined when absent. */
export function readString(value: unknown, context: string, max?: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
  if (text === undefined) throw invalidError(context);
  if (max !== undefined && text.length > max) throw lengthError(context);
  return text;
}

export function readBoolean(value: unknown, context: string): boolean | undefined {
  if (blank(value)) return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw invalidError(context);
}

/** One of the allowed words (exact case); undefined when absent. */
export function readEnum<T extends string>(value: unknown, context: string, allowed: readonly T[]): T | undefined {
  const text = readString(value, context);
  if (text === undefined || text === '') return undefined;
  if (!(allowed as readonly string[]).includes(text)) throw invalidError(context);
  return text as T;
}

/** A currency code (default USD): three letters; the account decides which it supports. */
export function readCurrency(value: unknown, context = 'currency'): string {
  const text = readString(value, context) ?? '';
  if (text === '') return 'USD';
  if (!/^[A-Za-z]{3}$/.test(text)) throw invalidError(context);
  return text.toUpperCase();
}

// ---- masking ------------------------------------------------------------------------------------

/** `*` × (length − 4) + the last four (card and bank account numbers). */
export function maskTail(last4: string, length: number): string {
  return '*'.repeat(Math.max(0, length - last4.length)) + last4;
}

/** `******` + the routing number's last three digits. */
export function maskRouting(routing: string): string {
  return `******${routing.slice(-3)}`;
}

// ---- lists --------------------------------------------------------------------------------------

export interface PageRequest {
  page: number;
  pageSize: number;
  offset: number;
}

/** page (from 1) and page_size (default 20, clamped to `max`), spec §1.5. */
export function readPage(query: Body, max = 100): PageRequest {
  const page = readInteger(query.page, 'page') ?? 1;
  const size = readInteger(query.page_size, 'page_size') ?? 20;
  if (page < 1) throw invalidData('page', 'below_minimum_value', 'Page is less than the minimum value');
  if (size < 1) throw invalidData('page_size', 'below_minimum_value', 'Page size is less than the minimum value');
  const pageSize = Math.min(size, max);
  return { page, pageSize, offset: (page - 1) * pageSize };
}

export function searchResults(page: PageRequest, total: number, results: unknown[]): Record<string, unknown> {
  return { page: page.page, page_size: page.pageSize, total_entries: total, results };
}

export interface OrderItem {
  field: string;
  direction: 'asc' | 'desc';
}

/** `order_by=-created,amount` as named parts, each with its direction (`-` descending). */
export function orderByParts(value: unknown): Array<{ name: string; direction: 'asc' | 'desc' }> {
  const text = Array.isArray(value) ? value.join(',') : String(value);
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => ({ name: part.replace(/^[-+ ]/, ''), direction: part.startsWith('-') ? 'desc' : 'asc' }));
}

/** `order_by=-created,amount`: each property with its direction; none given → `fallback`. */
export function readOrderBy(value: unknown, allowed: readonly string[], fallback: OrderItem[]): OrderItem[] {
  if (blank(value)) return fallback;
  return orderByParts(value).map(({ name, direction }) => {
    if (!allowed.includes(name)) throw apError('search_failed', { context: 'order_by' });
    return { field: name, direction };
  });
}

/** A query parameter that may repeat (qf=a&qf=b), as a list. */
export function listParam(value: unknown): string[] {
  if (blank(value)) return [];
  if (Array.isArray(value)) return value.map(String);
  if (isObject(value)) return Object.values(value).map(String);
  return [String(value)];
}

/** An ISO-8601 instant in a query (start_date, end_date); malformed is the search's failure. */
export function readInstant(value: unknown, context: string): number | undefined {
  if (blank(value)) return undefined;
  const ms = Date.parse(String(value));
  if (!Number.isFinite(ms)) throw apError('search_failed', { context });
  return ms;
}
