// POST /invoice/{id}?action=pay (spec 2.4 I8-I10, 4.12): a card or ACH account given inline, the
// customer's open balance, or else the customer's stored methods. The core's pay-an-invoice flow
// charges the whole balance; this file only translates.
import type { PaymentSource } from '../../core/payments/payments.ts';
import { payInvoice, type InvoiceFunds } from '../../core/flows/pay-invoice.ts';
import { FlowRefusal } from '../../core/flows/refusals.ts';
import { reasonOf } from '../../core/errors/domain-error.ts';
import { isValidCardNumber, isValidRoutingNumber, cleanCardNumber } from '../../core/processor/cards.ts';
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
  const address = {
    line1: optString(body, 'address') ?? null,
    city: optString(body, 'city') ?? null,
    state: optString(body, 'state') ?? null,
    postal_code: optString(body, 'postcode') ?? null,
    country: optString(body, 'country') ?? null,
  };
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

/** The core's refusals in ChargeOver's words (spec 4.12). */
export function payRefusal(error: unknown, invoiceId?: number): never {
  switch (reasonOf(error)) {
    case FlowRefusal.NOTHING_DUE:
      throw bad(invoiceId === undefined ? 'There is nothing to pay' : `Invoice ${invoiceId} has no balance due`);
    case FlowRefusal.NO_PAYMENT_METHOD:
      throw bad('No payment method available');
    case FlowRefusal.NO_CUSTOMER_BALANCE:
      throw bad('No available customer balance');
  }
  throw error;
}

export async function payInvoiceAction(req: CoRequest, segment: string): Promise<CoResult> {
  const id = await target(req.ctx, 'invoice', segment);
  const body = asObject(req.body);
  const using: InvoiceFunds = optBool(body, 'use_customer_balance')
    ? { kind: 'customer_balance' }
    : body.routing !== undefined
      ? { kind: 'given', sources: [inlineBank(body)] }
      : body.number !== undefined
        ? { kind: 'given', sources: [inlineCard(body)] }
        : { kind: 'saved' };
  const result = await payInvoice(req.ctx, {
    invoiceId: id,
    using,
    vendorData: transactionVendorData(),
    // ChargeOver's own example card expired in 2017: expiry is not judged here (spec 4.12).
    processor: { checkExpiry: false },
  }).catch((error: unknown) => payRefusal(error, id));
  if (result.result === 'unknown') throw bad('The payment processor did not answer; the payment will be checked and applied if it went through', { transaction_id: result.transaction?.id });
  if (result.result !== 'approved') throw bad('Payment declined', { transaction_id: result.transaction?.id });
  return ok(true);
}
