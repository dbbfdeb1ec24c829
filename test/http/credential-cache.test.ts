// API keys are remembered by this process for a few seconds (src/core/tenants/credential-cache.ts):
// what a client must still see is that a revoked key stops working at once, a new key works at once,
// and the tenant behind a remembered key is never stale (its faults, clock and settings apply to the
// very next request).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const SALE = JSON.stringify({ type: 'sale', amount: 1000, payment_method: { card: { number: '4111111111111111', expiration_date: '12/30' } } });

describe('remembered API keys', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server.close();
  });

  const sale = (key: string) =>
    fetch(`${server.url}/fluidpay/api/transaction`, { method: 'POST', headers: { authorization: key, 'content-type': 'application/json' }, body: SALE }).then(async (r) => ({
      status: r.status,
      body: (await r.json()) as { status: string; data: { response: string; status: string } | null },
    }));

  async function issueKey(): Promise<{ id: number; secret: string }> {
    const issued = await server.admin('/_admin/tenants/acme/credentials', { body: { vendor: 'fluidpay' } });
    assert.equal(issued.status, 201);
    return issued.body.credential;
  }

  test('a revoked key is refused on the next request, though it was just used', async () => {
    const key = await issueKey();
    assert.equal((await sale(key.secret)).status, 200);
    assert.equal((await sale(key.secret)).status, 200);
    const revoked = await server.admin(`/_admin/tenants/acme/credentials/${key.id}`, { method: 'DELETE' });
    assert.equal(revoked.status, 204);
    const refused = await sale(key.secret);
    assert.equal(refused.status, 401);
    const count = await server.store.services.db
      .selectFrom('transactions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', server.tenant.id)
      .executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 2, 'the refused sale wrote nothing');
  });

  test('an unknown key is refused, and works as soon as it is issued', async () => {
    assert.equal((await sale('api_notissuedyet00000000000000')).status, 401);
    const key = await issueKey();
    assert.equal((await sale(key.secret)).status, 200);
  });

  test('the tenant behind a remembered key is current: a fault set between two requests applies to the second', async () => {
    const key = await issueKey();
    const first = await sale(key.secret);
    assert.equal(first.status, 200);
    assert.equal(first.body.data?.response, 'approved');
    const set = await server.admin('/_admin/tenants/acme/faults', { method: 'PUT', body: { force_decline: 'declined' } });
    assert.equal(set.status, 200);
    try {
      const second = await sale(key.secret);
      assert.equal(second.body.data?.response, 'declined');
    } finally {
      await server.admin('/_admin/tenants/acme/faults', { method: 'PUT', body: {} });
    }
  });
});
