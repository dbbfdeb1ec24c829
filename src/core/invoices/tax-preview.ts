// Tax on an amount at one or more rates, added on top (exclusive) or taken out of it (inclusive):
// what a checkout shows before a charge (ChargeDesk's preview). Rates are exact decimal percents.
import { applyPercent } from '../money/money.ts';

export interface TaxLine {
  name: string;
  /** Exact decimal percent, e.g. "10" or "8.25". */
  rate: string;
}

export interface TaxPreview {
  subtotal: number;
  taxes: Array<TaxLine & { amount: number }>;
  total: number;
}

export function previewTax(amount: number, rates: readonly TaxLine[], addOnTop: boolean): TaxPreview {
  if (rates.length === 0) return { subtotal: amount, taxes: [], total: amount };
  if (addOnTop) {
    const taxes = rates.map((r) => ({ ...r, amount: applyPercent(amount, r.rate) }));
    return { subtotal: amount, taxes, total: amount + taxes.reduce((s, t) => s + t.amount, 0) };
  }
  // Inclusive: subtotal = total ÷ (1 + Σrate), each line its share of the tax.
  const unit = 1_000_000;
  const withTax = rates.reduce((s, r) => s + applyPercent(unit, r.rate), unit);
  const subtotal = Math.floor((amount * unit * 2 + withTax) / (2 * withTax));
  const tax = amount - subtotal;
  const weights = rates.map((r) => applyPercent(unit, r.rate));
  const sum = weights.reduce((s, w) => s + w, 0);
  let left = tax;
  const taxes = rates.map((r, i) => {
    const share = i === rates.length - 1 ? left : Math.floor((tax * weights[i] * 2 + sum) / (2 * sum));
    left -= share;
    return { ...r, amount: share };
  });
  return { subtotal, taxes, total: amount };
}
