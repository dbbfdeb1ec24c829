// Idempotency-Key over HTTP: replays, mismatches, a burst of concurrent duplicates, scope per
// credential, 5xx answers not kept; on the admin payments endpoint and on front-door probe routes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { CARD, countRows, startProbeServer, type ProbeServer } from './helpers.ts';

const SALE = { amount: 1234, currency: 'USD', card: CARD };
const MISMATCH_MESSAGE = 'This idempotency key was already used with a different request';

describe('Idempotency-Key on POST /_admin/tenants/acme/payments', () => {
  let server: TestServer;
  let acmeId: number;
  const transactions = () => countRows(server.store.services.db, 'transactions', acmeId);
  const pay = (key: string | undefined, body: unknown = SALE, path = '/_admin/tenants/acme/payments') => server.admin(path, { body, headers: key === undefined ? {} : { 'idempotency-key': key } });

  before(async () => {
    server = await startTestServer();
    acmeId = server.tenant.id;
  });
  after(async () => {
    await server?.close();
  });

  test('a retry replays the identical status and body, marked idempotent-replayed', async () => {
    const first = await pay('order-1001');
    assert.equal(first.status, 201);
    assert.equal(first.headers.get('idempotent-replayed'), null);
    assert.equal(first.body.transaction.status, 'captured');
    assert.equal(first.body.transaction.amount, 1234);
    assert.equal(await transactions(), 1);

    for (let attempt = 0; attempt < 2; attempt++) {
      const retry = await pay('order-1001');
      assert.equal(retry.status, 201);
      assert.equal(retry.headers.get('idempotent-replayed'), 'true');
      assert.match(retry.headers.get('content-type') ?? '', /^application\/json/);
      assert.deepEqual(retry.body, first.body);
      assert.notEqual(retry.headers.get('x-request-id'), first.headers.get('x-request-id'));
    }
    assert.equal(await transactions(), 1);
    assert.equal((await server.admin('/_admin/tenants/acme/events?type=transaction.captured')).body.events.length, 1);
  });

  test('the same key with a different body (or another path) is refused with 422 and nothing is written', async () => {
    const before = await transactions();
    const eventsBefore = (await server.admin('/_admin/tenants/acme/events?limit=1000')).body.events.length;
    const other = await server.admin('/_admin/tenants', { body: { name: 'Other Merchant', slug: 'other' } });
    assert.equal(other.status, 201);

    const variants: Array<[unknown, string]> = [
      [{ ...SALE, amount: 1235 }, '/_admin/tenants/acme/payments'],
      [{ ...SALE, type: 'authorize' }, '/_admin/tenants/acme/payments'],
      [SALE, '/_admin/tenants/other/payments'],
    ];
    for (const [body, path] of variants) {
      const refused = await pay('order-1001', body, path);
      assert.equal(refused.status, 422, `${path} ${JSON.stringify(body)}`);
      assert.deepEqual(refused.body, { error: { type: 'idempotency_mismatch', message: MISMATCH_MESSAGE, field: 'Idempotency-Key' } });
      assert.equal(refused.headers.get('idempotent-replayed'), null);
    }
    assert.equal(await transactions(), before);
    assert.equal((await server.admin('/_admin/tenants/acme/events?limit=1000')).body.events.length, eventsBefore);
    assert.equal(await countRows(server.store.services.db, 'transactions', other.body.tenant.id), 0);
    // The original request still replays after the refusals.
    const replay = await pay('order-1001');
    assert.equal(replay.status, 201);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.equal(replay.body.transaction.amount, 1234);
  });

  test('50 concurrent identical requests with one key charge once and all answer the same transaction', async () => {
    const before = await transactions();
    const capturedBefore = (await server.admin('/_admin/tenants/acme/events?type=transaction.captured&limit=1000')).body.events.length;
    const body = { amount: 4321, currency: 'USD', card: CARD };
    const responses = await Promise.all(Array.from({ length: 50 }, () => pay('burst-1', body)));
    const statuses = new Set(responses.map((r) => r.status));
    assert.deepEqual([...statuses], [201]);
    const ids = new Set(responses.map((r) => r.body.transaction.id));
    assert.equal(ids.size, 1, `transaction ids: ${[...ids].join(', ')}`);
    const bodies = new Set(responses.map((r) => JSON.stringify(r.body)));
    assert.equal(bodies.size, 1);
    const fresh = responses.filter((r) => r.headers.get('idempotent-replayed') === null);
    assert.equal(fresh.length, 1, 'exactly one request did the work');
    assert.equal(responses.filter((r) => r.headers.get('idempotent-replayed') === 'true').length, 49);

    assert.equal(await transactions(), before + 1);
    const captured = (await server.admin('/_admin/tenants/acme/events?type=transaction.captured&limit=1000')).body.events;
    assert.equal(captured.length, capturedBefore + 1);
    assert.equal(captured.at(-1).object_id, [...ids][0]);
    const rows = await server.store.services.db.selectFrom('transactions').select('id').where('tenant_id', '=', acmeId).where('amount', '=', 4321).execute();
    assert.deepEqual(
      rows.map((r) => r.id),
      [...ids],
    );
  });

  test('different keys, or no key, are different requests', async () => {
    const before = await transactions();
    const a = await pay('scope-a');
    const b = await pay('scope-b');
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.notEqual(a.body.transaction.id, b.body.transaction.id);
    assert.equal(b.headers.get('idempotent-replayed'), null);
    const n1 = await pay(undefined);
    const n2 = await pay(undefined);
    assert.notEqual(n1.body.transaction.id, n2.body.transaction.id);
    assert.equal(n2.headers.get('idempotent-replayed'), null);
    const blank = await pay('   ');
    assert.equal(blank.headers.get('idempotent-replayed'), null);
    assert.equal(await transactions(), before + 5);
  });

  test('a request refused before anything is written is not kept: a corrected retry with the same key goes through', async () => {
    const before = await transactions();
    const bad = { amount: -5, currency: 'USD', card: CARD };
    const first = await pay('bad-amount', bad);
    assert.equal(first.status, 400);
    assert.equal(first.body.error.field, 'amount');
    const rows = await server.store.services.db.selectFrom('idempotency_records').select('id').where('key', '=', 'bad-amount').execute();
    assert.equal(rows.length, 0, 'nothing stored under the key');
    // The same key with the corrected body is a new request, not a mismatch.
    const fixed = await pay('bad-amount', SALE);
    assert.equal(fixed.status, 201);
    assert.equal(fixed.headers.get('idempotent-replayed'), null);
    const replay = await pay('bad-amount', SALE);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(replay.body, fixed.body);
    assert.equal(await transactions(), before + 1);
  });

  test('a 5xx answer is not kept: the same key may be retried', async (t) => {
    // A customer id that does not exist used to fail inside the database (500); now that it is a 404
    // there is no 5xx to provoke through this endpoint, and the probe-door test below covers the rule.
    const broken = { amount: 100, currency: 'USD', customer_id: 987_654_321, card: CARD };
    const first = await pay('retry-after-500', broken);
    if (first.status < 500) {
      t.skip(`no 5xx to provoke here (got ${first.status})`);
      return;
    }
    assert.match(first.body.error.message, /^Internal server error/);
    const again = await pay('retry-after-500', broken);
    assert.ok(again.status >= 500);
    assert.equal(again.headers.get('idempotent-replayed'), null);
    const fixed = await pay('retry-after-500', SALE);
    assert.equal(fixed.status, 201, 'the key was released, so a corrected request goes through');
    assert.equal(fixed.headers.get('idempotent-replayed'), null);
  });
});

describe('Idempotency in the front doors (probe routes)', () => {
  let probe: ProbeServer;
  before(async () => {
    probe = await startProbeServer();
  });
  after(async () => {
    await probe?.close();
  });

  const post = async (path: string, options: { key?: string; auth?: string; body?: unknown } = {}) => {
    const response = await fetch(probe.url + path, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(options.key ? { 'idempotency-key': options.key } : {}),
        ...(options.auth ? { authorization: options.auth } : {}),
      },
      body: JSON.stringify(options.body ?? { amount: 1 }),
    });
    const text = await response.text();
    return { status: response.status, body: JSON.parse(text), replayed: response.headers.get('idempotent-replayed') };
  };

  test('keys are scoped per credential: the same key from another caller is a new request', async () => {
    const a1 = await post('/invoiced/count', { key: 'shared-key', auth: 'Bearer caller-a' });
    assert.deepEqual([a1.status, a1.body, a1.replayed], [201, { n: 1 }, null]);
    const b1 = await post('/invoiced/count', { key: 'shared-key', auth: 'Bearer caller-b' });
    assert.deepEqual([b1.status, b1.body, b1.replayed], [201, { n: 2 }, null]);
    const a2 = await post('/invoiced/count', { key: 'shared-key', auth: 'Bearer caller-a' });
    assert.deepEqual([a2.status, a2.body, a2.replayed], [201, { n: 1 }, 'true']);
    const b2 = await post('/invoiced/count', { key: 'shared-key', auth: 'Bearer caller-b' });
    assert.deepEqual([b2.status, b2.body, b2.replayed], [201, { n: 2 }, 'true']);
    // Keys are scoped per door too: the same caller and key at another door runs there.
    const other = await post('/chargedesk/count', { key: 'shared-key', auth: 'Bearer caller-a' });
    assert.deepEqual([other.status, other.body, other.replayed], [201, { n: 1 }, null]);
  });

  test('FluidPay’s idempotency_key body field works like the header', async () => {
    const body = { amount: 5, idempotency_key: 'fp-key-1' };
    const first = await post('/fluidpay/count', { body, auth: 'api_key_one' });
    assert.deepEqual([first.status, first.body, first.replayed], [201, { n: 1 }, null]);
    const second = await post('/fluidpay/count', { body, auth: 'api_key_one' });
    assert.deepEqual([second.status, second.body, second.replayed], [201, { n: 1 }, 'true']);
    const changed = await post('/fluidpay/count', { body: { ...body, amount: 6 }, auth: 'api_key_one' });
    // FluidPay has no 422: the mismatch is a 400 in its envelope.
    assert.equal(changed.status, 400);
    assert.deepEqual(changed.body, { status: 'failed', msg: MISMATCH_MESSAGE, data: null });
    const third = await post('/fluidpay/count', { body: { amount: 7 }, auth: 'api_key_one' });
    assert.deepEqual(third.body, { n: 2 });
  });

  test('a mismatch is answered in the door’s own envelope', async () => {
    assert.equal((await post('/chargeover/count', { key: 'co-key', auth: 'Basic YTpi' })).status, 201);
    const refused = await post('/chargeover/count', { key: 'co-key', auth: 'Basic YTpi', body: { amount: 2 } });
    assert.equal(refused.status, 422);
    assert.deepEqual(refused.body, { code: 422, status: 'Error', message: MISMATCH_MESSAGE, details: {}, response: false });
  });

  test('a 5xx is not stored: the retry runs the handler again and its answer is the one kept', async () => {
    const first = await post('/chargedesk/flaky', { key: 'flaky-key', auth: 'Bearer sk_test_x' });
    assert.equal(first.status, 500);
    assert.match(first.body.error.message, /^Internal server error/);
    assert.equal(first.replayed, null);
    const second = await post('/chargedesk/flaky', { key: 'flaky-key', auth: 'Bearer sk_test_x' });
    assert.deepEqual([second.status, second.body, second.replayed], [201, { attempt: 2 }, null]);
    const third = await post('/chargedesk/flaky', { key: 'flaky-key', auth: 'Bearer sk_test_x' });
    assert.deepEqual([third.status, third.body, third.replayed], [201, { attempt: 2 }, 'true']);
    const rows = await probe.store.services.db.selectFrom('idempotency_records').select(['key', 'response_status']).where('key', '=', 'flaky-key').execute();
    assert.deepEqual(
      rows.map((row) => ({ ...row })),
      [{ key: 'flaky-key', response_status: 201 }],
    );
  });
});
