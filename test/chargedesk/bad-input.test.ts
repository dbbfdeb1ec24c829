// Bad input on every ChargeDesk route: wrong types, nested values where text belongs, unknown ids,
// malformed JSON, junk amounts and currencies. Never a 5xx; every error in ChargeDesk's envelope.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startChargeDesk, type ChargeDeskClient } from './client.ts';

let cd: ChargeDeskClient;
let chargeId = '';
before(async () => {
  cd = await startChargeDesk();
  await cd.call('POST', '/customers', { customer_id: 'c1', email: 'c1@example.com', card_on_file: 1 });
  chargeId = (await cd.call('POST', '/charges', { amount: '5.00', currency: 'USD', customer: { id: 'c1' } })).body.charge_id;
  await cd.call('POST', '/subscriptions', { subscription_id: 's1', customer_id: 'c1', amount: '1.00', currency: 'USD', interval: 'month' });
  await cd.call('POST', '/products', { product_id: 'p1', name: 'P', amount: '1.00', currency: 'USD' });
});
after(async () => {
  await cd?.assertLedger();
  await cd?.close();
});

const ROUTES: Array<[string, () => string]> = [
  ['POST', () => '/charges'],
  ['GET', () => '/charges'],
  ['GET', () => `/charges/${chargeId}`],
  ['POST', () => `/charges/${chargeId}`],
  ['POST', () => `/charges/${chargeId}/email`],
  ['GET', () => `/charges/${chargeId}/items`],
  ['POST', () => `/charges/${chargeId}/refund`],
  ['GET', () => '/charges/preview'],
  ['DELETE', () => '/charges/ch-000000000000000000000000'],
  ['POST', () => '/customers'],
  ['GET', () => '/customers'],
  ['GET', () => '/customers/c1'],
  ['POST', () => '/customers/c1'],
  ['GET', () => '/customers/grouped'],
  ['GET', () => '/customers/history'],
  ['DELETE', () => '/customers/nobody'],
  ['POST', () => '/subscriptions'],
  ['GET', () => '/subscriptions'],
  ['GET', () => '/subscriptions/s1'],
  ['POST', () => '/subscriptions/s1'],
  ['POST', () => '/subscriptions/s1/cancel'],
  ['POST', () => '/products'],
  ['GET', () => '/products'],
  ['GET', () => '/products/p1'],
  ['POST', () => '/products/p1'],
  ['POST', () => '/gateway/products/charge'],
  ['POST', () => `/gateway/charges/${chargeId}/refund`],
  ['POST', () => `/gateway/charges/${chargeId}/capture`],
  ['POST', () => `/gateway/charges/${chargeId}/void`],
  ['POST', () => '/gateway/subscriptions/s1/cancel'],
  ['POST', () => '/gateway/subscriptions/s1/plans'],
  ['POST', () => '/webhooks'],
  ['GET', () => '/webhooks/notifications'],
  ['DELETE', () => '/webhooks/wh-nope'],
  ['POST', () => '/agents'],
  ['DELETE', () => '/agents/nobody%40example.com'],
  ['GET', () => '/log/activity'],
  ['GET', () => '/log/cancellations'],
];

const JUNK: Array<Record<string, unknown>> = [
  { amount: { a: 1 }, currency: ['USD'], customer: 'x', status: { s: 1 }, count: 'ten', offset: '-1' },
  { amount: '1e5', currency: 'usdd', customer: { id: { deep: 'x' } }, occurred: 'yesterday', metadata: 'flat', lines: 'x', items: [1, 2] },
  { amount: '99999999999999999999', currency: 'JPY', customer: { id: '' }, using: 'card', product: { interval: ['month'] }, plans: [{ id: { x: 1 } }] },
  { customer_id: { a: 1 }, subscription_id: ['x'], product_id: '', url: 'ftp://x', notifications: { a: 'b' }, role: '', email: 'nope', object_type: 'charge', object_id: 'zzz', action: 'x' },
  { quantity: '1.5', interval_count: '-3', delete_all: 'all', occurred: { min: 'x', max: [] }, first_seen: { min: '1' }, created: 'x', card: { number: 'abc' } },
];

test('every route answers bad input with ChargeDesk’s envelope and never a 5xx (form and JSON)', async () => {
  for (const [method, path] of ROUTES) {
    for (const junk of JUNK) {
      for (const json of [false, true]) {
        if (json && (method === 'GET' || method === 'DELETE')) continue;
        const reply = await cd.call(method, path(), junk, { json });
        assert.ok(reply.status < 500, `${method} ${path()} ${JSON.stringify(junk)} → ${reply.status} ${reply.text}`);
        if (reply.status >= 400) {
          assert.equal(typeof reply.body?.error?.message, 'string', `${method} ${path()} → ${reply.text}`);
        }
      }
    }
  }
});

test('malformed bodies, unknown ids and a wrong key: the envelope', async () => {
  const response = await fetch(`${cd.base}/v1/charges`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${cd.key}:`).toString('base64')}`, 'content-type': 'application/json' },
    body: '{"amount": ',
  });
  assert.equal(response.status, 400);
  assert.equal(typeof ((await response.json()) as any).error.message, 'string');
  for (const path of ['/charges/nope', '/charges/ch-AAAAAAAAAAAAAAAAAAAAAAAA', '/customers/nope', '/subscriptions/nope', '/products/nope']) {
    const reply = await cd.call('GET', path);
    assert.equal(reply.status, 404, path);
    assert.equal(typeof reply.body.error.message, 'string');
  }
  const wrong = await cd.call('POST', '/charges', {}, { key: 'sk_test_nope' });
  assert.equal(wrong.status, 401);
});
