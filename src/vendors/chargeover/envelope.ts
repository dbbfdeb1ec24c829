// The request/answer shapes every ChargeOver resource handler uses, so one dispatcher serves both
// real HTTP requests and _bulk sub-requests (spec 1.5, 1.6, 1.12).
import type { TenantContext } from '../../core/context.ts';
import { DomainError, ErrorCode } from '../../core/errors/domain-error.ts';
import { MoneyFormatError } from '../../core/money/money.ts';

export interface CoRequest {
  ctx: TenantContext;
  method: string;
  /** Path segments after /api/v3, URL-decoded. */
  segments: string[];
  query: Record<string, unknown>;
  body: unknown;
  /** Absolute base of the API on this server, e.g. http://host:port/chargeover/api/v3 */
  apiBase: string;
  /** Absolute base of the server (for url_* links), e.g. http://host:port/chargeover */
  siteBase: string;
  ip: string;
  /** False when _flag_emails=0 was sent. */
  emails: boolean;
  inBulk?: boolean;
}

export interface CoResult {
  status: number;
  response: unknown;
  location?: string;
  message?: string;
  details?: Record<string, unknown>;
}

/** A failure the door renders with the ChargeOver envelope. */
export class CoError extends Error {
  readonly status: number;
  readonly details: Record<string, unknown>;
  constructor(status: number, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.status = status;
    this.details = details;
  }
}

export const bad = (message: string, details: Record<string, unknown> = {}): CoError => new CoError(400, message, details);
/** The recorded not-found answer (extra §2): "This customer does not exist." */
export const doesNotExist = (noun: string): CoError => new CoError(404, `This ${noun} does not exist.`);
export const INVALID_ENDPOINT = 'Invalid API endpoint.';
/** The recorded answer to a create with no data (extra §2, E3). */
export const NO_DATA = 'A required parameter was missing: No data.';

export const ok = (response: unknown): CoResult => ({ status: 200, response });
export const created = (req: CoRequest, type: string, id: number): CoResult => ({ status: 201, response: { id }, location: `${req.apiBase}/${type}/${id}` });
export const accepted = (req: CoRequest, type: string, id: number): CoResult => ({ status: 202, response: { id }, location: `${req.apiBase}/${type}/${id}` });

const TYPE_WORDS: Record<string, string> = { customer: 'customer', contact: 'user', invoice: 'invoice', transaction: 'transaction', item: 'item', 'payment method': 'payment method' };
/** Core object names in ChargeOver's nouns, for "This <noun> does not exist." */
const NOUNS: Record<string, string> = { ...TYPE_WORDS, catalog_item: 'item', 'catalog item': 'item', subscription: 'package', note: 'note' };

/** Core errors in ChargeOver words: a missing object is 404 only when it is the request's target. */
export function fromDomain(error: unknown): CoError | null {
  if (error instanceof CoError) return error;
  if (error instanceof MoneyFormatError) return bad(`Invalid amount: ${error.message}`);
  if (!(error instanceof DomainError)) return null;
  switch (error.code) {
    case ErrorCode.NOT_FOUND: {
      const object = typeof error.details.object === 'string' ? error.details.object : '';
      return NOUNS[object] ? doesNotExist(NOUNS[object]) : new CoError(404, error.message);
    }
    case ErrorCode.PROCESSOR_UNAVAILABLE:
      return new CoError(502, error.message);
    default:
      return bad(error.message, error.field ? { field: error.field } : {});
  }
}

export function duplicateKey(type: string, key: string): CoError {
  return bad(`A ${TYPE_WORDS[type] ?? type} already exists with the external_key value "${key}"`);
}
