// Invoice arithmetic, pure and exact: every amount is an integer count of the currency's minor
// units, every percentage an exact decimal string multiplied in BigInt by core/money, and every
// rounding is explicit, half away from zero, at one minor unit (1 yen, 1 cent, 1 fils: the
// currency's exponent is already in the unit, so no step here needs it).
//
// The order of operations, which every front door renders from:
//   line gross     = round(quantity × unit price)                        once per line
//   line amount    = gross − line discount                               exact (the discount is minor units)
//   line tax       = round(line amount × line tax rate %)                once per line
//   net subtotal   = Σ line amounts                                      (after line discounts)
//   invoice tax    = round(net subtotal × invoice tax percent %)         once per invoice, on the sum
//   adjustments    = Σ signed adjustment amounts                         exact; not taxed
//   total          = net subtotal + Σ line taxes + invoice tax + adjustments
// The invoice-level tax is computed after line discounts (a discount lowers what is taxed, as in
// FluidPay's §4.7) and before adjustments (shipping, handling, FluidPay's `adjustment` are added
// untaxed). It applies to every line's amount; a vendor with lines exempt from it would need a
// per-line flag, which no door has asked for yet.
import { invalid } from '../errors/domain-error.ts';
import { applyPercent, multiplyQuantity, normalizeDecimalText } from '../money/money.ts';

export interface LineInput {
  itemId?: number | null;
  description?: string | null;
  /** Exact decimal string or integer; default "1". */
  quantity?: string | number;
  unitPrice: number;
  discount?: number;
  /** Percent as an exact decimal string ("8.25"). */
  taxRate?: string | number;
  vendorData?: Record<string, unknown>;
  /**
   * A line priced as a percentage (exact decimal string) of the invoice's other lines — those that
   * are not themselves percentages — after their discounts (Quick Bill's percentage rate type). Its
   * unitPrice is ignored; the computed price is stored as its unit price with quantity 1.
   */
  percentOfOthers?: string | number;
}

/** What an invoice-level adjustment is for; doors map their own fields onto these words. */
export const AdjustmentKind = { ADJUSTMENT: 'adjustment', SHIPPING: 'shipping', HANDLING: 'handling' } as const;
export type AdjustmentKind = (typeof AdjustmentKind)[keyof typeof AdjustmentKind];
const ADJUSTMENT_KINDS = new Set<string>(Object.values(AdjustmentKind));

/** A signed amount added to the invoice after tax (a surcharge, shipping, or a negative correction). */
export interface AdjustmentInput {
  kind?: AdjustmentKind;
  description?: string | null;
  /** Signed integer minor units. */
  amount: number;
}

export interface Adjustment {
  kind: AdjustmentKind;
  description: string | null;
  amount: number;
}

/** Invoice-level charges on top of the lines. */
export interface InvoiceCharges {
  /** Percent as an exact decimal string ("10.00" = 10 %), applied to the net subtotal; default "0". */
  taxPercent?: string | number;
  adjustments?: AdjustmentInput[];
}

export interface ComputedLine {
  position: number;
  item_id: number | null;
  description: string | null;
  quantity: string;
  unit_price: number;
  discount: number;
  tax_rate: string;
  tax: number;
  amount: number;
  vendor_data: string;
}

/** The per-line figures totals need; stored line rows have them too. */
export interface LineAmounts {
  /** After the line discount, before tax. */
  amount: number;
  discount: number;
  tax: number;
}

export interface InvoiceTotals {
  /** Σ line gross, before discounts. */
  subtotal: number;
  /** Σ line discounts. */
  discountTotal: number;
  /** Σ line taxes. */
  lineTax: number;
  /** Normalised invoice-level percent ("10", "8.25"). */
  taxPercent: string;
  /** round(net subtotal × taxPercent %). */
  invoiceTax: number;
  /** lineTax + invoiceTax. */
  taxTotal: number;
  adjustments: Adjustment[];
  adjustmentTotal: number;
  total: number;
}

/** Sums exactly and refuses a result outside the safe-integer range rather than lose a unit. */
function sum(values: number[], field: string): number {
  let total = 0n;
  for (const value of values) total += BigInt(value);
  if (total > BigInt(Number.MAX_SAFE_INTEGER) || total < BigInt(Number.MIN_SAFE_INTEGER)) throw invalid('Amount out of range', field);
  return Number(total);
}

function decimalText(value: string | number | undefined | null, fallback: string, field: string): string {
  if (value === undefined || value === null) return fallback;
  const text = typeof value === 'number' ? String(value) : value;
  try {
    return normalizeDecimalText(text);
  } catch {
    throw invalid(`${field} must be a decimal number`, field);
  }
}

function percentText(value: string | number | undefined | null, field: string): string {
  const text = decimalText(value, '0', field);
  if (text.startsWith('-')) throw invalid(`${field} cannot be negative`, field);
  return text;
}

/** Guards the money helpers' own range errors so a huge input is a 400 naming its field, not a 500. */
function exact(compute: () => number, field: string): number {
  try {
    return compute();
  } catch {
    throw invalid('Amount out of range', field);
  }
}

export function computeLines(lines: LineInput[]): ComputedLine[] {
  const plain = lines.filter((line) => line.percentOfOthers === undefined || line.percentOfOthers === null);
  if (plain.length === lines.length) return lines.map(computeLine);
  // Percentage lines are priced from the others' amounts (after discounts), rounded once each.
  const base = sum(
    plain.map((line, i) => computeLine(line, i).amount),
    'lines',
  );
  return lines.map((line, position) => {
    if (line.percentOfOthers === undefined || line.percentOfOthers === null) return computeLine(line, position);
    const percent = percentText(line.percentOfOthers, `lines[${position}].percent`);
    const price = exact(() => applyPercent(base, percent), `lines[${position}].percent`);
    return computeLine({ ...line, unitPrice: price, quantity: '1' }, position);
  });
}

function computeLine(line: LineInput, position: number): ComputedLine {
  const path = `lines[${position}]`;
  if (!Number.isSafeInteger(line.unitPrice)) throw invalid('Line price must be an amount', `${path}.unit_price`);
  const quantity = decimalText(line.quantity, '1', `${path}.quantity`);
  const taxRate = percentText(line.taxRate, `${path}.tax_rate`);
  const gross = exact(() => multiplyQuantity(line.unitPrice, quantity), `${path}.quantity`);
  const discount = line.discount ?? 0;
  if (!Number.isSafeInteger(discount) || discount < 0) throw invalid('Line discount must be a non-negative amount', `${path}.discount`);
  if (discount > Math.max(0, gross)) throw invalid('Line discount cannot exceed the line amount', `${path}.discount`);
  const amount = gross - discount;
  return {
    position,
    item_id: line.itemId ?? null,
    description: line.description ?? null,
    quantity,
    unit_price: line.unitPrice,
    discount,
    tax_rate: taxRate,
    tax: exact(() => applyPercent(amount, taxRate), `${path}.tax_rate`),
    amount,
    vendor_data: JSON.stringify(line.vendorData ?? {}),
  };
}

function normalizeAdjustments(adjustments: AdjustmentInput[] | Adjustment[]): Adjustment[] {
  return adjustments.map((adjustment, i) => {
    const kind = adjustment.kind ?? AdjustmentKind.ADJUSTMENT;
    if (!ADJUSTMENT_KINDS.has(kind)) throw invalid(`Unknown adjustment kind ${String(kind)}`, `adjustments[${i}].kind`);
    if (!Number.isSafeInteger(adjustment.amount)) throw invalid('Adjustment must be an amount', `adjustments[${i}].amount`);
    return { kind, description: adjustment.description ?? null, amount: adjustment.amount };
  });
}

/** The invoice's figures from its lines (computed or stored) and its invoice-level charges. */
export function computeTotals(lines: LineAmounts[], charges: InvoiceCharges = {}): InvoiceTotals {
  const discountTotal = sum(
    lines.map((line) => line.discount),
    'lines',
  );
  const net = sum(
    lines.map((line) => line.amount),
    'lines',
  );
  const subtotal = sum([net, discountTotal], 'lines');
  const lineTax = sum(
    lines.map((line) => line.tax),
    'lines',
  );
  const taxPercent = percentText(charges.taxPercent, 'tax_percent');
  const invoiceTax = exact(() => applyPercent(net, taxPercent), 'tax_percent');
  const taxTotal = sum([lineTax, invoiceTax], 'tax_percent');
  const adjustments = normalizeAdjustments(charges.adjustments ?? []);
  const adjustmentTotal = sum(
    adjustments.map((a) => a.amount),
    'adjustments',
  );
  const total = sum([net, taxTotal, adjustmentTotal], 'adjustments');
  // An invoice asks for money; a negative total would be a credit note, which is another object.
  if (total < 0) throw invalid('The invoice total cannot be negative', 'adjustments');
  return { subtotal, discountTotal, lineTax, taxPercent, invoiceTax, taxTotal, adjustments, adjustmentTotal, total };
}

/** What an invoice's figures post as revenue: the net subtotal plus adjustments (tax goes to tax payable). */
export function revenueOf(figures: { subtotal: number; discount_total: number; adjustment_total: number }): number {
  return figures.subtotal - figures.discount_total + figures.adjustment_total;
}

/**
 * The tax part of `reversible` when an invoice whose `total` includes `tax` is reversed in part:
 * tax × reversible / total, rounded down (toward −∞), in BigInt so a large invoice loses no unit.
 */
export function taxShareOf(tax: number, total: number, reversible: number): number {
  if (total === 0) return 0;
  const numerator = BigInt(tax) * BigInt(reversible);
  const denominator = BigInt(total);
  const quotient = numerator / denominator;
  const floored = numerator % denominator !== 0n && numerator < 0n !== denominator < 0n ? quotient - 1n : quotient;
  return Number(floored);
}
