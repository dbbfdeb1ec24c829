// Trials end on their day (in the tenant's zone): the subscription becomes active, with an event.
// Its first bill falls on the schedule's first date after the trial (the renewal runs it).
import { dayStart, tenantDate } from '../../clock/tenant-time.ts';
import { recordEvents } from '../../events/events.ts';
import { inWork } from '../../work.ts';
import type { DueWorkKind } from '../kind.ts';

export const trialEnds: DueWorkKind = {
  name: 'trial_end',
  async nextDue(ctx) {
    const row = await ctx.db
      .selectFrom('subscriptions')
      .select((eb) => eb.fn.min('trial_ends_on').as('on'))
      .where('tenant_id', '=', ctx.tenant.id)
      .where('status', '=', 'trialing')
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return row?.on ? dayStart(ctx, String(row.on)) : null;
  },
  async run(ctx, moment) {
    const today = tenantDate(ctx, moment);
    return inWork(ctx, async (w) => {
      const ended = await w.db
        .updateTable('subscriptions')
        .set({ status: 'active', updated_at: moment })
        .where('tenant_id', '=', ctx.tenant.id)
        .where('status', '=', 'trialing')
        .where('trial_ends_on', '<=', today)
        .returningAll()
        .execute();
      await recordEvents(
        w,
        ended.map((row) => ({ type: 'subscription.trial_ended', objectType: 'subscription', objectId: row.id, snapshot: row })),
      );
      return ended.length;
    });
  },
  async pending(ctx, until, limit) {
    const rows = await ctx.db
      .selectFrom('subscriptions')
      .select(['id', 'trial_ends_on'])
      .where('tenant_id', '=', ctx.tenant.id)
      .where('status', '=', 'trialing')
      .where('trial_ends_on', '<=', tenantDate(ctx, until))
      .orderBy('trial_ends_on')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ kind: 'trial_end', dueAt: dayStart(ctx, String(r.trial_ends_on)), objectType: 'subscription', objectId: r.id }));
  },
};
