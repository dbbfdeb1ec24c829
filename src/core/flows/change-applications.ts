// Re-applies a payment or credit (ChargeOver's transaction changeAppliedAmounts): the given list
// replaces where the money sits. One transaction locks the payment and every invoice involved,
// takes money off the invoices that get less, then puts it on those that get more, so the
// payment is never over-applied and no invoice over-paid; a refusal changes nothing.
import type { TransactionRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { DomainError, ErrorCode, invalid } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { keyedWork } from '../idempotency/keyed.ts';
import { applyWithin, lockInvoice, unapplyTransaction } from '../invoices/allocations.ts';
import type { Application } from '../invoices/apply-plan.ts';
import { InvoiceState } from '../invoices/status.ts';
import { transactionOperation } from '../payments/operations.ts';
import { lockTransaction } from '../payments/rows.ts';
import { TxnStatus, TxnType, illegal, IllegalReason } from '../payments/states.ts';

const CHANGE_APPLICATIONS = transactionOperation('change_applications');

/**
 * Where the payment's money goes, replacing what it is applied to now: each invoice the amount
 * given (absent: as much as the invoice owes of what is left, in list order); invoices left out
 * are unapplied; what is not applied is the customer's credit.
 */
export async function changeApplications(ctx: TenantContext, transactionId: number, applications: readonly Application[]): Promise<TransactionRow> {
  return keyedWork(ctx, CHANGE_APPLICATIONS, async (ctx) => {
    const txn = await lockTransaction(ctx, transactionId);
    if (txn.type !== TxnType.SALE && txn.type !== TxnType.CREDIT_MEMO) throw illegal(IllegalReason.WRONG_TYPE, 'Only a payment or a credit can be applied to invoices');
    if (txn.status !== TxnStatus.CAPTURED && txn.status !== TxnStatus.SETTLED) throw illegal(IllegalReason.NOT_CAPTURED, 'Only a successful payment can be applied to invoices');
    const seen = new Set<number>();
    for (const a of applications) {
      if (seen.has(a.invoiceId)) throw invalid(`Invoice ${a.invoiceId} is listed twice`, 'applied_to');
      seen.add(a.invoiceId);
      if (a.amount !== undefined && (!Number.isSafeInteger(a.amount) || a.amount <= 0)) throw invalid('Applied amounts must be positive', 'applied_to');
    }
    // What is on each invoice now, by this payment.
    const current = new Map<number, number>();
    for (const row of await ctx.db
      .selectFrom('allocations')
      .select(['invoice_id', (eb) => eb.fn.sum<number>('amount').as('total')])
      .where('tenant_id', '=', ctx.tenant.id)
      .where('transaction_id', '=', txn.id)
      .groupBy('invoice_id')
      .orderBy('invoice_id')
      .execute()) {
      if (Number(row.total) > 0) current.set(Number(row.invoice_id), Number(row.total));
    }
    // Lock every invoice involved (in id order, so two re-applications never deadlock) and check the new ones.
    const ids = [...new Set([...current.keys(), ...applications.map((a) => a.invoiceId)])].sort((a, b) => a - b);
    const invoices = new Map<number, Awaited<ReturnType<typeof lockInvoice>>>();
    for (const id of ids) {
      const invoice = await lockInvoice(ctx, id).catch(() => {
        throw invalid(`Invoice ${id} does not exist`, 'applied_to');
      });
      invoices.set(id, invoice);
    }
    const net = txn.amount_captured - txn.amount_refunded;
    let left = net;
    const target = new Map<number, number>();
    for (const a of applications) {
      const invoice = invoices.get(a.invoiceId) as NonNullable<ReturnType<typeof invoices.get>>;
      if (invoice.customer_id !== txn.customer_id) throw invalid(`Invoice ${a.invoiceId} belongs to another customer`, 'applied_to');
      if (invoice.status !== InvoiceState.OPEN) throw invalid(`Invoice ${a.invoiceId} is not open`, 'applied_to');
      if (invoice.currency !== txn.currency) throw new DomainError(ErrorCode.CURRENCY_MISMATCH, 'Payment currency does not match the invoice currency', { field: 'applied_to' });
      const room = invoice.balance + (current.get(a.invoiceId) ?? 0);
      const amount = a.amount ?? Math.min(room, Math.max(0, left));
      if (amount > room) throw new DomainError(ErrorCode.AMOUNT_EXCEEDS_BALANCE, `The amount applied exceeds what invoice ${a.invoiceId} owes`, { field: 'applied_to' });
      left -= amount;
      if (amount > 0) target.set(a.invoiceId, amount);
    }
    if (left < 0) throw new DomainError(ErrorCode.AMOUNT_EXCEEDS_BALANCE, 'The amounts applied exceed the transaction amount', { field: 'applied_to' });
    // Less first, then more.
    for (const [id, now] of current) {
      const wanted = target.get(id) ?? 0;
      if (wanted < now) await unapplyTransaction(ctx, txn, now - wanted, id);
    }
    for (const [id, wanted] of target) {
      const now = current.get(id) ?? 0;
      if (wanted > now) await applyWithin(ctx, txn, id, wanted - now);
    }
    const updated = await lockTransaction(ctx, txn.id);
    await recordEvent(ctx, 'transaction.applications_changed', 'transaction', txn.id, { transaction_id: txn.id, applied: Object.fromEntries(target) });
    return updated;
  });
}
