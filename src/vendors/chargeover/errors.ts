// ChargeOver's envelope: {code, status, message, details, response}; errors carry response:false.
import { FailureKind, type HttpFailure, type RenderedError } from '../../http/front-door.ts';

export const RATE_LIMIT_MESSAGE = 'Rate limit exceeded';

export function renderChargeOverError(failure: HttpFailure): RenderedError {
  // ChargeOver answers an unknown endpoint with 400, not 404 (spec 1.6).
  const status = failure.kind === FailureKind.ROUTE_NOT_FOUND ? 400 : failure.status;
  const message = failure.kind === FailureKind.RATE_LIMITED ? RATE_LIMIT_MESSAGE : failure.message;
  const headers: Record<string, string> = status === 401 ? { 'www-authenticate': 'Basic realm="ChargeOver API"' } : {};
  return { status, headers, body: { code: status, status: 'Error', message, details: {}, response: false } };
}
