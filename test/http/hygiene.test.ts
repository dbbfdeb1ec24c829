// Input hygiene at the edge: text PostgreSQL cannot store (NUL, unpaired surrogates), malformed
// percent-encoding and over-long URLs answer 400/414/431 in each door's own envelope, never a 500,
// and leave nothing behind. Runs on both databases (NUL used to be a 500 on PostgreSQL).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { issueDoorCredential as issueCredential } from '../../src/vendors/index.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { assertNoStackTrace, countRows, rawRequest } from './helpers.ts';

let server: TestServer;
let coAuth: string;
let fpKey: string;

before(async () => {
  server = await startTestServer();
  const co = await issueCredential(server.store.services, server.tenant.id, { vendor: 'chargeover' });
  coAuth = `Basic ${Buffer.from(`${co.publicId}:${co.secret}`).toString('base64')}`;
  fpKey = (await issueCredential(server.store.services, server.tenant.id, { vendor: 'fluidpay' })).secret;
});
after(async () => {
  await server?.close();
});

type Envelope = 'chargeover' | 'fluidpay' | 'admin' | 'chargedesk' | 'affinipay' | 'invoiced';

function assertEnvelope(kind: Envelope, status: number, body: any, expected: number): void {
  assert.equal(status, expected);
  switch (kind) {
    case 'chargeover':
      assert.equal(body.status, 'Error');
      assert.equal(body.code, expected);
      assert.equal(body.response, false);
      break;
    case 'fluidpay':
      assert.equal(body.status, 'failed');
      assert.equal(body.data, null);
      break;
    case 'admin':
      assert.equal(typeof body.error.type, 'string');
      break;
    case 'chargedesk':
      assert.equal(typeof body.error.message, 'string');
      break;
    default:
      assert.ok(body && typeof body === 'object');
  }
}

const NUL = '\u0000';
const LONE = '\uD800';

async function send(method: string, path: string, auth: string | null, body?: string): Promise<{ status: number; body: any; text: string }> {
  const headers: Record<string, string> = {};
  if (auth) headers.authorization = auth;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await rawRequest(server.url, method, path, { headers, body });
  assertNoStackTrace(response.text);
  return { status: response.status, body: response.text ? JSON.parse(response.text) : null, text: response.text };
}

describe('NUL characters and unpaired surrogates are a 400 in the door envelope', () => {
  const json = (value: unknown) => JSON.stringify(value);
  const probes: Array<[string, Envelope, string, string, () => string | null, string | undefined]> = [
    ['ChargeOver external_key path', 'chargeover', 'GET', `/chargeover/api/v3/customer/external_key:a%00b`, () => coAuth, undefined],
    ['ChargeOver token path', 'chargeover', 'GET', `/chargeover/api/v3/invoice/token:%00`, () => coAuth, undefined],
    ['ChargeOver where value', 'chargeover', 'GET', `/chargeover/api/v3/customer?where=company:EQUALS:a%00b`, () => coAuth, undefined],
    ['ChargeOver customer name', 'chargeover', 'POST', '/chargeover/api/v3/customer', () => coAuth, json({ company: `Acme${NUL}` })],
    ['ChargeOver customer name (lone surrogate)', 'chargeover', 'POST', '/chargeover/api/v3/customer', () => coAuth, `{"company":"Acme\\ud800"}`],
    ['ChargeOver item name', 'chargeover', 'POST', '/chargeover/api/v3/item', () => coAuth, json({ name: `Widget${NUL}`, type: 'service' })],
    [
      'FluidPay transaction description',
      'fluidpay',
      'POST',
      '/fluidpay/api/transaction',
      () => fpKey,
      json({ type: 'sale', amount: 100, description: `x${NUL}`, payment_method: { card: { number: '4111111111111111', expiration_date: '12/29' } } }),
    ],
    [
      'FluidPay idempotency_key',
      'fluidpay',
      'POST',
      '/fluidpay/api/transaction',
      () => fpKey,
      json({ type: 'sale', amount: 100, idempotency_key: `k${NUL}`, payment_method: { card: { number: '4111111111111111', expiration_date: '12/29' } } }),
    ],
    ['FluidPay transaction id path', 'fluidpay', 'GET', '/fluidpay/api/transaction/abc%00def', () => fpKey, undefined],
    ['FluidPay token-auth username', 'fluidpay', 'POST', '/fluidpay/api/token-auth', () => null, json({ username: `demo${NUL}`, password: 'x' })],
    ['FluidPay customer search (surrogate)', 'fluidpay', 'POST', '/fluidpay/api/vault/customer/search', () => fpKey, `{"first_name":{"operator":"=","value":"\\udc00x"}}`],
    ['admin tenant slug', 'admin', 'GET', '/_admin/tenants/ac%00me', () => `Bearer ${server.adminToken}`, undefined],
    ['admin tenant name', 'admin', 'POST', '/_admin/tenants', () => `Bearer ${server.adminToken}`, json({ name: `Bad${NUL}Co` })],
    ['ChargeDesk body', 'chargedesk', 'POST', '/chargedesk/charges', () => null, json({ description: `x${LONE}` })],
  ];
  for (const [name, envelope, method, path, auth, body] of probes) {
    test(name, async () => {
      const customersBefore = await countRows(server.store.services.db, 'customers', server.tenant.id);
      const answer = await send(method, path, auth(), body);
      assertEnvelope(envelope, answer.status, answer.body, 400);
      assert.equal(await countRows(server.store.services.db, 'customers', server.tenant.id), customersBefore);
    });
  }
});

describe('malformed percent-encoding and over-long URLs answer in the door envelope', () => {
  const cases: Array<[string, Envelope, string, number]> = [
    ['ChargeOver bad escape', 'chargeover', '/chargeover/api/v3/customer/%ZZ', 400],
    ['ChargeOver truncated UTF-8', 'chargeover', '/chargeover/api/v3/customer/%E0%A4%A', 400],
    ['FluidPay bad escape', 'fluidpay', '/fluidpay/api/transaction/%F0%9F', 400],
    ['FluidPay over-long id', 'fluidpay', `/fluidpay/api/transaction/${'a'.repeat(600)}`, 414],
    ['admin bad escape', 'admin', '/_admin/tenants/%ZZ', 400],
    ['ChargeOver query over 8 KiB', 'chargeover', `/chargeover/api/v3/customer?where=company:EQUALS:${'a'.repeat(9000)}`, 414],
    ['ChargeOver request line beyond the header limit', 'chargeover', `/chargeover/api/v3/customer?x=${'a'.repeat(20_000)}`, 431],
    ['FluidPay request line beyond the header limit', 'fluidpay', `/fluidpay/api/transaction?x=${'a'.repeat(20_000)}`, 431],
    ['Invoiced bad escape', 'invoiced', '/invoiced/customers/%ZZ', 400],
    ['AffiniPay bad escape', 'affinipay', '/affinipay/v1/charges/%ZZ', 400],
  ];
  for (const [name, envelope, path, status] of cases) {
    test(name, async () => {
      const auth = envelope === 'chargeover' ? coAuth : envelope === 'fluidpay' ? fpKey : envelope === 'admin' ? `Bearer ${server.adminToken}` : null;
      const answer = await send('GET', path, auth);
      assertEnvelope(envelope, answer.status, answer.body, status);
    });
  }
});
