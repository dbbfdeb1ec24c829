// Transactions through the processor: sale, authorize, credit, capture, void, refund, and the
// resolution of an ambiguous (`unknown`) answer. Each is one database transaction (the state change,
// its ledger entry, its event and the request's idempotency record), with the state machine's table
// (states.ts) deciding what is allowed. Payments recorded outside the processor are in recorded.ts.
import type { PaymentMethodRow, TransactionRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { DomainError, ErrorCode } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { keyedWork } from '../idempotency/keyed.ts';
import { Account } from '../ledger/accounts.ts';
import { post } from '../ledger/ledger.ts';
import { faultsOf } from '../tenants/tenants.ts';
import { instrumentOf } from '../vault/vault.ts';
import type { TxContext } from '../work.ts';
import { unapplyTransaction, unappliedAmount } from '../invoices/allocations.ts';
import { CAPTURE, PAYMENT, REFUND, VOID, type PaymentResult, type RefundResult } from './operations.ts';
import { beforeCharge, beforeProcessor, chargeWithin, checkPaymentInput, postCapture, processorOf, resolveSource, type PaymentInput, type PaymentSource } from './processing.ts';
import { mergeVendorData } from '../vendor-data.ts';
import { normalizeCurrency } from '../money/currencies.ts';
import { setRefs, type RefChange } from '../refs/refs.ts';
import { settleNow } from '../settlement/settlement.ts';
import { insertTransaction, lockTransaction, nextSeq, requireAmount } from './rows.ts';
import { IllegalReason, PROCESSED_KINDS, TxnStatus, TxnType, illegal, transition } from './states.ts';

export type { PaymentInput, PaymentSource } from './processing.ts';
export type { PaymentResult, RefundResult } from './operations.ts';

/** Sale, authorization or credit through the processor, as one keyed write. Declines are stored too. */
export async function createPayment(ctx: TenantContext, input: PaymentInput): Promise<PaymentResult> {
  checkPaymentInput(input);
  return keyedWork(
    ctx,
    PAYMENT,
    (w, seq) => chargeWithin(w, input, seq),
    () => beforeCharge(ctx),
  );
}

export interface CaptureOptions {
  amount?: number;
  /** Vendors that allow several captures against one authorization until it is used up. */
  allowAdditional?: boolean;
  /**
   * Submit the capture for settlement at once instead of at the next cut-off (AffiniPay's
   * IMMEDIATE capture): the transaction is settled, so it can no longer be voided, only refunded.
   */
  settleNow?: boolean;
  /** The calling door's fields about the capture (its reference, its timing word), merged into its namespace. */
  vendorData?: DoorFields;
}

/** A door's own fields, merged into its namespace of an object's vendor_data. */
export interface DoorFields {
  vendor: string;
  fields: Record<string, unknown>;
}

function followUp(ctx: TxContext, txn: TransactionRow, amount: number) {
  return {
    tenantId: ctx.tenant.id,
    seq: txn.seq,
    gatewayRef: txn.gateway_ref,
    amount,
    currency: txn.currency,
    instrumentKind: (txn.payment_kind === 'card' || txn.payment_kind === 'bank' ? txn.payment_kind : null) as 'card' | 'bank' | null,
    faults: faultsOf(ctx.tenant),
  };
}

export async function capture(ctx: TenantContext, id: number, options: CaptureOptions = {}): Promise<TransactionRow> {
  return keyedWork(ctx, CAPTURE, async (ctx) => {
    const txn = await lockTransaction(ctx, id);
    if (txn.type !== TxnType.AUTHORIZE && txn.type !== TxnType.SALE) throw illegal(IllegalReason.WRONG_TYPE, 'Only a payment can be captured');
    const additional = options.allowAdditional === true && txn.status === TxnStatus.CAPTURED;
    const status = additional ? TxnStatus.CAPTURED : transition('capture', txn.status);
    const remaining = txn.amount_authorized - txn.amount_captured;
    const amount = options.amount ?? remaining;
    requireAmount(amount);
    if (amount > remaining) throw new DomainError(ErrorCode.AMOUNT_EXCEEDS_AUTHORIZED, 'Amount to capture exceeds the authorized amount', { field: 'amount' });
    await processorOf(ctx).capture(followUp(ctx, txn, amount));
    const now = ctx.clock.now();
    const vendorData = options.vendorData ? mergeVendorData(txn.vendor_data, options.vendorData.vendor, options.vendorData.fields) : txn.vendor_data;
    const updated = await ctx.db
      .updateTable('transactions')
      .set({ status, amount_captured: txn.amount_captured + amount, captured_at: now, updated_at: now, vendor_data: vendorData })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await postCapture(ctx, updated, amount);
    await recordEvent(ctx, 'transaction.captured', 'transaction', id, updated);
    return options.settleNow ? settleNow(ctx, updated) : updated;
  });
}

/** Reverses every ledger line a transaction still carries (after its invoice allocations are undone). */
export async function reverseLedger(ctx: TxContext, txn: TransactionRow, kind: string): Promise<void> {
  const rows = await ctx.db
    .selectFrom('ledger_lines')
    .select(['account', 'customer_id', 'invoice_id', (eb) => eb.fn.sum<number>('amount').as('total')])
    .where('tenant_id', '=', ctx.tenant.id)
    .where('transaction_id', '=', txn.id)
    .groupBy(['account', 'customer_id', 'invoice_id'])
    .execute();
  await post(ctx, {
    kind,
    refType: 'transaction',
    refId: txn.id,
    currency: txn.currency,
    lines: rows.map((row) => ({ account: row.account as Account, amount: -Number(row.total), customerId: row.customer_id, invoiceId: row.invoice_id, transactionId: txn.id })),
  });
}

export interface VoidOptions {
  /** The calling door's fields about the void (its reference), merged into its namespace. */
  vendorData?: DoorFields;
  /**
   * Void in the books (ChargeOver's transaction void): a payment or credit that never went through
   * the processor, or has already settled, is voided without asking the processor: taken off its
   * invoices, its ledger lines reversed. One the processor still holds is voided there as usual.
   */
  inBooks?: boolean;
}

export async function voidTransaction(ctx: TenantContext, id: number, options: VoidOptions = {}): Promise<TransactionRow> {
  return keyedWork(ctx, VOID, async (ctx) => {
    const txn = await lockTransaction(ctx, id);
    // Recorded payments are settled when recorded; processed ones once their batch closed.
    const bookOnly = options.inBooks === true && txn.status === TxnStatus.SETTLED;
    if (options.inBooks && txn.type !== TxnType.SALE && txn.type !== TxnType.CREDIT_MEMO) throw illegal(IllegalReason.WRONG_TYPE, 'Only a payment or a credit can be voided');
    const status = bookOnly ? TxnStatus.VOIDED : transition('void', txn.status);
    if (txn.amount_refunded > 0) throw illegal(IllegalReason.HAS_REFUNDS);
    // A payment request never reached the processor: cancelling it is ours alone, as a book-only void.
    if (!bookOnly && txn.status !== TxnStatus.REQUESTED) await processorOf(ctx).void(followUp(ctx, txn, txn.amount_captured || txn.amount_authorized));
    if (txn.status !== TxnStatus.AUTHORIZED) {
      await unapplyTransaction(ctx, txn, Number.MAX_SAFE_INTEGER);
      await reverseLedger(ctx, txn, 'void');
    }
    if (txn.type === TxnType.REFUND && txn.parent_id !== null) {
      await ctx.db
        .updateTable('transactions')
        .set((eb) => ({ amount_refunded: eb('amount_refunded', '-', txn.amount_captured) }))
        .where('id', '=', txn.parent_id)
        .execute();
    }
    const now = ctx.clock.now();
    const vendorData = options.vendorData ? mergeVendorData(txn.vendor_data, options.vendorData.vendor, options.vendorData.fields) : txn.vendor_data;
    const updated = await ctx.db.updateTable('transactions').set({ status, voided_at: now, updated_at: now, vendor_data: vendorData }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await recordEvent(ctx, 'transaction.voided', 'transaction', id, updated);
    return updated;
  });
}

export interface RefundOptions {
  amount?: number;
  /** FluidPay refunds only settled transactions; others refund captured ones too. */
  requireSettled?: boolean;
  description?: string | null;
  vendorData?: Record<string, unknown>;
  /** When given, must be the payment's currency (CURRENCY_MISMATCH otherwise). */
  currency?: string;
  /**
   * Where the money goes, when not back to the payment's own method: another card for a card
   * payment, another bank account for a bank one (PAYMENT_METHOD_UNUSABLE, reason kind_mismatch, otherwise).
   */
  source?: PaymentSource;
  /** External references of the refund (a client-chosen source id): a duplicate refuses it. */
  refs?: RefChange[];
}

/** Refunds (part of) a payment; money already on invoices comes back off them first when the rest is short. */
export async function refund(ctx: TenantContext, id: number, options: RefundOptions = {}): Promise<RefundResult> {
  if (options.amount !== undefined) requireAmount(options.amount);
  return keyedWork(
    ctx,
    REFUND,
    (w, seq) => refundWithin(w, id, options, seq),
    () => beforeProcessor(ctx),
  );
}

async function refundWithin(ctx: TxContext, id: number, options: RefundOptions, reservedSeq: number | null | undefined): Promise<RefundResult> {
  const parent = await lockTransaction(ctx, id);
  if (parent.type !== TxnType.SALE && parent.type !== TxnType.AUTHORIZE) throw illegal(IllegalReason.WRONG_TYPE, 'Only a payment can be refunded');
  transition('refund', parent.status);
  if (options.requireSettled && parent.status !== TxnStatus.SETTLED) throw illegal(IllegalReason.NOT_SETTLED);
  if (options.currency !== undefined && normalizeCurrency(options.currency) !== parent.currency) {
    throw new DomainError(ErrorCode.CURRENCY_MISMATCH, "Specified currency does not match the transaction's currency", { field: 'currency' });
  }
  const refundable = parent.amount_captured - parent.amount_refunded;
  if (refundable <= 0) throw illegal(IllegalReason.FULLY_REFUNDED);
  const amount = options.amount ?? refundable;
  requireAmount(amount);
  if (amount > refundable) throw new DomainError(ErrorCode.AMOUNT_EXCEEDS_REFUNDABLE, 'Amount of refund exceeds remaining transaction balance', { field: 'amount' });

  const target = options.source ? await refundTarget(ctx, parent, options.source) : null;

  const unapplied = await unappliedAmount(ctx, parent);
  if (amount > unapplied) await unapplyTransaction(ctx, parent, amount - unapplied);

  const seq = await nextSeq(ctx, reservedSeq);
  const now = ctx.clock.now();
  const processed = PROCESSED_KINDS.has(parent.payment_kind ?? '');
  const outcome = processed ? await processorOf(ctx).refund(followUp(ctx, parent, amount)) : null;
  const status = !processed ? TxnStatus.SETTLED : outcome?.result === 'pending' ? TxnStatus.PENDING : TxnStatus.CAPTURED;
  const refundRow = await insertTransaction(ctx, seq, {
    type: TxnType.REFUND,
    status,
    currency: parent.currency,
    amount,
    amount_authorized: amount,
    amount_captured: amount,
    amount_settled: processed ? 0 : amount,
    payment_method_id: target?.id ?? parent.payment_method_id,
    payment_kind: parent.payment_kind,
    customer_id: parent.customer_id,
    parent_id: parent.id,
    order_id: parent.order_id,
    description: options.description ?? null,
    vendor_data: JSON.stringify(options.vendorData ?? {}),
    mode: parent.mode,
    account_id: parent.account_id,
    authorized_at: now,
    captured_at: now,
    settled_at: processed ? null : now,
  });
  await setRefs(ctx, 'transaction', refundRow.id, options.refs);
  await post(ctx, {
    kind: 'refund',
    refType: 'transaction',
    refId: refundRow.id,
    currency: parent.currency,
    lines: [
      { account: Account.CUSTOMER_CREDIT, amount, customerId: parent.customer_id, transactionId: refundRow.id },
      { account: processed ? Account.PROCESSOR_CLEARING : Account.CASH, amount: -amount, transactionId: refundRow.id },
    ],
  });
  const updatedParent = await ctx.db
    .updateTable('transactions')
    .set({ amount_refunded: parent.amount_refunded + amount, updated_at: now })
    .where('id', '=', parent.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordEvent(ctx, 'transaction.refunded', 'transaction', parent.id, { refund: refundRow, parent: updatedParent });
  return { refund: refundRow, parent: updatedParent, replayed: false };
}

/** The method a refund is sent to instead of the payment's own: of the same kind. */
async function refundTarget(ctx: TxContext, parent: TransactionRow, source: PaymentSource): Promise<PaymentMethodRow> {
  const { method } = await resolveSource(ctx, source, parent.customer_id);
  if (method.kind !== parent.payment_kind) {
    throw new DomainError(ErrorCode.PAYMENT_METHOD_UNUSABLE, `A ${parent.payment_kind ?? 'payment'} payment is refunded to a method of the same kind`, {
      field: 'method',
      details: { reason: 'kind_mismatch' },
    });
  }
  return method;
}

/**
 * Asks the processor what became of a payment whose answer was lost (`unknown`) and moves it to
 * that state, posting the money if it was taken. Inside the caller's transaction.
 */
export async function resolveWithin(ctx: TxContext, id: number): Promise<TransactionRow> {
  const txn = await lockTransaction(ctx, id);
  transition('resolve', txn.status);
  const method = await ctx.db
    .selectFrom('payment_methods')
    .selectAll()
    .where('id', '=', txn.payment_method_id as number)
    .executeTakeFirstOrThrow();
  const type = txn.type as 'sale' | 'authorize' | 'credit';
  const outcome = await processorOf(ctx).inquire({
    tenantId: ctx.tenant.id,
    seq: txn.seq,
    operation: type,
    amount: txn.amount,
    currency: txn.currency,
    instrument: instrumentOf(ctx, method),
    now: txn.created_at,
    faults: faultsOf(ctx.tenant),
    options: { checkExpiry: false },
  });
  const approved = outcome.approved;
  const captures = approved && type !== TxnType.AUTHORIZE;
  const status = !approved ? TxnStatus.DECLINED : captures ? TxnStatus.CAPTURED : TxnStatus.AUTHORIZED;
  const updated = await ctx.db
    .updateTable('transactions')
    .set({
      status,
      amount_authorized: approved ? txn.amount : 0,
      amount_captured: captures ? txn.amount : 0,
      auth_code: outcome.authCode,
      decline_reason: outcome.declineReason,
      authorized_at: approved ? ctx.clock.now() : null,
      captured_at: captures ? ctx.clock.now() : null,
      updated_at: ctx.clock.now(),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  if (captures) await postCapture(ctx, updated, txn.amount);
  await recordEvent(ctx, approved ? `transaction.${status}` : 'transaction.declined', 'transaction', id, updated);
  return updated;
}

export { getTransaction } from './rows.ts';
export { illegal } from './states.ts';
export { grantCredit, recordExternalPayment, type ExternalPaymentInput } from './recorded.ts';
