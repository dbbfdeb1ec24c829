// A tenant's exchange rates (ChargeOver's currency actions): a rate set from A to B also sets B to A
// as its inverse (six decimals); a pair never set falls back to a fixed table through USD, so a
// client always gets a number. Rates are exact decimals kept as text in millionths; nothing else in
// the core converts money with them.
import type { TenantContext } from '../context.ts';
import { invalid } from '../errors/domain-error.ts';
import { mergeTenantSetting, tenantSetting } from '../tenants/settings.ts';

const SCALE = 1_000_000n;
/** Units of each currency one US dollar buys, in millionths (the default table). */
const PER_USD: Record<string, bigint> = { USD: 1_000_000n, EUR: 920_000n, CAD: 1_360_000n, AUD: 1_520_000n, GBP: 790_000n };

/** Currencies the default table knows (a pair outside it must be set before it is read). */
export const RATE_CURRENCIES = Object.keys(PER_USD);

const divide = (numerator: bigint, denominator: bigint): bigint => (numerator * 2n + denominator) / (denominator * 2n); // rounded half up

function micros(rate: number | string, field: string): bigint {
  const text = typeof rate === 'number' ? String(rate) : rate.trim();
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw invalid(`${field} must be a positive number`, field);
  const fraction = (m[2] ?? '').padEnd(7, '0');
  const value = BigInt(m[1]) * SCALE + BigInt(fraction.slice(0, 6)) + (Number(fraction[6]) >= 5 ? 1n : 0n);
  if (value <= 0n) throw invalid(`${field} must be greater than zero`, field);
  return value;
}

const text = (value: bigint): string => `${value / SCALE}.${String(value % SCALE).padStart(6, '0')}`;

function pairKey(from: string, to: string): string {
  return `${from}_${to}`;
}

/** Sets the rate from → to (and to → from as its inverse); returns the stored rate as a decimal text. */
export async function setExchangeRate(ctx: TenantContext, from: string, to: string, rate: number | string): Promise<string> {
  if (from === to) throw invalid('from and to must be different currencies', 'to');
  const value = micros(rate, 'exchange');
  const inverse = divide(SCALE * SCALE, value);
  await mergeTenantSetting(ctx, 'exchange_rates', { [pairKey(from, to)]: text(value), [pairKey(to, from)]: text(inverse > 0n ? inverse : 1n) });
  return text(value);
}

/** The rate from → to: 1 for one currency, the tenant's own, else the default table's through USD. */
export async function exchangeRate(ctx: TenantContext, from: string, to: string): Promise<string> {
  if (from === to) return text(SCALE);
  const own = (await tenantSetting<Record<string, string>>(ctx, 'exchange_rates'))[pairKey(from, to)];
  if (typeof own === 'string') return own;
  const a = PER_USD[from];
  const b = PER_USD[to];
  if (a === undefined || b === undefined) throw invalid(`No exchange rate from ${from} to ${to}`, 'to');
  return text(divide(b * SCALE, a));
}
