import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureDemo } from '../../src/vendors/index.ts';
import { FLUIDPAY_SUITE_API_KEY } from '../../src/vendors/fluidpay/suite-key.ts';
import { docSale, startFluidPay, type FluidPayClient } from './client.ts';

let fp: FluidPayClient;
before(async () => {
  fp = await startFluidPay();
});
after(async () => {
  await fp?.close();
});

test('#69 malformed JSON on any endpoint is a 400 failed envelope with a message, nothing written', async () => {
  const posts = [
    '/transaction',
    '/transaction/search',
    '/transaction/bbbbbbbbbbbbbbbbbbbb/capture',
    '/settlement/batch/search',
    '/customer',
    '/customer/search',
    '/user',
    '/user/apikey',
    '/recurring/addon',
    '/recurring/discount',
    '/recurring/plan',
    '/recurring/subscription',
    '/invoice',
    '/invoices/search',
    '/token-auth',
    '/forgot-password',
  ];
  for (const path of posts) {
    const reply = await fp.call('POST', path, undefined, { raw: '{"amount": 10,' });
    assert.equal(reply.status, 400, path);
    assert.equal(reply.body.status, 'failed', path);
    assert.equal(reply.body.data, null, path);
    assert.ok(typeof reply.body.msg === 'string' && reply.body.msg.length > 0, path);
  }
  assert.equal((await fp.call('POST', '/transaction/search', {})).body.total_count, 0);
  assert.equal((await fp.call('POST', '/customer/search', {})).body.total_count, 0);
});

test('wrong shapes are 400s, never 500s', async () => {
  const cases: Array<[string, string, unknown]> = [
    ['POST', '/transaction/search', { limit: 'ten' }],
    ['POST', '/transaction/search', { amount: 5 }],
    ['POST', '/transaction/search', { billing_address: 'John' }],
    ['POST', '/customer', { billing_address: [] }],
    ['POST', '/recurring/plan', { name: 'p', amount: 1, billing_cycle_interval: '1', billing_frequency: 'daily', billing_days: '7' }],
    ['POST', '/recurring/subscription', { customer: 'abc' }],
    ['POST', '/user', { username: 5, password: 'long-enough-1' }],
    ['POST', '/transaction', '"just a string"'],
  ];
  for (const [method, path, body] of cases) {
    const reply = await fp.call(method, path, body);
    assert.equal(reply.status, 400, `${path} ${JSON.stringify(body)}`);
    assert.equal(reply.body.status, 'failed');
  }
});

test('credit transactions: approved to pending_settlement, settle as a credit, cannot be refunded', async () => {
  const credit = await fp.call('POST', '/transaction', docSale({ type: 'credit', amount: 700, tax_amount: 0, shipping_amount: 0 }));
  assert.equal(credit.body.data.type, 'credit');
  assert.equal(credit.body.data.status, 'pending_settlement');
  await fp.advance('1d');
  const settled = (await fp.call('GET', `/transaction/${credit.body.data.id}`)).body.data[0];
  assert.equal(settled.status, 'settled');
  assert.equal((await fp.call('POST', `/transaction/${credit.body.data.id}/refund`, {})).status, 400);
  const batch = (await fp.call('POST', '/settlement/batch/search', {})).body.data.results[0];
  assert.equal(batch.amount_credit, 700);
  assert.equal(batch.net_deposit, -700);
  await fp.assertLedger();
});

test("the demo tenant accepts FluidPay's suite key; BURSAR_FLUIDPAY_SUITE_KEY=off turns it off", async () => {
  await ensureDemo(fp.server.store.services);
  const ok = await fp.call('POST', '/transaction', docSale(), { key: FLUIDPAY_SUITE_API_KEY });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.data.status, 'pending_settlement');
  assert.equal((await fp.call('GET', `/transaction/${ok.body.data.id}`)).status, 404, "the demo tenant's data is not the test tenant's");
  process.env.BURSAR_FLUIDPAY_SUITE_KEY = 'off';
  try {
    assert.equal((await fp.call('POST', '/transaction/search', {}, { key: FLUIDPAY_SUITE_API_KEY })).status, 401);
  } finally {
    delete process.env.BURSAR_FLUIDPAY_SUITE_KEY;
  }
  assert.equal((await fp.call('POST', '/transaction/search', {}, { key: FLUIDPAY_SUITE_API_KEY })).status, 200);
  const login = await fp.call('POST', '/token-auth', { username: 'demo', password: 'demo-password-1' }, { key: null });
  assert.equal(login.body.status, 'successful');
  const me = await fp.call('GET', '/user', undefined, { key: `Bearer ${login.body.token}` });
  assert.equal(me.body.data.role, 'admin');
});

test('a test tenant with FluidPay vault data, subscriptions and terminals can be reset', async () => {
  const customer = (await fp.call('POST', '/customer', { payment_method: { card: { card_number: '4111111111111111', expiration_date: '12/30' } }, billing_address: { first_name: 'R' } })).body.data;
  await fp.call('POST', '/recurring/subscription', { customer: { id: customer.id }, amount: 100, billing_cycle_interval: 1, billing_frequency: 'monthly', billing_days: '1' });
  await fp.call('POST', '/transaction', { type: 'sale', amount: 100, payment_method: { customer: { id: customer.id } } });
  await fp.call('GET', '/terminals');
  const reset = await fp.server.admin(`/_admin/tenants/${fp.server.tenant.slug}/reset`, { body: {} });
  assert.equal(reset.status, 200, JSON.stringify(reset.body));
  assert.equal((await fp.call('GET', `/customer/${customer.id}`)).status, 404);
  assert.equal((await fp.call('POST', '/transaction/search', {})).body.total_count, 0);
  assert.equal((await fp.call('GET', '/terminals')).status, 200);
});
