// A payment recorded as received comes back (an ACH return, a bounced cheque): it is taken off its
// invoices, its ledger lines are reversed, it becomes declined, and the invoices note the failed
// attempt. One use-case, one transaction.
import type { TransactionRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { DomainError, ErrorCode } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { keyedWork } from '../idempotency/keyed.ts';
import { unapplyTransaction } from '../invoices/allocations.ts';
import { noteAttempts } from '../invoices/attempts.ts';
import { transactionOperation } from '../payments/operations.ts';
import { reverseLedger } from '../payments/payments.ts';
import { lockTransaction } from '../payments/rows.ts';
import { TxnStatus, TxnType } from '../payments/states.ts';
import { mergeVendorData } from '../vendor-data.ts';

export interface ReturnInfo {
  message?: string | null;
  code?: string | null;
  detail?: string | null;
}

const RETURNED = transactionOperation('payment_returned');

export async function markPaymentReturned(ctx: TenantContext, id: number, info: ReturnInfo, vendorPatch?: { vendor: string; fields: Record<string, unknown> }): Promise<TransactionRow> {
  return keyedWork(ctx, RETURNED, async (ctx) => {
    const txn = await lockTransaction(ctx, id);
    if (txn.type !== TxnType.SALE || (txn.status !== TxnStatus.SETTLED && txn.status !== TxnStatus.CAPTURED)) {
      throw new DomainError(ErrorCode.ILLEGAL_TRANSITION, 'Only a successful payment can be marked declined', { details: { reason: 'not_captured' } });
    }
    if (txn.amount_refunded > 0) throw new DomainError(ErrorCode.ILLEGAL_TRANSITION, 'A refunded payment cannot be marked declined', { details: { reason: 'has_refunds' } });
    const invoices = await ctx.db.selectFrom('allocations').select('invoice_id').distinct().where('tenant_id', '=', ctx.tenant.id).where('transaction_id', '=', id).execute();
    await unapplyTransaction(ctx, txn, Number.MAX_SAFE_INTEGER);
    await reverseLedger(ctx, txn, 'payment_returned');
    const now = ctx.clock.now();
    const updated = await ctx.db
      .updateTable('transactions')
      .set({
        status: TxnStatus.DECLINED,
        decline_reason: info.message ?? 'declined',
        amount_captured: 0,
        amount_authorized: 0,
        amount_settled: 0,
        vendor_data: vendorPatch ? mergeVendorData(txn.vendor_data, vendorPatch.vendor, vendorPatch.fields) : txn.vendor_data,
        updated_at: now,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await noteAttempts(
      ctx,
      invoices.map((row) => Number(row.invoice_id)),
      id,
    );
    await recordEvent(ctx, 'transaction.returned', 'transaction', id, updated);
    return updated;
  });
}
