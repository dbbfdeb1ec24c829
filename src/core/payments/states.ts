// The payment state machine as data: transaction types, states, and for each operation which
// states it may start from (and what they become) or why it is refused. Services consult the
// table instead of re-checking states by hand; front doors map the refusal reasons to their
// vendor's words (FluidPay pending_settlement, AffiniPay AUTHORIZED/COMPLETED, ...).
import { DomainError, ErrorCode } from '../errors/domain-error.ts';

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
  /** The processor's answer was lost: no money is counted until an inquiry resolves it. */
  UNKNOWN: 'unknown',
  AUTHORIZED: 'authorized',
  CAPTURED: 'captured', // captured, waiting for the settlement cut-off
  /** Accepted by the processor, completes at settlement (bank refunds). Counts like captured. */
  PENDING: 'pending',
  SETTLED: 'settled',
  VOIDED: 'voided',
  /**
   * Money asked for and not (yet) paid: a payment request with a pay link, or a recorded charge
   * that moved no money (an invoice-like record). Paying it (operation `pay`) captures it in place.
   */
  REQUESTED: 'requested',
} as const;
export type TxnStatus = (typeof TxnStatus)[keyof typeof TxnStatus];

/** Payment kinds that go through the processor (and so through clearing and settlement). */
export const PROCESSED_KINDS = new Set(['card', 'bank']);

/** States whose money sits in processor clearing until the cut-off. */
export const CLEARING_STATES = new Set<string>([TxnStatus.CAPTURED, TxnStatus.PENDING]);

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
  UNRESOLVED: 'unresolved',
  RESOLVED: 'resolved',
  HAS_REFUNDS: 'has_refunds',
  FULLY_REFUNDED: 'fully_refunded',
  WRONG_TYPE: 'wrong_type',
  NOT_REQUESTED: 'not_requested',
} as const;
export type IllegalReason = (typeof IllegalReason)[keyof typeof IllegalReason];

export type Operation = 'capture' | 'void' | 'refund' | 'settle' | 'resolve' | 'pay';

/** The status stays what it is (a refund changes its parent's figures, not its state). */
const SAME = 'same' as const;
/** A refusal in the table (an object, since some reasons share a word with a state). */
interface Refusal {
  refuse: IllegalReason;
}
type Outcome = TxnStatus | typeof SAME | Refusal;

const S = TxnStatus;
const R = Object.fromEntries(Object.entries(IllegalReason).map(([name, reason]) => [name, { refuse: reason }])) as Record<keyof typeof IllegalReason, Refusal>;

/** For each operation: the state it leads to from each state, or the reason it is refused there. */
export const TRANSITIONS: Readonly<Record<Operation, Readonly<Record<TxnStatus, Outcome>>>> = {
  capture: {
    [S.AUTHORIZED]: S.CAPTURED,
    [S.CAPTURED]: R.ALREADY_CAPTURED,
    [S.PENDING]: R.ALREADY_CAPTURED,
    [S.SETTLED]: R.ALREADY_CAPTURED,
    [S.VOIDED]: R.NOT_AUTHORIZED,
    [S.DECLINED]: R.NOT_AUTHORIZED,
    [S.ERROR]: R.NOT_AUTHORIZED,
    [S.UNKNOWN]: R.UNRESOLVED,
    [S.REQUESTED]: R.NOT_AUTHORIZED,
  },
  void: {
    [S.AUTHORIZED]: S.VOIDED,
    [S.CAPTURED]: S.VOIDED,
    [S.PENDING]: S.VOIDED,
    [S.SETTLED]: R.ALREADY_SETTLED,
    [S.VOIDED]: R.VOIDED,
    [S.DECLINED]: R.DECLINED,
    [S.ERROR]: R.DECLINED,
    [S.UNKNOWN]: R.UNRESOLVED,
    [S.REQUESTED]: S.VOIDED,
  },
  refund: {
    [S.CAPTURED]: SAME,
    [S.SETTLED]: SAME,
    [S.AUTHORIZED]: R.NOT_CAPTURED,
    [S.PENDING]: R.NOT_CAPTURED,
    [S.VOIDED]: R.VOIDED,
    [S.DECLINED]: R.NOT_CAPTURED,
    [S.ERROR]: R.NOT_CAPTURED,
    [S.UNKNOWN]: R.UNRESOLVED,
    [S.REQUESTED]: R.NOT_CAPTURED,
  },
  settle: {
    [S.CAPTURED]: S.SETTLED,
    [S.PENDING]: S.SETTLED,
    [S.AUTHORIZED]: R.NOT_CAPTURED,
    [S.SETTLED]: R.ALREADY_SETTLED,
    [S.VOIDED]: R.VOIDED,
    [S.DECLINED]: R.DECLINED,
    [S.ERROR]: R.DECLINED,
    [S.UNKNOWN]: R.UNRESOLVED,
    [S.REQUESTED]: R.NOT_CAPTURED,
  },
  resolve: {
    [S.UNKNOWN]: SAME, // to whatever the inquiry says
    [S.AUTHORIZED]: R.RESOLVED,
    [S.CAPTURED]: R.RESOLVED,
    [S.PENDING]: R.RESOLVED,
    [S.SETTLED]: R.RESOLVED,
    [S.VOIDED]: R.RESOLVED,
    [S.DECLINED]: R.RESOLVED,
    [S.ERROR]: R.RESOLVED,
    [S.REQUESTED]: R.RESOLVED,
  },
  /** Paying a requested charge: captured in place (a decline leaves it requested). */
  pay: {
    [S.REQUESTED]: S.CAPTURED,
    [S.AUTHORIZED]: R.NOT_REQUESTED,
    [S.CAPTURED]: R.NOT_REQUESTED,
    [S.PENDING]: R.NOT_REQUESTED,
    [S.SETTLED]: R.NOT_REQUESTED,
    [S.VOIDED]: R.VOIDED,
    [S.DECLINED]: R.NOT_REQUESTED,
    [S.ERROR]: R.NOT_REQUESTED,
    [S.UNKNOWN]: R.UNRESOLVED,
  },
};

const MESSAGES: Record<IllegalReason, string> = {
  not_authorized: 'Transaction is not authorized',
  already_captured: 'Transaction is already captured',
  already_settled: 'A settled transaction cannot be voided',
  not_captured: 'Transaction is not captured',
  not_settled: 'Transaction is not settled yet',
  voided: 'Transaction is voided',
  declined: 'Transaction was not approved',
  unresolved: 'The outcome of this transaction is not known yet',
  resolved: 'The outcome of this transaction is already known',
  has_refunds: 'A transaction with refunds cannot be voided',
  fully_refunded: 'Transaction is already fully refunded',
  wrong_type: 'This operation does not apply to this kind of transaction',
  not_requested: 'Only an unpaid payment request can be paid',
};

export function illegal(reason: IllegalReason, message: string = MESSAGES[reason]): DomainError {
  return new DomainError(ErrorCode.ILLEGAL_TRANSITION, message, { details: { reason } });
}

/** The status an operation leads to from `status`, or the refusal (with its reason) it raises. */
export function transition(operation: Operation, status: string): TxnStatus {
  const outcome = TRANSITIONS[operation][status as TxnStatus] ?? R.WRONG_TYPE;
  if (typeof outcome === 'object') throw illegal(outcome.refuse);
  return outcome === SAME ? (status as TxnStatus) : outcome;
}
