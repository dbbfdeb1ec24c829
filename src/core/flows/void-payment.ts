// Void (delete) a payment and reopen what it paid (one use-case, one transaction): its
// applications come off the invoices, its ledger lines are reversed, and it stays on record as
// voided. A processor payment still in clearing is voided at the processor (payments.ts
// voidTransaction: a settled one must be refunded instead); a payment recorded outside the
// processor (cheque, cash) is voided in the books only. A payment with refunds is refused.
import type { TransactionRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { recordEvent } from '../events/events.ts';
import { keyedWork } from '../idempotency/keyed.ts';
import { unapplyTransaction } from '../invoices/allocations.ts';
import { transactionOperation } from '../payments/operations.ts';
import { reverseLedger, voidTransaction } from '../payments/payments.ts';
import { lockTransaction } from '../payments/rows.ts';
import { IllegalReason, PROCESSED_KINDS, TxnStatus, TxnType, illegal } from '../payments/states.ts';

const VOID_PAYMENT = transactionOperation('void_payment');

export async function voidPayment(ctx: TenantContext, id: number): Promise<TransactionRow> {
  return keyedWork(ctx, VOID_PAYMENT, async (ctx) => {
    const txn = await lockTransaction(ctx, id);
    if (txn.type !== TxnType.SALE) throw illegal(IllegalReason.WRONG_TYPE, 'Only a payment can be voided');
    if (PROCESSED_KINDS.has(txn.payment_kind ?? '')) return voidTransaction(ctx, id);
    if (txn.status === TxnStatus.VOIDED) throw illegal(IllegalReason.VOIDED);
    if (txn.status !== TxnStatus.SETTLED) throw illegal(IllegalReason.NOT_CAPTURED);
    if (txn.amount_refunded > 0) throw illegal(IllegalReason.HAS_REFUNDS);
    await unapplyTransaction(ctx, txn, Number.MAX_SAFE_INTEGER);
    await reverseLedger(ctx, txn, 'void');
    const now = ctx.clock.now();
    const updated = await ctx.db.updateTable('transactions').set({ status: TxnStatus.VOIDED, voided_at: now, updated_at: now }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await recordEvent(ctx, 'transaction.voided', 'transaction', id, updated);
    return updated;
  });
}
