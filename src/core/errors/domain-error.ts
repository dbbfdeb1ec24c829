// Errors the core raises. Each front door maps the code (and reason) to its vendor's words and status.
export const ErrorCode = {
  NOT_FOUND: 'not_found',
  INVALID: 'invalid',
  CONFLICT: 'conflict',
  ILLEGAL_TRANSITION: 'illegal_transition',
  AMOUNT_EXCEEDS_AUTHORIZED: 'amount_exceeds_authorized',
  AMOUNT_EXCEEDS_REFUNDABLE: 'amount_exceeds_refundable',
  AMOUNT_EXCEEDS_BALANCE: 'amount_exceeds_balance',
  CURRENCY_MISMATCH: 'currency_mismatch',
  PAYMENT_METHOD_UNUSABLE: 'payment_method_unusable',
  PROCESSOR_UNAVAILABLE: 'processor_unavailable',
  /** The idempotency key was already used with a different request. */
  IDEMPOTENCY_MISMATCH: 'idempotency_mismatch',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class DomainError extends Error {
  readonly code: ErrorCode;
  /** The field at fault, when there is one (front doors name it in their envelope). */
  readonly field: string | undefined;
  readonly details: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, options: { field?: string; details?: Record<string, unknown> } = {}) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.field = options.field;
    this.details = options.details ?? {};
  }
}

export const notFound = (what: string, id?: unknown): DomainError =>
  new DomainError(ErrorCode.NOT_FOUND, id === undefined ? `${what} not found` : `${what} ${String(id)} not found`, {
    details: { object: what },
  });

export const invalid = (message: string, field?: string): DomainError => new DomainError(ErrorCode.INVALID, message, field === undefined ? {} : { field });

/** Why the core refused (details.reason), for doors that map reasons to their vendor's words. */
export function reasonOf(error: unknown): string | null {
  if (!(error instanceof DomainError)) return null;
  const reason = error.details.reason;
  return typeof reason === 'string' ? reason : null;
}
