// AffiniPay's envelope: {"messages":[{level, code, context, message, facility}]}.
import { ErrorCode } from '../../core/errors/domain-error.ts';
import { FailureKind, type HttpFailure, type RenderedError } from '../../http/front-door.ts';

function codeOf(failure: HttpFailure): string {
  if (failure.kind === FailureKind.ROUTE_NOT_FOUND) return 'resource_not_found';
  if (failure.kind === FailureKind.UNAUTHORIZED) return 'not_authorized';
  if (failure.kind === FailureKind.RATE_LIMITED) return 'rate_limit_exceeded';
  if (failure.kind === FailureKind.INTERNAL) return 'internal_error';
  if (failure.domain?.code === ErrorCode.NOT_FOUND) return 'resource_not_found';
  return 'invalid_request';
}

export function renderAffiniPayError(failure: HttpFailure): RenderedError {
  const message: Record<string, string> = { level: 'error', code: codeOf(failure), message: failure.message, facility: 'gateway' };
  if (failure.field) message.context = failure.field;
  return { status: failure.status, body: { messages: [message] } };
}
