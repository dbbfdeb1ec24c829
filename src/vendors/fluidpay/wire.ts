// FluidPay wire helpers: the success envelopes (spec §1.3), RFC 3339 timestamps with microseconds
// (§1.7), and strict readers for request bodies that turn wrong types into 400s (never 500s).
import type { FastifyRequest } from 'fastify';
import { invalid } from '../../core/errors/domain-error.ts';

export type Body = Record<string, unknown>;

export const ok = (data: unknown, msg = 'success') => ({ status: 'success', msg, data });
export const processed = () => ({ status: 'success', msg: 'Request processed successfully', data: null });
export const listed = (data: unknown[], total: number, msg = 'success') => ({ status: 'success', msg, data, total_count: total });
export const counted = (data: unknown[]) => ({ status: 'success', msg: 'success', data, count: data.length, total_count: data.length });

/** RFC 3339 UTC with microseconds: 2017-11-20T00:26:06.190000Z. */
export function ts(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined) return null;
  return new Date(Number(ms)).toISOString().replace('Z', '000Z');
}

export const ZERO_TIME = '0001-01-01T00:00:00Z';

/** The JSON object body, {} when absent; anything else (an array, a string) is a 400. */
export function bodyOf(request: FastifyRequest): Body {
  const value = request.body;
  if (value === undefined || value === null || value === '') return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid('Request body must be a JSON object');
  return value as Body;
}

export function isObject(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function optObject(body: Body, field: string, path = field): Body | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalid(`${path} must be an object`, path);
  return value;
}

export function optString(body: Body, field: string, options: { max?: number; path?: string } = {}): string | undefined {
  const value = body[field];
  const path = options.path ?? field;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(`${path} must be a string`, path);
  if (options.max !== undefined && value.length > options.max) throw invalid(`${path} must be at most ${options.max} characters`, path);
  return value;
}

export function reqString(body: Body, field: string, options: { max?: number; path?: string } = {}): string {
  const value = optString(body, field, options);
  if (value === undefined || value === '') throw invalid(`${options.path ?? field} is required`, options.path ?? field);
  return value;
}

export function optInt(body: Body, field: string, options: { min?: number; path?: string } = {}): number | undefined {
  const value = body[field];
  const path = options.path ?? field;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalid(`${path} must be an integer`, path);
  if (options.min !== undefined && value < options.min) throw invalid(`${path} must be at least ${options.min}`, path);
  return value;
}

export function optBool(body: Body, field: string, path = field): boolean | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalid(`${path} must be true or false`, path);
  return value;
}

export function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], field: string): T | undefined {
  if (value === undefined) return undefined;
  const lower = value.toLowerCase() as T;
  if (!allowed.includes(lower)) throw invalid(`${field} must be one of ${allowed.join(', ')}`, field);
  return lower;
}

// ---- addresses (transactions and vault share the twelve fields) ---------------------------------

export const ADDRESS_FIELDS = ['first_name', 'last_name', 'company', 'address_line_1', 'address_line_2', 'city', 'state', 'postal_code', 'country', 'phone', 'fax', 'email'] as const;
export type WireAddress = Record<(typeof ADDRESS_FIELDS)[number], string>;

const ADDRESS_LIMITS: Partial<Record<(typeof ADDRESS_FIELDS)[number], number>> = {
  first_name: 50,
  last_name: 50,
  company: 50,
  city: 50,
  address_line_1: 100,
  address_line_2: 100,
  postal_code: 10,
  email: 255,
};

export function emptyAddress(): WireAddress {
  return Object.fromEntries(ADDRESS_FIELDS.map((f) => [f, ''])) as WireAddress;
}

/**
 * A phone or fax number as digits (fluidpay-v2 §4, replacing the seed's "digits only"): digits with
 * spaces, ( ) - . + / are accepted and stored without the punctuation; letters or other characters,
 * or more than 14 digits, are a 400. No minimum length (java sends 8 digits, go 9).
 */
export function phoneDigits(value: string | undefined, path: string): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[\d\s()\-.+/]*$/.test(value)) throw invalid(`${path} must be a phone number (digits, spaces and ( ) - . + /)`, path);
  const digits = value.replace(/\D/g, '');
  if (digits.length > 14) throw invalid(`${path} must be up to 14 digits`, path);
  return digits;
}

/** The vault's v2 street names (fluidpay-v2 §1.2): line_1/line_2 stand for address_line_1/2 and win when both are sent. */
const STREET_ALIASES: Partial<Record<(typeof ADDRESS_FIELDS)[number], string>> = { address_line_1: 'line_1', address_line_2: 'line_2' };

/** Parses an address object (spec §1.10, G32): every field a string, lengths and formats checked. */
export function parseAddress(value: unknown, path: string): WireAddress | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalid(`${path} must be an object`, path);
  const out = emptyAddress();
  for (const field of ADDRESS_FIELDS) {
    const alias = STREET_ALIASES[field];
    const source = alias && value[alias] !== undefined && value[alias] !== null ? alias : field;
    let text = optString(value, source, { max: ADDRESS_LIMITS[field], path: `${path}.${source}` });
    if (text === undefined) continue;
    if ((field === 'state' || field === 'country') && text !== '' && text.length !== 2) throw invalid(`${path}.${field} must be 2 characters`, `${path}.${field}`);
    if (field === 'phone' || field === 'fax') text = phoneDigits(text, `${path}.${field}`) as string;
    out[field] = text;
  }
  return out;
}

/** The fields an address object actually sent (null counts as absent), in wire names. */
export function sentAddressFields(value: unknown): Set<(typeof ADDRESS_FIELDS)[number]> {
  const out = new Set<(typeof ADDRESS_FIELDS)[number]>();
  if (!isObject(value)) return out;
  for (const field of ADDRESS_FIELDS) {
    const alias = STREET_ALIASES[field];
    if ((value[field] !== undefined && value[field] !== null) || (alias && value[alias] !== undefined && value[alias] !== null)) out.add(field);
  }
  return out;
}

/** MM/YY, MMYY, MM/YYYY or MMYYYY → month and four-digit year (G20); expiry itself is not checked. */
export function parseExpiration(value: unknown, path: string): { month: number; year: number } {
  if (typeof value !== 'string' || value === '') throw invalid(`${path} is required`, path);
  const match = /^(\d{2})\/?(\d{2}|\d{4})$/.exec(value.trim());
  const month = match ? Number(match[1]) : 0;
  if (!match || month < 1 || month > 12) throw invalid(`${path} must be MM/YY`, path);
  const year = match[2].length === 2 ? 2000 + Number(match[2]) : Number(match[2]);
  return { month, year };
}

export function expirationText(month: number | null, year: number | null): string {
  if (!month || !year) return '';
  return `${String(month).padStart(2, '0')}/${String(year % 100).padStart(2, '0')}`;
}
