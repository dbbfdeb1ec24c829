// GET /charges/preview (spec 4.9): subtotal, tax lines and total for an amount (or a charge's, or a
// product's), in camelCase with numbers, from the company's tax table (a door setting; the seeded
// default is US "Tax" 10 % added on top, so the document's example reproduces).
import type { FastifyRequest } from 'fastify';
import { doorSettings } from '../../core/tenants/door-settings.ts';
import { previewTax } from '../../core/invoices/tax-preview.ts';
import { catalogItemsByIds } from '../../core/catalog/queries.ts';
import { customersByIds } from '../../core/customers/queries.ts';
import { addressesByIds } from '../../core/customers/addresses.ts';
import { invalid } from '../../core/errors/domain-error.ts';
import { cdRequest } from './context.ts';
import { chargeByPath } from './charges.ts';
import { badParam } from './errors.ts';
import { objectIdOf } from './ids.ts';
import { productData, productPrice } from './views.ts';
import { decimal, majorNumber, optFlag, optText, readAmount, readCountry, readCurrency, symbolOf, VENDOR, withCommas } from './wire.ts';

export interface TaxRule {
  country: string;
  name: string;
  rate: number;
  exempt_with_tax_number: boolean;
}

export const DEFAULT_TAX: TaxRule[] = [{ country: 'US', name: 'Tax', rate: 10, exempt_with_tax_number: false }];

export async function previewRoute(request: FastifyRequest) {
  const req = cdRequest(request);
  const q = req.query;
  let amount: number | undefined;
  let currency: string | undefined;
  let country = '';
  const chargeId = optText(q, 'charge_id');
  const productId = optText(q, 'product_id');
  if (chargeId) {
    const charge = await chargeByPath(req.ctx, chargeId).catch(() => {
      throw badParam('No such charge', 'charge_id');
    });
    amount = charge.amount;
    currency = charge.currency;
    const [customer] = charge.customer_id !== null ? await customersByIds(req.ctx, [charge.customer_id], { includeDeleted: true }) : [];
    if (customer?.billing_address_id) country = (await addressesByIds(req.ctx, [customer.billing_address_id])).get(customer.billing_address_id)?.country ?? '';
  } else if (productId) {
    const id = await objectIdOf(req.ctx, 'product', productId);
    const [product] = id === null ? [] : await catalogItemsByIds(req.ctx, [id]);
    const price = product ? productPrice(product) : null;
    if (!product) throw badParam('No such product', 'product_id');
    if (price) {
      amount = price.amount * (productData(product).quantity ?? 1);
      currency = price.currency;
    }
  }
  const currencyText = optText(q, 'currency');
  if (currencyText) currency = readCurrency(currencyText);
  if (!currency) throw badParam('currency is required', 'currency');
  const amountText = optText(q, 'amount');
  if (amountText) amount = readAmount(amountText, currency);
  if (amount === undefined) throw badParam('amount is required', 'amount');
  const countryText = optText(q, 'country');
  if (countryText) country = readCountry(countryText);
  const settings = doorSettings(req.ctx.tenant, VENDOR);
  const table = (settings.tax_rules as TaxRule[] | undefined) ?? DEFAULT_TAX;
  const hasNumber = (optText(q, 'tax_number') ?? '').trim() !== '';
  const rules = table.filter((r) => r.country === country && !(hasNumber && r.exempt_with_tax_number));
  const addOnTop = optFlag(q, 'add_tax') ?? (settings.add_tax as boolean | undefined) ?? true;
  if (!Number.isFinite(amount)) throw invalid('amount is invalid', 'amount');
  const result = previewTax(
    amount,
    rules.map((r) => ({ name: r.name, rate: String(r.rate) })),
    addOnTop,
  );
  const cur = currency;
  const money = (minor: number) => `${symbolOf(cur)}${withCommas(minor, cur)}`;
  void decimal;
  return {
    subtotalAmount: majorNumber(result.subtotal, cur),
    subtotalAmountFormatted: money(result.subtotal),
    taxRates: result.taxes.map((t) => ({ name: t.name, rate: Number(t.rate), amount: majorNumber(t.amount, cur), amountFormatted: money(t.amount) })),
    totalAmount: majorNumber(result.total, cur),
    totalAmountFormatted: money(result.total),
  };
}
