// Core throughput: one operation is an authorization through the simulated processor followed by
// its capture (which posts the ledger entry and records the events), calling the core services
// directly — no HTTP — on a fresh database. Timed by wall clock over a fixed window.
import { contextFor, createTenant } from '../../src/core/tenants/tenants.ts';
import { capture, createPayment } from '../../src/core/payments/payments.ts';
import type { TenantContext } from '../../src/core/context.ts';
import { openBenchStore, type Backend } from './backends.ts';

export interface CoreResult {
  backend: Backend;
  concurrency: number;
  ops: number;
  seconds: number;
  opsPerSecond: number;
  ledgerEntries: number;
}

const CARD = { number: '4111111111111111', expMonth: 12, expYear: 2099 };

async function authorizeAndCapture(ctx: TenantContext, n: number): Promise<void> {
  const { transaction } = await createPayment(ctx, { type: 'authorize', amount: 1000 + (n % 997), currency: 'USD', source: { card: CARD } });
  if (transaction.status !== 'authorized') throw new Error(`authorization came back ${transaction.status} (${transaction.decline_reason ?? ''})`);
  const captured = await capture(ctx, transaction.id);
  if (captured.status !== 'captured') throw new Error(`capture came back ${captured.status}`);
}

/** Runs `concurrency` workers, each looping the operation until the window closes; counts completions. */
async function pool(ctx: TenantContext, concurrency: number, ms: number): Promise<{ ops: number; seconds: number }> {
  let ops = 0;
  let n = 0;
  const started = performance.now();
  const deadline = started + ms;
  const worker = async () => {
    while (performance.now() < deadline) {
      await authorizeAndCapture(ctx, n++);
      ops++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { ops, seconds: (performance.now() - started) / 1000 };
}

export interface CoreOptions {
  warmupMs: number;
  measureMs: number;
  concurrencies: readonly number[];
}

export async function measureCore(backend: Backend, options: CoreOptions): Promise<CoreResult[]> {
  const bench = await openBenchStore(backend);
  try {
    const tenant = await createTenant(bench.services, { name: 'Bench Merchant', slug: 'bench' });
    const ctx = contextFor(bench.services, tenant);
    await pool(ctx, Math.max(...options.concurrencies), options.warmupMs);
    const results: CoreResult[] = [];
    for (const concurrency of options.concurrencies) {
      const before = await countEntries(ctx);
      const { ops, seconds } = await pool(ctx, concurrency, options.measureMs);
      const ledgerEntries = (await countEntries(ctx)) - before;
      results.push({ backend, concurrency, ops, seconds, opsPerSecond: ops / seconds, ledgerEntries });
    }
    return results;
  } finally {
    await bench.dispose();
  }
}

async function countEntries(ctx: TenantContext): Promise<number> {
  const row = await ctx.db
    .selectFrom('ledger_entries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenant_id', '=', ctx.tenant.id)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
