// Turns anything thrown in a front door into an HttpFailure, so a client never sees a stack trace.
import type { FastifyError, FastifyRequest } from 'fastify';
import { DomainError, ErrorCode } from '../core/errors/domain-error.ts';
import { FailureKind, type HttpFailure } from './front-door.ts';

/** Thrown by the shared layer and by door auth hooks for conditions the door must render. */
export class HttpFailureError extends Error {
  readonly failure: Omit<HttpFailure, 'requestId'>;
  constructor(failure: Omit<HttpFailure, 'requestId'>) {
    super(failure.message);
    this.failure = failure;
  }
}

export const unauthorized = (message = 'Unauthorized'): HttpFailureError => new HttpFailureError({ kind: FailureKind.UNAUTHORIZED, status: 401, message });

const DOMAIN_STATUS: Record<ErrorCode, number> = {
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.INVALID]: 400,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.ILLEGAL_TRANSITION]: 400,
  [ErrorCode.AMOUNT_EXCEEDS_AUTHORIZED]: 400,
  [ErrorCode.AMOUNT_EXCEEDS_REFUNDABLE]: 400,
  [ErrorCode.AMOUNT_EXCEEDS_BALANCE]: 400,
  [ErrorCode.CURRENCY_MISMATCH]: 400,
  [ErrorCode.PAYMENT_METHOD_UNUSABLE]: 400,
  [ErrorCode.PROCESSOR_UNAVAILABLE]: 502,
  [ErrorCode.IDEMPOTENCY_MISMATCH]: 422,
};

export function toFailure(error: unknown, request: FastifyRequest): HttpFailure {
  const requestId = String(request.id);
  if (error instanceof HttpFailureError) return { ...error.failure, requestId };
  if (error instanceof DomainError && error.code === ErrorCode.IDEMPOTENCY_MISMATCH) {
    return { kind: FailureKind.IDEMPOTENCY_MISMATCH, status: 422, message: error.message, field: 'Idempotency-Key', requestId };
  }
  if (error instanceof DomainError) {
    return { kind: FailureKind.DOMAIN, status: DOMAIN_STATUS[error.code], message: error.message, field: error.field, domain: error, requestId };
  }
  const fastifyError = error as Partial<FastifyError> & { after?: string };
  if (fastifyError.statusCode === 429) {
    return { kind: FailureKind.RATE_LIMITED, status: 429, message: 'Rate limit exceeded', requestId, retryAfterSeconds: retryAfter(fastifyError.after) };
  }
  // Body parser errors (malformed JSON, bad content type, too large) are the client's fault.
  if (typeof fastifyError.code === 'string' && fastifyError.code.startsWith('FST_ERR_CTP')) {
    return { kind: FailureKind.BAD_BODY, status: fastifyError.statusCode ?? 400, message: fastifyError.message ?? 'Bad request body', requestId };
  }
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return { kind: FailureKind.BAD_BODY, status: fastifyError.statusCode, message: fastifyError.message ?? 'Bad request', requestId };
  }
  return { kind: FailureKind.INTERNAL, status: 500, message: `Internal server error (request ${requestId})`, requestId };
}

function retryAfter(after: string | undefined): number {
  const match = /(\d+)/.exec(after ?? '');
  return Math.max(1, match ? Number(match[1]) : 60);
}
