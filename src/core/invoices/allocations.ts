// Applying payments and credits to invoices, and taking them off again. An allocation moves money
// held for the customer onto an invoice: DR customer_credit, CR receivable, in one transaction
// with the invoice's paid/credited/balance figures, which verify() proves equal to the ledger.
import type { InvoiceRow, TransactionRow } from '../database.ts';
import { forUpdate } from '../db.ts';
import type { TenantContext } from '../context.ts';
import { DomainError, ErrorCode, invalid, notFound } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { Account } from '../ledger/accounts.ts';
import { post, type LedgerPosting } from '../ledger/ledger.ts';
import { TxnStatus, TxnType } from '../payments/states.ts';
import { InvoiceState } from './status.ts';
import { cancelScheduledPayments } from './schedules.ts';
import { inWork, type TxContext } from '../work.ts';

const APPLICABLE_STATUSES = new Set<string>([TxnStatus.CAPTURED, TxnStatus.SETTLED]);

export async function allocatedAmount(ctx: TxContext, transactionId: number): Promise<number> {
  const row = await ctx.db
    .selectFrom('allocations')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount'), eb.lit(0)).as('total'))
    .where('tenant_id', '=', ctx.tenant.id)
    .where('transaction_id', '=', transactionId)
    .executeTakeFirst();
  return Number(row?.total ?? 0);
}

/** What of a payment or credit is not yet on an invoice and not refunded. */
export async function unappliedAmount(ctx: TxContext, txn: TransactionRow): Promise<number> {
  if (!APPLICABLE_STATUSES.has(txn.status) || (txn.type !== TxnType.SALE && txn.type !== TxnType.AUTHORIZE && txn.type !== TxnType.CREDIT_MEMO)) return 0;
  return txn.amount_captured - txn.amount_refunded - (await allocatedAmount(ctx, txn.id));
}

function paidField(txn: TransactionRow): 'amount_paid' | 'amount_credited' {
  return txn.type === TxnType.CREDIT_MEMO ? 'amount_credited' : 'amount_paid';
}

/** Money held for the customer moved onto an invoice (negative: taken back off it). */
export function applyPosting(txn: Pick<TransactionRow, 'id'>, invoice: Pick<InvoiceRow, 'id' | 'customer_id' | 'currency'>, amount: number): LedgerPosting {
  return {
    kind: amount > 0 ? 'apply' : 'unapply',
    refType: 'invoice',
    refId: invoice.id,
    currency: invoice.currency,
    lines: [
      { account: Account.CUSTOMER_CREDIT, amount, customerId: invoice.customer_id, transactionId: txn.id },
      { account: Account.RECEIVABLE, amount: -amount, customerId: invoice.customer_id, invoiceId: invoice.id, transactionId: txn.id },
    ],
  };
}

async function moveOnInvoice(ctx: TxContext, txn: TransactionRow, invoice: InvoiceRow, amount: number): Promise<InvoiceRow> {
  const now = ctx.clock.now();
  await ctx.db
    .insertInto('allocations')
    .values({
      tenant_id: ctx.tenant.id,
      transaction_id: txn.id,
      invoice_id: invoice.id,
      customer_id: invoice.customer_id,
      kind: amount > 0 ? (txn.type === TxnType.CREDIT_MEMO ? 'credit' : 'payment') : 'unapply',
      amount,
      created_at: now,
    })
    .execute();
  await post(ctx, applyPosting(txn, invoice, amount));
  const field = paidField(txn);
  const balance = invoice.balance - amount;
  const updated = await ctx.db
    .updateTable('invoices')
    .set({
      [field]: invoice[field] + amount,
      balance,
      paid_at: balance === 0 ? now : null,
      updated_at: now,
    })
    .where('id', '=', invoice.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordEvent(ctx, amount > 0 ? 'invoice.payment_applied' : 'invoice.payment_unapplied', 'invoice', invoice.id, {
    invoice: updated,
    transaction_id: txn.id,
    amount,
  });
  if (balance === 0 && amount > 0) {
    await recordEvent(ctx, 'invoice.paid', 'invoice', invoice.id, updated);
    // An invoice paid in full has nothing left to collect on schedule (ChargeOver spec 4.11).
    await cancelScheduledPayments(ctx, invoice.id, 'paid');
  }
  return updated;
}

export async function lockInvoice(ctx: TxContext, invoiceId: number): Promise<InvoiceRow> {
  const invoice = await forUpdate(ctx.db.selectFrom('invoices').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', invoiceId), ctx.dialect).executeTakeFirst();
  if (!invoice) throw notFound('invoice', invoiceId);
  return invoice;
}

/** Applies up to `amount` of a payment or credit to an invoice, inside the caller's transaction. */
export async function applyWithin(ctx: TxContext, txn: TransactionRow, invoiceId: number, amount?: number): Promise<{ invoice: InvoiceRow; applied: number }> {
  const invoice = await lockInvoice(ctx, invoiceId);
  if (invoice.status !== InvoiceState.OPEN) throw new DomainError(ErrorCode.ILLEGAL_TRANSITION, `Invoice ${invoice.id} is ${invoice.status} and cannot take payments`);
  if (invoice.customer_id !== txn.customer_id) throw invalid('The payment and the invoice belong to different customers', 'invoice_id');
  if (invoice.currency !== txn.currency) throw new DomainError(ErrorCode.CURRENCY_MISMATCH, 'Payment currency does not match the invoice currency', { field: 'currency' });
  const available = await unappliedAmount(ctx, txn);
  const wanted = amount ?? Math.min(available, invoice.balance);
  if (!Number.isSafeInteger(wanted) || wanted <= 0) throw invalid('Nothing to apply', 'amount');
  if (wanted > available) throw new DomainError(ErrorCode.AMOUNT_EXCEEDS_BALANCE, 'Amount exceeds what is left of the payment', { field: 'amount' });
  if (wanted > invoice.balance) throw new DomainError(ErrorCode.AMOUNT_EXCEEDS_BALANCE, 'Amount exceeds the invoice balance', { field: 'amount' });
  return { invoice: await moveOnInvoice(ctx, txn, invoice, wanted), applied: wanted };
}

export async function applyToInvoice(ctx: TenantContext, transactionId: number, invoiceId: number, amount?: number): Promise<InvoiceRow> {
  return inWork(ctx, async (ctx) => {
    const txn = await forUpdate(ctx.db.selectFrom('transactions').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', transactionId), ctx.dialect).executeTakeFirst();
    if (!txn) throw notFound('transaction', transactionId);
    return (await applyWithin(ctx, txn, invoiceId, amount)).invoice;
  });
}

export type AutoApplyStrategy = 'oldest_first' | 'newest_first' | 'best_fit';

/** Spreads what is unapplied of a payment over the customer's open invoices. */
export async function autoApplyWithin(ctx: TxContext, txn: TransactionRow, strategy: AutoApplyStrategy): Promise<InvoiceRow[]> {
  const invoices = await ctx.db
    .selectFrom('invoices')
    .selectAll()
    .where('tenant_id', '=', ctx.tenant.id)
    .where('customer_id', '=', txn.customer_id as number)
    .where('status', '=', InvoiceState.OPEN)
    .where('currency', '=', txn.currency)
    .where('balance', '>', 0)
    .orderBy('due_date', strategy === 'newest_first' ? 'desc' : 'asc')
    .orderBy('id', strategy === 'newest_first' ? 'desc' : 'asc')
    .execute();
  let left = await unappliedAmount(ctx, txn);
  if (strategy === 'best_fit') {
    const exact = invoices.find((invoice) => invoice.balance === left);
    if (exact) invoices.unshift(...invoices.splice(invoices.indexOf(exact), 1));
  }
  const touched: InvoiceRow[] = [];
  for (const invoice of invoices) {
    if (left <= 0) break;
    const { invoice: updated, applied } = await applyWithin(ctx, txn, invoice.id, Math.min(left, invoice.balance));
    touched.push(updated);
    left -= applied;
  }
  return touched;
}

/** Takes up to `amount` of a transaction back off its invoices, newest allocation first. */
export async function unapplyTransaction(ctx: TxContext, txn: TransactionRow, amount: number, onlyInvoiceId?: number): Promise<void> {
  let query = ctx.db
    .selectFrom('allocations')
    .select(['invoice_id', (eb) => eb.fn.sum<number>('amount').as('total'), (eb) => eb.fn.max('id').as('last_id')])
    .where('tenant_id', '=', ctx.tenant.id)
    .where('transaction_id', '=', txn.id)
    .groupBy('invoice_id')
    .orderBy('last_id', 'desc');
  if (onlyInvoiceId !== undefined) query = query.where('invoice_id', '=', onlyInvoiceId);
  const rows = await query.execute();
  let left = amount;
  for (const row of rows) {
    const onInvoice = Number(row.total);
    if (left <= 0) break;
    if (onInvoice <= 0) continue;
    const take = Math.min(left, onInvoice);
    const invoice = await lockInvoice(ctx, Number(row.invoice_id));
    await moveOnInvoice(ctx, txn, invoice, -take);
    left -= take;
  }
}
