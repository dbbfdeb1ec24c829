// ChargeDesk's wire: decimal amounts with their symbols and *_formatted siblings (spec 1.8), the
// document's 169 currencies (1.9), lenient form values (1.4), Unix-second times where 0 means unset
// (1.13), relative times, phone numbers and country names (3.2).
import { formatDecimal, parseDecimal } from '../../core/money/money.ts';
import { exponentOf } from '../../core/money/currencies.ts';
import { invalid } from '../../core/errors/domain-error.ts';
import type { Body } from '../kit/fields.ts';

export const VENDOR = 'chargedesk';

// Spec 1.9, in the document's order.
export const CURRENCIES = new Set(
  'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTC BTN BWP BYN BZD CAD CDF CHF CLF CLP CNH CNY COP CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GGP GHS GIP GMD GNF GTQ GYD HKD HNL HRK HTG HUF IDR ILS IMP INR IQD IRR ISK JEP JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLL SOS SRD SSP STD STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XAG XAU XCD XDR XOF XPD XPF XPT YER ZAR ZMW ZWL'.split(
    ' ',
  ),
);
/** Codes the simulated gateway does not take (spec 1.9): records only. */
export const NOT_ON_GATEWAY = new Set(['BTC', 'XAG', 'XAU', 'XPD', 'XPT', 'XDR']);

const SYMBOLS: Record<string, string> = {
  USD: '$',
  AUD: '$',
  CAD: '$',
  NZD: '$',
  SGD: '$',
  HKD: '$',
  MXN: '$',
  EUR: '€',
  GBP: '£',
  JPY: '¥',
  CNY: '¥',
  INR: '₹',
  BRL: 'R$',
  CHF: 'CHF ',
  SEK: 'kr',
  NOK: 'kr',
  DKK: 'kr',
  KRW: '₩',
  RUB: '₽',
  ILS: '₪',
  ZAR: 'R',
};

export const symbolOf = (currency: string): string => SYMBOLS[currency] ?? '';

/** A currency of the document's list, upper-cased; anything else is a 400 naming the field. */
export function readCurrency(value: unknown, field = 'currency'): string {
  const code = typeof value === 'string' ? value.trim().toUpperCase() : '';
  if (!CURRENCIES.has(code)) throw invalid(`${field === 'currency' ? 'Currency' : field} must be a supported 3-letter currency code`, field);
  return code;
}

/**
 * A decimal amount string (digits, an optional point and up to the currency's places; no symbols,
 * commas or signs) in minor units. Zero-decimal currencies take whole numbers; three-decimal ones
 * (KWD, BHD …) take three places (the core's exponent table).
 */
export function readAmount(value: unknown, currency: string, field = 'amount'): number {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? value.trim() : '';
  const places = exponentOf(currency);
  const pattern = places === 0 ? /^\d{1,15}(\.0*)?$/ : new RegExp(`^\\d{1,15}(\\.\\d{1,${places}})?$`);
  if (!pattern.test(text)) throw invalid(`${field} must be a decimal amount such as 34.00 (no currency symbols, commas or signs)`, field);
  return parseDecimal(text, currency);
}

export function optAmount(body: Body, key: string, currency: string, field = key): number | undefined {
  const value = body[key];
  if (value === undefined || value === null || value === '') return undefined;
  return readAmount(value, currency, field);
}

/** "34.00" (three places for KWD, none for JPY). */
export const decimal = (minor: number, currency: string): string => formatDecimal(minor, currency);

/** "1,234.50" */
export function withCommas(minor: number, currency: string): string {
  const [whole, fraction] = decimal(minor, currency).split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  const digits = whole.replace('-', '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return sign + digits + (fraction !== undefined ? `.${fraction}` : '');
}

/** "$1,234.50 USD" */
export const formatted = (minor: number, currency: string): string => `${symbolOf(currency)}${withCommas(minor, currency)} ${currency}`;

/** A JSON number in major units (products, subscription setup amounts, preview): 34, 34.5. */
export const majorNumber = (minor: number, currency: string): number => Number(decimal(minor, currency));

// ---- form values (spec 1.4) --------------------------------------------------------------------

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off', '']);

export function optFlag(body: Body, key: string, field = key): boolean | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  const text = String(value).trim().toLowerCase();
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  throw invalid(`${field} must be true or false (1 or 0)`, field);
}

export function optWhole(body: Body, key: string, options: { field?: string; min?: number; max?: number } = {}): number | undefined {
  const value = body[key];
  const field = options.field ?? key;
  if (value === undefined || value === null || value === '') return undefined;
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!/^\d{1,15}$/.test(text)) throw invalid(`${field} must be a whole number`, field);
  const n = Number(text);
  if (options.min !== undefined && n < options.min) throw invalid(`${field} must be at least ${options.min}`, field);
  if (options.max !== undefined && n > options.max) throw invalid(`${field} must be at most ${options.max}`, field);
  return n;
}

export function optText(body: Body, key: string, options: { field?: string; max?: number } = {}): string | undefined {
  const value = body[key];
  const field = options.field ?? key;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') throw invalid(`${field} must be text`, field);
  const text = String(value);
  if (options.max !== undefined && text.length > options.max) throw invalid(`${field} must be at most ${options.max} characters`, field);
  return text;
}

export function reqText(body: Body, key: string, options: { field?: string; max?: number } = {}): string {
  const text = optText(body, key, options);
  if (text === undefined || text.trim() === '') throw invalid(`${options.field ?? key} is required`, options.field ?? key);
  return text;
}

/** A nested object (`customer[...]`); absent is {}. */
export function nested(body: Body, key: string): Body {
  const value = body[key];
  if (value === undefined || value === null || value === '') return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(`${key} must be given as ${key}[field]=value`, key);
  return value as Body;
}

/** An array of objects: `lines[][amount]`, `lines[0][amount]`, or a JSON array. */
export function objectList(body: Body, key: string): Body[] | undefined {
  const value = body[key];
  if (value === undefined || value === null || value === '') return undefined;
  const items = Array.isArray(value)
    ? value
    : typeof value === 'object'
      ? Object.entries(value as Body)
          .sort(([a], [b]) => Number(a) - Number(b))
          .map(([, v]) => v)
      : null;
  if (!items || items.some((item) => typeof item !== 'object' || item === null || Array.isArray(item))) throw invalid(`${key} must be a list of objects (${key}[][field]=value)`, key);
  return items as Body[];
}

/** A list of words: repeated `k[]=a&k[]=b`, indexed, a JSON array, or one comma-separated string. */
export function wordList(body: Body, key: string): string[] | undefined {
  const value = body[key];
  if (value === undefined || value === null || value === '') return undefined;
  const items = Array.isArray(value) ? value : typeof value === 'object' ? Object.values(value as Body) : String(value).split(',');
  return items.map((item) => String(item).trim()).filter((item) => item !== '');
}

/** Metadata (spec 1.10): keys ≤ 32, values ≤ 255 characters, at most 50 keys; an empty value deletes the key. */
export function readMetadata(body: Body): Record<string, string | null> | undefined {
  const value = body.metadata;
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid('metadata must be given as metadata[key]=value', 'metadata');
  const entries = Object.entries(value as Body);
  if (entries.length > 50) throw invalid('metadata can hold at most 50 keys', 'metadata');
  const out: Record<string, string | null> = {};
  for (const [k, v] of entries) {
    if (k.length > 32) throw invalid('Metadata keys must be at most 32 characters', `metadata[${k}]`);
    if (v !== null && typeof v === 'object') throw invalid('Metadata values must be text', `metadata[${k}]`);
    const text = v === null || v === undefined ? '' : String(v);
    if (text.length > 255) throw invalid('Metadata values must be at most 255 characters', `metadata[${k}]`);
    out[k] = text === '' ? null : text;
  }
  return out;
}

/** Stored metadata merged with a change (null deletes), as the object renders it. */
export function mergeMetadata(stored: unknown, change: Record<string, string | null> | undefined): Record<string, string> {
  const base: Record<string, string> = stored && typeof stored === 'object' ? { ...(stored as Record<string, string>) } : {};
  for (const [k, v] of Object.entries(change ?? {})) {
    if (v === null) delete base[k];
    else base[k] = v;
  }
  return base;
}

// ---- times (spec 1.13) -------------------------------------------------------------------------

export const seconds = (ms: number | null | undefined): number => (ms ? Math.floor(ms / 1000) : 0);

/** "moments ago", "5 minutes ago", "3 hours ago", "2 days ago", then the date. */
export function relative(ms: number, nowMs: number): string {
  const s = Math.max(0, Math.floor((nowMs - ms) / 1000));
  if (s < 60) return 'moments ago';
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'} ago`;
  if (s < 3600) return plural(Math.floor(s / 60), 'minute');
  if (s < 86_400) return plural(Math.floor(s / 3600), 'hour');
  if (s < 30 * 86_400) return plural(Math.floor(s / 86_400), 'day');
  return new Date(ms).toISOString().slice(0, 10);
}

// ---- people and places -------------------------------------------------------------------------

const REGIONS = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

/** ISO 3166 alpha-2, upper-cased; anything else is a 400. */
export function readCountry(value: unknown, field = 'country'): string {
  const code = typeof value === 'string' ? value.trim().toUpperCase() : '';
  if (code === '') return '';
  if (!/^[A-Z]{2}$/.test(code) || !countryName(code)) throw invalid(`${field} must be a 2-letter ISO country code`, field);
  return code;
}

export function countryName(code: string): string {
  if (!/^[A-Z]{2}$/.test(code)) return '';
  try {
    const name = REGIONS.of(code);
    return name && name !== code ? name : '';
  } catch {
    return '';
  }
}

const CALLING: Record<string, string> = {
  US: '1',
  CA: '1',
  GB: '44',
  AU: '61',
  NZ: '64',
  IE: '353',
  DE: '49',
  FR: '33',
  ES: '34',
  IT: '39',
  NL: '31',
  BE: '32',
  CH: '41',
  AT: '43',
  SE: '46',
  NO: '47',
  DK: '45',
  FI: '358',
  IN: '91',
  JP: '81',
  CN: '86',
  BR: '55',
  MX: '52',
  ZA: '27',
  SG: '65',
  HK: '852',
};

/** "+1 (555) 555-5555" → "+1 555-555-5555"; without "+", the country's calling code (spec 3.2). */
export function normalizePhone(raw: string, country: string): string {
  const trimmed = raw.trim();
  if (trimmed === '') return '';
  let digits = trimmed.replace(/[^\d]/g, '');
  if (!trimmed.startsWith('+')) {
    const code = CALLING[country] ?? '';
    if (code && !(code === '1' && digits.length === 11 && digits.startsWith('1'))) digits = code + digits;
  }
  if (digits.length === 11 && digits.startsWith('1')) return `+1 ${digits.slice(1, 4)}-${digits.slice(4, 7)}-${digits.slice(7)}`;
  const code = Object.values(CALLING)
    .sort((a, b) => b.length - a.length)
    .find((c) => digits.startsWith(c) && digits.length > c.length + 4);
  if (!code) return `+${digits}`;
  const national = digits.slice(code.length);
  const groups = national.match(/.{1,4}/g) ?? [national];
  return `+${code} ${groups.join('-')}`;
}

/** "Every 2 months", "Monthly", "" (spec 3.3.3). */
export function readableInterval(interval: string, count: number): string {
  if (!interval) return '';
  if (count <= 1) return { day: 'Daily', week: 'Weekly', month: 'Monthly', year: 'Yearly' }[interval] ?? '';
  return `Every ${count} ${interval}s`;
}
