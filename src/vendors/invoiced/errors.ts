// Invoiced's envelope: {"type","message","param"}.
import { FailureKind, type HttpFailure, type RenderedError } from '../../http/front-door.ts';

const TYPES: Partial<Record<string, string>> = {
  [FailureKind.UNAUTHORIZED]: 'authentication_error',
  [FailureKind.RATE_LIMITED]: 'rate_limit_error',
  [FailureKind.INTERNAL]: 'api_error',
};

export function renderInvoicedError(failure: HttpFailure): RenderedError {
  const body: Record<string, string> = { type: TYPES[failure.kind] ?? 'invalid_request', message: failure.message };
  if (failure.field) body.param = failure.field;
  return { status: failure.status, body };
}
