// Exact decimal quantities (strings such as "1", "2.5", "0.125") for subscription lines and usage:
// sums, whole multiples and comparisons in BigInt, never floats.
import { invalid } from '../errors/domain-error.ts';
import { normalizeDecimalText } from '../money/money.ts';

interface Scaled {
  units: bigint;
  scale: number;
}

function scaled(text: string): Scaled {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) throw invalid(`not a decimal quantity: ${text}`, 'quantity');
  const [, sign, whole, fraction = ''] = match;
  return { units: BigInt(whole + fraction) * (sign === '-' ? -1n : 1n), scale: fraction.length };
}

function format({ units, scale }: Scaled): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return normalizeDecimalText(`${negative ? '-' : ''}${text}`);
}

function align(a: Scaled, b: Scaled): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [a.units * 10n ** BigInt(scale - a.scale), b.units * 10n ** BigInt(scale - b.scale), scale];
}

/** A quantity as the canonical decimal text; refuses anything else (a 400 naming `field`). */
export function quantityText(value: string | number | null | undefined, field: string, fallback = '1'): string {
  if (value === undefined || value === null || value === '') return fallback;
  try {
    const text = normalizeDecimalText(String(value));
    if (text.startsWith('-')) throw new Error('negative');
    return text;
  } catch {
    throw invalid(`${field} must be a non-negative number`, field);
  }
}

export function addQuantities(a: string, b: string): string {
  const [x, y, scale] = align(scaled(a), scaled(b));
  return format({ units: x + y, scale });
}

export function timesWhole(a: string, n: number): string {
  const s = scaled(a);
  return format({ units: s.units * BigInt(n), scale: s.scale });
}

/** -1, 0 or 1 as a < b, a = b, a > b. */
export function compareQuantities(a: string, b: string): number {
  const [x, y] = align(scaled(a), scaled(b));
  return x < y ? -1 : x > y ? 1 : 0;
}

export const isZeroQuantity = (a: string): boolean => scaled(a).units === 0n;
