// AffiniPay's envelope (spec §1.5, §3.C14): {"messages":[{code, level, message, context, sub_code,
// facility, entity_id}]}, with the status each code has. Validation answers only messages; a
// transaction that was attempted and failed answers its JSON with messages beside it (ApError.body).
import type { FastifyReply } from 'fastify';
import { DomainError, ErrorCode } from '../../core/errors/domain-error.ts';
import { FailureKind, type HttpFailure, type RenderedError } from '../../http/front-door.ts';

export type Facility = 'gateway' | 'payment_processor';
export type SubCode = 'number_out_of_range' | 'invalid_length' | 'exceeds_maximum_value' | 'below_minimum_value' | 'not_blank' | 'not_null' | 'invalid';

export interface ApMessage {
  code: string;
  level?: 'error' | 'info';
  message?: string;
  context?: string;
  sub_code?: SubCode;
  facility?: Facility;
  entity_id?: string;
}

/** The documented texts (spec §3.C14, clients.md); other codes say what they are in plain words. */
const MESSAGES: Record<string, string> = {
  not_authorized: 'Not authorized',
  malformed_request: 'Unable to process JSON content',
  invalid_request: 'Invalid request',
  no_content: 'No JSON content received',
  invalid_data_encryption: 'The value could not be decrypted',
  resource_not_found: 'Requested resource not found',
  unavailable_for_current_status: 'The current status of the entity does not allow the requested operation',
  no_account_specified: 'An account ID must be specified',
  merchant_not_active: 'Merchant is not active',
  unavailable_for_merchant_status: 'The operation cannot be completed due to the current merchant status',
  account_not_active: 'Account is not active',
  unavailable_for_merchant_policy: 'The operation is unavailable due to the current merchant policy',
  no_payment_method: 'No payment method was specified',
  no_account_for_payment_method: 'Merchant does not have an account that supports the requested payment method',
  incorrect_payment_type: 'Payment method type not supported by the target account',
  payment_method_expired: 'Payment method expired',
  search_failed: 'The search could not be processed as defined',
  server_error: 'An unexpected error occurred',
  version_conflict: 'Version conflict',
  resource_exists: 'A resource with the given source_id already exists',
  card_number_invalid: 'Card number is invalid',
  card_number_incorrect: 'Card number does not match the card type',
  card_expired: 'Card is expired',
  card_cvv_incorrect: 'Card code is incorrect',
  card_avs_rejected: 'Transaction was declined due to address verification',
  no_card_details_or_token_present: 'No card details or token present',
  no_bank_details_or_token_present: 'No bank details or token present',
  not_valid_for_transaction_status: 'The operation cannot be completed in the current status',
  exceeds_authorized_amount: 'Amount to capture exceeds the authorized amount',
  refund_exceeds_transaction: 'Amount of refund exceeds remaining transaction balance',
  currency_mismatch: "Specified currency does not match the transaction's currency",
  unsupported_currency: 'Currency is not supported',
  card_declined: 'Transaction was declined',
  card_declined_processing_error: 'Transaction was declined due to a processing error',
  card_declined_insufficient_funds: 'Transaction was declined due to insufficient funds',
  card_declined_limit_exceeded: 'Transaction was declined due to limits exceeded',
  card_declined_refer_to_issuer: 'Transaction was declined: refer to issuer',
  card_declined_hold: 'Transaction was declined: hold card',
  card_declined_no_account: 'Transaction was declined: no such account',
  card_type_not_accepted: 'Card type is not accepted',
  card_processor_not_available: 'The card processor is not available',
  card_processing_error: 'The card processor could not process the transaction',
  ach_declined: 'Transaction was declined',
  ach_declined_hold: 'Transaction was declined: account on hold',
  ach_declined_duplicate: 'Transaction was declined as a duplicate',
  ach_invalid_account_number: 'Account number is invalid',
  ach_invalid_routing_number: 'Routing number is invalid',
  ach_insufficient_funds: 'Transaction was declined due to insufficient funds',
  ach_account_not_found: 'Account was not found',
  ach_account_closed: 'Account is closed',
  ach_account_frozen: 'Account is frozen',
  ach_limit_exceeded: 'Transaction was declined due to limits exceeded',
  ach_processing_error: 'The bank processor could not process the transaction',
  no_occurrences_for_schedule: 'The schedule has no occurrences',
  first_occurrence_due_immediately: 'The first occurrence of the schedule cannot be due today',
  update_results_in_no_occurrences: 'The update leaves the schedule without occurrences',
  conflict: 'The request conflicts with the current state of the resource',
};

/** Codes the payment processor answers (the rest are the gateway's own). */
const PROCESSOR_CODES = new Set([
  'card_cvv_incorrect',
  'card_avs_rejected',
  'card_declined',
  'card_declined_processing_error',
  'card_declined_insufficient_funds',
  'card_declined_limit_exceeded',
  'card_declined_refer_to_issuer',
  'card_declined_hold',
  'card_declined_no_account',
  'card_type_not_accepted',
  'card_processor_not_available',
  'card_processing_error',
  'no_bank_details_or_token_present',
  'ach_declined',
  'ach_declined_hold',
  'ach_declined_duplicate',
  'ach_invalid_account_number',
  'ach_invalid_routing_number',
  'ach_insufficient_funds',
  'ach_account_not_found',
  'ach_account_closed',
  'ach_account_frozen',
  'ach_limit_exceeded',
  'ach_processing_error',
]);

const STATUS: Record<string, number> = {
  not_authorized: 401,
  malformed_request: 400,
  invalid_request: 400,
  resource_not_found: 404,
  server_error: 500,
  version_conflict: 409,
  resource_exists: 409,
  conflict: 409,
  card_processor_not_available: 500,
  card_processing_error: 500,
  ach_processing_error: 500,
};

export function messageFor(code: string): string {
  return MESSAGES[code] ?? code.replace(/_/g, ' ');
}

export function statusFor(code: string): number {
  return STATUS[code] ?? 422;
}

/** One message in AffiniPay's shape: level error, the code's facility and text unless given. */
export function apMessage(code: string, extra: Omit<ApMessage, 'code'> = {}): ApMessage {
  return { code, level: 'error', message: messageFor(code), facility: PROCESSOR_CODES.has(code) ? 'payment_processor' : 'gateway', ...extra };
}

/** An answer in AffiniPay's words: its messages (and, for an attempted transaction, its body). */
export class ApError extends Error {
  readonly status: number;
  readonly messages: ApMessage[];
  readonly body: Record<string, unknown> | undefined;
  constructor(status: number, messages: ApMessage[], body?: Record<string, unknown>) {
    super(messages[0]?.message ?? messages[0]?.code ?? 'error');
    this.status = status;
    this.messages = messages;
    this.body = body;
  }
}

export function apError(code: string, extra: Omit<ApMessage, 'code'> = {}, body?: Record<string, unknown>): ApError {
  return new ApError(statusFor(code), [apMessage(code, extra)], body);
}

/** invalid_data on a field: its context, sub-code and message (spec §3.C14). */
export function invalidData(context: string, subCode: SubCode, message: string): ApError {
  return new ApError(422, [apMessage('invalid_data', { context, sub_code: subCode, message })]);
}

export const notFoundError = (context?: string): ApError => apError('resource_not_found', context ? { context } : {});

/** Several invalid_data messages in one answer (every required field missing, spec §4.1). */
export function invalidFields(messages: Array<{ context: string; subCode: SubCode; message: string }>): ApError {
  return new ApError(
    422,
    messages.map((m) => apMessage('invalid_data', { context: m.context, sub_code: m.subCode, message: m.message })),
  );
}

/** The answer body of an ApError. */
export function errorBody(error: ApError): Record<string, unknown> {
  return { ...(error.body ?? {}), messages: error.messages };
}

export function sendApError(reply: FastifyReply, error: ApError): FastifyReply {
  return reply
    .code(error.status)
    .type('application/json; charset=utf-8')
    .send(JSON.stringify(errorBody(error)));
}

/** A core error no translation caught, in AffiniPay's nearest words (never a 500 for the client's input). */
export function fromDomain(error: DomainError): ApError {
  switch (error.code) {
    case ErrorCode.NOT_FOUND:
      return notFoundError();
    case ErrorCode.INVALID:
      return new ApError(422, [apMessage('invalid_data', { ...(error.field ? { context: error.field } : {}), sub_code: 'invalid', message: error.message })]);
    case ErrorCode.CONFLICT:
      return new ApError(409, [apMessage('conflict', { message: error.message, ...(error.field ? { context: error.field } : {}) })]);
    case ErrorCode.CURRENCY_MISMATCH:
      return apError('currency_mismatch');
    case ErrorCode.AMOUNT_EXCEEDS_AUTHORIZED:
      return apError('exceeds_authorized_amount');
    case ErrorCode.AMOUNT_EXCEEDS_REFUNDABLE:
      return apError('refund_exceeds_transaction');
    case ErrorCode.PROCESSOR_UNAVAILABLE:
      return apError('card_processor_not_available');
    case ErrorCode.IDEMPOTENCY_MISMATCH:
      return new ApError(422, [apMessage('invalid_request', { message: error.message, context: 'Idempotency-Key' })]);
    default:
      return apError('not_valid_for_transaction_status');
  }
}

function codeOf(failure: HttpFailure): string {
  if (failure.kind === FailureKind.ROUTE_NOT_FOUND) return 'resource_not_found';
  if (failure.kind === FailureKind.UNAUTHORIZED) return 'not_authorized';
  if (failure.kind === FailureKind.RATE_LIMITED) return 'rate_limit_exceeded';
  if (failure.kind === FailureKind.INTERNAL) return 'server_error';
  if (failure.kind === FailureKind.BAD_BODY && /json/i.test(failure.message)) return 'malformed_request';
  return 'invalid_request';
}

/** Failures the shared layer raises (unknown route, auth, unreadable body, rate limit), in AffiniPay's envelope. */
export function renderAffiniPayError(failure: HttpFailure): RenderedError {
  if (failure.kind === FailureKind.DOMAIN && failure.domain) {
    const error = fromDomain(failure.domain);
    return { status: error.status, body: errorBody(error) };
  }
  const code = codeOf(failure);
  const status = code === 'malformed_request' || code === 'invalid_request' ? 400 : failure.status;
  // A server error names its request id, so a client's report can be found in the logs.
  const message = apMessage(code, code === 'rate_limit_exceeded' || code === 'server_error' ? { message: failure.message } : {});
  return { status, body: { messages: [message] } };
}
