// The built-in, deterministic processor. Outcomes follow from the numbers (see test-numbers.ts),
// the tenant's clock and its fault knobs; auth codes and gateway references derive from the tenant
// and the transaction's per-tenant sequence number, so a test run is repeatable.
import { createHash } from 'node:crypto';
import type { BankInstrument, CardInstrument, ChargeRequest, FollowUpRequest, Processor, ProcessorOutcome } from './processor.ts';
import { detectBrand, isExpired, isValidCardNumber, isValidRoutingNumber, type CardBrand } from './cards.ts';
import { verificationDecline, type VerificationPolicy } from './verification.ts';
import { ACH_ACCOUNT_DECLINES, ACH_TEST_ROUTING, AVS_CARDS, CARD_DECLINES, CVV_CARDS, DECLINE_REASONS, DeclineReason, FLUIDPAY_ACH_LIMIT, type CvvResult } from './test-numbers.ts';

export type ProcessorOperation = ChargeRequest['operation'];
export type { CardInstrument, BankInstrument, ProcessorOutcome } from './processor.ts';

/** The inputs of one decision: a charge request with its options flattened (tests build these). */
export interface ProcessorRequest extends Omit<ChargeRequest, 'options'> {
  checkExpiry?: boolean;
  verification?: VerificationPolicy;
  acceptedBrands?: readonly CardBrand[];
  /** Decline bank debits above this many minor units. */
  bankDebitLimit?: number;
  /** Shorthand for FluidPay's bank debit limit (its documented 10112 sample declines). */
  achAmountLimit?: boolean;
}

const MESSAGES: Record<string, string> = {
  [DeclineReason.DECLINED]: 'Transaction was declined',
  [DeclineReason.INSUFFICIENT_FUNDS]: 'Transaction was declined due to insufficient funds',
  [DeclineReason.LIMIT_EXCEEDED]: 'Transaction was declined due to limits exceeded',
  [DeclineReason.EXPIRED_CARD]: 'Card is expired',
  [DeclineReason.PROCESSING_ERROR]: 'Transaction was declined due to a processing error',
  [DeclineReason.HOLD]: 'Transaction was declined: hold card',
  [DeclineReason.INVALID_NUMBER]: 'Card number is invalid',
  [DeclineReason.TYPE_NOT_ACCEPTED]: 'Card type is not accepted',
  [DeclineReason.CVV_MISMATCH]: 'Card code does not match',
  [DeclineReason.AVS_REJECTED]: 'Address verification failed',
  [DeclineReason.ACH_DECLINED]: 'Transaction was declined',
  [DeclineReason.ACH_HOLD]: 'Transaction was declined: account on hold',
  [DeclineReason.ACH_DUPLICATE]: 'Transaction was declined as a duplicate',
  [DeclineReason.ACH_INVALID_ACCOUNT]: 'Account number is invalid',
  [DeclineReason.ACH_INSUFFICIENT_FUNDS]: 'Transaction was declined due to insufficient funds',
  [DeclineReason.ACH_ACCOUNT_NOT_FOUND]: 'Account was not found',
  [DeclineReason.ACH_ACCOUNT_CLOSED]: 'Account is closed',
  [DeclineReason.ACH_ACCOUNT_FROZEN]: 'Account is frozen',
  [DeclineReason.ACH_LIMIT_EXCEEDED]: 'Transaction was declined due to limits exceeded',
  [DeclineReason.ACH_INVALID_ROUTING]: 'Routing number is invalid',
  [DeclineReason.PROCESSOR_ERROR]: 'The processor could not be reached',
};

export function declineMessage(reason: string): string {
  return MESSAGES[reason] ?? 'Transaction was declined';
}

function digest(tenantId: number, seq: number, purpose: string): Buffer {
  return createHash('sha256').update(`${purpose}:${tenantId}:${seq}`).digest();
}

/** Six characters, letters then digits, like a real issuer's approval code ("TAS731"). */
export function authCodeFor(tenantId: number, seq: number): string {
  const bytes = digest(tenantId, seq, 'auth');
  const letters = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
  return letters[bytes[0] % letters.length] + letters[bytes[1] % letters.length] + letters[bytes[2] % letters.length] + String(bytes.readUInt16BE(3) % 1000).padStart(3, '0');
}

export function gatewayRefFor(tenantId: number, seq: number): string {
  return digest(tenantId, seq, 'ref').toString('hex').slice(0, 16);
}

function avsFor(card: CardInstrument): ProcessorOutcome['avsResult'] {
  const forced = AVS_CARDS[card.number];
  const postal = (card.postalCode ?? '').replace(/[\s-]/g, '');
  const postalResult: ProcessorOutcome['avsResult'] = postal === '' ? null : /^\d{5}$/.test(postal) ? 'ZIP5' : /^\d{9}$/.test(postal) ? 'ZIP9' : 'POSTAL_CODE';
  const hasAddress = Boolean(card.address1 && card.address1.trim());
  if (forced === 'POSTAL_ONLY') return postalResult ?? 'NO_MATCH';
  if (forced === 'ADDRESS_ONLY') return hasAddress ? 'ADDRESS' : 'NO_MATCH';
  if (forced) return forced;
  if (hasAddress && postalResult) return 'ADDRESS_AND_POSTAL_CODE';
  if (hasAddress) return 'ADDRESS';
  return postalResult;
}

function cardDecline(request: ProcessorRequest, card: CardInstrument): DeclineReason | null {
  if (!isValidCardNumber(card.number)) return DeclineReason.INVALID_NUMBER;
  if (request.acceptedBrands && !request.acceptedBrands.includes(detectBrand(card.number))) return DeclineReason.TYPE_NOT_ACCEPTED;
  const listed = CARD_DECLINES[card.number];
  if (listed) return listed;
  if (request.checkExpiry !== false && isExpired(card.expMonth, card.expYear, request.now)) return DeclineReason.EXPIRED_CARD;
  return null;
}

function bankDecline(request: ProcessorRequest, bank: BankInstrument): DeclineReason | null {
  if (!isValidRoutingNumber(bank.routingNumber)) return DeclineReason.ACH_INVALID_ROUTING;
  if (!/^\d{4,17}$/.test(bank.accountNumber)) return DeclineReason.ACH_INVALID_ACCOUNT;
  if (bank.routingNumber === ACH_TEST_ROUTING) {
    const listed = ACH_ACCOUNT_DECLINES[bank.accountNumber];
    if (listed) return listed;
  }
  const limit = request.bankDebitLimit ?? (request.achAmountLimit ? FLUIDPAY_ACH_LIMIT : undefined);
  if (limit !== undefined && request.operation !== 'credit' && request.amount > limit) {
    return DeclineReason.ACH_LIMIT_EXCEEDED;
  }
  return null;
}

export function simulate(request: ProcessorRequest): ProcessorOutcome {
  const gatewayRef = gatewayRefFor(request.tenantId, request.seq);
  const instrument = request.instrument;
  const cvvResult: CvvResult | null = instrument.kind === 'card' ? (CVV_CARDS[instrument.number] ?? (instrument.cvv ? 'MATCHED' : null)) : null;
  // A merchant that does not check addresses sends none: no AVS result then.
  const avsResult = instrument.kind === 'card' && request.verification?.avs !== 'disabled' ? avsFor(instrument) : null;

  let reason: DeclineReason | null = null;
  if (request.faults.processor_error) reason = DeclineReason.PROCESSOR_ERROR;
  else if (request.faults.force_decline) {
    reason = DECLINE_REASONS.has(request.faults.force_decline) ? (request.faults.force_decline as DeclineReason) : DeclineReason.DECLINED;
  } else reason = instrument.kind === 'card' ? cardDecline(request, instrument) : bankDecline(request, instrument);
  if (!reason && instrument.kind === 'card' && request.verification) {
    reason = verificationDecline(request.verification, { cvv: cvvResult, avs: avsResult, cvvSent: Boolean(instrument.cvv) });
  }

  if (reason) {
    return { result: 'declined', approved: false, declineReason: reason, authCode: null, gatewayRef, avsResult, cvvResult, message: declineMessage(reason) };
  }
  const authCode = authCodeFor(request.tenantId, request.seq);
  return { result: 'approved', approved: true, declineReason: null, authCode, gatewayRef, avsResult, cvvResult, message: `APPROVAL ${authCode}` };
}

function flatten(request: ChargeRequest): ProcessorRequest {
  const { options, ...rest } = request;
  return { ...rest, checkExpiry: options?.checkExpiry, bankDebitLimit: options?.bankDebitLimit, verification: options?.verification, acceptedBrands: options?.acceptedBrands };
}

function approvedFollowUp(request: FollowUpRequest, result: 'approved' | 'pending' = 'approved'): ProcessorOutcome {
  return {
    result,
    approved: result === 'approved',
    declineReason: null,
    authCode: null,
    gatewayRef: gatewayRefFor(request.tenantId, request.seq),
    avsResult: null,
    cvvResult: null,
    message: result === 'pending' ? 'ACCEPTED' : 'APPROVED',
  };
}

/**
 * The simulator as a Processor. With the `ambiguous_outcome` fault a charge's answer is lost
 * (`unknown`); inquire() then tells what it was. Bank refunds are accepted as `pending` and settle
 * at the next cut-off.
 */
export const simulator: Processor = {
  async authorize(request) {
    const decided = simulate(flatten(request));
    if (request.faults.ambiguous_outcome && decided.result !== 'declined') return { ...decided, result: 'unknown', approved: false, authCode: null, message: 'No answer from the processor' };
    return decided;
  },
  async credit(request) {
    return simulate(flatten(request));
  },
  async capture(request) {
    return approvedFollowUp(request);
  },
  async void(request) {
    return approvedFollowUp(request);
  },
  async refund(request) {
    return approvedFollowUp(request, request.instrumentKind === 'bank' ? 'pending' : 'approved');
  },
  async settle() {
    return { accepted: true };
  },
  async inquire(request) {
    return simulate(flatten({ ...request, faults: { ...request.faults, ambiguous_outcome: false } }));
  },
};
