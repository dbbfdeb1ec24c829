// Invoiced's envelope: {"type","message","param"} (spec §1): 400 for a bad request, 401 auth, 402 a
// declined charge, 403, 404 not found, 429 rate limit, 5xx api_error. Invoiced has no 409 or 422:
// a duplicate or a reused idempotency key is a bad request. The core names fields in its words;
// the few that differ are renamed to Invoiced's.
import { FailureKind, type HttpFailure, type RenderedError } from '../../http/front-door.ts';

const TYPES: Partial<Record<string, string>> = {
  [FailureKind.UNAUTHORIZED]: 'authentication_error',
  [FailureKind.RATE_LIMITED]: 'rate_limit_error',
  [FailureKind.INTERNAL]: 'api_error',
};

/** Core field names → Invoiced's. */
const PARAMS: Record<string, string> = {
  customer_id: 'customer',
  paymethods: 'payment_source_id',
  invoice_id: 'invoice',
  exp_month: 'exp_month',
  number: 'number',
  date: 'date',
  client_id: 'id',
};

export function renderInvoicedError(failure: HttpFailure): RenderedError {
  const status = failure.status === 409 || failure.status === 422 ? 400 : failure.status;
  const type = TYPES[failure.kind] ?? (status >= 500 ? 'api_error' : 'invalid_request');
  const body: Record<string, string> = { type, message: failure.message };
  if (failure.field) body.param = PARAMS[failure.field] ?? failure.field;
  return { status, body };
}
