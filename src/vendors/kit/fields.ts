// Reading a door's request fields into core inputs with the field's name in every error (the door
// renders it in its envelope: ChargeDesk's incorrect_parameter, Invoiced's param). Strict readers
// take only the JSON type; lenient ones also take the string forms form-encoded bodies carry
// ("12", "true"), as PHP and Ruby clients send them.
import { invalid } from '../../core/errors/domain-error.ts';

export type Body = Record<string, unknown>;

export interface ReaderOptions {
  /** Accept string forms of numbers and booleans (form bodies). */
  lenient?: boolean;
  /** The field's name in errors, when it differs from the key (a nested path). */
  path?: string;
}

export const isObject = (value: unknown): value is Body => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The request body as an object ({} when absent); anything else is a 400. */
export function bodyObject(value: unknown): Body {
  if (value === undefined || value === null || value === '') return {};
  if (!isObject(value)) throw invalid('The request body must be an object', 'body');
  return value;
}

const present = (value: unknown) => value !== undefined && value !== null;

export function optString(body: Body, key: string, options: ReaderOptions & { max?: number } = {}): string | undefined {
  const value = body[key];
  const path = options.path ?? key;
  if (!present(value)) return undefined;
  const text = typeof value === 'string' ? value : options.lenient && (typeof value === 'number' || typeof value === 'boolean') ? String(value) : undefined;
  if (text === undefined) throw invalid(`${path} must be a string`, path);
  if (options.max !== undefined && text.length > options.max) throw invalid(`${path} must be at most ${options.max} characters`, path);
  return text;
}

export function reqString(body: Body, key: string, options: ReaderOptions & { max?: number } = {}): string {
  const text = optString(body, key, options);
  if (text === undefined || text === '') throw invalid(`${options.path ?? key} is required`, options.path ?? key);
  return text;
}

export function optInt(body: Body, key: string, options: ReaderOptions & { min?: number; max?: number } = {}): number | undefined {
  const value = body[key];
  const path = options.path ?? key;
  if (!present(value) || value === '') return undefined;
  const n = typeof value === 'number' ? value : options.lenient && typeof value === 'string' && /^-?\d{1,15}$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isSafeInteger(n)) throw invalid(`${path} must be a whole number`, path);
  if (options.min !== undefined && n < options.min) throw invalid(`${path} must be at least ${options.min}`, path);
  if (options.max !== undefined && n > options.max) throw invalid(`${path} must be at most ${options.max}`, path);
  return n;
}

export function optBool(body: Body, key: string, options: ReaderOptions = {}): boolean | undefined {
  const value = body[key];
  const path = options.path ?? key;
  if (!present(value) || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  if (options.lenient) {
    const text = String(value).toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(text)) return true;
    if (['0', 'false', 'no', 'off'].includes(text)) return false;
  }
  throw invalid(`${path} must be true or false`, path);
}

/** One of the allowed words (case as given), or undefined when absent. */
export function optOneOf<T extends string>(body: Body, key: string, allowed: readonly T[], options: ReaderOptions = {}): T | undefined {
  const text = optString(body, key, options);
  if (text === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(text)) throw invalid(`${options.path ?? key} must be one of ${allowed.join(', ')}`, options.path ?? key);
  return text as T;
}

/** A string→string map (metadata), each value at most `max` characters. */
export function optMetadata(body: Body, key: string, options: ReaderOptions & { max?: number; maxKeys?: number } = {}): Record<string, string> | undefined {
  const value = body[key];
  const path = options.path ?? key;
  if (!present(value)) return undefined;
  if (!isObject(value)) throw invalid(`${path} must be an object of strings`, path);
  const entries = Object.entries(value);
  if (options.maxKeys !== undefined && entries.length > options.maxKeys) throw invalid(`${path} has more than ${options.maxKeys} keys`, path);
  const out: Record<string, string> = {};
  for (const [k, v] of entries) {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw invalid(`${path}[${k}] must be a string`, `${path}[${k}]`);
    const text = String(v);
    if (options.max !== undefined && text.length > options.max) throw invalid(`${path}[${k}] must be at most ${options.max} characters`, `${path}[${k}]`);
    out[k] = text;
  }
  return out;
}
