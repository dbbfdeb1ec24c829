// Transactions through the processor: sale, authorize, capture, void, refund and credit
// (payments recorded outside it are in recorded.ts). Each call is one database transaction: the state change, its ledger entry and its event.
import type { TransactionRow, PaymentMethodRow } from '../../store/schema.ts';
import { inTransaction, type Tx } from '../../store/tx.ts';
import { withDb, type TenantContext } from '../context.ts';
import { DomainError, ErrorCode, invalid, notFound } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { Account } from '../ledger/accounts.ts';
import { post } from '../ledger/ledger.ts';
import { normalizeCurrency } from '../money/currencies.ts';
import { simulate, type ProcessorOutcome } from '../processor/simulator.ts';
import { faultsOf } from '../tenants/tenants.ts';
import { consumeToken, instrumentOf, storeBank, storeCard, type BankInput, type CardInput } from '../vault/vault.ts';
import { unapplyTransaction, unappliedAmount } from '../invoices/allocations.ts';
import { IllegalReason, PROCESSED_KINDS, TxnStatus, TxnType } from './states.ts';
import { getTransaction, illegal, insertTransaction, lockTransaction, nextSeq, once, requireAmount, requireCustomer, reserveSeq } from './rows.ts';


export type PaymentSource =
  | { methodId: number; cvv?: string | null }
  | { token: string }
  | { card: CardInput & { cvv?: string | null } }
  | { bank: BankInput };

export interface PaymentInput {
  type: 'sale' | 'authorize' | 'credit';
  amount: number;
  currency: string;
  source: PaymentSource;
  customerId?: number | null;
  orderId?: string | null;
  description?: string | null;
  idempotencyKey?: string | null;
  vendorData?: Record<string, unknown>;
  processor?: { checkExpiry?: boolean; achAmountLimit?: boolean };
}

export interface PaymentResult {
  transaction: TransactionRow;
  outcome: ProcessorOutcome | null;
  /** True when an earlier transaction with the same idempotency key was returned instead. */
  replayed: boolean;
}


async function resolveSource(tx: Tx, ctx: TenantContext, source: PaymentSource, customerId: number | null): Promise<{ method: PaymentMethodRow; cvv: string | null }> {
  const txCtx = withDb(ctx, tx);
  if ('methodId' in source) {
    const method = await tx
      .selectFrom('payment_methods')
      .selectAll()
      .where('tenant_id', '=', ctx.tenant.id)
      .where('id', '=', source.methodId)
      .where('status', '!=', 'deleted')
      .executeTakeFirst();
    if (!method) throw notFound('payment method', source.methodId);
    return { method, cvv: source.cvv ?? null };
  }
  if ('token' in source) return consumeToken(tx, ctx, source.token);
  if ('card' in source) return { method: await storeCard(txCtx, source.card, { customerId, transient: true }), cvv: source.card.cvv ?? null };
  return { method: await storeBank(txCtx, source.bank, { customerId, transient: true }), cvv: null };
}

/** Sale, authorization or credit through the simulated processor. Declines are stored too. */
export async function createPayment(ctx: TenantContext, input: PaymentInput): Promise<PaymentResult> {
  requireAmount(input.amount);
  const currency = normalizeCurrency(input.currency);
  if (!currency) throw invalid(`Unknown currency ${String(input.currency)}`, 'currency');
  const faults = faultsOf(ctx.tenant);
  return once(ctx, input.idempotencyKey, { type: input.type }, (transaction) => ({ transaction, outcome: null, replayed: true }), async () => {
    // Latency is simulated before the database transaction opens, so it holds no lock.
    if (faults.latency_ms) await new Promise((resolve) => setTimeout(resolve, faults.latency_ms));
    const reserved = await reserveSeq(ctx);
    return inTransaction(ctx.db, async (tx): Promise<PaymentResult> => {
      const customerId = input.customerId ?? null;
      if (customerId !== null) await requireCustomer(tx, ctx, customerId);
      const { method, cvv } = await resolveSource(tx, ctx, input.source, customerId);
      const seq = await nextSeq(tx, ctx, reserved);
      const now = ctx.clock.now();
      const outcome = simulate({
        tenantId: ctx.tenant.id,
        seq,
        operation: input.type,
        amount: input.amount,
        currency,
        instrument: instrumentOf(ctx, method, { cvv }),
        now,
        faults,
        ...input.processor,
      });
      const approved = outcome.approved;
      const captures = approved && input.type !== TxnType.AUTHORIZE;
      const transaction = await insertTransaction(tx, ctx, seq, {
        type: input.type,
        status: !approved
          ? outcome.declineReason === 'processor_error'
            ? TxnStatus.ERROR
            : TxnStatus.DECLINED
          : captures
            ? TxnStatus.CAPTURED
            : TxnStatus.AUTHORIZED,
        currency,
        amount: input.amount,
        amount_authorized: approved ? input.amount : 0,
        amount_captured: captures ? input.amount : 0,
        payment_method_id: method.id,
        payment_kind: method.kind,
        customer_id: customerId ?? method.customer_id,
        decline_reason: outcome.declineReason,
        auth_code: outcome.authCode,
        gateway_ref: outcome.gatewayRef,
        avs_result: outcome.avsResult,
        cvv_result: outcome.cvvResult,
        order_id: input.orderId ?? null,
        description: input.description ?? null,
        idempotency_key: input.idempotencyKey ?? null,
        vendor_data: JSON.stringify(input.vendorData ?? {}),
        authorized_at: approved ? now : null,
        captured_at: captures ? now : null,
      });
      if (captures) await postCapture(tx, ctx, transaction, input.amount);
      await recordEvent(tx, ctx, approved ? `transaction.${transaction.status}` : 'transaction.declined', 'transaction', transaction.id, transaction);
      return { transaction, outcome, replayed: false };
    });
  });
}

/** Money captured: into clearing, held for the customer (or paid out, for a credit). */
async function postCapture(tx: Tx, ctx: TenantContext, txn: TransactionRow, amount: number): Promise<void> {
  const customerSide = txn.type === TxnType.CREDIT ? Account.PAYOUTS : Account.CUSTOMER_CREDIT;
  const sign = txn.type === TxnType.CREDIT ? -1 : 1;
  await post(tx, ctx, {
    kind: txn.type === TxnType.CREDIT ? 'credit' : 'capture',
    refType: 'transaction',
    refId: txn.id,
    currency: txn.currency,
    lines: [
      { account: Account.PROCESSOR_CLEARING, amount: sign * amount, transactionId: txn.id },
      { account: customerSide, amount: -sign * amount, customerId: txn.customer_id, transactionId: txn.id },
    ],
  });
}

export interface CaptureOptions {
  amount?: number;
  /** Vendors that allow several captures against one authorization until it is used up. */
  allowAdditional?: boolean;
}

export async function capture(ctx: TenantContext, id: number, options: CaptureOptions = {}): Promise<TransactionRow> {
  return inTransaction(ctx.db, async (tx) => {
    const txn = await lockTransaction(tx, ctx, id);
    if (txn.type !== TxnType.AUTHORIZE && txn.type !== TxnType.SALE) throw illegal(IllegalReason.WRONG_TYPE, 'Only a payment can be captured');
    const additional = options.allowAdditional === true && txn.status === TxnStatus.CAPTURED;
    if (txn.status !== TxnStatus.AUTHORIZED && !additional) {
      throw illegal(txn.status === TxnStatus.CAPTURED || txn.status === TxnStatus.SETTLED ? IllegalReason.ALREADY_CAPTURED : IllegalReason.NOT_AUTHORIZED, `Transaction cannot be captured in status ${txn.status}`);
    }
    const remaining = txn.amount_authorized - txn.amount_captured;
    const amount = options.amount ?? remaining;
    requireAmount(amount);
    if (amount > remaining) throw new DomainError(ErrorCode.AMOUNT_EXCEEDS_AUTHORIZED, 'Amount to capture exceeds the authorized amount', { field: 'amount' });
    const now = ctx.clock.now();
    const updated = await tx
      .updateTable('transactions')
      .set({ status: TxnStatus.CAPTURED, amount_captured: txn.amount_captured + amount, captured_at: now, updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await postCapture(tx, ctx, updated, amount);
    await recordEvent(tx, ctx, 'transaction.captured', 'transaction', id, updated);
    return updated;
  });
}

/** Reverses every ledger line a transaction still carries (after its invoice allocations are undone). */
async function reverseLedger(tx: Tx, ctx: TenantContext, txn: TransactionRow, kind: string): Promise<void> {
  const rows = await tx
    .selectFrom('ledger_lines')
    .select(['account', 'customer_id', 'invoice_id', (eb) => eb.fn.sum<number>('amount').as('total')])
    .where('tenant_id', '=', ctx.tenant.id)
    .where('transaction_id', '=', txn.id)
    .groupBy(['account', 'customer_id', 'invoice_id'])
    .execute();
  await post(tx, ctx, {
    kind,
    refType: 'transaction',
    refId: txn.id,
    currency: txn.currency,
    lines: rows.map((row) => ({
      account: row.account as Account,
      amount: -Number(row.total),
      customerId: row.customer_id,
      invoiceId: row.invoice_id,
      transactionId: txn.id,
    })),
  });
}

export async function voidTransaction(ctx: TenantContext, id: number): Promise<TransactionRow> {
  return inTransaction(ctx.db, async (tx) => {
    const txn = await lockTransaction(tx, ctx, id);
    if (txn.status === TxnStatus.VOIDED) throw illegal(IllegalReason.VOIDED, 'Transaction is already voided');
    if (txn.status === TxnStatus.SETTLED) throw illegal(IllegalReason.ALREADY_SETTLED, 'A settled transaction cannot be voided');
    if (txn.status !== TxnStatus.AUTHORIZED && txn.status !== TxnStatus.CAPTURED) {
      throw illegal(IllegalReason.DECLINED, `Transaction cannot be voided in status ${txn.status}`);
    }
    if (txn.amount_refunded > 0) throw illegal(IllegalReason.HAS_REFUNDS, 'A transaction with refunds cannot be voided');
    if (txn.status === TxnStatus.CAPTURED) {
      await unapplyTransaction(tx, ctx, txn, Number.MAX_SAFE_INTEGER);
      await reverseLedger(tx, ctx, txn, 'void');
    }
    if (txn.type === TxnType.REFUND && txn.parent_id !== null) {
      await tx
        .updateTable('transactions')
        .set((eb) => ({ amount_refunded: eb('amount_refunded', '-', txn.amount_captured) }))
        .where('id', '=', txn.parent_id)
        .execute();
    }
    const now = ctx.clock.now();
    const updated = await tx
      .updateTable('transactions')
      .set({ status: TxnStatus.VOIDED, voided_at: now, updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordEvent(tx, ctx, 'transaction.voided', 'transaction', id, updated);
    return updated;
  });
}

export interface RefundOptions {
  amount?: number;
  /** FluidPay refunds only settled transactions; others refund captured ones too. */
  requireSettled?: boolean;
  description?: string | null;
  idempotencyKey?: string | null;
  vendorData?: Record<string, unknown>;
}

export interface RefundResult {
  refund: TransactionRow;
  parent: TransactionRow;
  /** True when an earlier refund with the same idempotency key was returned instead. */
  replayed: boolean;
}

export async function refund(ctx: TenantContext, id: number, options: RefundOptions = {}): Promise<RefundResult> {
  const replay = async (row: TransactionRow): Promise<RefundResult> => ({ refund: row, parent: await getTransaction(ctx, id), replayed: true });
  return once(ctx, options.idempotencyKey, { type: TxnType.REFUND, parentId: id }, replay, () => refundOnce(ctx, id, options));
}

async function refundOnce(ctx: TenantContext, id: number, options: RefundOptions): Promise<RefundResult> {
  const reserved = await reserveSeq(ctx);
  return inTransaction(ctx.db, async (tx) => {
    const parent = await lockTransaction(tx, ctx, id);
    if (parent.type !== TxnType.SALE && parent.type !== TxnType.AUTHORIZE) throw illegal(IllegalReason.WRONG_TYPE, 'Only a payment can be refunded');
    if (parent.status !== TxnStatus.CAPTURED && parent.status !== TxnStatus.SETTLED) {
      throw illegal(parent.status === TxnStatus.VOIDED ? IllegalReason.VOIDED : IllegalReason.NOT_CAPTURED, `Transaction cannot be refunded in status ${parent.status}`);
    }
    if (options.requireSettled && parent.status !== TxnStatus.SETTLED) throw illegal(IllegalReason.NOT_SETTLED, 'Transaction is not settled yet');
    const refundable = parent.amount_captured - parent.amount_refunded;
    if (refundable <= 0) throw illegal(IllegalReason.FULLY_REFUNDED, 'Transaction is already fully refunded');
    const amount = options.amount ?? refundable;
    requireAmount(amount);
    if (amount > refundable) throw new DomainError(ErrorCode.AMOUNT_EXCEEDS_REFUNDABLE, 'Amount of refund exceeds remaining transaction balance', { field: 'amount' });

    // Money already applied to invoices comes back off them (newest first) when the rest is short.
    const unapplied = await unappliedAmount(tx, ctx, parent);
    if (amount > unapplied) await unapplyTransaction(tx, ctx, parent, amount - unapplied);

    const seq = await nextSeq(tx, ctx, reserved);
    const now = ctx.clock.now();
    const processed = PROCESSED_KINDS.has(parent.payment_kind ?? '');
    const refundRow = await insertTransaction(tx, ctx, seq, {
      type: TxnType.REFUND,
      status: processed ? TxnStatus.CAPTURED : TxnStatus.SETTLED,
      currency: parent.currency,
      amount,
      amount_authorized: amount,
      amount_captured: amount,
      amount_settled: processed ? 0 : amount,
      payment_method_id: parent.payment_method_id,
      payment_kind: parent.payment_kind,
      customer_id: parent.customer_id,
      parent_id: parent.id,
      order_id: parent.order_id,
      description: options.description ?? null,
      idempotency_key: options.idempotencyKey ?? null,
      vendor_data: JSON.stringify(options.vendorData ?? {}),
      authorized_at: now,
      captured_at: now,
      settled_at: processed ? null : now,
    });
    await post(tx, ctx, {
      kind: 'refund',
      refType: 'transaction',
      refId: refundRow.id,
      currency: parent.currency,
      lines: [
        { account: Account.CUSTOMER_CREDIT, amount, customerId: parent.customer_id, transactionId: refundRow.id },
        { account: processed ? Account.PROCESSOR_CLEARING : Account.CASH, amount: -amount, transactionId: refundRow.id },
      ],
    });
    const updatedParent = await tx
      .updateTable('transactions')
      .set({ amount_refunded: parent.amount_refunded + amount, updated_at: now })
      .where('id', '=', parent.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordEvent(tx, ctx, 'transaction.refunded', 'transaction', parent.id, { refund: refundRow, parent: updatedParent });
    return { refund: refundRow, parent: updatedParent, replayed: false };
  });
}

export { getTransaction, illegal } from './rows.ts';
export { grantCredit, recordExternalPayment, type ExternalPaymentInput } from './recorded.ts';
