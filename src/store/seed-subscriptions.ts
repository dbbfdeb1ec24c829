// Many subscriptions at once, for the tests that need a large renewal run (a race between runners, a
// crash in the middle of one) and for the renewal benchmark: one customer with a card and one
// subscription made through the core, then copied row for row in a few statements (the same
// encrypted card, the same schedule). Like scratch.ts, a tool for tests and the bench, not the server.
import type { CoreServices } from '../core/context.ts';
import type { Tenant } from '../core/database.ts';
import { inTransaction } from '../core/db.ts';
import { insertRows } from '../core/bulk.ts';
import { contextFor } from '../core/tenants/tenants.ts';
import { openVaultCustomer } from '../core/flows/vault-customer.ts';
import { createSubscription } from '../core/subscriptions/subscriptions.ts';
import type { ScheduleDraft } from '../core/subscriptions/schedule.ts';

export async function seedSubscriptions(services: CoreServices, tenant: Tenant, count: number, options: { amount?: number; schedule?: ScheduleDraft; nextBillDate?: string } = {}): Promise<void> {
  const ctx = contextFor(services, tenant);
  const customer = await openVaultCustomer(ctx, { customer: { company: 'Seed 0' }, card: { number: '4242424242424242', expMonth: 12, expYear: 2099 } });
  const sub = await createSubscription(ctx, {
    customerId: customer.id,
    amount: options.amount ?? 1000,
    schedule: options.schedule ?? { unit: 'month', interval: 1, anchors: [], shortMonths: 'clamp' },
    nextBillDate: options.nextBillDate,
  });
  const cust = await services.db.selectFrom('customers').selectAll().where('id', '=', customer.id).executeTakeFirstOrThrow();
  const card = await services.db
    .selectFrom('payment_methods')
    .selectAll()
    .where('id', '=', customer.default_payment_method_id as number)
    .executeTakeFirstOrThrow();
  const { id: _c, ...customerRow } = cust;
  const { id: _p, ...cardRow } = card;
  const { id: _s, ...subRow } = sub;
  const pad = (prefix: string, n: number) => `${prefix}${String(n).padStart(11, '0')}`;
  await inTransaction(services.db, async (tx) => {
    const w = { ...ctx, db: tx };
    for (let done = 1; done < count; done += 2000) {
      const n = Math.min(2000, count - done);
      const customers = await insertRows(
        w,
        'customers',
        Array.from({ length: n }, (_, k) => ({ ...customerRow, company: `Seed ${done + k}`, token: pad('c', done + k), default_payment_method_id: null })),
        { returning: ['id'] },
      );
      const cards = await insertRows(
        w,
        'payment_methods',
        customers.map((c) => ({ ...cardRow, customer_id: c.id, token: pad('p', Number(c.id)) })),
        { returning: ['id', 'customer_id'] },
      );
      await insertRows(
        w,
        'subscriptions',
        cards.map((c) => ({ ...subRow, customer_id: c.customer_id, token: pad('s', Number(c.customer_id)) })),
      );
    }
  });
}
