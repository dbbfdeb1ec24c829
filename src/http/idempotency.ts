// Idempotency-Key on POST: the first response is stored and replayed for 24 h; the same key with a
// different request is refused; a concurrent duplicate waits for the first to finish (or gets 409).
// The unique index on (scope, key) decides the race, so two instances sharing PostgreSQL agree too.
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { systemTime } from '../core/clock/clock.ts';
import type { Db } from '../store/tx.ts';
import { isUniqueViolation } from '../store/tx.ts';
import { FailureKind } from './front-door.ts';
import { HttpFailureError } from './failures.ts';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const WAIT_MS = 15_000;
/** A pending key older than this belongs to a request whose process died: the next retry takes it over. */
const ABANDONED_MS = 60_000;
const POLL_MS = 20;

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: { id: number };
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

async function replay(reply: FastifyReply, row: { status_code: number | null; headers: string | null; body: string | null }): Promise<void> {
  const headers = JSON.parse(row.headers ?? '{}') as Record<string, string>;
  reply.code(row.status_code ?? 200).headers(headers).header('idempotent-replayed', 'true');
  await reply.send(row.body ?? '');
}

export interface IdempotencyOptions {
  db: Db;
  vendor: string;
  keyOf?: (request: FastifyRequest) => string | undefined;
  ttlMs?: (request: FastifyRequest) => number;
}

export function idempotencyHooks(options: IdempotencyOptions) {
  const { db } = options;
  return {
    async preHandler(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      if (request.method !== 'POST') return;
      const headerKey = request.headers['idempotency-key'];
      const key = (typeof headerKey === 'string' && headerKey.trim()) || options.keyOf?.(request);
      if (!key) return;
      const scope = `${options.vendor}:${callerKey(request)}`;
      const hash = requestHash(request);
      const deadline = systemTime() + WAIT_MS;
      for (;;) {
        const now = systemTime();
        try {
          const row = await db
            .insertInto('idempotency_keys')
            .values({ scope, key, request_hash: hash, state: 'pending', status_code: null, headers: null, body: null, created_at: now, expires_at: now + (options.ttlMs?.(request) ?? IDEMPOTENCY_TTL_MS) })
            .returning('id')
            .executeTakeFirstOrThrow();
          request.idempotency = { id: row.id };
          return;
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
        }
        const existing = await db.selectFrom('idempotency_keys').selectAll().where('scope', '=', scope).where('key', '=', key).executeTakeFirst();
        if (!existing) continue; // deleted between our insert and select: try again
        if (existing.expires_at <= now || (existing.state === 'pending' && existing.created_at < now - ABANDONED_MS)) {
          await db.deleteFrom('idempotency_keys').where('id', '=', existing.id).execute();
          continue;
        }
        if (existing.request_hash !== hash) {
          throw new HttpFailureError({ kind: FailureKind.IDEMPOTENCY_MISMATCH, status: 422, message: 'This idempotency key was already used with a different request', field: 'Idempotency-Key' });
        }
        if (existing.state === 'done') return replay(reply, existing);
        if (systemTime() > deadline) {
          throw new HttpFailureError({ kind: FailureKind.IDEMPOTENCY_IN_PROGRESS, status: 409, message: 'A request with this idempotency key is still in progress' });
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    },

    async onSend(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
      const marker = request.idempotency;
      if (!marker) return payload;
      request.idempotency = undefined;
      if (reply.statusCode >= 500) {
        // A failure of ours is not an answer: let the client retry with the same key.
        await db.deleteFrom('idempotency_keys').where('id', '=', marker.id).execute();
        return payload;
      }
      const headers: Record<string, string> = {};
      for (const name of ['content-type', 'location']) {
        const value = reply.getHeader(name);
        if (value !== undefined) headers[name] = String(value);
      }
      await db
        .updateTable('idempotency_keys')
        .set({ state: 'done', status_code: reply.statusCode, headers: JSON.stringify(headers), body: typeof payload === 'string' ? payload : payload === null || payload === undefined ? '' : String(payload) })
        .where('id', '=', marker.id)
        .execute();
      return payload;
    },
  };
}
