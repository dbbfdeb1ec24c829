// The contract between the shared HTTP layer and a vendor's front door. The shared layer parses
// bodies, limits rates, replays idempotent requests and turns every failure into an HttpFailure;
// the door renders that failure in its vendor's envelope and status code.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { DomainError } from '../core/errors/domain-error.ts';
import type { CoreServices } from '../core/context.ts';

export const FailureKind = {
  ROUTE_NOT_FOUND: 'route_not_found',
  BAD_BODY: 'bad_body',
  /** A malformed request line: bad percent-encoding, unstorable text, an over-long URL. */
  BAD_REQUEST: 'bad_request',
  UNAUTHORIZED: 'unauthorized',
  DOMAIN: 'domain',
  RATE_LIMITED: 'rate_limited',
  IDEMPOTENCY_MISMATCH: 'idempotency_mismatch',
  IDEMPOTENCY_IN_PROGRESS: 'idempotency_in_progress',
  INTERNAL: 'internal',
} as const;
export type FailureKind = (typeof FailureKind)[keyof typeof FailureKind];

export interface HttpFailure {
  kind: FailureKind;
  /** The status the shared layer proposes; the door may answer another. */
  status: number;
  message: string;
  field?: string;
  domain?: DomainError;
  requestId: string;
  retryAfterSeconds?: number;
}

export interface RenderedError {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface FrontDoorDeps {
  services: CoreServices;
}

export interface FrontDoor {
  /** The vendor's name (`admin` for the operator API): credentials, scopes and logs carry it. */
  vendor: string;
  /** What a client appends to the door's base URL (ChargeOver `/api/v3`), for banners and docs. */
  clientPath?: string;
  /**
   * Its paths are also served without `clientPath` (FluidPay's G1: /transaction as /api/transaction).
   * The router knows each route once, under clientPath; a request without it is routed as if it had
   * it (app.ts), and its log line and journal entry keep the path the client sent.
   */
  alsoWithoutClientPath?: boolean;
  /** The file (and anchor) that describes the door, relative to the repository root. */
  readme?: string;
  /** Prefix on the main port ("/chargeover"); on the vendor's own port its paths sit at the root. */
  prefix: string;
  /**
   * Requests per window per credential; 0 turns limiting off. With `blockMs`, going over blocks the
   * caller that long, on the tenant's clock, and a tenant may switch it on even when the door's
   * default is 0 (blocking-limit.ts); without it, the shared limiter on the real clock.
   */
  rateLimit: { max: number; windowMs: number; blockMs?: number };
  renderError(failure: HttpFailure, request: FastifyRequest): RenderedError;
  /** Where a client puts an idempotency key besides the Idempotency-Key header (FluidPay's body field). */
  idempotencyKeyOf?(request: FastifyRequest): string | undefined;
  /** How long a stored answer is replayed for this request (default 24 h); FluidPay's idempotency_time. */
  idempotencyTtlMs?(request: FastifyRequest): number;
  routes: FastifyPluginAsync<FrontDoorDeps>;
}
