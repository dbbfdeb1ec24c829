// Dunning: failed renewals are retried on the tenant's ladder (../../flows/retry-renewal.ts).
import { dueRetries, retryRenewal } from '../../flows/retry-renewal.ts';
import type { DueWorkKind } from '../kind.ts';

export const dunning: DueWorkKind = {
  name: 'dunning',
  async nextDue(ctx) {
    const row = await ctx.db
      .selectFrom('renewals')
      .select((eb) => eb.fn.min('retry_at').as('at'))
      .where('tenant_id', '=', ctx.tenant.id)
      .where('status', '=', 'failed')
      .executeTakeFirst();
    return row?.at === null || row?.at === undefined ? null : Number(row.at);
  },
  async run(ctx, moment) {
    let done = 0;
    for (const id of await dueRetries(ctx, moment, 1000)) if ((await retryRenewal(ctx, id)) !== 'not_due') done++;
    return done;
  },
  async pending(ctx, until, limit) {
    const rows = await ctx.db
      .selectFrom('renewals')
      .select(['id', 'subscription_id', 'retry_at', 'dunning_step', 'invoice_id'])
      .where('tenant_id', '=', ctx.tenant.id)
      .where('status', '=', 'failed')
      .where('retry_at', '<=', until)
      .orderBy('retry_at')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      kind: 'dunning',
      dueAt: Number(r.retry_at),
      objectType: 'subscription',
      objectId: r.subscription_id,
      detail: { renewal_id: r.id, step: r.dunning_step + 1, invoice_id: r.invoice_id },
    }));
  },
};
