// POST /invoice/{id}?action=pay (spec 2.4 I8-I10, 4.12): a card or ACH account given inline, the
// customer's open balance, or else the customer's stored methods. The whole balance is charged.
import type { PaymentSource } from '../../core/payments/payments.ts';
import { getInvoice } from '../../core/invoices/invoices.ts';
import { applyCustomerBalance, chargeAndApply } from '../../core/invoices/settle-invoices.ts';
import { unschedulePayments } from '../../core/invoices/schedules.ts';
import { isValidCardNumber, isValidRoutingNumber, cleanCardNumber } from '../../core/processor/cards.ts';
import type { TenantContext } from '../../core/context.ts';
import { bad, ok, type CoRequest, type CoResult } from './envelope.ts';
import { target } from './refs.ts';
import { asObject, optBool, optInt, optString, transactionVendorData } from './wire.ts';

export function inlineCard(body: Record<string, unknown>): PaymentSource {
  const number = cleanCardNumber(optString(body, 'number') ?? '');
  if (!isValidCardNumber(number)) throw bad('The card number is invalid');
  const month = optInt(body, 'expdate_month');
  const year = optInt(body, 'expdate_year');
  if (!month || month < 1 || month > 12) throw bad('expdate_month must be 1 to 12');
  if (!year || year < 1000 || year > 9999) throw bad('expdate_year must be a 4-digit year');
  const address = { line1: optString(body, 'address') ?? null, city: optString(body, 'city') ?? null, state: optString(body, 'state') ?? null, postal_code: optString(body, 'postcode') ?? null, country: optString(body, 'country') ?? null };
  return { card: { number, expMonth: month, expYear: year, holderName: optString(body, 'name') ?? null, address, cvv: optString(body, 'cvv') ?? null } };
}

export function inlineBank(body: Record<string, unknown>): PaymentSource {
  const routing = optString(body, 'routing') ?? '';
  const account = (optString(body, 'number') ?? '').replace(/[\s-]/g, '');
  if (!isValidRoutingNumber(routing)) throw bad('The routing number is invalid');
  if (!/^\d{4,17}$/.test(account)) throw bad('The account number is invalid');
  const type = optString(body, 'type') ?? 'chec';
  if (type !== 'chec' && type !== 'savi') throw bad('type must be chec or savi');
  return { bank: { routingNumber: routing, accountNumber: account, accountType: type === 'savi' ? 'savings' : 'checking', holderName: optString(body, 'name') ?? null } };
}

/** The customer's stored cards and bank accounts, default (oldest) first. */
export async function storedSources(ctx: TenantContext, customerId: number): Promise<PaymentSource[]> {
  const rows = await ctx.db.selectFrom('payment_methods').select('id').where('tenant_id', '=', ctx.tenant.id).where('customer_id', '=', customerId).where('status', '=', 'active').where('kind', 'in', ['card', 'bank']).orderBy('id').execute();
  return rows.map((row) => ({ methodId: row.id }));
}

/** Scheduled payments of invoices that are now paid in full are cancelled (spec 4.11). */
export async function clearSchedulesOfPaid(ctx: TenantContext, invoiceIds: number[]): Promise<void> {
  if (invoiceIds.length === 0) return;
  const paid = await ctx.db.selectFrom('invoices').select('id').where('tenant_id', '=', ctx.tenant.id).where('id', 'in', invoiceIds).where('balance', '<=', 0).execute();
  for (const row of paid) await unschedulePayments(ctx, row.id);
}

export async function payInvoice(req: CoRequest, segment: string): Promise<CoResult> {
  const id = await target(req.ctx, 'invoice', segment);
  const body = asObject(req.body);
  const invoice = await getInvoice(req.ctx, id);
  if (invoice.status !== 'open' || invoice.balance <= 0) throw bad(`Invoice ${id} has no balance due`);
  if (optBool(body, 'use_customer_balance')) {
    await applyCustomerBalance(req.ctx, id);
    await clearSchedulesOfPaid(req.ctx, [id]);
    return ok(true);
  }
  let sources: PaymentSource[];
  if (body.routing !== undefined) sources = [inlineBank(body)];
  else if (body.number !== undefined) sources = [inlineCard(body)];
  else {
    sources = await storedSources(req.ctx, invoice.customer_id);
    if (sources.length === 0) throw bad('No payment method available');
  }
  const result = await chargeAndApply(req.ctx, {
    customerId: invoice.customer_id,
    amount: invoice.balance,
    currency: invoice.currency,
    sources,
    applyTo: [{ invoiceId: id }],
    vendorData: transactionVendorData(),
    // ChargeOver's own example card expired in 2017: expiry is not judged here (spec 4.12).
    processor: { checkExpiry: false },
  });
  if (!result.approved) throw bad('Payment declined', { transaction_id: result.transaction.id });
  await clearSchedulesOfPaid(req.ctx, [id]);
  return ok(true);
}
