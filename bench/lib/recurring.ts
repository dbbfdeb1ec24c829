// The renewal run: N active monthly subscriptions on one tenant (each its own customer and card),
// the tenant's clock advanced one month, timed until every renewal is invoiced, charged and
// applied (the clock move returns when the due-work runner is done). Direct core calls, no HTTP.
// Seeding copies one subscription made through the core row for row, so it costs seconds, not
// minutes; it is not timed. Each measurement runs in a child process of its own (bench/recurring.ts)
// so its peak RSS is its own.
import { insertRows } from '../../src/core/bulk.ts';
import { inTransaction } from '../../src/core/db.ts';
import { moveClockBy, setClock } from '../../src/core/clock/tenant-clock.ts';
import { contextFor, createTenant } from '../../src/core/tenants/tenants.ts';
import { openVaultCustomer } from '../../src/core/flows/vault-customer.ts';
import { createSubscription } from '../../src/core/subscriptions/subscriptions.ts';
import type { CoreServices } from '../../src/core/context.ts';
import type { Tenant } from '../../src/core/database.ts';
import { openBenchStore, type Backend } from './backends.ts';

export interface RecurringResult {
  backend: Backend;
  subscriptions: number;
  seconds: number;
  renewalsPerSecond: number;
  /** Peak resident set size of the process during the timed run (MiB). */
  peakRssMiB: number;
  /** Renewals billed, invoices paid in full, charges captured: each equals `subscriptions` when all went through. */
  renewals: number;
  paidInvoices: number;
  charges: number;
}

async function seed(services: CoreServices, tenant: Tenant, count: number): Promise<void> {
  const ctx = contextFor(services, tenant);
  const customer = await openVaultCustomer(ctx, { customer: { company: 'Bench 0' }, card: { number: '4242424242424242', expMonth: 12, expYear: 2099 } });
  const sub = await createSubscription(ctx, { customerId: customer.id, amount: 2900, schedule: { unit: 'month', interval: 1, anchors: [], shortMonths: 'clamp' }, nextBillDate: '2031-02-01' });
  const { id: _c, ...customerRow } = await services.db.selectFrom('customers').selectAll().where('id', '=', customer.id).executeTakeFirstOrThrow();
  const { id: _p, ...cardRow } = await services.db
    .selectFrom('payment_methods')
    .selectAll()
    .where('id', '=', customer.default_payment_method_id as number)
    .executeTakeFirstOrThrow();
  const { id: _s, ...subRow } = sub;
  const pad = (prefix: string, n: number) => `${prefix}${String(n).padStart(11, '0')}`;
  await inTransaction(services.db, async (tx) => {
    const w = { ...ctx, db: tx };
    for (let done = 1; done < count; done += 2000) {
      const n = Math.min(2000, count - done);
      const customers = await insertRows(
        w,
        'customers',
        Array.from({ length: n }, (_, k) => ({ ...customerRow, company: `Bench ${done + k}`, token: pad('c', done + k), default_payment_method_id: null })),
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

export async function measureRecurring(backend: Backend, count: number, log: (line: string) => void = () => undefined): Promise<RecurringResult> {
  const bench = await openBenchStore(backend);
  try {
    let tenant = await createTenant(bench.services, { name: 'Recurring Bench', slug: 'recurring-bench' });
    tenant = await setClock(bench.services, tenant, { to: '2031-01-01T12:00:00Z', freeze: true });
    log(`seeding ${count.toLocaleString('en-US')} monthly subscriptions on ${backend}`);
    await seed(bench.services, tenant, count);
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
    log('advancing the clock one month');
    const started = performance.now();
    const moved = await moveClockBy(bench.services, tenant, 31 * 86_400_000);
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    const db = bench.services.db;
    const n = async (query: Promise<{ n: unknown } | undefined>) => Number((await query)?.n ?? 0);
    const renewals = await n(
      db
        .selectFrom('renewals')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst(),
    );
    const paidInvoices = await n(
      db
        .selectFrom('invoices')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('subscription_id', 'is not', null)
        .where('balance', '=', 0)
        .where('amount_paid', '>', 0)
        .executeTakeFirst(),
    );
    const charges = await n(
      db
        .selectFrom('transactions')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('subscription_id', 'is not', null)
        .where('status', '=', 'captured')
        .executeTakeFirst(),
    );
    if (moved.ran.renewal !== count) log(`warning: the runner reported ${moved.ran.renewal ?? 0} renewals for ${count} subscriptions`);
    return { backend, subscriptions: count, seconds, renewalsPerSecond: count / seconds, peakRssMiB: peak / 1024 / 1024, renewals, paidInvoices, charges };
  } finally {
    await bench.dispose();
  }
}
