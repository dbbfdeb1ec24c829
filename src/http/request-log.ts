// One log line per request (method, path, status, duration, door, tenant, request id) and, for the
// front doors, an entry in the request journal. Hooks on the whole app, so every door gets both
// without knowing; the costs per request are a few property reads and, with the journal on, two
// bounded string copies.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { toFailure } from './failures.ts';
import { scrubText } from './logger.ts';
import { BODY_LIMIT, type Journal } from './journal.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** What the journal keeps of this request until it is answered. */
    journalNote?: { responseBody?: string | null; error?: { kind: string; message: string } };
  }
}

/** Paths that are the server's own (health, docs, admin) rather than a front door's. */
export type DoorOf = (url: string) => string;

const KEPT_HEADERS = ['content-type', 'accept', 'user-agent', 'idempotency-key', 'authorization', 'x-forwarded-for'];

function bounded(value: unknown): string | null {
  if (typeof value === 'string') return value.length > BODY_LIMIT ? value.slice(0, BODY_LIMIT) : value;
  if (Buffer.isBuffer(value)) return value.toString('utf8', 0, Math.min(value.length, BODY_LIMIT));
  return value === null || value === undefined ? null : '[stream]';
}

function headersOf(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = request.headers[name];
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

export function registerRequestLog(app: FastifyInstance, doorOf: DoorOf, journal: Journal): void {
  const journaled = (door: string) => journal.enabled && door !== 'admin' && door !== 'server';
  if (journal.enabled) {
    app.addHook('onSend', async (request: FastifyRequest, _reply: FastifyReply, payload: unknown) => {
      if (journaled(doorOf(request.url))) (request.journalNote ??= {}).responseBody = bounded(payload);
      return payload;
    });
    app.addHook('onError', async (request: FastifyRequest, _reply: FastifyReply, error: Error) => {
      const failure = toFailure(error, request);
      (request.journalNote ??= {}).error = { kind: failure.kind, message: failure.message };
    });
  }
  app.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    const door = doorOf(request.url);
    const ms = Math.round(reply.elapsedTime * 10) / 10;
    const tenant = request.tenantCtx?.tenant;
    // The URL the client sent (a door's client-path rewrite changes request.url; see client-path.ts).
    const url = request.originalUrl;
    const queryAt = url.indexOf('?');
    const path = queryAt < 0 ? url : url.slice(0, queryAt);
    request.log.info(
      {
        method: request.method,
        path: scrubText(path),
        ...(queryAt < 0 ? {} : { query: scrubText(url.slice(queryAt + 1)) }),
        status: reply.statusCode,
        ms,
        door,
        ...(tenant ? { tenant: tenant.slug } : {}),
      },
      'request',
    );
    if (!journaled(door)) return;
    journal.record({
      method: request.method,
      url,
      status: reply.statusCode,
      durationMs: ms,
      door,
      tenantId: tenant?.id ?? null,
      tenantSlug: tenant?.slug ?? null,
      requestId: String(request.id),
      requestHeaders: headersOf(request),
      requestBody: request.rawBody ? bounded(request.rawBody) : null,
      requestType: request.headers['content-type'],
      responseBody: request.journalNote?.responseBody ?? null,
      responseType: String(reply.getHeader('content-type') ?? ''),
      error: request.journalNote?.error ?? null,
    });
  });
}
