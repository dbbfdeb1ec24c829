// Refund a charge whichever way it was made: through the processor (a refund transaction), or a
// recorded one (its refunded amount grows, the ledger follows). Both refuse more than remains.
// `processedOnly` is for doors whose refund acts on the gateway alone (a record is then refused).
import type { TransactionRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { DomainError, ErrorCode } from '../errors/domain-error.ts';
import { getTransaction } from '../payments/rows.ts';
import { refund } from '../payments/payments.ts';
import { isProcessed, refundRecordWithin } from '../payments/recorded-charges.ts';
import { transactionOperation } from '../payments/operations.ts';
import { keyedWork } from '../idempotency/keyed.ts';

const REFUND_RECORD = transactionOperation('refund_record');

export async function refundCharge(ctx: TenantContext, id: number, options: { amount?: number; processedOnly?: boolean; description?: string | null }): Promise<TransactionRow> {
  const charge = await getTransaction(ctx, id);
  if (isProcessed(charge)) {
    const result = await refund(ctx, id, { amount: options.amount, description: options.description ?? null });
    return result.parent;
  }
  if (options.processedOnly) throw new DomainError(ErrorCode.ILLEGAL_TRANSITION, 'This charge was not processed through a connected gateway', { details: { reason: 'not_processed' } });
  return keyedWork(ctx, REFUND_RECORD, (w) => refundRecordWithin(w, id, options.amount));
}
