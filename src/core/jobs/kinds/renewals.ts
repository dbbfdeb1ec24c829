// Renewals: subscriptions due at a moment are billed in batches, each batch one transaction
// (../../flows/renew-subscriptions.ts). A batch that fails is retried one subscription at a time;
// one that fails alone is set aside for an hour with its error, so the others go on and the
// runner does not spin on it.
import type { TenantContext } from '../../context.ts';
import { dueSubscriptionIds, nextRenewalDue, renewSubscriptions, type RenewalOutcome } from '../../flows/renew-subscriptions.ts';
import { BILLABLE_STATUSES } from '../../subscriptions/subscriptions.ts';
import type { DueWorkKind } from '../kind.ts';

/** Subscriptions a batch renews together (one transaction, one commit). */
export const RENEWAL_BATCH = 500;
const BACK_OFF_MS = 3_600_000;

async function renewOneByOne(ctx: TenantContext, ids: readonly number[], moment: number): Promise<RenewalOutcome[]> {
  const out: RenewalOutcome[] = [];
  for (const id of ids) {
    try {
      out.push(...(await renewSubscriptions(ctx, [id], { moment })));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      ctx.log.error({ err: error, tenant: ctx.tenant.id, subscription: id }, 'renewal failed; retrying in an hour');
      await ctx.db
        .updateTable('subscriptions')
        .set({ retry_after: moment + BACK_OFF_MS, last_error: message.slice(0, 500) })
        .where('id', '=', id)
        .execute();
    }
  }
  return out;
}

export const renewals: DueWorkKind = {
  name: 'renewal',
  nextDue: (ctx) => nextRenewalDue(ctx),
  async run(ctx, moment) {
    let done = 0;
    for (;;) {
      let outcomes: RenewalOutcome[];
      try {
        // The batch takes the due subscriptions no other runner holds (PostgreSQL: SKIP LOCKED).
        outcomes = await renewSubscriptions(ctx, RENEWAL_BATCH, { moment });
      } catch (error) {
        const ids = await dueSubscriptionIds(ctx, moment, RENEWAL_BATCH);
        ctx.log.warn({ err: error, tenant: ctx.tenant.id, count: ids.length }, 'renewal batch failed; renewing one at a time');
        outcomes = await renewOneByOne(ctx, ids, moment);
      }
      done += outcomes.filter((o) => o.result !== 'already_billed').length;
      // Nothing taken: nothing is due, or another runner holds what is (it will bill it).
      if (outcomes.length === 0) break;
    }
    return done;
  },
  async pending(ctx, until, limit) {
    const rows = await ctx.db
      .selectFrom('subscriptions')
      .select(['id', 'next_bill_at', 'next_bill_date', 'amount', 'currency'])
      .where('tenant_id', '=', ctx.tenant.id)
      .where('next_bill_at', '<=', until)
      .where('status', 'in', [...BILLABLE_STATUSES])
      .where('deleted_at', 'is', null)
      .orderBy('next_bill_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ kind: 'renewal', dueAt: Number(r.next_bill_at), objectType: 'subscription', objectId: r.id, detail: { period_start: r.next_bill_date } }));
  },
};
