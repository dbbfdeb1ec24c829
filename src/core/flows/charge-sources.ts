// The step pay-an-invoice and charge-and-apply share: try the payment sources in order until one
// is approved, inside the flow's transaction, with sequence numbers reserved before it opened.
import type { TransactionRow } from '../database.ts';
import { TxnStatus } from '../payments/states.ts';
import { chargeWithin, type PaymentInput, type PaymentSource } from '../payments/processing.ts';
import { declineMessage } from '../processor/simulator.ts';
import type { TxContext } from '../work.ts';

export interface SourcesOutcome {
  /** The approved transaction, or the last one tried. */
  transaction: TransactionRow;
  result: 'approved' | 'declined' | 'unknown';
  message: string | null;
}

/** Sequence numbers reserved before the transaction opened: `count` of them from `first`. */
export interface ReservedSeqs {
  first: number | null;
  count: number;
}

export async function chargeFirstApproved(ctx: TxContext, sources: readonly PaymentSource[], base: Omit<PaymentInput, 'source' | 'type'>, reserved: ReservedSeqs | undefined): Promise<SourcesOutcome> {
  let last: SourcesOutcome | null = null;
  for (const [i, source] of sources.entries()) {
    const seq = reserved && reserved.first !== null && i < reserved.count ? reserved.first + i : null;
    const { transaction, outcome } = await chargeWithin(ctx, { ...base, type: 'sale', source }, seq);
    if (transaction.status === TxnStatus.CAPTURED) return { transaction, result: 'approved', message: null };
    // An unanswered charge may have taken the money: trying another source could charge twice.
    if (transaction.status === TxnStatus.UNKNOWN) return { transaction, result: 'unknown', message: outcome?.message ?? null };
    last = { transaction, result: 'declined', message: outcome?.message ?? declineMessage(transaction.decline_reason ?? 'declined') };
  }
  if (!last) throw new Error('chargeFirstApproved needs at least one source');
  return last;
}
