// Transaction types, states and the transitions the core allows. Front doors map these to their
// vendor's words (FluidPay pending_settlement, AffiniPay AUTHORIZED/COMPLETED, ...).
export const TxnType = {
  SALE: 'sale',
  AUTHORIZE: 'authorize',
  CREDIT: 'credit', // money sent to a card or account, not tied to an earlier payment
  REFUND: 'refund', // money returned against an earlier payment (parent_id)
  CREDIT_MEMO: 'credit_memo', // customer credit granted, no money moves
} as const;
export type TxnType = (typeof TxnType)[keyof typeof TxnType];

export const TxnStatus = {
  DECLINED: 'declined',
  ERROR: 'error',
  AUTHORIZED: 'authorized',
  CAPTURED: 'captured', // captured, waiting for the settlement cut-off
  SETTLED: 'settled',
  VOIDED: 'voided',
} as const;
export type TxnStatus = (typeof TxnStatus)[keyof typeof TxnStatus];

/** Payment kinds that go through the processor (and so through clearing and settlement). */
export const PROCESSED_KINDS = new Set(['card', 'bank']);

/** Signed effect of a transaction on money held for the customer: payments in, refunds and credits out. */
export function direction(type: string): 1 | -1 {
  return type === TxnType.REFUND || type === TxnType.CREDIT ? -1 : 1;
}

export const IllegalReason = {
  NOT_AUTHORIZED: 'not_authorized',
  ALREADY_CAPTURED: 'already_captured',
  ALREADY_SETTLED: 'already_settled',
  NOT_CAPTURED: 'not_captured',
  NOT_SETTLED: 'not_settled',
  VOIDED: 'voided',
  DECLINED: 'declined',
  HAS_REFUNDS: 'has_refunds',
  FULLY_REFUNDED: 'fully_refunded',
  WRONG_TYPE: 'wrong_type',
} as const;
export type IllegalReason = (typeof IllegalReason)[keyof typeof IllegalReason];
