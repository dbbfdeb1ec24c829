// An AffiniPay client over HTTP against a fresh test server: the merchant's test secret key (SK),
// public key (PK), live secret key (LK) and a partner OAuth app, as spec §5's seed assumes, and
// helpers to call the gateway (Basic), Quick Bill and OAuth (Bearer), move the clock and verify.
import { issueDoorCredential } from '../../src/vendors/index.ts';
import { CredentialKind } from '../../src/core/tenants/credentials.ts';
import { randomAlnum } from '../../src/core/crypto/secrets.ts';
import { verify } from '../../src/core/verify/verify.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

export interface Reply {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

export interface CallOptions {
  /** A key for Basic auth (default SK); null sends none. */
  key?: string | null;
  bearer?: string;
  headers?: Record<string, string>;
  /** Sent as is (no JSON encoding). */
  raw?: string;
  form?: Record<string, string | string[]>;
  /** The door's own port layout: paths at the root instead of under /affinipay. */
  root?: boolean;
}

export interface AffiniPay {
  server: TestServer;
  sk: string;
  pk: string;
  lk: string;
  clientId: string;
  clientSecret: string;
  call(method: string, path: string, body?: unknown, options?: CallOptions): Promise<Reply>;
  /** Moves the test tenant's clock (daily capture at each midnight passed). */
  advance(by: string): Promise<void>;
  assertLedger(): Promise<void>;
  /** An OAuth access token of the partner app: authorization_code or client_credentials. */
  accessToken(grant?: 'authorization_code' | 'client_credentials'): Promise<string>;
  /** Ids of the seeded accounts: OP, TR, ACH (test) and LOP (live). */
  accounts(): Promise<{ OP: string; TR: string; ACH: string; LOP: string }>;
  close(): Promise<void>;
}

export const YEAR = new Date().getUTCFullYear() + 3;

export function card(number = '4242424242424242', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'card', number, exp_month: 10, exp_year: YEAR, cvv: '123', name: 'Some Customer', ...extra };
}

export function bank(account = '1100000002', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'bank', routing_number: '000000013', account_number: account, account_type: 'CHECKING', name: 'Some Customer', ...extra };
}

export async function startAffiniPay(): Promise<AffiniPay> {
  const server = await startTestServer();
  const services = server.store.services;
  const tenantId = server.tenant.id;
  // The secret keys kept revealable, as the demo tenant's are, so /gateway-credentials can show them.
  const sk = (await issueDoorCredential(services, tenantId, { vendor: 'affinipay', label: 'secret', mode: 'test', revealable: true })).secret;
  const pk = (await issueDoorCredential(services, tenantId, { vendor: 'affinipay', kind: CredentialKind.PUBLIC_KEY, label: 'public', mode: 'test' })).secret;
  const lk = (await issueDoorCredential(services, tenantId, { vendor: 'affinipay', label: 'secret', mode: 'live', revealable: true })).secret;
  const clientId = randomAlnum(64);
  const client = await issueDoorCredential(services, tenantId, { vendor: 'affinipay', kind: CredentialKind.OAUTH_CLIENT, label: 'Example App', publicId: clientId });
  const ap: AffiniPay = {
    server,
    sk,
    pk,
    lk,
    clientId,
    clientSecret: client.secret,
    async call(method, path, body, options = {}) {
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
      else {
        const key = options.key === undefined ? sk : options.key;
        if (key !== null) headers.authorization = `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
      }
      let payload: string | undefined;
      if (options.raw !== undefined) payload = options.raw;
      else if (options.form) {
        const params = new URLSearchParams();
        for (const [k, v] of Object.entries(options.form)) for (const item of Array.isArray(v) ? v : [v]) params.append(k, item);
        payload = params.toString();
        headers['content-type'] ??= 'application/x-www-form-urlencoded';
      } else if (body !== undefined) payload = JSON.stringify(body);
      if (payload !== undefined && options.raw === undefined && !options.form) headers['content-type'] ??= 'application/json';
      const response = await fetch(`${server.url}${options.root ? '' : '/affinipay'}${path}`, { method, headers, body: payload, redirect: 'manual' });
      const text = await response.text();
      let parsed: unknown = null;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        parsed = text;
      }
      return { status: response.status, body: parsed, text, headers: response.headers };
    },
    async advance(by) {
      const reply = await server.admin(`/_admin/tenants/${server.tenant.slug}/clock/advance`, { body: { by } });
      if (reply.status !== 200) throw new Error(`clock advance failed: ${JSON.stringify(reply.body)}`);
    },
    async assertLedger() {
      const report = await verify(server.store.services, server.tenant.id);
      if (!report.ok) throw new Error(`ledger violation: ${report.violation}`);
    },
    async accessToken(grant = 'authorization_code') {
      const body: Record<string, string> = { client_id: clientId, client_secret: client.secret, grant_type: grant, scope: 'payments' };
      if (grant === 'authorization_code') {
        const code = await ap.call('GET', `/oauth/authorize?client_id=${clientId}&redirect_uri=${encodeURIComponent('http://localhost:9292/callback')}&response_type=json`, undefined, { key: null });
        body.code = code.body.code;
        body.redirect_uri = 'http://localhost:9292/callback';
      }
      const reply = await ap.call('POST', '/oauth/token', body, { key: null });
      if (reply.status !== 200) throw new Error(`token failed: ${reply.text}`);
      return reply.body.access_token as string;
    },
    async accounts() {
      const test = await ap.call('GET', '/v1/merchant');
      const live = await ap.call('GET', '/v1/merchant', undefined, { key: lk });
      const named = (list: any[], name: string) => list.find((a) => a.name === name).id as string;
      return { OP: named(test.body.merchant_accounts, 'Operating'), TR: named(test.body.merchant_accounts, 'Trust'), ACH: test.body.ach_accounts[0].id, LOP: live.body.merchant_accounts[0].id };
    },
    close: () => server.close(),
  };
  return ap;
}
