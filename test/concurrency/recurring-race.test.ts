// Two runners racing over one PostgreSQL database (two instances, each with its own pool) on one
// tenant whose clock has moved three months: each takes the subscriptions the other does not hold
// (FOR UPDATE SKIP LOCKED), and every period of every subscription is billed exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { migrate, openStore } from '../../src/store/db.ts';
import { createTenant } from '../../src/core/tenants/tenants.ts';
import { setClock } from '../../src/core/clock/tenant-clock.ts';
import { runDueWork } from '../../src/core/jobs/runner.ts';
import { verify } from '../../src/core/verify/verify.ts';
import { openTestStore, TEST_DATABASE_URL } from '../helpers/store.ts';
import { seedSubscriptions } from '../../src/store/seed-subscriptions.ts';

const COUNT = 1200;

test('two runners on one PostgreSQL database bill each period of each subscription once', { skip: TEST_DATABASE_URL ? false : 'PostgreSQL only', timeout: 300_000 }, async () => {
  const first = await openTestStore();
  const secondStore = await openStore(first.options);
  await migrate(secondStore);
  try {
    let tenant = await createTenant(first.services, { name: 'Raced', slug: 'raced' });
    tenant = await setClock(first.services, tenant, { to: '2031-01-05T12:00:00Z', freeze: true });
    await seedSubscriptions(first.services, tenant, COUNT, { nextBillDate: '2031-01-06' });
    // The clock moves without running anything; then both instances run what fell due, at once.
    const target = Date.UTC(2031, 3, 6, 1);
    tenant = await first.services.db.updateTable('tenants').set({ clock_frozen_at: target }).where('id', '=', tenant.id).returningAll().executeTakeFirstOrThrow();
    const second = { ...first.services, db: secondStore.db, log: pino({ level: 'silent' }) };
    const [a, b] = await Promise.all([runDueWork(first.services, tenant), runDueWork(second, tenant)]);
    const billed = (a.ran.renewal ?? 0) + (b.ran.renewal ?? 0);
    assert.equal(billed, COUNT * 4, `runner A billed ${a.ran.renewal ?? 0}, runner B ${b.ran.renewal ?? 0}`);
    assert.ok((a.ran.renewal ?? 0) > 0 && (b.ran.renewal ?? 0) > 0, `both runners took a share (A ${a.ran.renewal ?? 0}, B ${b.ran.renewal ?? 0})`);
    const perSubscription = await first.services.db
      .selectFrom('invoices')
      .select(['subscription_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('tenant_id', '=', tenant.id)
      .groupBy('subscription_id')
      .execute();
    assert.equal(perSubscription.length, COUNT);
    assert.ok(
      perSubscription.every((row) => Number(row.n) === 4),
      'four invoices each: Jan 6, Feb 6, Mar 6, Apr 6',
    );
    const charges = await first.services.db
      .selectFrom('transactions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenant.id)
      .where('subscription_id', 'is not', null)
      .executeTakeFirstOrThrow();
    assert.equal(Number(charges.n), COUNT * 4);
    assert.equal((await verify(first.services, tenant.id)).violation, null);
  } finally {
    await secondStore.close();
    await first.dispose();
  }
});
