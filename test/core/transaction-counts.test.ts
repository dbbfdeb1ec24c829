// The per-type transaction counts SQLite keeps by triggers (migration transaction_counts): its
// back-fill counts the rows a database already has, and the triggers follow inserts and deletes.
// PostgreSQL has no such table (it counts from an index); the test skips there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { openTestStore } from '../helpers/store.ts';
import { createTenant, contextFor } from '../../src/core/tenants/tenants.ts';
import { createPayment, refund, capture } from '../../src/core/payments/payments.ts';
import { up as transactionCounts } from '../../src/store/migrations/transaction_counts.ts';
import type { Kysely } from 'kysely';

const card = { card: { number: '4111111111111111', expMonth: 12, expYear: 2099 } };

test('the back-fill counts existing rows, and the triggers keep the counts with inserts and deletes', async (t) => {
  const store = await openTestStore();
  try {
    if (store.services.dialect !== 'sqlite') return t.skip('SQLite only: PostgreSQL counts from its index');
    const db = store.services.db;
    const tenant = await createTenant(store.services, { name: 'Counts' });
    const ctx = contextFor(store.services, tenant);
    const counts = async () =>
      Object.fromEntries((await db.selectFrom('transaction_counts').select(['type', 'n']).where('tenant_id', '=', tenant.id).orderBy('type').execute()).map((r) => [r.type, Number(r.n)]));
    const actual = async () =>
      Object.fromEntries(
        (
          await db
            .selectFrom('transactions')
            .select(['type', (eb) => eb.fn.countAll<number>().as('n')])
            .where('tenant_id', '=', tenant.id)
            .groupBy('type')
            .orderBy('type')
            .execute()
        ).map((r) => [r.type, Number(r.n)]),
      );

    const auth = (await createPayment(ctx, { type: 'authorize', amount: 500, currency: 'USD', source: card })).transaction;
    await capture(ctx, auth.id);
    const sale = (await createPayment(ctx, { type: 'sale', amount: 900, currency: 'USD', source: card })).transaction;
    await refund(ctx, sale.id, { amount: 100 });
    assert.deepEqual(await counts(), await actual());
    assert.ok(Object.keys(await actual()).length >= 2, JSON.stringify(await actual()));

    // As on a database that had transactions before the migration: no table, no triggers, then the migration.
    for (const trigger of ['transaction_counts_insert', 'transaction_counts_delete', 'transaction_counts_update']) await sql.raw(`drop trigger ${trigger}`).execute(db);
    await sql`drop table transaction_counts`.execute(db);
    await transactionCounts(db as unknown as Kysely<unknown>, 'sqlite');
    assert.deepEqual(await counts(), await actual(), 'back-filled');

    const before = await actual();
    const deleted = await db.deleteFrom('transactions').where('tenant_id', '=', tenant.id).where('parent_id', 'is not', null).executeTakeFirst();
    assert.ok(Number(deleted.numDeletedRows) > 0, 'the refund went');
    assert.notDeepEqual(await actual(), before);
    const nonZero = (byType: Record<string, number>) => Object.fromEntries(Object.entries(byType).filter(([, n]) => n !== 0));
    assert.deepEqual(nonZero(await counts()), await actual(), 'a delete counts down');
  } finally {
    await store.dispose();
  }
});
