// ChargeOver wire formats (spec 1.15, 3.x): datetimes, float money, formatted money, reference
// data (currencies, terms, admins), address blocks, and tolerant parsing of client values.
import { formatDecimal, parseFloatMajor, toFloatMajor, parseDecimal } from '../../core/money/money.ts';
import { isoDate } from '../../core/clock/clock.ts';
import { parseVendorData } from '../../core/vendor-data.ts';
import { bad } from './envelope.ts';

export const VENDOR = 'chargeover';

export const CURRENCIES: Record<number, { iso: string; symbol: string }> = {
  1: { iso: 'USD', symbol: '$' },
  2: { iso: 'CAD', symbol: 'CAD$' },
  3: { iso: 'GBP', symbol: '£' },
  4: { iso: 'EUR', symbol: '€' },
  6: { iso: 'AUD', symbol: 'A$' },
};

export function currencyId(iso: string): number {
  for (const [id, c] of Object.entries(CURRENCIES)) if (c.iso === iso) return Number(id);
  return 0;
}

export function currencyIso(id: unknown, field = 'currency_id'): string {
  const c = CURRENCIES[Number(id)];
  if (!c) throw bad(`Unknown ${field} ${String(id)}`);
  return c.iso;
}

export function symbolOf(iso: string): string {
  return CURRENCIES[currencyId(iso)]?.symbol ?? iso;
}

export const TERMS: Record<number, { name: string; days: number }> = {
  1: { name: 'Net 15', days: 15 },
  2: { name: 'Net 30', days: 30 },
  3: { name: 'Due on Receipt', days: 0 },
};

export const ADMINS: Record<number, { name: string; email: string }> = {
  3: { name: 'Ford Prefect', email: 'ford@example.com' },
  4: { name: 'ChargeOver Support', email: 'support@chargeover.com' },
};

export function datetime(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined) return null;
  return new Date(Number(ms)).toISOString().slice(0, 19).replace('T', ' ');
}

export function date(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : isoDate(Number(ms));
}

export const money = (minor: number, currency: string): number => toFloatMajor(Number(minor), currency);
export const formatted = (minor: number, currency: string): string => `${symbolOf(currency)} ${formatDecimal(Number(minor), currency)}`;

/** A ChargeOver amount: a JSON number or a numeric string ("42.50"), in major units. */
export function parseAmount(value: unknown, currency: string, field: string): number {
  try {
    if (typeof value === 'number') return parseFloatMajor(value, currency);
    if (typeof value === 'string' && value.trim() !== '') return parseDecimal(value.trim(), currency);
  } catch {
    throw bad(`${field} must be a number`);
  }
  throw bad(`${field} must be a number`);
}

export function optString(body: Record<string, unknown>, key: string): string | null | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw bad(`${key} must be a string`);
}

export function optInt(body: Record<string, unknown>, key: string): number | null | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (value === null || value === '') return null;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) throw bad(`${key} must be a whole number`);
  return n;
}

export function optBool(body: Record<string, unknown>, key: string): boolean | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (value === true || value === 1 || value === '1' || value === 'true') return true;
  if (value === false || value === 0 || value === '0' || value === 'false' || value === '') return false;
  throw bad(`${key} must be true or false`);
}

export function asObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null || body === '') return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw bad('The request body must be a JSON object');
  return body as Record<string, unknown>;
}

export interface AddressLines {
  addr1?: string | null;
  addr2?: string | null;
  addr3?: string | null;
  city?: string | null;
  state?: string | null;
  postcode?: string | null;
  country?: string | null;
}

const nonEmpty = (parts: Array<string | null | undefined>): string[] => parts.filter((p): p is string => typeof p === 'string' && p.trim() !== '');

/** Customer style: "\n" between lines, "City ST ZIP" without a comma. */
export function customerBlock(a: AddressLines): string {
  const cityLine = nonEmpty([a.city, a.state, a.postcode]).join(' ');
  return nonEmpty([a.addr1, a.addr2, a.addr3, cityLine, a.country]).join('\n');
}

/** Invoice style: "\r\n" between lines, "City, ST ZIP". */
export function invoiceBlock(a: AddressLines): string {
  const cityState = nonEmpty([a.city, nonEmpty([a.state, a.postcode]).join(' ')]).join(', ');
  return nonEmpty([a.addr1, a.addr2, a.addr3, cityState, a.country]).join('\r\n');
}

export const ADDRESS_KEYS = ['addr1', 'addr2', 'addr3', 'city', 'state', 'postcode', 'country', 'notes'] as const;

/** bill_* or ship_* keys present in the body, as strings or null. */
export function addressFrom(body: Record<string, unknown>, prefix: 'bill' | 'ship'): Record<string, string | null> | undefined {
  const out: Record<string, string | null> = {};
  let any = false;
  for (const key of ADDRESS_KEYS) {
    const value = optString(body, `${prefix}_${key}`);
    if (value !== undefined) {
      out[key] = value;
      any = true;
    }
  }
  return any ? out : undefined;
}

/** The door's own namespace of an object's vendor_data. */
export function vendorData(raw: string): Record<string, unknown> {
  return parseVendorData(raw)[VENDOR] ?? {};
}

/** vendor_data for a new transaction: the wire fields the core has no column for (the token is the core's). */
export function transactionVendorData(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { [VENDOR]: extra };
}
