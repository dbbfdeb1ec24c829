// The simulated processor's trigger table: card and bank numbers that produce a given outcome.
// Sources: AffiniPay's test tables (declines, CVV/AVS, ACH accounts), FluidPay's examples.
export const DeclineReason = {
  DECLINED: 'declined',
  INSUFFICIENT_FUNDS: 'insufficient_funds',
  LIMIT_EXCEEDED: 'limit_exceeded',
  EXPIRED_CARD: 'expired_card',
  PROCESSING_ERROR: 'processing_error',
  HOLD: 'hold',
  INVALID_NUMBER: 'invalid_number',
  TYPE_NOT_ACCEPTED: 'type_not_accepted',
  CVV_MISMATCH: 'cvv_mismatch',
  AVS_REJECTED: 'avs_rejected',
  ACH_DECLINED: 'ach_declined',
  ACH_HOLD: 'ach_declined_hold',
  ACH_DUPLICATE: 'ach_declined_duplicate',
  ACH_INVALID_ACCOUNT: 'ach_invalid_account_number',
  ACH_INSUFFICIENT_FUNDS: 'ach_insufficient_funds',
  ACH_ACCOUNT_NOT_FOUND: 'ach_account_not_found',
  ACH_ACCOUNT_CLOSED: 'ach_account_closed',
  ACH_ACCOUNT_FROZEN: 'ach_account_frozen',
  ACH_LIMIT_EXCEEDED: 'ach_limit_exceeded',
  ACH_INVALID_ROUTING: 'ach_invalid_routing_number',
  /** The processor could not be reached or failed (fault knob, 4000000000000119 is a decline). */
  PROCESSOR_ERROR: 'processor_error',
} as const;
export type DeclineReason = (typeof DeclineReason)[keyof typeof DeclineReason];

export const DECLINE_REASONS = new Set<string>(Object.values(DeclineReason));

/** Cards that decline at authorisation, whatever the amount. */
export const CARD_DECLINES: Readonly<Record<string, DeclineReason>> = {
  '4000000000000002': DeclineReason.DECLINED,
  '4000000000000044': DeclineReason.INSUFFICIENT_FUNDS,
  '4000000000009995': DeclineReason.INSUFFICIENT_FUNDS, // FluidPay digest's trigger
  '4000000000000051': DeclineReason.LIMIT_EXCEEDED,
  '4000000000000069': DeclineReason.EXPIRED_CARD,
  '4000000000000119': DeclineReason.PROCESSING_ERROR,
  '4000000000000127': DeclineReason.HOLD,
  '4000000000000135': DeclineReason.TYPE_NOT_ACCEPTED,
};

export type CvvResult = 'MATCHED' | 'NOT_MATCHED' | 'UNAVAILABLE';
export type AvsResult = 'ADDRESS_AND_POSTAL_CODE' | 'ADDRESS' | 'ZIP5' | 'ZIP9' | 'POSTAL_CODE' | 'NO_MATCH' | 'UNAVAILABLE' | 'AVS_ERROR_INELIGIBLE';

/** Cards that force a CVV result regardless of the code sent. */
export const CVV_CARDS: Readonly<Record<string, CvvResult>> = {
  '4000000000000077': 'UNAVAILABLE',
  '4000000000000101': 'NOT_MATCHED',
};

/** Cards that force (or shape) the AVS result. */
export const AVS_CARDS: Readonly<Record<string, AvsResult | 'POSTAL_ONLY' | 'ADDRESS_ONLY'>> = {
  '4000000000000010': 'NO_MATCH',
  '4000000000000085': 'UNAVAILABLE',
  '4000000000000093': 'AVS_ERROR_INELIGIBLE',
  '4000000000000028': 'POSTAL_ONLY',
  '4000000000000036': 'ADDRESS_ONLY',
};

export const ACH_TEST_ROUTING = '000000013';
export const ACH_INVALID_ROUTING = '000000001';

/** Accounts at routing 000000013 that fail. */
export const ACH_ACCOUNT_DECLINES: Readonly<Record<string, DeclineReason>> = {
  '1000000001': DeclineReason.ACH_DECLINED,
  '1000000002': DeclineReason.ACH_HOLD,
  '1000000003': DeclineReason.ACH_DUPLICATE,
  '1000000004': DeclineReason.ACH_INVALID_ACCOUNT,
  '1000000005': DeclineReason.ACH_INSUFFICIENT_FUNDS,
  '1000000006': DeclineReason.ACH_ACCOUNT_NOT_FOUND,
  '1000000007': DeclineReason.ACH_ACCOUNT_CLOSED,
  '1000000008': DeclineReason.ACH_ACCOUNT_FROZEN,
  '1000000009': DeclineReason.ACH_LIMIT_EXCEEDED,
};

/** FluidPay's documented ACH sample (a 10112 sale) declines: ACH debits above this many cents decline. */
export const FLUIDPAY_ACH_LIMIT = 10_000;
