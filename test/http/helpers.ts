// Helpers for the HTTP-level tests: raw requests (a GET or DELETE with a body, exact bytes and
// content types, which fetch will not send), and an app whose front doors carry probe routes so
// the shared layer (body parsing, envelopes, rate limits, idempotency) can be exercised on real
// routes before the vendors' own routes exist.
import http from 'node:http';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { buildApp } from '../../src/http/app.ts';
import type { FrontDoorDeps } from '../../src/http/front-door.ts';
import { FRONT_DOORS } from '../../src/vendors/index.ts';
import type { Db } from '../../src/core/db.ts';
import { openTestStore, type TestStore } from '../helpers/store.ts';

export const VENDOR_PREFIXES = ['/chargeover', '/fluidpay', '/chargedesk', '/affinipay', '/invoiced'] as const;
export type VendorPrefix = (typeof VENDOR_PREFIXES)[number];

export const CARD = { number: '4242424242424242', exp_month: 12, exp_year: 2099 } as const;
export const DECLINED_CARD = { number: '4000000000000002', exp_month: 12, exp_year: 2099 } as const;
export const DAY_MS = 86_400_000;

/** A parsed JSON response body: tests read fields freely and assert on them. */
export type Json = any;

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json(): Json;
}

/** One request over a fresh connection, with exactly the given body and headers. */
export function rawRequest(baseUrl: string, method: string, path: string, options: { body?: string | Buffer; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  const url = new URL(path, baseUrl);
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-length')) {
    headers['content-length'] = String(Buffer.byteLength(options.body));
  }
  return new Promise((resolve, reject) => {
    const request = http.request({ method, host: url.hostname, port: url.port, path: url.pathname + url.search, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json: () => JSON.parse(text) });
      });
      response.on('error', reject);
    });
    request.setTimeout(10_000, () => request.destroy(new Error(`timeout: ${method} ${path}`)));
    request.on('error', reject);
    if (options.body !== undefined) request.write(options.body);
    request.end();
  });
}

/** Nothing in a response body that looks like a stack trace or a source path. */
export function assertNoStackTrace(text: string): void {
  if (/\bat .+:\d+:\d+|node_modules|\.ts:\d+|Error:/.test(text)) throw new Error(`response leaks internals: ${text.slice(0, 500)}`);
}

/** Probe routes mounted inside every front door of the probe app. Counters are per door. */
export const probeRoutes: FastifyPluginAsync<FrontDoorDeps> = async (scope) => {
  let count = 0;
  let flaky = 0;
  const describe = (request: { method: string; body?: unknown; query?: unknown; rawBody?: Buffer }) => ({
    method: request.method,
    body: request.body ?? null,
    query: request.query ?? null,
    raw_length: request.rawBody?.length ?? null,
  });
  scope.get('/ping', async (request) => describe(request));
  scope.delete('/ping', async (request) => describe(request));
  scope.post('/echo', async (request) => describe(request));
  scope.post('/count', async (_request, reply) => {
    count += 1;
    reply.code(201);
    return { n: count };
  });
  scope.post('/flaky', async (_request, reply) => {
    flaky += 1;
    if (flaky === 1) throw new Error('transient failure in /work/main/src/secret-module.ts:12:34');
    reply.code(201);
    return { attempt: flaky };
  });
  scope.post('/boom', async () => {
    throw new TypeError('cannot read properties of undefined (reading "kaboom")');
  });
};

export interface ProbeServer {
  url: string;
  app: FastifyInstance;
  store: TestStore;
  close(): Promise<void>;
}

/**
 * The real app factory with every front door's routes replaced by the probe routes. Give it the
 * store of a running test server to share that database (one process should not migrate two
 * PostgreSQL schemas at once: see the note on src/store/db.ts in the test report).
 */
export async function startProbeServer(shared?: TestStore): Promise<ProbeServer> {
  const store = shared ?? (await openTestStore());
  const app = await buildApp({
    services: store.services,
    logLevel: 'silent',
    // Probe routes sit at each door's prefix, not under its client path: no client-path rewrite.
    doors: FRONT_DOORS.map((door) => ({ ...door, routes: probeRoutes, alsoWithoutClientPath: false })),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url,
    app,
    store,
    async close() {
      await app.close();
      if (!shared) await store.dispose();
    },
  };
}

/** Rows of a tenant's table, counted directly in the database. */
export async function countRows(db: Db, table: 'transactions' | 'customers' | 'events' | 'settlement_batches' | 'payment_methods' | 'ledger_entries', tenantId: number): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
