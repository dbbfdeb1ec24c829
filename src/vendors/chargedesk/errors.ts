// ChargeDesk's envelope: {"error":{"message","incorrect_parameter"}}; 429 carries Retry-After.
import { FailureKind, type HttpFailure, type RenderedError } from '../../http/front-door.ts';

export function renderChargeDeskError(failure: HttpFailure): RenderedError {
  const message = failure.kind === FailureKind.RATE_LIMITED ? `Rate limit exceeded. Try again in ${failure.retryAfterSeconds ?? 60} seconds.` : failure.message;
  const error: Record<string, string> = { message };
  if (failure.field) error.incorrect_parameter = failure.field;
  return { status: failure.status, body: { error } };
}
