// The keyed operations of the payments module: how each names its result for the idempotency
// record, and how a replay loads it again.
import type { PaymentMethodRow, TransactionRow } from '../database.ts';
import type { KeyedOperation } from '../idempotency/claim.ts';
import type { ProcessorOutcome } from '../processor/processor.ts';
import { getTransaction } from './rows.ts';

export interface PaymentResult {
  transaction: TransactionRow;
  outcome: ProcessorOutcome | null;
  /** True when the result of an earlier request with the same idempotency key was returned. */
  replayed: boolean;
  /** The method charged, as written with the payment (absent on a replay): a caller renders it without reading it again. */
  method?: PaymentMethodRow;
}

export interface RefundResult {
  refund: TransactionRow;
  parent: TransactionRow;
  replayed: boolean;
}

/** An operation whose result is one transaction row. */
export function transactionOperation(name: string): KeyedOperation<TransactionRow> {
  return { name, ref: (row) => ({ type: 'transaction', id: row.id }), load: (ctx, ref) => getTransaction(ctx, ref.id) };
}

export const PAYMENT: KeyedOperation<PaymentResult> = {
  name: 'payment',
  ref: (result) => ({ type: 'transaction', id: result.transaction.id }),
  load: async (ctx, ref) => ({ transaction: await getTransaction(ctx, ref.id), outcome: null, replayed: true }),
};

export const REFUND: KeyedOperation<RefundResult> = {
  name: 'refund',
  ref: (result) => ({ type: 'transaction', id: result.refund.id }),
  load: async (ctx, ref) => {
    const refund = await getTransaction(ctx, ref.id);
    return { refund, parent: await getTransaction(ctx, refund.parent_id as number), replayed: true };
  },
};

export const CAPTURE = transactionOperation('capture');
export const VOID = transactionOperation('void');
export const RECORDED_PAYMENT = transactionOperation('recorded_payment');
