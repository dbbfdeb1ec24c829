// /transaction (spec 2.5, 4.15-4.17): record a payment or credit (applied_to / auto_apply),
// get, list/query/count, ?action=pay against stored methods, refund, and mark declined.
import { getCustomer } from '../../core/customers/customers.ts';
import { reasonOf } from '../../core/errors/domain-error.ts';
import type { Application } from '../../core/invoices/apply-plan.ts';
import type { AutoApplyStrategy } from '../../core/invoices/allocations.ts';
import { chargeAndApply } from '../../core/flows/charge-and-apply.ts';
import { recordPayment } from '../../core/flows/record-payment.ts';
import { markPaymentReturned } from '../../core/flows/payment-returned.ts';
import { getTransaction, refund, voidTransaction } from '../../core/payments/payments.ts';
import { changeApplications } from '../../core/flows/change-applications.ts';
import { primaryContacts } from '../../core/customers/contact-queries.ts';
import { queueEmail } from '../../core/outbox/outbox.ts';
import { IllegalReason } from '../../core/payments/states.ts';
import { countTransactions, listTransactions, transactionsInOrder } from '../../core/payments/queries.ts';
import { bad, created, duplicateKey, ok, type CoRequest, type CoResult } from './envelope.ts';
import { listing, pageOf, whereOf } from './lists.ts';
import { lookup, payloadRef, target } from './refs.ts';
import type { Resource } from './router.ts';
import { payRefusal } from './invoice-pay.ts';
import { GATEWAY_METHODS, renderTransactions, TRANSACTION_FIELDS, WIRE_TYPES } from './transaction-view.ts';
import { asObject, optInt, optString, parseAmount, transactionVendorData, VENDOR } from './wire.ts';

const AUTO_APPLY = new Set(['oldest_first', 'newest_first', 'best_fit']);
const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

async function applications(req: CoRequest, raw: unknown, currency: string): Promise<Application[] | undefined> {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) throw bad('applied_to must be an array');
  const out: Application[] = [];
  for (const [i, entry] of raw.entries()) {
    const obj: Record<string, unknown> = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : { invoice_id: entry };
    const invoiceId = await payloadRef(req.ctx, 'invoice', obj, 'invoice', true);
    const application: Application = { invoiceId: invoiceId as number };
    if (obj.applied !== undefined && obj.applied !== null) application.amount = parseAmount(obj.applied, currency, `applied_to[${i}].applied`);
    out.push(application);
  }
  return out;
}

function autoApply(body: Record<string, unknown>): AutoApplyStrategy | undefined {
  const value = optString(body, 'auto_apply');
  if (value === undefined || value === null || value === '') return undefined;
  if (!AUTO_APPLY.has(value)) throw bad('auto_apply must be oldest_first, newest_first or best_fit');
  return value as AutoApplyStrategy;
}

async function create(req: CoRequest): Promise<CoResult> {
  const body = asObject(req.body);
  const type = optString(body, 'transaction_type');
  if (type !== 'pay' && type !== 'cre') throw bad('transaction_type must be "pay" (or "cre" for a credit)');
  const customerId = (await payloadRef(req.ctx, 'customer', body, 'customer', true)) as number;
  const customer = await getCustomer(req.ctx, customerId);
  if (body.amount === undefined || body.amount === null) throw bad('amount is required');
  const amount = parseAmount(body.amount, customer.currency, 'amount');
  if (amount <= 0) throw bad('amount must be greater than zero');
  const gatewayMethod = optString(body, 'gateway_method') ?? (type === 'cre' ? 'credit' : 'check');
  if (!gatewayMethod || !GATEWAY_METHODS[gatewayMethod]) throw bad(`gateway_method must be one of ${Object.keys(GATEWAY_METHODS).join(', ')}`);
  const gatewayStatus = optInt(body, 'gateway_status') ?? 1;
  if (gatewayStatus !== 0 && gatewayStatus !== 1) throw bad('gateway_status must be 0 or 1');
  const datetime = optString(body, 'transaction_datetime');
  if (datetime && !DATETIME.test(datetime)) throw bad('transaction_datetime must be YYYY-MM-DD HH:MM:SS');
  const date = optString(body, 'transaction_date') || (datetime ? datetime.slice(0, 10) : undefined);
  if (date && !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw bad('transaction_date must be YYYY-MM-DD');
  const externalKey = optString(body, 'external_key') || null;
  const extra: Record<string, unknown> = { gateway_method: gatewayMethod, transaction_ipaddr: req.ip };
  for (const key of ['gateway_transid', 'gateway_msg', 'transaction_method', 'transaction_detail', 'void_datetime']) {
    const value = optString(body, key);
    if (value !== undefined && value !== null) extra[key] = value;
  }
  const gatewayId = optInt(body, 'gateway_id');
  if (gatewayId !== undefined && gatewayId !== null) extra.gateway_id = gatewayId;
  if (datetime) extra.transaction_datetime = datetime;
  if (date) extra.transaction_date = date;
  const applyTo = await applications(req, body.applied_to, customer.currency);
  const txn = await recordPayment(req.ctx, {
    customerId,
    amount,
    currency: customer.currency,
    kind: gatewayMethod,
    credit: type === 'cre',
    failed: gatewayStatus === 0,
    reference: optString(body, 'gateway_transid') ?? null,
    applyTo,
    autoApply: applyTo && applyTo.length > 0 ? undefined : autoApply(body),
    vendorData: transactionVendorData(extra),
    // The external key is a reference under a unique index: of N racing creates with one key, one wins.
    refs: externalKey ? [{ vendor: VENDOR, kind: 'external_key', value: externalKey }] : undefined,
  }).catch((error: unknown) => {
    if (reasonOf(error) === 'duplicate_ref') throw duplicateKey('transaction', String(externalKey));
    throw error;
  });
  return created(req, 'transaction', txn.id);
}

async function attemptPay(req: CoRequest): Promise<CoResult> {
  const body = asObject(req.body);
  const customerId = (await payloadRef(req.ctx, 'customer', body, 'customer', true)) as number;
  const customer = await getCustomer(req.ctx, customerId);
  const applyTo = (await applications(req, body.applied_to, customer.currency)) ?? [];
  const amount = body.amount !== undefined && body.amount !== null ? parseAmount(body.amount, customer.currency, 'amount') : undefined;
  if (amount === undefined && applyTo.length === 0) throw bad('Either an amount or at least one invoice in applied_to is required');
  if (amount !== undefined && amount <= 0) throw bad('There is nothing to pay');
  let methodIds: number[] | undefined;
  if (Array.isArray(body.paymethods) && body.paymethods.length > 0) {
    methodIds = [];
    for (const entry of body.paymethods) {
      const pm = asObject(entry);
      const kind = pm.creditcard_id !== undefined ? 'creditcard' : pm.ach_id !== undefined ? 'ach' : pm.tokenized_id !== undefined ? 'tokenized' : null;
      if (!kind) throw bad('Each paymethods entry needs creditcard_id or ach_id');
      if (kind === 'tokenized') throw bad('Tokenized payment methods live at another gateway and cannot be charged by this server');
      const id = await lookup(req.ctx, kind, { by: 'id', id: Number(pm[`${kind}_id`]) });
      if (id === null) throw bad(`Payment method ${String(pm[`${kind}_id`])} does not belong to customer ${customerId}`);
      methodIds.push(id);
    }
  }
  const result = await chargeAndApply(req.ctx, {
    customerId,
    amount,
    using: { kind: 'saved', methodIds },
    applyTo,
    autoApply: applyTo.length ? undefined : autoApply(body),
    vendorData: transactionVendorData({ transaction_ipaddr: req.ip }),
    processor: { checkExpiry: true },
  }).catch((error: unknown) => {
    if (reasonOf(error) === 'not_owned') throw bad(error instanceof Error ? error.message : 'Payment method does not belong to this customer');
    return payRefusal(error);
  });
  if (result.result !== 'approved') throw bad(`This transaction could not be processed: ${result.message ?? 'declined'}`, { transaction_id: result.transaction.id });
  return ok({ id: result.transaction.id });
}

async function decline(req: CoRequest, segment: string): Promise<CoResult> {
  const id = await target(req.ctx, 'transaction', segment);
  const body = asObject(req.body);
  const info = { message: optString(body, 'gateway_msg') ?? null, code: optString(body, 'gateway_err_code') ?? null, detail: optString(body, 'gateway_err_detail') ?? null };
  await markPaymentReturned(req.ctx, id, info, { vendor: VENDOR, fields: { gateway_msg: info.message, gateway_err_code: info.code, gateway_err_detail: info.detail } });
  return ok(true);
}

/** ?action=email (extra §9.1): a receipt in the outbox, to `email` or the customer's primary contact. */
async function email(req: CoRequest, segment: string): Promise<CoResult> {
  const id = await target(req.ctx, 'transaction', segment);
  const body = asObject(req.body);
  const [txn] = await renderTransactions(req, await transactionsInOrder(req.ctx, [id]));
  const customerId = Number(txn.customer_id);
  const to = optString(body, 'email') || (await primaryContacts(req.ctx, [customerId])).get(customerId)?.email;
  if (!to) throw bad('No e-mail address to send the receipt to');
  if (req.emails) {
    await queueEmail(req.ctx, {
      to,
      subject: optString(body, 'subject') || `Receipt for transaction #${id}`,
      body:
        optString(body, 'body') ||
        `${String(txn.transaction_type_name)} of ${String(txn.currency_symbol)}${String(txn.amount)} on ${String(txn.transaction_date)} (${String(txn.transaction_method)}).`,
      meta: {
        vendor: VENDOR,
        kind: 'transaction_receipt',
        transaction_id: id,
        cc: optString(body, 'cc') ?? null,
        bcc: optString(body, 'bcc') ?? null,
        from: optString(body, 'from') ?? null,
        message_id: optString(body, 'message_id') ?? null,
      },
    });
  }
  return ok(true);
}

/** ?action=changeAppliedAmounts (extra §9.2): the list replaces where the payment is applied (one core use-case). */
async function changeAppliedAmounts(req: CoRequest, segment: string): Promise<CoResult> {
  const id = await target(req.ctx, 'transaction', segment);
  const txn = await getTransaction(req.ctx, id);
  const body = asObject(req.body);
  if (!Array.isArray(body.applied_to)) throw bad('applied_to must be an array');
  const applyTo = (await applications(req, body.applied_to, txn.currency)) ?? [];
  await changeApplications(req.ctx, id, applyTo).catch((error: unknown) => {
    if (reasonOf(error) === IllegalReason.WRONG_TYPE) throw bad('Only payments can be applied to invoices');
    throw error;
  });
  return ok(true);
}

/** ?action=void (extra §9.3, the C# client): voided in the books, taken off its invoices. */
async function voidAction(req: CoRequest, segment: string): Promise<CoResult> {
  const id = await target(req.ctx, 'transaction', segment);
  await voidTransaction(req.ctx, id, { inBooks: true }).catch((error: unknown) => {
    const reason = reasonOf(error);
    if (reason === IllegalReason.HAS_REFUNDS) throw bad('A refunded transaction cannot be voided');
    if (reason === IllegalReason.VOIDED) throw bad('The transaction is already void');
    if (reason) throw bad('This transaction cannot be voided');
    throw error;
  });
  return ok(true);
}

export const transactions: Resource = {
  list: async (req) => ok(await renderTransactions(req, (await listing(listTransactions(req.ctx, WIRE_TYPES, pageOf(req, TRANSACTION_FIELDS)))).rows)),
  count: async (req) => ok(await listing(countTransactions(req.ctx, WIRE_TYPES, { where: whereOf(req, TRANSACTION_FIELDS) }))),
  create,
  get: async (req, segment) => ok((await renderTransactions(req, await transactionsInOrder(req.ctx, [await target(req.ctx, 'transaction', segment)])))[0]),
  collectionActions: { pay: attemptPay },
  actions: {
    refund: async (req, segment) => {
      const id = await target(req.ctx, 'transaction', segment);
      const body = asObject(req.body);
      const parent = await getTransaction(req.ctx, id);
      const amount = body.amount === undefined || body.amount === null ? undefined : parseAmount(body.amount, parent.currency, 'amount');
      const result = await refund(req.ctx, id, { amount, vendorData: transactionVendorData({ transaction_ipaddr: req.ip }) });
      // Recorded ChargeOver traffic answers a refund with the new id as a string.
      return ok({ id: String(result.refund.id) });
    },
    decline,
    reject: decline,
    email,
    changeAppliedAmounts,
    void: voidAction,
  },
};
