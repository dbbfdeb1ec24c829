// A ChargeDesk client over HTTP against a fresh test server: the secret key as the Basic user (empty
// password), form bodies with PHP bracket nesting as chargedesk-php sends them (http_build_query),
// or JSON; the /chargedesk base the PHP client is given (it appends /v1/...).
import assert from 'node:assert/strict';
import qs from 'qs';
import { issueDoorCredential } from '../../src/vendors/index.ts';
import { verify } from '../../src/core/verify/verify.ts';
import { contextFor, getTenant } from '../../src/core/tenants/tenants.ts';
import { listEvents } from '../../src/core/events/events.ts';
import { loggedEvent, notificationsOf } from '../../src/vendors/chargedesk/notifications.ts';
import { startDeliveryLoop, type DeliveryLoop } from '../../src/core/webhooks/loop.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

export interface Reply {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

export interface ChargeDeskClient {
  server: TestServer;
  key: string;
  base: string;
  call(method: string, path: string, params?: Record<string, unknown>, options?: { json?: boolean; key?: string | null; password?: string }): Promise<Reply>;
  /** Notification codes of every event recorded after `afterId` (and the last event id). */
  notifications(afterId?: number): Promise<{ codes: string[]; lastId: number }>;
  lastEventId(): Promise<number>;
  /** Moves the tenant's clock ("3d", or milliseconds), running what fell due on the way. */
  advance(by: string | number): Promise<void>;
  /** The tenant's clock now (epoch ms). */
  now(): Promise<number>;
  /** PUT the tenant's recurring settings (dunning_final, notice_days ...). */
  settings(body: Record<string, unknown>): Promise<void>;
  /** Sends webhooks as the server does (its background loop), with links on this server. */
  deliverWebhooks(): void;
  assertLedger(): Promise<void>;
  close(): Promise<void>;
}

/** `json`: bodies go as JSON unless a call says otherwise (form bodies by default, as the PHP client sends). */
export async function startChargeDesk(defaults: { json?: boolean } = {}): Promise<ChargeDeskClient> {
  const server = await startTestServer();
  let loop: DeliveryLoop | null = null;
  const { secret: key } = await issueDoorCredential(server.store.services, server.tenant.id, { vendor: 'chargedesk', label: 'secret' });
  const base = `${server.url}/chargedesk`;
  const ctx = async () => contextFor(server.store.services, await getTenant(server.store.services, server.tenant.id));
  return {
    server,
    key,
    base,
    async call(method, path, params, options = {}) {
      const headers: Record<string, string> = {};
      const auth = options.key === undefined ? key : options.key;
      if (auth !== null) headers.authorization = `Basic ${Buffer.from(`${auth}:${options.password ?? ''}`).toString('base64')}`;
      let url = `${base}/v1${path}`;
      let body: string | undefined;
      if (params && (method === 'GET' || method === 'DELETE')) url += `?${qs.stringify(params)}`;
      else if (params && (options.json ?? defaults.json)) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(params);
      } else if (params) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        body = qs.stringify(params, { arrayFormat: 'brackets' });
      }
      const response = await fetch(url, { method, headers, body });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        parsed = text;
      }
      return { status: response.status, body: parsed, text, headers: response.headers };
    },
    async lastEventId() {
      const events = await listEvents(await ctx(), { limit: 100_000 });
      return events.at(-1)?.id ?? 0;
    },
    async notifications(afterId = 0) {
      const c = await ctx();
      const events = await listEvents(c, { afterId, limit: 100_000 });
      const codes: string[] = [];
      for (const event of events) for (const n of await notificationsOf(c, loggedEvent(event))) codes.push(n.code);
      return { codes, lastId: events.at(-1)?.id ?? afterId };
    },
    async advance(by) {
      const reply = await server.admin(`/_admin/tenants/${server.tenant.slug}/clock/advance`, { body: typeof by === 'number' ? { ms: by } : { by } });
      if (reply.status !== 200) throw new Error(`clock advance failed: ${JSON.stringify(reply.body)}`);
    },
    async now() {
      return (await ctx()).clock.now();
    },
    async settings(body) {
      const reply = await server.admin(`/_admin/tenants/${server.tenant.slug}/settings`, { method: 'PUT', body });
      if (reply.status !== 200) throw new Error(`settings failed: ${JSON.stringify(reply.body)}`);
    },
    deliverWebhooks() {
      server.store.services.webhooks!.settings.baseUrl = server.url;
      loop ??= startDeliveryLoop(server.store.services, { intervalMs: 100 });
    },
    async assertLedger() {
      const report = await verify(server.store.services, server.tenant.id);
      if (!report.ok) throw new Error(`ledger violation: ${report.violation}`);
    },
    async close() {
      await loop?.stop();
      await server.close();
    },
  };
}

/** Asserts ChargeDesk's error envelope: the status, a message, and the field it names (when given). */
export function envelopeOf(reply: Reply, status: number, param?: string): void {
  assert.equal(reply.status, status, JSON.stringify(reply.body));
  assert.equal(typeof reply.body.error.message, 'string');
  if (param !== undefined) assert.equal(reply.body.error.incorrect_parameter, param);
}
