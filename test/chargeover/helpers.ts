// A ChargeOver client for tests: a real server, a key pair, Basic auth, and envelope assertions.
import assert from 'node:assert/strict';
import { issueDoorCredential as issueCredential } from '../../src/vendors/index.ts';
import { createTenant } from '../../src/core/tenants/tenants.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

export interface CoAnswer {
  status: number;
  body: any;
  headers: Headers;
}

export interface CoClient {
  server: TestServer;
  base: string;
  publicKey: string;
  privateKey: string;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<CoAnswer>;
  get(path: string): Promise<CoAnswer>;
  post(path: string, body?: unknown): Promise<CoAnswer>;
  put(path: string, body?: unknown): Promise<CoAnswer>;
  del(path: string): Promise<CoAnswer>;
  /** Switches this client to a new, empty tenant with its own key pair (and rate limit). */
  newTenant(slug: string): Promise<void>;
  /** A fresh key pair for the current tenant (a fresh rate-limit window). */
  newKey(): Promise<void>;
  close(): Promise<void>;
}

export async function startChargeOver(): Promise<CoClient> {
  const server = await startTestServer();
  const cred = await issueCredential(server.store.services, server.tenant.id, { vendor: 'chargeover' });
  const publicKey = cred.publicId as string;
  const privateKey = cred.secret;
  const base = `${server.url}/chargeover/api/v3`;
  let tenantId = server.tenant.id;
  let auth = `Basic ${Buffer.from(`${publicKey}:${privateKey}`).toString('base64')}`;
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<CoAnswer> => {
    const response = await fetch(base + path, {
      method,
      headers: { authorization: auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
  };
  return {
    server,
    base,
    publicKey,
    privateKey,
    call,
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
    put: (path, body) => call('PUT', path, body),
    del: (path) => call('DELETE', path),
    async newTenant(slug) {
      const tenant = await createTenant(server.store.services, { name: slug, slug });
      tenantId = tenant.id;
      const issued = await issueCredential(server.store.services, tenant.id, { vendor: 'chargeover' });
      auth = `Basic ${Buffer.from(`${issued.publicId as string}:${issued.secret}`).toString('base64')}`;
    },
    async newKey() {
      const issued = await issueCredential(server.store.services, tenantId, { vendor: 'chargeover' });
      auth = `Basic ${Buffer.from(`${issued.publicId as string}:${issued.secret}`).toString('base64')}`;
    },
    close: () => server.close(),
  };
}

/** Asserts the ChargeOver success envelope and returns `response`. */
export function okBody(answer: CoAnswer, status = 200): any {
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  assert.equal(answer.body.code, status);
  assert.equal(answer.body.status, 'OK');
  assert.equal(answer.body.message, '');
  assert.deepEqual(answer.body.details, {});
  return answer.body.response;
}

/** Asserts the ChargeOver error envelope (a GET of a missing object answers response:null, as recorded; other errors false). */
export function errorBody(answer: CoAnswer, status: number): any {
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  assert.equal(answer.body.code, status);
  assert.equal(answer.body.status, 'Error');
  if (status === 404) assert.ok(answer.body.response === null || answer.body.response === false, JSON.stringify(answer.body));
  else assert.equal(answer.body.response, false);
  assert.equal(typeof answer.body.message, 'string');
  return answer.body;
}

export async function createCustomer(co: CoClient, body: Record<string, unknown>): Promise<number> {
  const response = okBody(await co.post('/customer', body), 201);
  return response.id as number;
}
