// Test and live mode: every transaction, payment method, event and document carries the mode of the
// credential that made it (context.ts: modeOf), and a door that keeps the modes apart reads only its
// credential's mode. A merchant may purge its test data: the rows are marked `purged` instead of
// deleted, so the ledger and settlement history they belong to stays whole (verify still proves it)
// while no key, test or live, sees them again. Live data is never touched.
import type { TenantContext } from './context.ts';
import { recordEvent } from './events/events.ts';
import { inWork } from './work.ts';

export const PURGED = 'purged';

export async function purgeTestData(ctx: TenantContext): Promise<{ transactions: number; paymentMethods: number; events: number; documents: number }> {
  return inWork(ctx, async (ctx) => {
    const now = ctx.clock.now();
    // Tokens of test details can no longer be redeemed.
    await ctx.db
      .updateTable('payment_tokens')
      .set({ used_at: now })
      .where('tenant_id', '=', ctx.tenant.id)
      .where('used_at', 'is', null)
      .where('payment_method_id', 'in', (eb) => eb.selectFrom('payment_methods').select('id').where('tenant_id', '=', ctx.tenant.id).where('mode', '=', 'test'))
      .execute();
    // Test subscriptions charging a test method (recurring charges) stop and leave every list; their
    // renewals stay as history. Before the methods are marked, while they still read as test.
    await ctx.db
      .updateTable('subscriptions')
      .set({ mode: PURGED, status: 'cancelled', status_reason: 'purged', cancelled_at: now, next_bill_at: null, updated_at: now })
      .where('tenant_id', '=', ctx.tenant.id)
      .where('mode', '=', 'test')
      .where('payment_method_id', 'in', (eb) => eb.selectFrom('payment_methods').select('id').where('tenant_id', '=', ctx.tenant.id).where('mode', '=', 'test'))
      .execute();
    const counts = { transactions: 0, paymentMethods: 0, events: 0, documents: 0 };
    for (const [table, key] of [
      ['transactions', 'transactions'],
      ['payment_methods', 'paymentMethods'],
      ['events', 'events'],
      ['documents', 'documents'],
    ] as const) {
      const result = await ctx.db.updateTable(table).set({ mode: PURGED }).where('tenant_id', '=', ctx.tenant.id).where('mode', '=', 'test').executeTakeFirst();
      counts[key] = Number(result.numUpdatedRows);
    }
    await recordEvent(ctx, 'merchant.test_data_purged', 'merchant', ctx.tenant.id, counts, PURGED);
    return counts;
  });
}
