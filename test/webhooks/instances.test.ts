// Two server instances on one PostgreSQL database, each with its own delivery loop racing for the
// same queues: every attempt is made once (no webhook-id arrives twice), and each endpoint still
// gets its events in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { buildApp } from '../../src/http/app.ts';
import { migrate, openStore } from '../../src/store/db.ts';
import { ensureAdminToken } from '../../src/core/tenants/bootstrap.ts';
import { createTenant } from '../../src/core/tenants/tenants.ts';
import { createWebhookRuntime } from '../../src/core/webhooks/runtime.ts';
import { startDeliveryLoop } from '../../src/core/webhooks/loop.ts';
import { webhookFormats } from '../../src/vendors/index.ts';
import { openTestStore, TEST_DATABASE_URL } from '../helpers/store.ts';
import { startReceiver } from './helpers.ts';

test('two instances sharing PostgreSQL deliver each attempt once, in order per endpoint', { skip: TEST_DATABASE_URL ? false : 'PostgreSQL only', timeout: 60_000 }, async () => {
  const first = await openTestStore({ timeoutMs: 2000 });
  const secondStore = await openStore(first.options);
  await migrate(secondStore);
  const second = { ...first.services, db: secondStore.db, log: pino({ level: 'silent' }), webhooks: createWebhookRuntime(webhookFormats(), { timeoutMs: 2000 }) };
  const receiver = await startReceiver();
  const token = await ensureAdminToken(first.services, 'instances-admin');
  await createTenant(first.services, { name: 'Shared', slug: 'shared' });
  const appA = await buildApp({ services: first.services, logLevel: 'silent' });
  const appB = await buildApp({ services: second, logLevel: 'silent' });
  const loops = [startDeliveryLoop(first.services, { intervalMs: 20 }), startDeliveryLoop(second, { intervalMs: 20 })];
  try {
    const admin = (app: typeof appA, url: string, body: unknown) =>
      app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
    const paths = ['/a', '/b', '/c'];
    for (const path of paths) {
      receiver.on(path, () => ({ status: 200, delayMs: Math.floor(Math.random() * 4) }));
      assert.equal((await admin(appA, '/_admin/tenants/shared/webhooks', { url: receiver.url + path, events: ['customer.created'] })).statusCode, 201);
    }
    const N = 30;
    const ids: number[] = [];
    // Events are written through both instances, one after another (so their order is defined).
    for (let i = 0; i < N; i++) {
      const answer = await admin(i % 2 === 0 ? appA : appB, '/_admin/tenants/shared/customers', { company: `Customer ${i}` });
      ids.push((answer.json() as { customer: { id: number } }).customer.id);
    }
    await receiver.waitFor((all) => all.length >= N * paths.length, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 500)); // anything extra would arrive now
    assert.equal(receiver.received.length, N * paths.length, 'no attempt made twice');
    for (const path of paths) {
      const got = receiver.received.filter((r) => r.path === path);
      assert.equal(new Set(got.map((r) => r.headers['webhook-id'])).size, N);
      assert.deepEqual(
        got.map((r) => JSON.parse(r.body).data.id),
        ids,
        `in order at ${path}`,
      );
    }
    const attempts = await first.services.db.selectFrom('webhook_attempts').select(['attempt', 'outcome']).execute();
    assert.equal(attempts.length, N * paths.length);
    assert.ok(attempts.every((a) => Number(a.attempt) === 1 && a.outcome === 'succeeded'));
  } finally {
    for (const loop of loops) await loop.stop();
    await appA.close();
    await appB.close();
    await receiver.close();
    await secondStore.close();
    await first.dispose();
  }
});
