// The operator API under /_admin over HTTP: bearer auth, tenants, credentials per vendor, the
// tenant clock, fault knobs, reset, settlements and verify after a mixed workload.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { CARD, DAY_MS, DECLINED_CARD, countRows } from './helpers.ts';

let server: TestServer;

before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server?.close();
});

const UNAUTHORIZED = { error: { type: 'unauthorized', message: 'A valid admin bearer token is required' } };

async function tenantId(slug: string): Promise<number> {
  const response = await server.admin(`/_admin/tenants/${slug}`);
  assert.equal(response.status, 200);
  return response.body.tenant.id as number;
}

async function pay(slug: string, body: Record<string, unknown>) {
  return server.admin(`/_admin/tenants/${slug}/payments`, { body: { currency: 'USD', card: CARD, ...body } });
}

async function act(slug: string, id: number, action: string, body: Record<string, unknown> = {}) {
  return server.admin(`/_admin/tenants/${slug}/payments/${id}/${action}`, { body });
}

async function events(slug: string, type?: string): Promise<Array<{ type: string; object_id: number }>> {
  const response = await server.admin(`/_admin/tenants/${slug}/events?limit=1000${type ? `&type=${type}` : ''}`);
  assert.equal(response.status, 200);
  return response.body.events;
}

describe('admin authentication', () => {
  test('no token, a wrong token or another scheme answers 401 in the admin envelope and changes nothing', async () => {
    const before = await server.admin('/_admin/tenants');
    const attempts: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer wrong-token' },
      { authorization: 'Bearer ' },
      { authorization: 'Basic dGVzdC1hZG1pbi10b2tlbjo=' },
      { authorization: 'test-admin-token' },
    ];
    for (const headers of attempts) {
      const list = await fetch(`${server.url}/_admin/tenants`, { headers });
      assert.equal(list.status, 401, JSON.stringify(headers));
      assert.match(list.headers.get('content-type') ?? '', /application\/json/);
      assert.deepEqual(await list.json(), UNAUTHORIZED);
      const create = await fetch(`${server.url}/_admin/tenants`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Intruder', slug: 'intruder' }),
      });
      assert.equal(create.status, 401);
      assert.deepEqual(await create.json(), UNAUTHORIZED);
    }
    const afterwards = await server.admin('/_admin/tenants');
    assert.deepEqual(
      afterwards.body.tenants.map((t: { slug: string }) => t.slug),
      before.body.tenants.map((t: { slug: string }) => t.slug),
    );
    assert.equal((await server.admin('/_admin/tenants/intruder')).status, 404);
  });

  test('the right token is accepted', async () => {
    const response = await fetch(`${server.url}/_admin/tenants`, { headers: { authorization: 'Bearer test-admin-token' } });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { tenants: Array<{ slug: string }> };
    assert.ok(body.tenants.some((t) => t.slug === 'acme'));
  });
});

describe('tenants', () => {
  test('create, list and get; unknown tenants are 404; duplicate slugs 409; a name is required', async () => {
    const created = await server.admin('/_admin/tenants', { body: { name: 'Globex Corporation', slug: 'globex' } });
    assert.equal(created.status, 201);
    const globex = created.body.tenant;
    assert.equal(typeof globex.id, 'number');
    assert.equal(globex.name, 'Globex Corporation');
    assert.equal(globex.slug, 'globex');
    assert.equal(globex.is_test, true);
    assert.equal(globex.is_demo, false);
    assert.deepEqual(globex.faults, {});
    assert.equal(globex.settlement_cutoff, '00:00');
    assert.equal(globex.clock.frozen, false);
    assert.equal(globex.clock.offset_ms, 0);
    assert.ok(Math.abs(globex.clock.now - Date.now()) < 60_000);

    const live = await server.admin('/_admin/tenants', { body: { name: 'Initech Live', is_test: false } });
    assert.equal(live.status, 201);
    assert.equal(live.body.tenant.slug, 'initech-live');
    assert.equal(live.body.tenant.is_test, false);

    const list = await server.admin('/_admin/tenants');
    assert.equal(list.status, 200);
    const slugs = list.body.tenants.map((t: { slug: string }) => t.slug);
    for (const slug of ['acme', 'globex', 'initech-live']) assert.ok(slugs.includes(slug), `${slug} listed`);

    const bySlug = await server.admin('/_admin/tenants/globex');
    assert.equal(bySlug.status, 200);
    assert.deepEqual({ ...bySlug.body.tenant, clock: null }, { ...globex, clock: null });
    const byId = await server.admin(`/_admin/tenants/${globex.id}`);
    assert.equal(byId.status, 200);
    assert.equal(byId.body.tenant.slug, 'globex');

    const unknown = await server.admin('/_admin/tenants/no-such-tenant');
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.body, { error: { type: 'not_found', message: 'tenant no-such-tenant not found' } });
    const unknownId = await server.admin('/_admin/tenants/987654');
    assert.equal(unknownId.status, 404);
    assert.equal(unknownId.body.error.type, 'not_found');
    for (const path of ['clock', 'faults', 'credentials', 'events', 'settlements']) {
      const nested = await server.admin(`/_admin/tenants/no-such-tenant/${path}`);
      assert.equal(nested.status, 404, path);
      assert.equal(nested.body.error.type, 'not_found', path);
    }

    const duplicate = await server.admin('/_admin/tenants', { body: { name: 'Globex Again', slug: 'globex' } });
    assert.equal(duplicate.status, 409);
    assert.deepEqual(duplicate.body.error, { type: 'conflict', message: 'a tenant with slug globex already exists', field: 'slug' });
    const nameless = await server.admin('/_admin/tenants', { body: { slug: 'nameless' } });
    assert.equal(nameless.status, 400);
    assert.equal(nameless.body.error.type, 'invalid');
    assert.equal(nameless.body.error.field, 'name');
    assert.equal((await server.admin('/_admin/tenants/nameless')).status, 404);
    assert.equal((await server.admin('/_admin/tenants')).body.tenants.length, list.body.tenants.length);
  });
});

describe('credentials', () => {
  const SECRET_FORMATS: Record<string, RegExp> = {
    chargeover: /^[a-z0-9]{32}$/,
    fluidpay: /^api_[a-z0-9]{27}$/,
    chargedesk: /^sk_test_[a-z0-9]{24}$/,
    affinipay: /^m_test_sk_[a-z0-9]{22}$/,
    invoiced: /^[a-z0-9]{40}$/,
  };

  test('issued per vendor with the secret shown once; listing never shows a non-revealable secret; revoked ones are marked', async () => {
    const issued: Record<string, { id: number; secret: string; public_id: string | null; kind: string }> = {};
    for (const vendor of Object.keys(SECRET_FORMATS)) {
      const response = await server.admin('/_admin/tenants/acme/credentials', { body: { vendor, label: `${vendor}-main` } });
      assert.equal(response.status, 201, vendor);
      const credential = response.body.credential;
      assert.equal(credential.vendor, vendor);
      assert.equal(credential.mode, 'test');
      assert.equal(credential.label, `${vendor}-main`);
      assert.match(credential.secret, SECRET_FORMATS[vendor], vendor);
      if (vendor === 'chargeover') {
        assert.equal(credential.kind, 'key_pair');
        assert.match(credential.public_id, /^[a-z0-9]{32}$/);
      } else {
        assert.equal(credential.kind, 'api_key');
        assert.equal(credential.public_id, null);
      }
      issued[vendor] = credential;
    }
    const password = await server.admin('/_admin/tenants/acme/credentials', {
      body: { vendor: 'fluidpay', kind: 'password', public_id: 'merchant-user', secret: 'correct horse battery staple' },
    });
    assert.equal(password.status, 201);
    assert.equal(password.body.credential.secret, 'correct horse battery staple');
    assert.equal(password.body.credential.public_id, 'merchant-user');
    const live = await server.admin('/_admin/tenants/acme/credentials', { body: { vendor: 'affinipay', mode: 'live' } });
    assert.equal(live.status, 201);
    assert.match(live.body.credential.secret, /^m_live_sk_/);

    const list = await server.admin('/_admin/tenants/acme/credentials');
    assert.equal(list.status, 200);
    assert.equal(list.body.credentials.length, 7);
    const listed = JSON.stringify(list.body);
    for (const vendor of ['fluidpay', 'chargedesk', 'affinipay', 'invoiced']) {
      assert.ok(!listed.includes(issued[vendor].secret), `${vendor} secret must not be listed`);
    }
    assert.ok(!listed.includes('correct horse battery staple'), 'a password must not be listed');
    assert.ok(!listed.includes(live.body.credential.secret));
    for (const credential of list.body.credentials) {
      assert.equal(credential.revoked_at, null);
      assert.equal(typeof credential.created_at, 'number');
      // Only ChargeOver's key pair is kept encrypted (its private key signs requests); the rest are hashes.
      if (credential.kind === 'key_pair') assert.equal(credential.secret, issued.chargeover.secret);
      else assert.equal(credential.secret, null, `${credential.vendor} ${credential.kind}`);
    }
    assert.equal(list.body.credentials.find((c: { kind: string }) => c.kind === 'password').public_id, 'merchant-user');

    const onlyFluidPay = await server.admin('/_admin/tenants/acme/credentials?vendor=fluidpay');
    assert.deepEqual(
      onlyFluidPay.body.credentials.map((c: { vendor: string; kind: string }) => `${c.vendor}/${c.kind}`),
      ['fluidpay/api_key', 'fluidpay/password'],
    );

    const revoked = await server.admin(`/_admin/tenants/acme/credentials/${issued.invoiced.id}`, { method: 'DELETE' });
    assert.equal(revoked.status, 204);
    assert.equal(revoked.body, null);
    const afterRevoke = await server.admin('/_admin/tenants/acme/credentials');
    for (const credential of afterRevoke.body.credentials) {
      if (credential.id === issued.invoiced.id) {
        assert.equal(typeof credential.revoked_at, 'number');
        assert.ok(credential.revoked_at >= credential.created_at);
      } else assert.equal(credential.revoked_at, null, `credential ${credential.id} stays active`);
    }
    const again = await server.admin(`/_admin/tenants/acme/credentials/${issued.invoiced.id}`, { method: 'DELETE' });
    assert.equal(again.status, 404);
    assert.deepEqual(again.body, { error: { type: 'not_found', message: `credential ${issued.invoiced.id} not found` } });
    const missing = await server.admin('/_admin/tenants/acme/credentials/999999', { method: 'DELETE' });
    assert.equal(missing.status, 404);

    // Another tenant cannot revoke acme's credential.
    const foreign = await server.admin(`/_admin/tenants/globex/credentials/${issued.chargedesk.id}`, { method: 'DELETE' });
    assert.equal(foreign.status, 404);
    const stillActive = await server.admin('/_admin/tenants/acme/credentials?vendor=chargedesk');
    assert.equal(stillActive.body.credentials[0].revoked_at, null);
    assert.deepEqual((await server.admin('/_admin/tenants/globex/credentials')).body, { credentials: [] });
  });

  test('an unknown vendor is refused with 400 and nothing is issued', async () => {
    const before = (await server.admin('/_admin/tenants/globex/credentials')).body.credentials.length;
    for (const vendor of ['stripe', '', 42, undefined]) {
      const response = await server.admin('/_admin/tenants/globex/credentials', { body: { vendor } });
      assert.equal(response.status, 400, String(vendor));
      assert.equal(response.body.error.type, 'invalid');
      assert.equal(response.body.error.field, 'vendor');
    }
    const unknownTenant = await server.admin('/_admin/tenants/no-such-tenant/credentials', { body: { vendor: 'invoiced' } });
    assert.equal(unknownTenant.status, 404);
    assert.equal((await server.admin('/_admin/tenants/globex/credentials')).body.credentials.length, before);
  });
});

describe('malformed ids and paging parameters', () => {
  test('are answered 404 or 400 in the admin envelope, never a 500', async () => {
    const attempts: Array<[string, string, number]> = [
      ['DELETE', '/_admin/tenants/acme/credentials/abc', 404],
      ['POST', '/_admin/tenants/acme/payments/abc/void', 404],
      ['GET', '/_admin/tenants/acme/events?after=abc', 400],
      ['GET', '/_admin/tenants/acme/events?limit=-5', 400],
    ];
    for (const [method, path, status] of attempts) {
      const response = await server.admin(path, { method });
      assert.equal(response.status, status, `${method} ${path}: ${JSON.stringify(response.body)}`);
      assert.equal(typeof response.body.error.message, 'string');
    }
  });
});

describe('tenant clock', () => {
  const clockOf = async (slug: string) => {
    const response = await server.admin(`/_admin/tenants/${slug}/clock`);
    assert.equal(response.status, 200);
    return response.body.clock as { now: number; iso: string; frozen: boolean; offset_ms: number };
  };

  test('get, advance by "3d" and by ms, with bad input refused', async () => {
    const start = await clockOf('globex');
    assert.equal(start.frozen, false);
    assert.equal(start.offset_ms, 0);
    assert.equal(start.iso, new Date(start.now).toISOString());
    assert.ok(Math.abs(start.now - Date.now()) < 5_000);

    const threeDays = await server.admin('/_admin/tenants/globex/clock/advance', { body: { by: '3d' } });
    assert.equal(threeDays.status, 200);
    assert.equal(threeDays.body.clock.frozen, false);
    assert.ok(threeDays.body.clock.offset_ms > 3 * DAY_MS - 2_000 && threeDays.body.clock.offset_ms <= 3 * DAY_MS, String(threeDays.body.clock.offset_ms));
    assert.ok(Math.abs(threeDays.body.clock.now - (Date.now() + 3 * DAY_MS)) < 5_000);
    assert.deepEqual((await clockOf('globex')).offset_ms, threeDays.body.clock.offset_ms);

    const byMs = await server.admin('/_admin/tenants/globex/clock/advance', { body: { ms: 90_000 } });
    assert.equal(byMs.status, 200);
    const gained = byMs.body.clock.offset_ms - threeDays.body.clock.offset_ms;
    assert.ok(gained > 88_000 && gained <= 90_000, String(gained));

    for (const body of [{ by: 'soon' }, { by: '-3d' }, { ms: -1 }, { ms: 1.5 }, {}]) {
      const before = await clockOf('globex');
      const refused = await server.admin('/_admin/tenants/globex/clock/advance', { body });
      assert.equal(refused.status, 400, JSON.stringify(body));
      assert.equal(refused.body.error.type, 'invalid');
      assert.equal((await clockOf('globex')).offset_ms, before.offset_ms);
    }
  });

  test('setting the clock backwards is refused with 400 and the clock is unchanged', async () => {
    const before = await clockOf('globex');
    const refused = await server.admin('/_admin/tenants/globex/clock', { body: { to: '2001-01-01T00:00:00Z' } });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.type, 'illegal_transition');
    assert.equal(refused.body.error.field, 'to');
    assert.match(refused.body.error.message, /only moves forward/);
    const afterwards = await clockOf('globex');
    assert.equal(afterwards.offset_ms, before.offset_ms);
    assert.equal(afterwards.frozen, false);
    const notATime = await server.admin('/_admin/tenants/globex/clock', { body: { to: 'next tuesday' } });
    assert.equal(notATime.status, 400);
    assert.equal(notATime.body.error.type, 'invalid');
    const missing = await server.admin('/_admin/tenants/globex/clock', { body: {} });
    assert.equal(missing.status, 400);
    assert.equal((await clockOf('globex')).offset_ms, before.offset_ms);
  });

  test('freeze: the clock stops at the instant set, advances exactly, refuses to go back, and can run again', async () => {
    const target = Math.floor((Date.now() + 30 * DAY_MS) / 60_000) * 60_000;
    const frozen = await server.admin('/_admin/tenants/globex/clock', { body: { to: new Date(target).toISOString(), freeze: true } });
    assert.equal(frozen.status, 200);
    assert.deepEqual(frozen.body.clock, { now: target, iso: new Date(target).toISOString(), frozen: true, offset_ms: 0 });
    await new Promise((resolve) => setTimeout(resolve, 25));
    assert.equal((await clockOf('globex')).now, target);

    const advanced = await server.admin('/_admin/tenants/globex/clock/advance', { body: { by: '1h' } });
    assert.equal(advanced.status, 200);
    assert.equal(advanced.body.clock.now, target + 3_600_000);
    assert.equal(advanced.body.clock.frozen, true);

    const back = await server.admin('/_admin/tenants/globex/clock', { body: { to: target } });
    assert.equal(back.status, 400);
    assert.deepEqual(await clockOf('globex'), { now: target + 3_600_000, iso: new Date(target + 3_600_000).toISOString(), frozen: true, offset_ms: 0 });

    const running = await server.admin('/_admin/tenants/globex/clock', { body: { to: target + 7_200_000, freeze: false } });
    assert.equal(running.status, 200);
    assert.equal(running.body.clock.frozen, false);
    assert.ok(Math.abs(running.body.clock.now - (target + 7_200_000)) < 5_000);
  });

  test('a live tenant’s clock cannot move', async () => {
    const before = await clockOf('initech-live');
    const advance = await server.admin('/_admin/tenants/initech-live/clock/advance', { body: { by: '1d' } });
    assert.equal(advance.status, 400);
    assert.equal(advance.body.error.type, 'illegal_transition');
    const set = await server.admin('/_admin/tenants/initech-live/clock', { body: { to: Date.now() + DAY_MS, freeze: true } });
    assert.equal(set.status, 400);
    const afterwards = await clockOf('initech-live');
    assert.equal(afterwards.offset_ms, before.offset_ms);
    assert.equal(afterwards.frozen, false);
  });
});

describe('payments, settlement and verify', () => {
  test('a mixed workload settles into a batch with the right totals and verify passes with counts', async () => {
    const acmeId = await tenantId('acme');
    // Freeze acme's clock at noon of a day ahead, so every capture falls before the same cut-off.
    const noon = Math.floor((Date.now() + 10 * DAY_MS) / DAY_MS) * DAY_MS + DAY_MS / 2;
    assert.equal((await server.admin('/_admin/tenants/acme/clock', { body: { to: noon, freeze: true } })).status, 200);

    const customer = await server.admin('/_admin/tenants/acme/customers', { body: { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' } });
    assert.equal(customer.status, 201);
    const customerId = customer.body.customer.id as number;

    const s1 = await pay('acme', { amount: 1000, customer_id: customerId });
    assert.equal(s1.status, 201);
    assert.equal(s1.body.transaction.status, 'captured');
    assert.equal(s1.body.transaction.customer_id, customerId);
    assert.equal(s1.body.transaction.created_at, noon);

    const s2 = (await pay('acme', { amount: 2500 })).body.transaction;
    const r1 = await act('acme', s2.id, 'refund', { amount: 500 });
    assert.equal(r1.status, 200);
    assert.equal(r1.body.refund.type, 'refund');
    assert.equal(r1.body.refund.amount, 500);
    assert.equal(r1.body.refund.parent_id, s2.id);
    assert.equal(r1.body.parent.amount_refunded, 500);
    const r2 = await act('acme', s2.id, 'refund', { amount: 300 });
    assert.equal(r2.body.parent.amount_refunded, 800);
    const overRefund = await act('acme', s2.id, 'refund', { amount: 1701 });
    assert.equal(overRefund.status, 400);
    assert.equal(overRefund.body.error.type, 'amount_exceeds_refundable');

    const a1 = await pay('acme', { type: 'authorize', amount: 4000 });
    assert.equal(a1.body.transaction.status, 'authorized');
    assert.equal(a1.body.transaction.amount_captured, 0);
    const overCapture = await act('acme', a1.body.transaction.id, 'capture', { amount: 4001 });
    assert.equal(overCapture.status, 400);
    assert.equal(overCapture.body.error.type, 'amount_exceeds_authorized');
    const c1 = await act('acme', a1.body.transaction.id, 'capture', { amount: 3000 });
    assert.equal(c1.status, 200);
    assert.equal(c1.body.transaction.status, 'captured');
    assert.equal(c1.body.transaction.amount_captured, 3000);

    const a2 = (await pay('acme', { type: 'authorize', amount: 700 })).body.transaction;
    const v1 = await act('acme', a2.id, 'void');
    assert.equal(v1.status, 200);
    assert.equal(v1.body.transaction.status, 'voided');
    const captureVoided = await act('acme', a2.id, 'capture');
    assert.equal(captureVoided.status, 400);
    assert.equal(captureVoided.body.error.type, 'illegal_transition');

    const s3 = (await pay('acme', { amount: 900 })).body.transaction;
    assert.equal((await act('acme', s3.id, 'void')).body.transaction.status, 'voided');
    const refundVoided = await act('acme', s3.id, 'refund');
    assert.equal(refundVoided.status, 400);

    const declined = await pay('acme', { amount: 1200, card: DECLINED_CARD });
    assert.equal(declined.status, 201);
    assert.equal(declined.body.transaction.status, 'declined');
    assert.equal(declined.body.transaction.decline_reason, 'declined');

    const credit = await pay('acme', { type: 'credit', amount: 200 });
    assert.equal(credit.body.transaction.status, 'captured');

    const unknownAction = await act('acme', s3.id, 'refundify');
    assert.equal(unknownAction.status, 400);
    assert.equal(unknownAction.body.error.field, 'action');

    assert.deepEqual((await server.admin('/_admin/tenants/acme/settlements')).body, { batches: [] });
    const advanced = await server.admin('/_admin/tenants/acme/clock/advance', { body: { by: '2d' } });
    assert.equal(advanced.status, 200);

    const settlements = await server.admin('/_admin/tenants/acme/settlements');
    assert.equal(settlements.status, 200);
    assert.equal(settlements.body.batches.length, 1);
    const [batch] = settlements.body.batches;
    assert.equal(batch.tenant_id, acmeId);
    assert.equal(batch.batch_number, 1);
    assert.equal(batch.currency, 'USD');
    assert.equal(batch.cutoff_at, Math.floor(noon / DAY_MS) * DAY_MS + DAY_MS);
    assert.equal(batch.amount_captured, 1000 + 2500 + 3000);
    assert.equal(batch.amount_credit, 500 + 300 + 200);
    assert.equal(batch.net_deposit, 5500);
    assert.equal(batch.transaction_count, 6); // s1, s2, a1 captured, two refunds, the credit
    assert.equal((await events('acme', 'settlement_batch.closed')).length, 1);

    // Settled transactions cannot be voided any more, but can still be refunded.
    const voidSettled = await act('acme', s1.body.transaction.id, 'void');
    assert.equal(voidSettled.status, 400);
    assert.equal(voidSettled.body.error.type, 'illegal_transition');
    const refundSettled = await act('acme', s1.body.transaction.id, 'refund', { amount: 100 });
    assert.equal(refundSettled.status, 200);
    assert.equal(refundSettled.body.parent.status, 'settled');

    const verify = await server.admin('/_admin/verify?tenant=acme');
    assert.equal(verify.status, 200);
    assert.equal(verify.body.ok, true);
    assert.equal(verify.body.violation, null);
    assert.equal(verify.body.checked.transactions, 10); // 9 above and the refund after settlement
    assert.equal(verify.body.checked.settlement_batches, 1);
    assert.ok(verify.body.checked.ledger_entries >= 8, JSON.stringify(verify.body.checked));
    assert.ok(verify.body.checked.customer_credit >= 1);
    assert.deepEqual(Object.keys(verify.body.checked).sort(), ['allocations', 'customer_credit', 'invoice_payments', 'invoices', 'ledger_entries', 'settlement_batches', 'transactions']);
    assert.equal(await countRows(server.store.services.db, 'transactions', acmeId), 10);

    const all = await server.admin('/_admin/verify');
    assert.equal(all.status, 200);
    assert.equal(all.body.ok, true);
    assert.ok(all.body.checked.transactions >= 10);
    assert.equal((await server.admin('/_admin/verify?tenant=no-such-tenant')).status, 404);
  });

  test('verify answers 409 naming the violation when the ledger is corrupted', async () => {
    assert.equal((await server.admin('/_admin/tenants', { body: { name: 'Corrupt Co', slug: 'corrupt' } })).status, 201);
    const corruptId = await tenantId('corrupt');
    assert.equal((await pay('corrupt', { amount: 5000 })).status, 201);
    assert.equal((await server.admin('/_admin/verify?tenant=corrupt')).body.ok, true);
    const db = server.store.services.db;
    const line = await db.selectFrom('ledger_lines').select(['id', 'entry_id']).where('tenant_id', '=', corruptId).orderBy('id').executeTakeFirstOrThrow();
    await db
      .updateTable('ledger_lines')
      .set((eb) => ({ amount: eb('amount', '+', 1) }))
      .where('id', '=', line.id)
      .execute();
    const report = await server.admin('/_admin/verify?tenant=corrupt');
    assert.equal(report.status, 409);
    assert.equal(report.body.ok, false);
    assert.equal(report.body.violation, `ledger entry ${line.entry_id} does not balance (off by 1)`);
    assert.equal((await server.admin('/_admin/verify?tenant=acme')).status, 200);
    // Undo the damage: the test helper verifies the whole database when the file ends.
    await db
      .updateTable('ledger_lines')
      .set((eb) => ({ amount: eb('amount', '-', 1) }))
      .where('id', '=', line.id)
      .execute();
    assert.equal((await server.admin('/_admin/verify?tenant=corrupt')).status, 200);
  });
});

describe('fault knobs', () => {
  const faultsOf = async (slug: string) => {
    const response = await server.admin(`/_admin/tenants/${slug}/faults`);
    assert.equal(response.status, 200);
    return response.body.faults;
  };

  test('get and put; a bad knob is refused with 400 and nothing changes', async () => {
    assert.deepEqual(await faultsOf('globex'), {});
    const set = await server.admin('/_admin/tenants/globex/faults', { method: 'PUT', body: { latency_ms: 5, force_decline: 'insufficient_funds' } });
    assert.equal(set.status, 200);
    assert.deepEqual(set.body.faults, { latency_ms: 5, force_decline: 'insufficient_funds' });
    assert.deepEqual(await faultsOf('globex'), { latency_ms: 5, force_decline: 'insufficient_funds' });
    assert.deepEqual((await server.admin('/_admin/tenants/globex')).body.tenant.faults, { latency_ms: 5, force_decline: 'insufficient_funds' });

    const bad: Array<[Record<string, unknown>, string]> = [
      [{ latency_ms: -1, force_decline: 'declined' }, 'latency_ms'],
      [{ latency_ms: 60_001 }, 'latency_ms'],
      [{ latency_ms: 1.5 }, 'latency_ms'],
      [{ latency_ms: 'slow' }, 'latency_ms'],
      [{ force_decline: 42 }, 'force_decline'],
    ];
    for (const [body, field] of bad) {
      const refused = await server.admin('/_admin/tenants/globex/faults', { method: 'PUT', body });
      assert.equal(refused.status, 400, JSON.stringify(body));
      assert.equal(refused.body.error.type, 'invalid');
      assert.equal(refused.body.error.field, field);
      assert.deepEqual(await faultsOf('globex'), { latency_ms: 5, force_decline: 'insufficient_funds' });
    }
    const cleared = await server.admin('/_admin/tenants/globex/faults', { method: 'PUT', body: {} });
    assert.equal(cleared.status, 200);
    assert.deepEqual(await faultsOf('globex'), {});
  });

  test('a forced decline makes a good card decline, and the declined payment is stored', async () => {
    const acmeId = await tenantId('acme');
    const before = await countRows(server.store.services.db, 'transactions', acmeId);
    const declinedBefore = (await events('acme', 'transaction.declined')).length;
    assert.equal((await server.admin('/_admin/tenants/acme/faults', { method: 'PUT', body: { force_decline: 'insufficient_funds' } })).status, 200);

    const declined = await pay('acme', { amount: 1500 });
    assert.equal(declined.status, 201);
    const txn = declined.body.transaction;
    assert.equal(txn.status, 'declined');
    assert.equal(txn.decline_reason, 'insufficient_funds');
    assert.equal(txn.amount_authorized, 0);
    assert.equal(txn.amount_captured, 0);
    assert.equal(await countRows(server.store.services.db, 'transactions', acmeId), before + 1);
    const stored = await server.store.services.db.selectFrom('transactions').selectAll().where('id', '=', txn.id).executeTakeFirstOrThrow();
    assert.equal(stored.status, 'declined');
    assert.equal(stored.tenant_id, acmeId);
    const declinedEvents = await events('acme', 'transaction.declined');
    assert.equal(declinedEvents.length, declinedBefore + 1);
    assert.equal(declinedEvents.at(-1)?.object_id, txn.id);
    assert.equal((await act('acme', txn.id, 'capture')).status, 400);

    assert.equal((await server.admin('/_admin/tenants/acme/faults', { method: 'PUT', body: { processor_error: true } })).status, 200);
    const errored = await pay('acme', { amount: 1500 });
    assert.equal(errored.body.transaction.status, 'error');
    assert.equal(errored.body.transaction.decline_reason, 'processor_error');

    assert.equal((await server.admin('/_admin/tenants/acme/faults', { method: 'PUT', body: {} })).status, 200);
    const approved = await pay('acme', { amount: 1500 });
    assert.equal(approved.body.transaction.status, 'captured');
    assert.equal((await server.admin('/_admin/verify?tenant=acme')).body.ok, true);
  });
});

describe('reset', () => {
  test('a test tenant’s data is wiped (credentials stay); a live tenant cannot be reset', async () => {
    assert.equal((await server.admin('/_admin/tenants', { body: { name: 'Wipe Me', slug: 'wipe-me' } })).status, 201);
    const wipeId = await tenantId('wipe-me');
    const credential = await server.admin('/_admin/tenants/wipe-me/credentials', { body: { vendor: 'invoiced' } });
    assert.equal(credential.status, 201);
    const customer = (await server.admin('/_admin/tenants/wipe-me/customers', { body: { first_name: 'Grace' } })).body.customer;
    const sale = (await pay('wipe-me', { amount: 2000, customer_id: customer.id })).body.transaction;
    assert.equal((await act('wipe-me', sale.id, 'refund', { amount: 250 })).status, 200);
    const auth = (await pay('wipe-me', { type: 'authorize', amount: 800 })).body.transaction;
    assert.equal((await act('wipe-me', auth.id, 'void')).status, 200);
    assert.equal((await server.admin('/_admin/tenants/wipe-me/faults', { method: 'PUT', body: { latency_ms: 1 } })).status, 200);
    assert.equal((await server.admin('/_admin/tenants/wipe-me/clock/advance', { body: { by: '2d' } })).status, 200);
    assert.ok((await server.admin('/_admin/tenants/wipe-me/settlements')).body.batches.length >= 1);
    assert.ok((await events('wipe-me')).length >= 4);

    const acmeId = await tenantId('acme');
    const acmeBefore = await countRows(server.store.services.db, 'transactions', acmeId);
    const reset = await server.admin('/_admin/tenants/wipe-me/reset', { method: 'POST' });
    assert.equal(reset.status, 200);
    assert.equal(reset.body.tenant.slug, 'wipe-me');
    assert.equal(reset.body.tenant.clock.offset_ms, 0);
    assert.equal(reset.body.tenant.clock.frozen, false);
    assert.deepEqual(reset.body.tenant.faults, {});

    assert.deepEqual((await server.admin('/_admin/tenants/wipe-me/events')).body, { events: [] });
    assert.deepEqual((await server.admin('/_admin/tenants/wipe-me/settlements')).body, { batches: [] });
    const db = server.store.services.db;
    for (const table of ['transactions', 'customers', 'payment_methods', 'ledger_entries', 'settlement_batches'] as const) {
      assert.equal(await countRows(db, table, wipeId), 0, table);
    }
    const verify = await server.admin('/_admin/verify?tenant=wipe-me');
    assert.equal(verify.body.ok, true);
    assert.equal(verify.body.checked.transactions, 0);
    assert.equal(verify.body.checked.ledger_entries, 0);
    const credentials = (await server.admin('/_admin/tenants/wipe-me/credentials')).body.credentials;
    assert.deepEqual(
      credentials.map((c: { id: number; revoked_at: number | null }) => [c.id, c.revoked_at]),
      [[credential.body.credential.id, null]],
    );
    assert.equal(await countRows(db, 'transactions', acmeId), acmeBefore, 'other tenants are untouched');

    // The tenant works again after a reset.
    const fresh = await pay('wipe-me', { amount: 100 });
    assert.equal(fresh.status, 201);
    assert.equal(fresh.body.transaction.seq, 1);

    const liveId = await tenantId('initech-live');
    assert.equal((await pay('initech-live', { amount: 4200 })).status, 201);
    const refused = await server.admin('/_admin/tenants/initech-live/reset', { method: 'POST' });
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.body, { error: { type: 'illegal_transition', message: 'only a test tenant can be reset' } });
    assert.equal(await countRows(db, 'transactions', liveId), 1);
    assert.equal((await events('initech-live')).length, 1);
    assert.equal((await server.admin('/_admin/tenants/no-such-tenant/reset', { method: 'POST' })).status, 404);
  });
});
