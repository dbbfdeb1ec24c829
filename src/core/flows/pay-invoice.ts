// Pay an invoice (one use-case, one transaction): lock the invoice, take its balance as the amount,
// then spend the customer's balance on it, or charge a card or bank account given with the request,
// or charge the customer's saved methods in order; apply what was taken. An invoice paid in full
// has its scheduled payments cancelled in the same transaction (allocations.ts). A decline is
// stored and noted against the invoice; it is an answer, not an error.
import type { TransactionRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { keyedWork } from '../idempotency/keyed.ts';
import type { KeyedOperation } from '../idempotency/claim.ts';
import { applyWithin, lockInvoice, unappliedAmount } from '../invoices/allocations.ts';
import { noteAttempts } from '../invoices/attempts.ts';
import { InvoiceState } from '../invoices/status.ts';
import type { ChargeOptions, PaymentSource } from '../payments/processing.ts';
import { getTransaction } from '../payments/rows.ts';
import { TxnStatus, TxnType } from '../payments/states.ts';
import { declineMessage } from '../processor/simulator.ts';
import { chargeableMethods } from '../vault/vault.ts';
import type { TxContext } from '../work.ts';
import { chargeFirstApproved, type ReservedSeqs } from './charge-sources.ts';
import { FlowRefusal, refuse } from './refusals.ts';
import { reserveCharges } from './reserve.ts';

export type InvoiceFunds =
  | { kind: 'customer_balance' }
  /** Cards or bank accounts given with the request, tried in order. */
  | { kind: 'given'; sources: PaymentSource[] }
  /** The customer's saved methods in their order, or the ones named. */
  | { kind: 'saved'; methodIds?: number[] };

export interface PayInvoiceInput {
  invoiceId: number;
  using: InvoiceFunds;
  processor?: ChargeOptions;
  description?: string | null;
  vendorData?: Record<string, unknown>;
}

export interface InvoicePaymentResult {
  invoiceId: number;
  result: 'approved' | 'declined' | 'unknown';
  /** The charge made (approved or not); null when the customer's balance paid. */
  transaction: TransactionRow | null;
  applied: number;
  message: string | null;
}

export const PURPOSE_INVOICE_PAYMENT = 'invoice_payment';

function resultOf(invoiceId: number, transaction: TransactionRow, applied: number): InvoicePaymentResult {
  const result = transaction.status === TxnStatus.CAPTURED || transaction.status === TxnStatus.SETTLED ? 'approved' : transaction.status === TxnStatus.UNKNOWN ? 'unknown' : 'declined';
  return { invoiceId, result, transaction, applied, message: result === 'declined' ? declineMessage(transaction.decline_reason ?? 'declined') : null };
}

function operation(invoiceId: number): KeyedOperation<InvoicePaymentResult> {
  return {
    name: 'pay_invoice',
    ref: (r) => (r.transaction ? { type: 'transaction', id: r.transaction.id } : { type: 'invoice', id: r.invoiceId }),
    load: async (ctx, ref) =>
      ref.type === 'transaction' ? resultOf(invoiceId, await getTransaction(ctx, ref.id), 0) : { invoiceId, result: 'approved', transaction: null, applied: 0, message: null },
  };
}

/** Spends the customer's unapplied payments and credits (oldest first) on the locked invoice. */
async function spendCustomerBalance(ctx: TxContext, invoiceId: number, customerId: number, currency: string, balance: number): Promise<number> {
  const txns = await ctx.db
    .selectFrom('transactions')
    .selectAll()
    .where('tenant_id', '=', ctx.tenant.id)
    .where('customer_id', '=', customerId)
    .where('currency', '=', currency)
    .where('type', 'in', [TxnType.SALE, TxnType.CREDIT_MEMO])
    .where('status', 'in', [TxnStatus.CAPTURED, TxnStatus.SETTLED])
    .orderBy('id')
    .execute();
  let left = balance;
  for (const txn of txns) {
    if (left <= 0) break;
    const available = await unappliedAmount(ctx, txn);
    if (available <= 0) continue;
    const amount = Math.min(available, left);
    await applyWithin(ctx, txn, invoiceId, amount);
    left -= amount;
  }
  return balance - left;
}

async function payWithin(ctx: TxContext, input: PayInvoiceInput, seqs: ReservedSeqs | undefined): Promise<InvoicePaymentResult> {
  const invoice = await lockInvoice(ctx, input.invoiceId);
  if (invoice.status !== InvoiceState.OPEN || invoice.balance <= 0) throw refuse(FlowRefusal.NOTHING_DUE, { invoice_id: invoice.id });
  if (input.using.kind === 'customer_balance') {
    const applied = await spendCustomerBalance(ctx, invoice.id, invoice.customer_id, invoice.currency, invoice.balance);
    if (applied === 0) throw refuse(FlowRefusal.NO_CUSTOMER_BALANCE);
    return { invoiceId: invoice.id, result: 'approved', transaction: null, applied, message: null };
  }
  const sources = input.using.kind === 'given' ? input.using.sources : (await chargeableMethods(ctx, invoice.customer_id, input.using.methodIds)).map((methodId) => ({ methodId }));
  if (sources.length === 0) throw refuse(FlowRefusal.NO_PAYMENT_METHOD);
  const charged = await chargeFirstApproved(
    ctx,
    sources,
    {
      amount: invoice.balance,
      currency: invoice.currency,
      customerId: invoice.customer_id,
      purpose: PURPOSE_INVOICE_PAYMENT,
      description: input.description,
      vendorData: input.vendorData,
      processor: input.processor,
    },
    seqs,
  );
  if (charged.result === 'approved') {
    const { applied } = await applyWithin(ctx, charged.transaction, invoice.id, invoice.balance);
    return { ...resultOf(invoice.id, charged.transaction, applied), message: null };
  }
  await noteAttempts(ctx, [invoice.id], charged.transaction.id, charged.result === 'unknown' ? 'unknown' : 'declined');
  return { ...resultOf(invoice.id, charged.transaction, 0), message: charged.message };
}

export async function payInvoice(ctx: TenantContext, input: PayInvoiceInput): Promise<InvoicePaymentResult> {
  if (input.using.kind === 'given' && input.using.sources.length === 0) throw refuse(FlowRefusal.NO_PAYMENT_METHOD);
  const charges = input.using.kind === 'given' ? input.using.sources.length : input.using.kind === 'saved' ? (input.using.methodIds?.length ?? 1) : 0;
  return keyedWork(ctx, operation(input.invoiceId), (w, seqs) => payWithin(w, input, seqs), charges > 0 ? () => reserveCharges(ctx, charges) : undefined);
}
