// Idempotency-Key on POST. The key travels into the core as a claim on the request's context; the
// first business transaction the request opens records it, in that transaction, with the object it
// produced (core/idempotency). Here: a retry whose answer is stored gets that answer again (same
// status and body, marked idempotent-replayed); the same key with a different request is refused;
// the answer is stored after it is sent (never a 5xx, so a retry after our failure re-runs, and the
// core replays a write that did commit). A request that wrote nothing is stored only on success.
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IdempotencyClaim } from '../core/idempotency/claim.ts';
import { findRecord, insertRecord, storedResponse, storeResponse, type StoredResponse } from '../core/idempotency/records.ts';
import { faultsOf } from '../core/tenants/tenants.ts';
import { ANSWER_ONLY } from '../core/idempotency/keyed.ts';
import type { Db } from '../core/db.ts';
import { isUniqueViolation } from '../core/db.ts';
import { FailureKind } from './front-door.ts';
import { HttpFailureError } from './failures.ts';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** How long a duplicate waits for the first request's answer before it is told to retry (409). */
const WAIT_MS = 15_000;
const POLL_MS = 20;

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's idempotency claim, when it carries a key. */
    idempotencyClaim?: IdempotencyClaim;
    /** Set by a door's auth: a stable id for the caller's credential (rate limits, idempotency scope). */
    credentialKey?: string;
  }
}

export function requestHash(request: FastifyRequest): string {
  return createHash('sha256')
    .update(request.method)
    .update('\n')
    .update(request.url)
    .update('\n')
    .update(request.rawBody ?? Buffer.alloc(0))
    .digest('hex');
}

export function callerKey(request: FastifyRequest): string {
  if (request.credentialKey) return request.credentialKey;
  const auth = request.headers.authorization ?? '';
  return auth ? createHash('sha256').update(auth).digest('hex').slice(0, 32) : `ip:${request.ip}`;
}

async function replay(reply: FastifyReply, stored: StoredResponse): Promise<void> {
  reply.code(stored.status).headers(stored.headers).header('idempotent-replayed', 'true');
  await reply.send(stored.body);
}

const mismatch = () =>
  new HttpFailureError({ kind: FailureKind.IDEMPOTENCY_MISMATCH, status: 422, message: 'This idempotency key was already used with a different request', field: 'Idempotency-Key' });

export interface IdempotencyOptions {
  db: Db;
  vendor: string;
  keyOf?: (request: FastifyRequest) => string | undefined;
  ttlMs?: (request: FastifyRequest) => number;
}

function responseOf(reply: FastifyReply, payload: unknown): StoredResponse {
  const headers: Record<string, string> = {};
  for (const name of ['content-type', 'location']) {
    const value = reply.getHeader(name);
    if (value !== undefined) headers[name] = String(value);
  }
  return { status: reply.statusCode, headers, body: typeof payload === 'string' ? payload : payload === null || payload === undefined ? '' : String(payload) };
}

/** Test hook for crash tests (see FaultKnobs.crash_after_commit): die between commit and answer. */
function crashIfAsked(request: FastifyRequest): void {
  if (process.env.BURSAR_ENABLE_CRASH_FAULT !== '1' || !request.tenantCtx) return;
  if (faultsOf(request.tenantCtx.tenant).crash_after_commit) process.kill(process.pid, 'SIGKILL');
}

export function idempotencyHooks(options: IdempotencyOptions) {
  const { db } = options;
  return {
    async preHandler(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      if (request.method !== 'POST') return;
      const headerKey = request.headers['idempotency-key'];
      const key = (typeof headerKey === 'string' && headerKey.trim()) || options.keyOf?.(request);
      if (!key) return;
      const claim: IdempotencyClaim = { scope: `${options.vendor}:${callerKey(request)}`, key, fingerprint: requestHash(request), ttlMs: options.ttlMs?.(request) ?? IDEMPOTENCY_TTL_MS };
      const existing = await findRecord(db, claim);
      if (existing) {
        if (existing.fingerprint !== claim.fingerprint) throw mismatch();
        const stored = storedResponse(existing);
        if (stored) return replay(reply, stored);
        // Committed, answer not stored (in flight, or its process died): the core replays the write.
      }
      request.idempotencyClaim = claim;
      if (request.tenantCtx) request.tenantCtx = { ...request.tenantCtx, idempotency: claim };
    },

    async onSend(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
      const claim = request.idempotencyClaim;
      if (!claim) return payload;
      request.idempotencyClaim = undefined;
      if (claim.replayed) reply.header('idempotent-replayed', 'true');
      if (claim.recorded) crashIfAsked(request);
      if (reply.statusCode >= 500) return payload;
      const response = responseOf(reply, payload);
      if (claim.recorded || claim.replayed) await storeResponse(db, claim, response);
      else if (reply.statusCode < 300) {
        // Nothing was written under the key (a route with no business write): keep the answer anyway.
        await insertRecord(db, claim, { tenantId: request.tenantCtx?.tenant.id ?? null, operation: ANSWER_ONLY, response }).catch((error: unknown) => {
          if (!isUniqueViolation(error)) throw error;
        });
      }
      return payload;
    },
  };
}

/**
 * The key was used by a write the core cannot rebuild an answer for: wait for that request's stored
 * answer and send it, or tell the client to retry (409) if it does not come.
 */
export async function answerKeyAlreadyUsed(db: Db, request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  const claim = request.idempotencyClaim;
  if (!claim) return false;
  request.idempotencyClaim = undefined;
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const row = await findRecord(db, claim);
    if (row && row.fingerprint !== claim.fingerprint) throw mismatch();
    const stored = row ? storedResponse(row) : null;
    if (stored) {
      await replay(reply, stored);
      return true;
    }
    if (Date.now() > deadline) throw new HttpFailureError({ kind: FailureKind.IDEMPOTENCY_IN_PROGRESS, status: 409, message: 'A request with this idempotency key is still in progress' });
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
