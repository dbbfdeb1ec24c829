import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { buildApp } from '../src/http/app.ts';
import { migrate, openStore } from '../src/store/db.ts';
import { ensureAdminToken } from '../src/core/tenants/bootstrap.ts';
import { createTenant } from '../src/core/tenants/tenants.ts';
import { openTestStore, TEST_DATABASE_URL } from './helpers/store.ts';

// Two instances over one PostgreSQL database, as when one machine is not enough. (Two SQLite
// connections in one process would block each other's event loop; across processes SQLite's
// busy timeout serialises them, which the CLI tests exercise.)
test('two instances sharing PostgreSQL charge once for racing retries split between them', { skip: TEST_DATABASE_URL ? false : 'PostgreSQL only' }, async () => {
  const first = await openTestStore();
  const secondStore = await openStore(first.options);
  await migrate(secondStore);
  const token = await ensureAdminToken(first.services, 'multi-admin');
  await createTenant(first.services, { name: 'Shared', slug: 'shared' });
  const appA = await buildApp({ services: first.services, logLevel: 'silent' });
  const appB = await buildApp({ services: { ...first.services, db: secondStore.db, log: pino({ level: 'silent' }) }, logLevel: 'silent' });
  try {
    const request = (app: typeof appA) =>
      app.inject({
        method: 'POST',
        url: '/_admin/tenants/shared/payments',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': 'race-1' },
        payload: JSON.stringify({ amount: 2500, currency: 'USD', card: { number: '4111111111111111', exp_month: 1, exp_year: 2099 } }),
      });
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => request(i % 2 === 0 ? appA : appB)));
    const ids = new Set(responses.map((r) => (r.json() as { transaction: { id: number } }).transaction.id));
    assert.deepEqual(
      responses.map((r) => r.statusCode).filter((s) => s !== 201 && s !== 200),
      [],
    );
    assert.equal(ids.size, 1);
    const count = await first.services.db
      .selectFrom('transactions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 1);
  } finally {
    await appA.close();
    await appB.close();
    await secondStore.close();
    await first.dispose();
  }
});
