// Paying invoices in one step: charge (or record) a payment and apply it to invoices in the same
// database transaction; spend a customer's unapplied payments and credits on an invoice; count
// failed attempts per invoice; take a recorded payment back as declined (an ACH return).
import type { InvoiceRow, TransactionRow } from '../../store/schema.ts';
import { inTransaction, type Tx } from '../../store/tx.ts';
import { forUpdate } from '../../store/locks.ts';
import { withDb, type TenantContext } from '../context.ts';
import { DomainError, ErrorCode, invalid, notFound } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { Account } from '../ledger/accounts.ts';
import { post } from '../ledger/ledger.ts';
import { normalizeCurrency } from '../money/currencies.ts';
import { createPayment, grantCredit, recordExternalPayment, type PaymentSource } from '../payments/payments.ts';
import { TxnStatus, TxnType } from '../payments/states.ts';
import { applyWithin, autoApplyWithin, unapplyTransaction, unappliedAmount, type AutoApplyStrategy } from './allocations.ts';
import { InvoiceState } from './status.ts';

export interface Application {
  invoiceId: number;
  /** Minor units; absent applies what is left, up to the invoice balance. */
  amount?: number;
}

export interface ApplyPlan {
  applyTo?: Application[];
  autoApply?: AutoApplyStrategy;
}

async function applyPlan(tx: Tx, ctx: TenantContext, txn: TransactionRow, plan: ApplyPlan): Promise<void> {
  if (plan.applyTo && plan.applyTo.length > 0) {
    const explicit = plan.applyTo.reduce((sum, a) => sum + (a.amount ?? 0), 0);
    if (explicit > txn.amount) throw new DomainError(ErrorCode.AMOUNT_EXCEEDS_BALANCE, 'The amounts applied exceed the transaction amount', { field: 'applied_to' });
    for (const application of plan.applyTo) {
      const left = await unappliedAmount(tx, ctx, txn);
      if (application.amount === undefined && left <= 0) break;
      const invoice = await tx.selectFrom('invoices').select(['balance']).where('tenant_id', '=', ctx.tenant.id).where('id', '=', application.invoiceId).executeTakeFirst();
      if (!invoice) throw invalid(`Invoice ${application.invoiceId} does not exist`, 'applied_to');
      const amount = application.amount ?? Math.min(left, invoice.balance);
      if (amount <= 0) continue;
      await applyWithin(tx, ctx, txn, application.invoiceId, amount);
    }
  } else if (plan.autoApply) {
    await autoApplyWithin(tx, ctx, txn, plan.autoApply);
  }
}

async function checkInvoices(tx: Tx, ctx: TenantContext, customerId: number, applications: Application[] | undefined): Promise<InvoiceRow[]> {
  const out: InvoiceRow[] = [];
  for (const application of applications ?? []) {
    const invoice = await tx.selectFrom('invoices').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', application.invoiceId).executeTakeFirst();
    if (!invoice) throw invalid(`Invoice ${application.invoiceId} does not exist`, 'applied_to');
    if (invoice.customer_id !== customerId) throw invalid(`Invoice ${application.invoiceId} belongs to another customer`, 'applied_to');
    if (invoice.status !== InvoiceState.OPEN) throw invalid(`Invoice ${application.invoiceId} is not open`, 'applied_to');
    if (application.amount !== undefined && (!Number.isSafeInteger(application.amount) || application.amount <= 0)) throw invalid('Applied amounts must be positive', 'applied_to');
    if (application.amount !== undefined && application.amount > invoice.balance) throw new DomainError(ErrorCode.AMOUNT_EXCEEDS_BALANCE, `The amount applied exceeds the balance of invoice ${invoice.id}`, { field: 'applied_to' });
    out.push(invoice);
  }
  return out;
}

async function noteAttempts(tx: Tx, ctx: TenantContext, invoiceIds: number[], transactionId: number | null): Promise<void> {
  for (const invoiceId of invoiceIds) {
    await tx.insertInto('payment_attempts').values({ tenant_id: ctx.tenant.id, invoice_id: invoiceId, transaction_id: transactionId, outcome: 'declined', created_at: ctx.clock.now() }).execute();
  }
}

/** Failed payment attempts per invoice. */
export async function declineCounts(ctx: TenantContext, invoiceIds: number[]): Promise<Map<number, number>> {
  const map = new Map<number, number>();
  if (invoiceIds.length === 0) return map;
  const rows = await ctx.db
    .selectFrom('payment_attempts')
    .select(['invoice_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('tenant_id', '=', ctx.tenant.id)
    .where('invoice_id', 'in', invoiceIds)
    .groupBy('invoice_id')
    .execute();
  for (const row of rows) map.set(Number(row.invoice_id), Number(row.n));
  return map;
}

export interface RecordInput extends ApplyPlan {
  customerId: number;
  amount: number;
  currency: string;
  /** check, cash, visa, ach ... (how the money arrived). */
  kind: string;
  credit?: boolean;
  failed?: boolean;
  reference?: string | null;
  description?: string | null;
  vendorData?: Record<string, unknown>;
}

/** A payment or credit received outside the processor, applied as planned, in one transaction. */
export async function recordPayment(ctx: TenantContext, input: RecordInput): Promise<TransactionRow> {
  return inTransaction(ctx.db, async (tx) => {
    const txCtx = withDb(ctx, tx);
    await checkInvoices(tx, ctx, input.customerId, input.applyTo);
    if (input.failed) {
      const txn = await recordFailed(tx, txCtx, input);
      await noteAttempts(tx, ctx, (input.applyTo ?? []).map((a) => a.invoiceId), txn.id);
      return txn;
    }
    const base = { customerId: input.customerId, amount: input.amount, currency: input.currency, reference: input.reference, description: input.description, vendorData: input.vendorData };
    const txn = input.credit ? await grantCredit(txCtx, { ...base, kind: input.kind }) : await recordExternalPayment(txCtx, { ...base, kind: input.kind });
    await applyPlan(tx, txCtx, txn, input);
    return tx.selectFrom('transactions').selectAll().where('id', '=', txn.id).executeTakeFirstOrThrow();
  });
}

async function recordFailed(tx: Tx, ctx: TenantContext, input: RecordInput): Promise<TransactionRow> {
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) throw invalid('Amount must be positive', 'amount');
  const currency = normalizeCurrency(input.currency);
  if (!currency) throw invalid(`Unknown currency ${input.currency}`, 'currency');
  const seqRow = await tx.updateTable('tenants').set((eb) => ({ txn_seq: eb('txn_seq', '+', 1) })).where('id', '=', ctx.tenant.id).returning('txn_seq').executeTakeFirstOrThrow();
  const now = ctx.clock.now();
  const txn = await tx
    .insertInto('transactions')
    .values({
      tenant_id: ctx.tenant.id, seq: Number(seqRow.txn_seq), type: TxnType.SALE, status: TxnStatus.DECLINED, currency, amount: input.amount,
      amount_authorized: 0, amount_captured: 0, amount_refunded: 0, amount_settled: 0, payment_method_id: null, payment_kind: input.kind,
      customer_id: input.customerId, parent_id: null, settlement_batch_id: null, decline_reason: 'declined', auth_code: null,
      gateway_ref: input.reference ?? '', avs_result: null, cvv_result: null, order_id: null, description: input.description ?? null,
      idempotency_key: null, vendor_data: JSON.stringify(input.vendorData ?? {}), created_at: now, authorized_at: null, captured_at: null,
      settled_at: null, voided_at: null, updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordEvent(tx, ctx, 'transaction.declined', 'transaction', txn.id, txn);
  return txn;
}

export interface ChargeInput extends ApplyPlan {
  customerId: number;
  amount: number;
  currency: string;
  /** Tried in order until one is approved. */
  sources: PaymentSource[];
  description?: string | null;
  vendorData?: Record<string, unknown>;
  processor?: { checkExpiry?: boolean };
}

export interface ChargeResult {
  transaction: TransactionRow;
  approved: boolean;
  message: string | null;
}

/**
 * Charges through the processor and applies the payment, all in one database transaction.
 * A decline is stored (with an attempt noted on each invoice) and returned, not thrown.
 */
export async function chargeAndApply(ctx: TenantContext, input: ChargeInput): Promise<ChargeResult> {
  if (input.sources.length === 0) throw invalid('No payment method available', 'paymethods');
  return inTransaction(ctx.db, async (tx) => {
    const txCtx = withDb(ctx, tx);
    await checkInvoices(tx, ctx, input.customerId, input.applyTo);
    let last: TransactionRow | null = null;
    let message: string | null = null;
    for (const source of input.sources) {
      const result = await createPayment(txCtx, { type: 'sale', amount: input.amount, currency: input.currency, source, customerId: input.customerId, description: input.description, vendorData: input.vendorData, processor: input.processor });
      last = result.transaction;
      if (result.transaction.status === TxnStatus.CAPTURED) {
        await applyPlan(tx, txCtx, result.transaction, input);
        return { transaction: result.transaction, approved: true, message: null };
      }
      message = result.outcome?.message ?? result.transaction.decline_reason;
    }
    await noteAttempts(tx, ctx, (input.applyTo ?? []).map((a) => a.invoiceId), last?.id ?? null);
    return { transaction: last as TransactionRow, approved: false, message };
  });
}

/** Spends the customer's unapplied payments and credits (oldest first) on an invoice. Returns what was applied. */
export async function applyCustomerBalance(ctx: TenantContext, invoiceId: number): Promise<number> {
  return inTransaction(ctx.db, async (tx) => {
    const invoice = await forUpdate(tx.selectFrom('invoices').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', invoiceId), ctx.dialect).executeTakeFirst();
    if (!invoice) throw notFound('invoice', invoiceId);
    if (invoice.status !== InvoiceState.OPEN || invoice.balance <= 0) throw new DomainError(ErrorCode.ILLEGAL_TRANSITION, 'The invoice has no balance due');
    const txns = await tx
      .selectFrom('transactions')
      .selectAll()
      .where('tenant_id', '=', ctx.tenant.id)
      .where('customer_id', '=', invoice.customer_id)
      .where('currency', '=', invoice.currency)
      .where('type', 'in', [TxnType.SALE, TxnType.CREDIT_MEMO])
      .where('status', 'in', [TxnStatus.CAPTURED, TxnStatus.SETTLED])
      .orderBy('id')
      .execute();
    let left = invoice.balance;
    let applied = 0;
    for (const txn of txns) {
      if (left <= 0) break;
      const available = await unappliedAmount(tx, ctx, txn);
      if (available <= 0) continue;
      const amount = Math.min(available, left);
      await applyWithin(tx, ctx, txn, invoiceId, amount);
      left -= amount;
      applied += amount;
    }
    if (applied === 0) throw invalid('No available customer balance', 'use_customer_balance');
    return applied;
  });
}

export interface DeclineInfo {
  message?: string | null;
  code?: string | null;
  detail?: string | null;
}

/**
 * A recorded (settled, outside-the-processor) payment came back declined, e.g. an ACH return: it is
 * taken off its invoices, its ledger lines are reversed, and it becomes declined.
 */
export async function markRecordedPaymentDeclined(ctx: TenantContext, id: number, info: DeclineInfo, vendor?: string): Promise<TransactionRow> {
  return inTransaction(ctx.db, async (tx) => {
    const txn = await forUpdate(tx.selectFrom('transactions').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', id), ctx.dialect).executeTakeFirst();
    if (!txn) throw notFound('transaction', id);
    if (txn.type !== TxnType.SALE || (txn.status !== TxnStatus.SETTLED && txn.status !== TxnStatus.CAPTURED)) {
      throw new DomainError(ErrorCode.ILLEGAL_TRANSITION, 'Only a successful payment can be marked declined');
    }
    if (txn.amount_refunded > 0) throw new DomainError(ErrorCode.ILLEGAL_TRANSITION, 'A refunded payment cannot be marked declined');
    const invoices = await tx.selectFrom('allocations').select('invoice_id').distinct().where('transaction_id', '=', id).execute();
    await unapplyTransaction(tx, ctx, txn, Number.MAX_SAFE_INTEGER);
    const lines = await tx
      .selectFrom('ledger_lines')
      .select(['account', 'customer_id', 'invoice_id', (eb) => eb.fn.sum<number>('amount').as('total')])
      .where('tenant_id', '=', ctx.tenant.id)
      .where('transaction_id', '=', id)
      .groupBy(['account', 'customer_id', 'invoice_id'])
      .execute();
    const reversal = lines.filter((row) => Number(row.total) !== 0).map((row) => ({ account: row.account as Account, amount: -Number(row.total), customerId: row.customer_id, invoiceId: row.invoice_id, transactionId: id }));
    if (reversal.length > 0) await post(tx, ctx, { kind: 'payment_returned', refType: 'transaction', refId: id, currency: txn.currency, lines: reversal });
    const data = JSON.parse(txn.vendor_data) as Record<string, Record<string, unknown>>;
    if (vendor) data[vendor] = { ...(data[vendor] ?? {}), gateway_msg: info.message ?? null, gateway_err_code: info.code ?? null, gateway_err_detail: info.detail ?? null };
    const now = ctx.clock.now();
    const updated = await tx
      .updateTable('transactions')
      .set({ status: TxnStatus.DECLINED, decline_reason: info.message ?? 'declined', amount_captured: 0, amount_authorized: 0, amount_settled: 0, vendor_data: JSON.stringify(data), updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await noteAttempts(tx, ctx, invoices.map((row) => Number(row.invoice_id)), id);
    await recordEvent(tx, ctx, 'transaction.returned', 'transaction', id, updated);
    return updated;
  });
}
