// Why a flow refuses, as reasons doors map to their vendor's words (never re-checking state).
import { DomainError, ErrorCode } from '../errors/domain-error.ts';

export const FlowRefusal = {
  /** The invoice (or the invoices named) have nothing left to pay, or are not open. */
  NOTHING_DUE: 'nothing_due',
  /** No card or bank account to charge. */
  NO_PAYMENT_METHOD: 'no_payment_method',
  /** Paying from the customer's balance, but there is none. */
  NO_CUSTOMER_BALANCE: 'no_customer_balance',
} as const;
export type FlowRefusal = (typeof FlowRefusal)[keyof typeof FlowRefusal];

const MESSAGES: Record<FlowRefusal, string> = {
  nothing_due: 'There is nothing to pay',
  no_payment_method: 'No payment method available',
  no_customer_balance: 'No available customer balance',
};

export function refuse(reason: FlowRefusal, details: Record<string, unknown> = {}): DomainError {
  return new DomainError(reason === FlowRefusal.NOTHING_DUE ? ErrorCode.ILLEGAL_TRANSITION : ErrorCode.INVALID, MESSAGES[reason], { details: { reason, ...details } });
}
