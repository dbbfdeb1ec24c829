// The only place that knows about decimals. Inside Bursar an amount is a safe integer count of
// the currency's minor units; each wire style is converted here, without float arithmetic.
import { exponentOf } from './currencies.ts';

export class MoneyFormatError extends Error {}

const DECIMAL = /^([+-])?(\d+)(?:\.(\d*))?$/;

/**
 * Parses a decimal string in major units ("12.34", "-0.5", "1000") into minor units.
 * More fractional digits than the currency allows are refused unless they are zeros.
 */
export function parseDecimal(text: string, currency: string): number {
  const match = DECIMAL.exec(text.trim());
  if (!match) throw new MoneyFormatError(`not a decimal amount: ${JSON.stringify(text)}`);
  const [, sign, whole, fraction = ''] = match;
  const exp = exponentOf(currency);
  const extra = fraction.slice(exp);
  if (/[1-9]/.test(extra)) throw new MoneyFormatError(`too many decimal places for ${currency}: ${text}`);
  const minorText = whole + fraction.slice(0, exp).padEnd(exp, '0');
  const minor = BigInt(minorText) * (sign === '-' ? -1n : 1n);
  return toSafe(minor, text);
}

/**
 * Converts a JSON number in major units (ChargeOver's floats) to minor units. The number's shortest
 * decimal representation is what the client wrote, so it is parsed as text and rounded half away
 * from zero at the currency's exponent (12.345 USD → 1235): clients send float artefacts.
 */
export function parseFloatMajor(value: number, currency: string): number {
  if (!Number.isFinite(value)) throw new MoneyFormatError(`not a finite amount: ${value}`);
  const text = plainDecimal(value);
  return roundDecimalText(text, exponentOf(currency));
}

/** Integer minor units on the wire (FluidPay, AffiniPay cents). */
export function parseMinorInteger(value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d{1,15}$/.test(value.trim())) return Number(value.trim());
  throw new MoneyFormatError(`not an integer amount: ${JSON.stringify(value)}`);
}

/** Minor units to a decimal string in major units: 1234 USD → "12.34", 5 JPY → "5", 1 KWD → "0.001". */
export function formatDecimal(minor: number, currency: string): string {
  const exp = exponentOf(currency);
  const negative = minor < 0;
  const digits = String(Math.abs(minor)).padStart(exp + 1, '0');
  const whole = digits.slice(0, digits.length - exp);
  const fraction = digits.slice(digits.length - exp);
  return (negative ? '-' : '') + whole + (exp > 0 ? '.' + fraction : '');
}

/** Minor units to a JSON number in major units (the float a ChargeOver client expects). */
export function toFloatMajor(minor: number, currency: string): number {
  return Number(formatDecimal(minor, currency));
}

/** Human formatting with the currency symbol, for fields such as ChargeOver's total_formatted. */
export function formatDisplay(minor: number, currency: string, locale = 'en-US'): string {
  const exp = exponentOf(currency);
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: exp,
    maximumFractionDigits: exp,
  }).format(toFloatMajor(minor, currency));
}

function plainDecimal(value: number): string {
  const text = String(value);
  if (!/e/i.test(text)) return text;
  // Exponent notation (1e-7, 1.5e+21): expand through BigInt-free string shifting.
  const [mantissa, expText] = text.toLowerCase().split('e');
  const shift = Number(expText);
  const negative = mantissa.startsWith('-');
  const [whole, fraction = ''] = mantissa.replace('-', '').split('.');
  const digits = whole + fraction;
  const point = whole.length + shift;
  const expanded = point <= 0 ? '0.' + '0'.repeat(-point) + digits : point >= digits.length ? digits + '0'.repeat(point - digits.length) : digits.slice(0, point) + '.' + digits.slice(point);
  return (negative ? '-' : '') + expanded;
}

function roundDecimalText(text: string, exp: number): number {
  const match = DECIMAL.exec(text);
  if (!match) throw new MoneyFormatError(`not a decimal amount: ${text}`);
  const [, sign, whole, fraction = ''] = match;
  let minor = BigInt(whole + fraction.slice(0, exp).padEnd(exp, '0'));
  const next = fraction.charAt(exp);
  if (next !== '' && next >= '5') minor += 1n;
  return toSafe(sign === '-' ? -minor : minor, text);
}

function toSafe(minor: bigint, source: string): number {
  if (minor > BigInt(Number.MAX_SAFE_INTEGER) || minor < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new MoneyFormatError(`amount out of range: ${source}`);
  }
  return Number(minor);
}

/** quantity (exact decimal string) × unit price (minor units), rounded half away from zero. */
export function multiplyQuantity(unitPrice: number, quantity: string): number {
  const match = DECIMAL.exec(quantity.trim());
  if (!match) throw new MoneyFormatError(`not a decimal quantity: ${quantity}`);
  const [, sign, whole, fraction = ''] = match;
  const scale = 10n ** BigInt(fraction.length);
  const q = BigInt(whole + fraction) * (sign === '-' ? -1n : 1n);
  return toSafe(divideRounded(BigInt(unitPrice) * q, scale), quantity);
}

/** amount × percent (exact decimal string, "8.25" = 8.25 %), rounded half away from zero. */
export function applyPercent(amount: number, percent: string): number {
  const match = DECIMAL.exec(percent.trim());
  if (!match) throw new MoneyFormatError(`not a decimal percentage: ${percent}`);
  const [, sign, whole, fraction = ''] = match;
  const scale = 100n * 10n ** BigInt(fraction.length);
  const p = BigInt(whole + fraction) * (sign === '-' ? -1n : 1n);
  return toSafe(divideRounded(BigInt(amount) * p, scale), percent);
}

function divideRounded(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const rounded = (n * 2n + d) / (2n * d);
  return negative ? -rounded : rounded;
}

/** The exact product of two decimal strings ("99.5" × "3" = "298.5"), normalised. */
export function multiplyDecimals(a: string, b: string): string {
  const parse = (text: string) => {
    const match = DECIMAL.exec(text.trim());
    if (!match) throw new MoneyFormatError(`not a decimal number: ${text}`);
    const [, sign, whole, fraction = ''] = match;
    return { value: BigInt(whole + fraction) * (sign === '-' ? -1n : 1n), places: fraction.length };
  };
  const x = parse(a);
  const y = parse(b);
  const product = x.value * y.value;
  const places = x.places + y.places;
  const negative = product < 0n;
  const digits = (negative ? -product : product).toString().padStart(places + 1, '0');
  const text = places === 0 ? digits : `${digits.slice(0, -places)}.${digits.slice(-places)}`;
  return normalizeDecimalText(`${negative ? '-' : ''}${text}`);
}

/** Normalises a decimal string ("1.50" → "1.5", "2.0" → "2"), refusing anything else. */
export function normalizeDecimalText(text: string): string {
  const match = DECIMAL.exec(text.trim());
  if (!match) throw new MoneyFormatError(`not a decimal number: ${text}`);
  const [, sign, whole, fraction = ''] = match;
  const frac = fraction.replace(/0+$/, '');
  const w = whole.replace(/^0+(?=\d)/, '');
  const body = frac ? `${w}.${frac}` : w;
  return sign === '-' && body !== '0' ? '-' + body : body;
}
