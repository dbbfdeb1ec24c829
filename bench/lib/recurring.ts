// The renewal run: N active monthly subscriptions on one tenant (each its own customer and card),
// the tenant's clock advanced one month, timed until every renewal is invoiced, charged and
// applied (the clock move returns when the due-work runner is done). Direct core calls, no HTTP.
// Seeding copies one subscription made through the core row for row, so it costs seconds, not
// minutes; it is not timed. Each measurement runs in a child process of its own (bench/recurring.ts)
// so its peak RSS is its own.
import { moveClockBy, setClock } from '../../src/core/clock/tenant-clock.ts';
import { createTenant } from '../../src/core/tenants/tenants.ts';
import { seedSubscriptions } from '../../src/store/seed-subscriptions.ts';
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

export async function measureRecurring(backend: Backend, count: number, log: (line: string) => void = () => undefined): Promise<RecurringResult> {
  const bench = await openBenchStore(backend);
  try {
    let tenant = await createTenant(bench.services, { name: 'Recurring Bench', slug: 'recurring-bench' });
    tenant = await setClock(bench.services, tenant, { to: '2031-01-01T12:00:00Z', freeze: true });
    log(`seeding ${count.toLocaleString('en-US')} monthly subscriptions on ${backend}`);
    await seedSubscriptions(bench.services, tenant, count, { amount: 2900, nextBillDate: '2031-02-01' });
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
