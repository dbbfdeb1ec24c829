// Tenant isolation over HTTP: one tenant's transaction, credential or customer ids used under
// another tenant's path are not found, and the owner's data is unchanged afterwards.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { CARD, countRows } from './helpers.ts';

let server: TestServer;
let acmeId: number;
let rivalId: number;

before(async () => {
  server = await startTestServer();
  acmeId = server.tenant.id;
  const rival = await server.admin('/_admin/tenants', { body: { name: 'Rival Merchant', slug: 'rival' } });
  assert.equal(rival.status, 201);
  rivalId = rival.body.tenant.id;
});
after(async () => {
  await server?.close();
});

const pay = (slug: string, body: Record<string, unknown>) => server.admin(`/_admin/tenants/${slug}/payments`, { body: { currency: 'USD', card: CARD, ...body } });

async function snapshot(tenantId: number) {
  const db = server.store.services.db;
  const rows = await db.selectFrom('transactions').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute();
  const events = await db.selectFrom('events').select(['id', 'type', 'object_id']).where('tenant_id', '=', tenantId).orderBy('id').execute();
  const ledger = await countRows(db, 'ledger_entries', tenantId);
  return JSON.parse(JSON.stringify({ rows, events, ledger })) as unknown;
}

describe('tenant isolation', () => {
  test('acme’s transactions are not found under another tenant’s path, and stay unchanged', async () => {
    const auth = (await pay('acme', { type: 'authorize', amount: 5000 })).body.transaction;
    const sale = (await pay('acme', { amount: 3000 })).body.transaction;
    assert.equal(auth.status, 'authorized');
    assert.equal(sale.status, 'captured');
    const before = await snapshot(acmeId);
    const rivalBefore = await snapshot(rivalId);

    const attempts: Array<[number, string, Record<string, unknown>]> = [
      [auth.id, 'capture', {}],
      [auth.id, 'capture', { amount: 100 }],
      [auth.id, 'void', {}],
      [sale.id, 'refund', {}],
      [sale.id, 'refund', { amount: 1 }],
      [sale.id, 'void', {}],
      [sale.id, 'capture', {}],
      [auth.id, 'no-such-action', {}],
    ];
    for (const [id, action, body] of attempts) {
      const response = await server.admin(`/_admin/tenants/rival/payments/${id}/${action}`, { body });
      assert.equal(response.status, 404, `${action} ${id}: ${JSON.stringify(response.body)}`);
      assert.deepEqual(response.body, { error: { type: 'not_found', message: `transaction ${id} not found` } });
    }
    // Reached by id instead of slug, the result is the same.
    const byId = await server.admin(`/_admin/tenants/${rivalId}/payments/${sale.id}/refund`, { body: {} });
    assert.equal(byId.status, 404);

    assert.deepEqual(await snapshot(acmeId), before, 'acme is unchanged');
    assert.deepEqual(await snapshot(rivalId), rivalBefore, 'nothing was written to the rival either');

    // Under its own tenant, everything the rival tried still works on the untouched amounts.
    const captured = await server.admin(`/_admin/tenants/acme/payments/${auth.id}/capture`, { body: {} });
    assert.equal(captured.status, 200);
    assert.equal(captured.body.transaction.amount_captured, 5000);
    const refunded = await server.admin(`/_admin/tenants/acme/payments/${sale.id}/refund`, { body: {} });
    assert.equal(refunded.status, 200);
    assert.equal(refunded.body.refund.amount, 3000);
    assert.equal(refunded.body.parent.amount_refunded, 3000);
  });

  test('the rival’s transactions are not found under acme either', async () => {
    const rivalSale = (await pay('rival', { amount: 700 })).body.transaction;
    assert.equal(rivalSale.tenant_id, rivalId);
    const before = await snapshot(rivalId);
    for (const action of ['capture', 'void', 'refund']) {
      const response = await server.admin(`/_admin/tenants/acme/payments/${rivalSale.id}/${action}`, { body: {} });
      assert.equal(response.status, 404, action);
    }
    assert.deepEqual(await snapshot(rivalId), before);
  });

  test('events, settlements and credentials are per tenant', async () => {
    const acmeEvents = (await server.admin('/_admin/tenants/acme/events?limit=1000')).body.events;
    const rivalEvents = (await server.admin('/_admin/tenants/rival/events?limit=1000')).body.events;
    assert.ok(acmeEvents.length >= 4);
    assert.ok(acmeEvents.every((e: { tenant_id: number }) => e.tenant_id === acmeId));
    assert.ok(rivalEvents.length >= 1);
    assert.ok(rivalEvents.every((e: { tenant_id: number }) => e.tenant_id === rivalId));

    assert.equal((await server.admin('/_admin/tenants/acme/clock/advance', { body: { by: '2d' } })).status, 200);
    const acmeBatches = (await server.admin('/_admin/tenants/acme/settlements')).body.batches;
    assert.ok(acmeBatches.length >= 1);
    assert.deepEqual((await server.admin('/_admin/tenants/rival/settlements')).body, { batches: [] }, 'acme’s clock does not settle the rival');
    const rivalSale = await server.store.services.db.selectFrom('transactions').select('status').where('tenant_id', '=', rivalId).executeTakeFirstOrThrow();
    assert.equal(rivalSale.status, 'captured');

    const credential = (await server.admin('/_admin/tenants/acme/credentials', { body: { vendor: 'chargedesk' } })).body.credential;
    assert.deepEqual((await server.admin('/_admin/tenants/rival/credentials')).body, { credentials: [] });
    const revoke = await server.admin(`/_admin/tenants/rival/credentials/${credential.id}`, { method: 'DELETE' });
    assert.equal(revoke.status, 404);
    assert.equal((await server.admin('/_admin/tenants/acme/credentials')).body.credentials[0].revoked_at, null);
  });

  test('a payment under one tenant cannot name another tenant’s customer', async () => {
    const customer = (await server.admin('/_admin/tenants/acme/customers', { body: { first_name: 'Ada' } })).body.customer;
    const before = await snapshot(rivalId);
    const acmeBefore = await snapshot(acmeId);
    const response = await pay('rival', { amount: 100, customer_id: customer.id });
    assert.equal(response.status, 404, JSON.stringify(response.body).slice(0, 200));
    assert.deepEqual(response.body, { error: { type: 'not_found', message: `customer ${customer.id} not found` } });
    assert.deepEqual(await snapshot(rivalId), before);
    assert.deepEqual(await snapshot(acmeId), acmeBefore);
    const own = await pay('acme', { amount: 100, customer_id: customer.id });
    assert.equal(own.status, 201);
    assert.equal(own.body.transaction.customer_id, customer.id);
  });
});
