// The processor interface the payment state machine talks to (Kill Bill's payment SPI in small):
// authorize (a sale is an authorization captured at once), capture, void, refund, credit, settle and
// inquire. The deterministic simulator is its one implementation; a real gateway connector would be
// another. Every answer is an outcome the state machine maps to a transition, including the
// ambiguous ones: `pending` (accepted, settles later: bank refunds) and `unknown` (no answer
// received: the payment must be inquired about before money is counted).
import type { FaultKnobs } from '../tenants/tenants.ts';
import type { AvsResult, CvvResult, DeclineReason } from './test-numbers.ts';
import type { VerificationPolicy } from './verification.ts';
import type { CardBrand } from './cards.ts';

export interface CardInstrument {
  kind: 'card';
  number: string;
  expMonth: number;
  expYear: number;
  cvv?: string | null;
  address1?: string | null;
  postalCode?: string | null;
}

export interface BankInstrument {
  kind: 'bank';
  routingNumber: string;
  accountNumber: string;
}

export type Instrument = CardInstrument | BankInstrument;

export type OutcomeResult = 'approved' | 'declined' | 'pending' | 'unknown';

export interface ProcessorOutcome {
  result: OutcomeResult;
  /** Convenience: result === 'approved'. */
  approved: boolean;
  declineReason: DeclineReason | null;
  authCode: string | null;
  gatewayRef: string;
  avsResult: AvsResult | null;
  cvvResult: CvvResult | null;
  message: string;
}

/** What the processor needs to know to take money from (or send money to) an instrument. */
export interface ChargeRequest {
  tenantId: number;
  /** Per-tenant sequence number: auth codes and references derive from it, so runs repeat. */
  seq: number;
  operation: 'sale' | 'authorize' | 'credit';
  amount: number;
  currency: string;
  instrument: Instrument;
  now: number;
  faults: FaultKnobs;
  /** Options named for what they do; each door sets them from its vendor's rules. */
  options?: ChargeOptions;
}

export interface ChargeOptions {
  /** Decline cards past their expiry on the tenant's clock (some vendors never check in test mode). */
  checkExpiry?: boolean;
  /** Decline bank debits above the gateway's per-transaction limit. */
  bankDebitLimit?: number;
  /** The merchant account's CVV and address rules (verification.ts): a card whose results fail them declines. */
  verification?: VerificationPolicy;
  /** Card brands the merchant account accepts; any other declines type_not_accepted. Absent: all. */
  acceptedBrands?: readonly CardBrand[];
}

/** A follow-up on an earlier authorization or payment (capture, void, refund). */
export interface FollowUpRequest {
  tenantId: number;
  seq: number;
  gatewayRef: string;
  amount: number;
  currency: string;
  instrumentKind: Instrument['kind'] | null;
  faults: FaultKnobs;
}

export interface Processor {
  authorize(request: ChargeRequest): Promise<ProcessorOutcome>;
  credit(request: ChargeRequest): Promise<ProcessorOutcome>;
  capture(request: FollowUpRequest): Promise<ProcessorOutcome>;
  void(request: FollowUpRequest): Promise<ProcessorOutcome>;
  refund(request: FollowUpRequest): Promise<ProcessorOutcome>;
  /** Closes a day's captures; the simulator accepts every batch. */
  settle(request: { tenantId: number; transactionCount: number; netAmount: number; currency: string }): Promise<{ accepted: boolean }>;
  /** The final answer for a payment whose outcome was `unknown`. */
  inquire(request: ChargeRequest): Promise<ProcessorOutcome>;
}
