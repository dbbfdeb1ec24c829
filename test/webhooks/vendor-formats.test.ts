// Each door's webhook payload and signature as its clients read them, made by requests through the
// doors themselves: FluidPay (envelope, newline-terminated body, Signature, test key for test
// deliveries) and ChargeOver (_resthook payload, X-ChargeOver-Key, the AES-256-OFB8 variant).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { aesOfb8 } from '../../src/vendors/chargeover/webhooks.ts';
import { FLUIDPAY_WEBHOOK_TEST_SECRET } from '../../src/vendors/fluidpay/webhooks.ts';
import { startHookServer, startReceiver, until, type HookServer, type Receiver } from './helpers.ts';

let server: HookServer;
let receiver: Receiver;
let fluidpayKey: string;
let coAuth: string;

before(async () => {
  server = await startHookServer();
  receiver = await startReceiver();
  await server.admin('/_admin/tenants', { body: { name: 'Doors', slug: 'doors' } });
  fluidpayKey = (await server.admin('/_admin/tenants/doors/credentials', { body: { vendor: 'fluidpay' } })).body.credential.secret;
  const co = (await server.admin('/_admin/tenants/doors/credentials', { body: { vendor: 'chargeover' } })).body.credential;
  coAuth = `Basic ${Buffer.from(`${co.public_id}:${co.secret}`).toString('base64')}`;
});

after(async () => {
  await receiver.close();
  await server.close();
});

const post = (path: string, auth: string, body: unknown) =>
  fetch(server.url + path, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(async (r) => ({
    status: r.status,
    body: (await r.json()) as any,
  }));

test('FluidPay: transaction_create in FluidPay’s envelope, signed in its Signature header; test deliveries signed with the test key', async () => {
  const endpoint = (await server.admin('/_admin/tenants/doors/webhooks', { body: { format: 'fluidpay', url: `${receiver.url}/fp` } })).body.endpoint;
  assert.match(endpoint.secret, /^[0-9a-f-]{36}$/);
  const sale = await post('/fluidpay/api/transaction', fluidpayKey, { type: 'sale', amount: 1299, payment_method: { card: { number: '4111111111111111', expiration_date: '12/29' } } });
  assert.equal(sale.status, 200, JSON.stringify(sale.body));
  const hit = (await receiver.waitFor((all) => all.some((r) => r.path === '/fp'))).find((r) => r.path === '/fp')!;
  assert.ok(hit.body.endsWith('}\n'), 'the body ends with a newline, as FluidPay signs it');
  const event = JSON.parse(hit.body);
  assert.equal(event.status, 'success');
  assert.equal(event.type, 'transaction_create');
  assert.equal(event.account_type, 'merchant');
  assert.equal(event.transaction_id, sale.body.data.id);
  assert.equal(event.data.id, sale.body.data.id);
  assert.equal(event.data.amount, 1299);
  assert.equal(hit.headers.signature, createHmac('sha256', endpoint.secret).update(hit.body).digest('base64url'));
  assert.equal(hit.headers['x-webhook-event-id'], hit.headers['webhook-id']);
  new Webhook(endpoint.standard_webhooks_secret).verify(hit.body, hit.headers);

  const tested = await server.admin(`/_admin/tenants/doors/webhooks/${endpoint.id}/test`, { method: 'POST' });
  assert.equal(tested.status, 202);
  const test = (await receiver.waitFor((all) => all.filter((r) => r.path === '/fp').length === 2)).filter((r) => r.path === '/fp')[1];
  assert.equal(JSON.parse(test.body).type, 'test');
  assert.equal(test.headers.signature, createHmac('sha256', FLUIDPAY_WEBHOOK_TEST_SECRET).update(test.body).digest('base64url'));
});

test('ChargeOver: customer.insert with context, bare verb, customer and user, the shared secret in body and header; the encrypted variant', async () => {
  const plain = (await server.admin('/_admin/tenants/doors/webhooks', { body: { format: 'chargeover', url: `${receiver.url}/co`, events: ['customer.insert'] } })).body.endpoint;
  const sealed = (await server.admin('/_admin/tenants/doors/webhooks', { body: { format: 'chargeover', url: `${receiver.url}/co-aes`, events: ['customer.insert'], options: { encrypt: true } } })).body
    .endpoint;
  assert.match(plain.secret, /^[A-Za-z0-9]{32}$/);
  const made = await post('/chargeover/api/v3/customer', coAuth, { company: 'Hooked Co', email: 'ap@hooked.example' });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const id = made.body.response.id;
  const all = await receiver.waitFor((r) => r.some((x) => x.path === '/co') && r.some((x) => x.path === '/co-aes'));
  const hit = all.find((r) => r.path === '/co')!;
  const body = JSON.parse(hit.body);
  assert.equal(body.context_str, 'customer');
  assert.equal(body.context_id, id);
  assert.equal(body.event, 'insert');
  assert.equal(body.data.customer.customer_id, id);
  assert.equal(body.data.customer.company, 'Hooked Co');
  assert.ok('user' in body.data);
  assert.equal(body.security_token, plain.secret);
  assert.equal(hit.headers['x-chargeover-key'], plain.secret);
  assert.equal(hit.headers['x-chargeover-source'], new URL(server.url).host);
  new Webhook(plain.standard_webhooks_secret).verify(hit.body, hit.headers);

  const enc = all.find((r) => r.path === '/co-aes')!;
  const raw = Buffer.from(enc.body, 'base64');
  const decrypted = JSON.parse(aesOfb8(Buffer.from(sealed.secret), raw.subarray(0, 16), raw.subarray(16)).toString('utf8'));
  assert.equal(decrypted.context_str, 'customer');
  assert.equal(decrypted.context_id, id);
  assert.match(decrypted.security_salt, /^[A-Za-z0-9]{32}$/);
  assert.equal(decrypted.security_token, undefined);
  // The log keeps the request headers, the secret itself redacted.
  const log = await until(async () => {
    const deliveries = (await server.admin(`/_admin/tenants/doors/webhook-deliveries?endpoint=${plain.id}`)).body.deliveries;
    return deliveries[0]?.status === 'delivered' && deliveries;
  });
  assert.equal(log[0].log[0].request_headers['x-chargeover-key'], '[the endpoint secret]');
});
