import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from './helpers/server.ts';

test('health, admin auth and a card sale over HTTP', async () => {
  const server = await startTestServer();
  try {
    const health = await fetch(`${server.url}/_health`);
    assert.equal(health.status, 200);
    const denied = await fetch(`${server.url}/_admin/tenants`);
    assert.equal(denied.status, 401);
    const sale = await server.admin('/_admin/tenants/acme/payments', { body: { amount: 1999, currency: 'USD', card: { number: '4242424242424242', exp_month: 12, exp_year: 2099 } } });
    assert.equal(sale.status, 201);
    assert.equal(sale.body.transaction.status, 'captured');
    const verify = await server.admin('/_admin/verify?tenant=acme');
    assert.equal(verify.body.violation, null);
  } finally {
    await server.close();
  }
});
