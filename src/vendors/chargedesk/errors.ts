// ChargeDesk's envelope: {"error":{"message","incorrect_parameter"?,"type"?}} with the statuses of
// spec 1.6 — 400 bad input and refused actions, 401 (with WWW-Authenticate), 402 a gateway decline
// (with the failed charge's id), 404 unknown objects in the path, 429 with Retry-After. Core
// refusals arrive as DomainErrors and are put in ChargeDesk's words here, by reason.
import { DomainError, ErrorCode } from '../../core/errors/domain-error.ts';
import { MoneyFormatError } from '../../core/money/money.ts';
import { FailureKind, type HttpFailure, type RenderedError } from '../../http/front-door.ts';

/** A ChargeDesk answer other than the default for its kind: status, type and extra members. */
export function cdError(status: number, message: string, field?: string, extra: Record<string, unknown> = {}): DomainError {
  return new DomainError(ErrorCode.INVALID, message, { ...(field ? { field } : {}), details: { cd: { status, ...extra } } });
}

export const badParam = (message: string, field: string): DomainError => cdError(400, message, field, { type: 'invalid_request' });
export const notFoundHere = (what: string): DomainError => cdError(404, `No such ${what}`, undefined, { type: 'not_found' });

const DUPLICATE: Record<string, string> = {
  transaction_id: 'A charge with this transaction_id already exists',
  customer_id: 'A customer with this customer_id already exists',
  subscription_id: 'A subscription with this subscription_id already exists',
  product_id: 'A product with this product_id already exists',
};

const REASONS: Record<string, { message: string; field?: string }> = {
  fully_refunded: { message: 'Charge has already been fully refunded' },
  not_captured: { message: 'Only paid charges can be refunded' },
  voided: { message: 'Charge has been voided' },
  not_authorized: { message: 'Charge is not authorized' },
  already_captured: { message: 'Charge is not authorized' },
  already_settled: { message: 'Only unpaid payment requests or authorizations can be voided' },
  declined: { message: 'Only unpaid payment requests or authorizations can be voided' },
  has_refunds: { message: 'A refunded charge cannot be voided' },
  not_requested: { message: 'This charge no longer needs to be paid' },
  not_processed: { message: 'This charge was not processed through a connected gateway' },
  not_recorded: { message: 'A charge made through the payment gateway can only have its description and metadata updated', field: 'status' },
  no_payment_method: { message: 'This customer has no card on file', field: 'customer[id]' },
  not_owned: { message: 'This customer has no card on file', field: 'customer[id]' },
  subscription_ended: { message: 'Subscription is already canceled' },
  already_cancelled: { message: 'Subscription is already canceled' },
  unresolved: { message: 'The outcome of this charge is not known yet' },
};

function fromDomain(error: DomainError, status: number): { status: number; error: Record<string, unknown> } {
  const cd = error.details.cd as ({ status: number } & Record<string, unknown>) | undefined;
  if (cd) {
    const { status: s, ...extra } = cd;
    return { status: s, error: { message: error.message, ...(error.field ? { incorrect_parameter: error.field } : {}), ...extra } };
  }
  const reason = typeof error.details.reason === 'string' ? error.details.reason : '';
  if (error.code === ErrorCode.CONFLICT && reason === 'duplicate_ref') {
    const kind = String(error.details.kind);
    return { status: 400, error: { message: DUPLICATE[kind] ?? error.message, incorrect_parameter: kind, type: 'invalid_request' } };
  }
  if (error.code === ErrorCode.NOT_FOUND) return { status: 404, error: { message: error.message, type: 'not_found' } };
  if (error.code === ErrorCode.PROCESSOR_UNAVAILABLE) return { status: 402, error: { message: 'The payment gateway could not be reached', type: 'gateway' } };
  if (error.code === ErrorCode.AMOUNT_EXCEEDS_AUTHORIZED || error.code === ErrorCode.AMOUNT_EXCEEDS_REFUNDABLE || error.code === ErrorCode.AMOUNT_EXCEEDS_BALANCE)
    return { status: 400, error: { message: error.message, incorrect_parameter: 'amount', type: 'invalid_request' } };
  const mapped = REASONS[reason];
  if (mapped) return { status: 400, error: { message: mapped.message, ...(mapped.field ? { incorrect_parameter: mapped.field } : {}), type: 'invalid_request' } };
  return { status: status >= 500 ? 400 : status, error: { message: error.message, ...(error.field ? { incorrect_parameter: error.field } : {}), type: 'invalid_request' } };
}

export function renderChargeDeskError(failure: HttpFailure): RenderedError {
  if (failure.kind === FailureKind.RATE_LIMITED) {
    return { status: 429, body: { error: { message: `Rate limit exceeded. Try again in ${failure.retryAfterSeconds ?? 60} seconds.` } } };
  }
  if (failure.kind === FailureKind.UNAUTHORIZED) {
    return { status: 401, body: { error: { message: failure.message } }, headers: { 'www-authenticate': 'Basic realm="ChargeDesk"' } };
  }
  if (failure.domain) {
    const { status, error } = fromDomain(failure.domain, failure.status);
    return { status, body: { error } };
  }
  const error: Record<string, string> = { message: failure.message };
  if (failure.field) error.incorrect_parameter = failure.field;
  return { status: failure.status >= 500 && failure.kind !== FailureKind.INTERNAL ? 400 : failure.status, body: { error } };
}

/** Money text the core could not take (too many places): the field's 400. */
export function moneyError(error: unknown, field: string): never {
  if (error instanceof MoneyFormatError) throw badParam(`${field} is not a valid amount`, field);
  throw error;
}
