// Card and bank number checks. Brand detection and Luhn come from card-validator.
import cardValidator from 'card-validator';
import luhn10 from 'card-validator/dist/luhn-10.js';

export type CardBrand = 'visa' | 'mastercard' | 'amex' | 'discover' | 'diners' | 'jcb' | 'unionpay' | 'maestro' | 'unknown';

const BRANDS: Record<string, CardBrand> = {
  visa: 'visa',
  mastercard: 'mastercard',
  'american-express': 'amex',
  discover: 'discover',
  'diners-club': 'diners',
  jcb: 'jcb',
  unionpay: 'unionpay',
  maestro: 'maestro',
};

export function cleanCardNumber(number: string): string {
  return number.replace(/[\s-]/g, '');
}

// card-validator matches a number's leading digits against prefix patterns of at most 8 digits
// (and clones its whole table of brands on every call): the brand of a number of 8 digits or more
// is the brand of its first 8, so it is kept per prefix (a bounded map: there are few BINs in use).
const BRAND_PREFIX = 8;
const brandByPrefix = new Map<string, CardBrand>();

function brandOf(digits: string): CardBrand {
  const type = cardValidator.number(digits).card?.type;
  return (type && BRANDS[type]) || 'unknown';
}

export function detectBrand(number: string): CardBrand {
  const digits = cleanCardNumber(number);
  if (digits.length < BRAND_PREFIX || !/^\d+$/.test(digits)) return brandOf(digits);
  const prefix = digits.slice(0, BRAND_PREFIX);
  let brand = brandByPrefix.get(prefix);
  if (brand === undefined) {
    brand = brandOf(digits);
    if (brandByPrefix.size >= 10_000) brandByPrefix.clear();
    brandByPrefix.set(prefix, brand);
  }
  return brand;
}

/** 12–19 digits that pass Luhn (13-digit test Visas included, which card-validator's length table omits). */
export function isValidCardNumber(number: string): boolean {
  const digits = cleanCardNumber(number);
  return /^\d{12,19}$/.test(digits) && luhn10(digits);
}

export function isExpired(expMonth: number, expYear: number, nowMs: number): boolean {
  const now = new Date(nowMs);
  const year = expYear < 100 ? 2000 + expYear : expYear;
  return year < now.getUTCFullYear() || (year === now.getUTCFullYear() && expMonth < now.getUTCMonth() + 1);
}

/** ABA routing checksum: weights 3,7,1 repeated, sum divisible by 10. */
export function isValidRoutingNumber(routing: string): boolean {
  if (!/^\d{9}$/.test(routing)) return false;
  const weights = [3, 7, 1, 3, 7, 1, 3, 7, 1];
  const sum = routing.split('').reduce((acc, digit, i) => acc + Number(digit) * weights[i], 0);
  return sum % 10 === 0 && routing !== '000000001';
}

export function maskNumber(number: string, visibleStart: number, visibleEnd = 4): string {
  const digits = cleanCardNumber(number);
  return digits.slice(0, visibleStart) + '*'.repeat(Math.max(0, digits.length - visibleStart - visibleEnd)) + digits.slice(-visibleEnd);
}
