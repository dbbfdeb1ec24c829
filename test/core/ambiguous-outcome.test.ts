// Ambiguous processor answers: with the ambiguous_outcome fault a charge's answer is lost, so the
// payment is `unknown` and no money is counted; an inquiry (the admin action, or the due-work run
// when a clock moves) resolves it to what really happened and, for an invoice payment, applies it.
// Also: a bank refund is accepted as `pending` and settles at the cut-off; a slow processor
// (latency fault) holds no lock, so another tenant's payment does not wait for it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { issueDoorCredential as issueCredential } from '../../src/vendors/index.ts';
import { createTenant } from '../../src/core/tenants/tenants.ts';
import { verify } from '../../src/core/verify/verify.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let coAuth: string;

before(async () => {
  server = await startTestServer();
  const co = await issueCredential(server.store.services, server.tenant.id, { vendor: 'chargeover' });
  coAuth = `Basic ${Buffer.from(`${co.publicId}:${co.secret}`).toString('base64')}`;
});
after(async () => {
  await server?.close();
});

async function co(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${server.url}/chargeover/api/v3${path}`, {
    method,
    headers: { authorization: coAuth, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: JSON.parse(await response.text()) };
}

const faults = (body: unknown) => server.admin(`/_admin/tenants/${server.tenant.slug}/faults`, { method: 'PUT', body });

test('an unanswered invoice payment counts no money until an inquiry applies it', async () => {
  const customer = (await co('POST', '/customer', { company: 'Unknown Outcome Ltd' })).body.response.id;
  const item = (await co('POST', '/item', { name: 'Hours', type: 'service', pricemodel: { base: 10 } })).body.response.id;
  const invoice = (await co('POST', '/invoice', { customer_id: customer, line_items: [{ item_id: item, line_rate: 80, line_quantity: 1 }] })).body.response.id;
  assert.equal((await faults({ ambiguous_outcome: true })).status, 200);
  const paid = await co('POST', `/invoice/${invoice}?action=pay`, { number: '4111111111111111', expdate_month: 12, expdate_year: 2099 });
  assert.equal(paid.status, 400);
  assert.match(paid.body.message, /did not answer/);
  const txnId = paid.body.details.transaction_id;
  const row = await server.store.services.db.selectFrom('transactions').selectAll().where('id', '=', txnId).executeTakeFirstOrThrow();
  assert.deepEqual([row.status, row.amount_captured, row.auth_code], ['unknown', 0, null]);
  assert.equal((await co('GET', `/invoice/${invoice}`)).body.response.balance, 80);
  // While it is unknown it can be neither captured, voided nor refunded.
  for (const action of ['capture', 'void', 'refund']) {
    const refused = await server.admin(`/_admin/tenants/${server.tenant.slug}/payments/${txnId}/${action}`, { body: {} });
    assert.equal(refused.status, 400, action);
  }
  assert.ok((await verify(server.store.services, server.tenant.id)).ok);

  assert.equal((await faults({})).status, 200);
  const resolved = await server.admin(`/_admin/tenants/${server.tenant.slug}/payments/${txnId}/inquire`, { body: {} });
  assert.equal(resolved.status, 200);
  assert.equal(resolved.body.transaction.status, 'captured');
  assert.equal(resolved.body.transaction.amount_captured, 8000);
  assert.match(resolved.body.transaction.auth_code, /^[A-Z]{3}\d{3}$/);
  assert.equal((await co('GET', `/invoice/${invoice}`)).body.response.balance, 0, 'applied to the invoice it was for');
  assert.equal((await server.admin(`/_admin/tenants/${server.tenant.slug}/payments/${txnId}/inquire`, { body: {} })).status, 400, 'resolved once');
  assert.ok((await verify(server.store.services, server.tenant.id)).ok);
});

test('the due-work run resolves unanswered payments when the clock moves; a declining card resolves to declined', async () => {
  const admin = (path: string, body?: unknown) => server.admin(`/_admin/tenants/${server.tenant.slug}${path}`, body === undefined ? {} : { body });
  assert.equal((await faults({ ambiguous_outcome: true })).status, 200);
  const good = (await admin('/payments', { amount: 500, currency: 'USD', card: { number: '4111111111111111', exp_month: 12, exp_year: 2099 } })).body.transaction;
  const bad = (await admin('/payments', { amount: 500, currency: 'USD', card: { number: '4000000000000002', exp_month: 12, exp_year: 2099 } })).body.transaction;
  assert.equal(good.status, 'unknown');
  assert.equal(bad.status, 'declined', 'a decline is an answer, not a lost one');
  assert.equal((await faults({})).status, 200);
  assert.equal((await admin('/clock/advance', { by: '1d' })).status, 200);
  const status = async () => (await server.store.services.db.selectFrom('transactions').select(['status']).where('id', '=', good.id).executeTakeFirstOrThrow()).status;
  assert.equal(await status(), 'captured', 'resolved when the clock moved; captured from then on');
  assert.equal((await admin('/clock/advance', { by: '1d' })).status, 200);
  assert.equal(await status(), 'settled', 'and settled at the next cut-off');
  assert.ok((await verify(server.store.services, server.tenant.id)).ok);
});

test('a bank refund is pending until the cut-off, then settled; it counts in clearing meanwhile', async () => {
  const admin = (path: string, body?: unknown) => server.admin(`/_admin/tenants/${server.tenant.slug}${path}`, body === undefined ? {} : { body });
  const sale = (await admin('/payments', { amount: 2000, currency: 'USD', bank: { routing_number: '021000021', account_number: '12345678' } })).body.transaction;
  const refunded = await admin(`/payments/${sale.id}/refund`, { amount: 500 });
  assert.equal(refunded.status, 200);
  assert.equal(refunded.body.refund.status, 'pending');
  assert.ok((await verify(server.store.services, server.tenant.id)).ok);
  assert.equal((await admin('/clock/advance', { by: '1d' })).status, 200);
  const row = await server.store.services.db.selectFrom('transactions').select(['status']).where('id', '=', refunded.body.refund.id).executeTakeFirstOrThrow();
  assert.equal(row.status, 'settled');
  assert.ok((await verify(server.store.services, server.tenant.id)).ok);
});

test('a slow processor for one tenant does not hold up another tenant’s payment (no latency inside a transaction)', async () => {
  const slow = await createTenant(server.store.services, { name: 'Slow', slug: 'slow' });
  assert.equal((await server.admin('/_admin/tenants/slow/faults', { method: 'PUT', body: { latency_ms: 1500 } })).status, 200);
  const body = { amount: 700, currency: 'USD', card: { number: '4111111111111111', exp_month: 12, exp_year: 2099 } };
  const order: string[] = [];
  const slowPay = server.admin('/_admin/tenants/slow/payments', { body }).then((r) => order.push(`slow ${r.status}`));
  await new Promise((resolve) => setTimeout(resolve, 100));
  const fastPay = server.admin(`/_admin/tenants/${server.tenant.slug}/payments`, { body }).then((r) => order.push(`fast ${r.status}`));
  await Promise.all([slowPay, fastPay]);
  assert.deepEqual(order, ['fast 201', 'slow 201']);
  assert.ok((await verify(server.store.services, slow.id)).ok);
});
