// The shared front-door layer over HTTP: each vendor's error envelope for unknown routes, bad
// bodies and internal errors; bodies on GET/DELETE; JSON and bracket-nested form bodies; the
// ChargeOver rate limit; request ids; health. Unknown routes are checked on the real app; behaviour
// that needs a route is checked on probe routes mounted inside each real door (see helpers.ts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { buildApp } from '../../src/http/app.ts';
import { chargeOverDoor } from '../../src/vendors/chargeover/door.ts';
import { assertNoStackTrace, rawRequest, startProbeServer, VENDOR_PREFIXES, type Json, type ProbeServer, type RawResponse, type VendorPrefix } from './helpers.ts';

let server: TestServer;
let probe: ProbeServer;
const requestIds = new Set<string>();
let responsesSeen = 0;

before(async () => {
  server = await startTestServer();
  probe = await startProbeServer(server.store);
});
after(async () => {
  await probe?.close();
  await server?.close();
});

/** Every response carries a fresh x-request-id. */
function seen(response: RawResponse): RawResponse {
  const id = response.headers['x-request-id'];
  assert.equal(typeof id, 'string', 'x-request-id present');
  assert.match(id as string, /^req_[a-z0-9]+$/);
  requestIds.add(`${response.headers['x-request-id']}`);
  responsesSeen += 1;
  return response;
}

async function raw(base: string, method: string, path: string, options: { body?: string | Buffer; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  return seen(await rawRequest(base, method, path, options));
}

type Kind = 'not_found' | 'bad_body' | 'internal' | 'rate_limited';

/** The exact error body each vendor answers with, and its status. */
function expected(prefix: VendorPrefix, kind: Kind, message: string, proposed: number): { status: number; body: unknown } {
  switch (prefix) {
    case '/chargeover': {
      const status = kind === 'not_found' ? 400 : proposed;
      return { status, body: { code: status, status: 'Error', message, details: {}, response: false } };
    }
    case '/fluidpay':
      return { status: proposed, body: { status: 'failed', msg: message, data: null } };
    case '/chargedesk':
      return { status: proposed, body: { error: { message } } };
    case '/affinipay': {
      // AffiniPay's documented codes and texts (its spec §3.C14); a server error keeps the request id.
      const [code, text] = {
        not_found: ['resource_not_found', 'Requested resource not found'],
        bad_body: ['malformed_request', 'Unable to process JSON content'],
        internal: ['server_error', message],
        rate_limited: ['rate_limit_exceeded', message],
      }[kind];
      return { status: proposed, body: { messages: [{ level: 'error', code, message: text, facility: 'gateway' }] } };
    }
    case '/invoiced': {
      const type = { not_found: 'invalid_request', bad_body: 'invalid_request', internal: 'api_error', rate_limited: 'rate_limit_error' }[kind];
      return { status: proposed, body: { type, message } };
    }
  }
}

function assertEnvelope(prefix: VendorPrefix, response: RawResponse, kind: Kind, message: string, proposed: number): void {
  const want = expected(prefix, kind, message, proposed);
  assert.equal(response.status, want.status, `${prefix} status for ${kind}: ${response.text}`);
  assert.match(String(response.headers['content-type']), /^application\/json/);
  assert.deepEqual(response.json(), want.body, prefix);
  assertNoStackTrace(response.text);
}

/** The message of an error body, whichever the envelope. */
function messageOf(prefix: VendorPrefix, body: Json): string {
  switch (prefix) {
    case '/chargeover':
    case '/invoiced':
      return body.message;
    case '/fluidpay':
      return body.msg;
    case '/chargedesk':
      return body.error.message;
    case '/affinipay':
      return body.messages[0].message;
  }
}

describe('unknown routes and unknown paths', () => {
  for (const prefix of VENDOR_PREFIXES) {
    test(`${prefix}: an unknown route answers in the vendor's envelope and status`, async () => {
      for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH']) {
        const path = `${prefix}/__no_such_route__/42?x=1`;
        const response = await raw(server.url, method, path, method === 'GET' || method === 'DELETE' ? {} : { body: '{"a":1}', headers: { 'content-type': 'application/json' } });
        assertEnvelope(prefix, response, 'not_found', `No route for ${method} ${prefix}/__no_such_route__/42`, 404);
      }
      const root = await raw(server.url, 'GET', prefix);
      assertEnvelope(prefix, root, 'not_found', `No route for GET ${prefix}`, 404);
    });
  }

  test('a path outside every prefix is a 404 JSON error (even one that starts like a prefix)', async () => {
    for (const path of ['/elsewhere', '/chargeoverx/api', '/fluidpay2', '/_adminx', '/CHARGEOVER/api', '/_health/deep']) {
      for (const method of ['GET', 'DELETE']) {
        const response = await raw(server.url, method, path);
        assert.equal(response.status, 404, `${method} ${path}`);
        assert.match(String(response.headers['content-type']), /^application\/json/);
        assert.deepEqual(response.json(), { error: { type: 'route_not_found', message: `No route for ${method} ${path}` } });
      }
    }
  });

  test('a door on its own port answers unknown routes at the root in its envelope', async () => {
    const app = await buildApp({ services: server.store.services, logLevel: 'silent', only: chargeOverDoor });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const address = app.server.address();
      const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      // Outside /api/v3, where the door's own authentication does not reach.
      const response = await raw(url, 'GET', '/__no_such_route__');
      assertEnvelope('/chargeover', response, 'not_found', 'No route for GET /__no_such_route__', 404);
      const health = await raw(url, 'GET', '/_health');
      assert.equal(health.status, 200);
    } finally {
      await app.close();
    }
  });
});

describe('bodies', () => {
  for (const prefix of VENDOR_PREFIXES) {
    test(`${prefix}: a GET or DELETE with a body is answered, the body ignored`, async () => {
      for (const method of ['GET', 'DELETE']) {
        for (const connection of ['keep-alive', 'close']) {
          const headers = { 'content-type': 'application/json', connection };
          const onRoute = await raw(probe.url, method, `${prefix}/ping?a[b]=1`, { body: '{}', headers });
          assert.equal(onRoute.status, 200, `${method} ${connection}: ${onRoute.text}`);
          const answered = onRoute.json();
          assert.deepEqual({ method: answered.method, body: answered.body, query: answered.query }, { method, body: null, query: { a: { b: '1' } } });
          const unknown = await raw(server.url, method, `${prefix}/__no_such_route__`, { body: '{}', headers });
          assertEnvelope(prefix, unknown, 'not_found', `No route for ${method} ${prefix}/__no_such_route__`, 404);
        }
      }
      // A form body or garbage on a GET is ignored too, not parsed.
      const garbage = await raw(probe.url, 'GET', `${prefix}/ping`, { body: '{not json', headers: { 'content-type': 'application/json' } });
      assert.equal(garbage.status, 200);
      assert.equal(garbage.json().body, null);
    });

    test(`${prefix}: malformed JSON on a POST is a 400 in the vendor's envelope, never a 500`, async () => {
      for (const [body, contentType] of [
        ['{"amount": 10,', 'application/json'],
        ['{"amount": 10,', 'application/json; charset=utf-8'],
        ["{'single': 'quotes'}", 'application/vnd.api+json'],
        ['[1, 2', 'text/plain'],
        ['{"a":1}}', ''],
      ] as const) {
        const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
        const onRoute = await raw(probe.url, 'POST', `${prefix}/echo`, { body, headers });
        assertEnvelope(prefix, onRoute, 'bad_body', 'Malformed JSON in request body', 400);
        const unknown = await raw(server.url, 'POST', `${prefix}/__no_such_route__`, { body, headers });
        assert.equal(unknown.status, 400, `${prefix} unknown route, ${contentType}: ${unknown.text}`);
        assertNoStackTrace(unknown.text);
      }
    });

    test(`${prefix}: an error in a handler is a 500 in the vendor's envelope without internals`, async () => {
      const response = await raw(probe.url, 'POST', `${prefix}/boom`, { body: '{}', headers: { 'content-type': 'application/json' } });
      assert.equal(response.status, 500);
      const message = messageOf(prefix, response.json());
      assert.match(message, /^Internal server error/);
      assert.ok(!response.text.includes('kaboom'), response.text);
      assertEnvelope(prefix, response, 'internal', message, 500);
    });
  }

  test('JSON bodies parse under any JSON content type, and raw bytes are kept', async () => {
    const payload = { customer: { name: 'Ada', tags: ['a', 'b'] }, amount: 10.5, ok: true };
    for (const contentType of ['application/json', 'application/json; charset=utf-8', 'application/vnd.api+json', 'text/plain', '']) {
      const text = JSON.stringify(payload);
      const response = await raw(probe.url, 'POST', '/invoiced/echo', { body: text, headers: contentType ? { 'content-type': contentType } : {} });
      assert.equal(response.status, 200, contentType);
      assert.deepEqual(response.json(), { method: 'POST', body: payload, query: {}, raw_length: Buffer.byteLength(text) });
    }
    const empty = await raw(probe.url, 'POST', '/invoiced/echo', { body: '', headers: { 'content-type': 'application/json' } });
    assert.equal(empty.status, 200);
    assert.equal(empty.json().body, null);
  });

  test('form-encoded bodies with bracket nesting parse into objects and arrays', async () => {
    const form =
      'customer[name]=Ada+Lovelace&customer[address][city]=London&lines[0][sku]=A1&lines[0][qty]=2&lines[1][sku]=B2&lines[1][qty]=1' + '&tags[]=x&tags[]=y&email=ada%40example.com&deep[a][b][c][d]=e';
    const want = {
      customer: { name: 'Ada Lovelace', address: { city: 'London' } },
      lines: [
        { sku: 'A1', qty: '2' },
        { sku: 'B2', qty: '1' },
      ],
      tags: ['x', 'y'],
      email: 'ada@example.com',
      deep: { a: { b: { c: { d: 'e' } } } },
    };
    for (const prefix of VENDOR_PREFIXES) {
      for (const contentType of ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=UTF-8', '']) {
        const response = await raw(probe.url, 'POST', `${prefix}/echo`, { body: form, headers: contentType ? { 'content-type': contentType } : {} });
        assert.equal(response.status, 200, `${prefix} ${contentType}: ${response.text}`);
        assert.deepEqual(response.json().body, want, `${prefix} ${contentType}`);
      }
    }
    // The admin API parses forms the same way.
    const created = await raw(server.url, 'POST', '/_admin/tenants', {
      body: 'name=Form+Encoded+Co&slug=form-co',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Bearer test-admin-token' },
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json().tenant.slug, 'form-co');
    assert.equal(created.json().tenant.name, 'Form Encoded Co');
    const prototype = await raw(probe.url, 'POST', '/invoiced/echo', { body: '__proto__[polluted]=yes&a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(prototype.status, 200);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test('a body over the limit is refused in the vendor envelope with 413', async () => {
    const big = `a=${'x'.repeat(2 * 1024 * 1024)}`;
    const response = await raw(probe.url, 'POST', '/invoiced/echo', { body: big, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assertEnvelope('/invoiced', response, 'bad_body', 'Request body is too large', 413);
  });
});

describe('rate limits', () => {
  const basic = (user: string) => `Basic ${Buffer.from(`${user}:secret`).toString('base64')}`;

  test('ChargeOver: request 251 within a minute from one Authorization header is a 429; another header is not limited', async () => {
    const limited = basic('merchant-one');
    const statuses: number[] = [];
    let rejection: RawResponse | undefined;
    for (let i = 0; i < 251; i++) {
      const response = await raw(probe.url, 'GET', '/chargeover/ping', { headers: { authorization: limited } });
      statuses.push(response.status);
      if (response.status === 429) rejection ??= response;
    }
    assert.equal(statuses.filter((s) => s === 200).length, 250, 'the first 250 pass');
    assert.equal(statuses[250], 429);
    assert.ok(rejection);
    assert.equal(rejection.text, '{"code":429,"status":"Error","message":"Rate limit exceeded","details":{},"response":false}');
    assert.match(String(rejection.headers['retry-after']), /^\d+$/);
    assert.ok(Number(rejection.headers['retry-after']) >= 1 && Number(rejection.headers['retry-after']) <= 60);

    const again = await raw(probe.url, 'POST', '/chargeover/echo', { body: '{}', headers: { authorization: limited, 'content-type': 'application/json' } });
    assert.equal(again.status, 429, 'every method counts against the same caller');
    const other = await raw(probe.url, 'GET', '/chargeover/ping', { headers: { authorization: basic('merchant-two') } });
    assert.equal(other.status, 200);
    const otherDoor = await raw(probe.url, 'GET', '/invoiced/ping', { headers: { authorization: limited } });
    assert.equal(otherDoor.status, 200, 'the limit is per door');
  });
});

describe('health and request ids', () => {
  test('/_health answers 200 with a request id, also with a body on the GET', async () => {
    const health = await raw(server.url, 'GET', '/_health');
    assert.equal(health.status, 200);
    assert.equal(health.json().status, 'ok');
    const withBody = await raw(server.url, 'GET', '/_health', { body: '{}', headers: { 'content-type': 'application/json' } });
    assert.equal(withBody.status, 200);
    const admin = await raw(server.url, 'GET', '/_admin/tenants', { headers: { authorization: 'Bearer test-admin-token' } });
    assert.equal(admin.status, 200);
    const denied = await raw(server.url, 'GET', '/_admin/tenants');
    assert.equal(denied.status, 401);
  });

  test('every response seen in this file carried a distinct x-request-id', () => {
    // seen() asserted the header on each response; ids are unique per app, and two apps ran here.
    assert.ok(responsesSeen > 300, String(responsesSeen));
    assert.equal(requestIds.size, responsesSeen);
  });
});
