// A real HTTP receiver on an ephemeral port for webhook tests (it records every request and answers
// as the test says: a status, a delay, or no answer at all), and a Bursar app over a fresh database
// with its background delivery loop running, as `npm start` runs it.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../src/http/app.ts';
import { ensureAdminToken } from '../../src/core/tenants/bootstrap.ts';
import { startDeliveryLoop, type DeliveryLoop } from '../../src/core/webhooks/loop.ts';
import type { WebhookSettings } from '../../src/core/webhooks/runtime.ts';
import { openTestStore, type TestStore } from '../helpers/store.ts';

export interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  /** Which request this is for its path (1, 2, ...). */
  n: number;
}

export type Answer = { status?: number; delayMs?: number; hang?: boolean; body?: string };
export type Behaviour = (request: Received) => Answer;

export interface Receiver {
  url: string;
  received: Received[];
  on(path: string, behaviour: Behaviour): void;
  waitFor(predicate: (received: Received[]) => boolean, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const behaviours = new Map<string, Behaviour>();
  const counts = new Map<string, number>();
  const hanging = new Set<ServerResponse>();
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = (request.url ?? '/').split('?')[0];
      const n = (counts.get(path) ?? 0) + 1;
      counts.set(path, n);
      const entry: Received = { path, headers: request.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8'), n };
      received.push(entry);
      const answer: Answer = behaviours.get(path)?.(entry) ?? {};
      if (answer.hang) {
        hanging.add(response);
        return;
      }
      setTimeout(() => response.writeHead(answer.status ?? 200, { 'content-type': 'text/plain' }).end(answer.body ?? 'ok'), answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    on: (path, behaviour) => behaviours.set(path, behaviour),
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline) throw new Error(`receiver: condition not met in ${timeoutMs} ms; got ${received.map((r) => `${r.path}#${r.n}`).join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return received;
    },
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface HookServer {
  url: string;
  store: TestStore;
  loop: DeliveryLoop;
  admin(path: string, init?: { method?: string; body?: unknown }): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export async function startHookServer(settings: Partial<WebhookSettings> = {}): Promise<HookServer> {
  const store = await openTestStore({ timeoutMs: 500, ...settings });
  await ensureAdminToken(store.services, 'hooks-admin');
  const app = await buildApp({ services: store.services, logLevel: 'silent' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  store.services.webhooks!.settings.baseUrl = url;
  const loop = startDeliveryLoop(store.services, { intervalMs: 100 });
  return {
    url,
    store,
    loop,
    async admin(path, init = {}) {
      const response = await fetch(url + path, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers: { authorization: 'Bearer hooks-admin', ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
    async close() {
      await loop.stop();
      await app.close();
      await store.dispose();
    },
  };
}

/** A test tenant with its clock frozen now, so retries fall due only when the test moves it. */
export async function frozenTenant(server: HookServer, slug: string): Promise<void> {
  const created = await server.admin('/_admin/tenants', { body: { name: slug, slug } });
  if (created.status !== 201) throw new Error(JSON.stringify(created.body));
  await server.admin(`/_admin/tenants/${slug}/clock`, { body: { to: Date.now(), freeze: true } });
}

export const CARD = { number: '4111111111111111', exp_month: 12, exp_year: 2099 };

/** Polls until check returns a value (the receiver has a request before its outcome is written). */
export async function until<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
