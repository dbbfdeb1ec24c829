// Subscriptions end: one whose schedule ran out (end date, occurrences, amount cap) completes when
// its last billed period ends; one with a cancel scheduled for later is cancelled then.
import { recordEvents, type NewEvent } from '../../events/events.ts';
import { FINAL_STATUSES } from '../../subscriptions/subscriptions.ts';
import { inWork } from '../../work.ts';
import type { DueWorkKind } from '../kind.ts';

export const subscriptionEnds: DueWorkKind = {
  name: 'subscription_end',
  async nextDue(ctx) {
    const row = await ctx.db
      .selectFrom('subscriptions')
      .select((eb) => [eb.fn.min('ends_at').as('ends'), eb.fn.min('cancel_at').as('cancels')])
      .where('tenant_id', '=', ctx.tenant.id)
      .where('status', 'not in', [...FINAL_STATUSES])
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    const times = [row?.ends, row?.cancels].filter((v) => v !== null && v !== undefined).map(Number);
    return times.length ? Math.min(...times) : null;
  },
  async run(ctx, moment) {
    return inWork(ctx, async (w) => {
      const cancelled = await w.db
        .updateTable('subscriptions')
        .set({ status: 'cancelled', status_reason: 'manual', cancelled_at: moment, next_bill_at: null, updated_at: moment })
        .where('tenant_id', '=', ctx.tenant.id)
        .where('status', 'not in', [...FINAL_STATUSES])
        .where('cancel_at', '<=', moment)
        .returningAll()
        .execute();
      const completed = await w.db
        .updateTable('subscriptions')
        .set({ status: 'completed', status_reason: 'schedule_complete', ended_at: moment, next_bill_at: null, updated_at: moment })
        .where('tenant_id', '=', ctx.tenant.id)
        .where('status', 'not in', [...FINAL_STATUSES])
        .where('ends_at', '<=', moment)
        .returningAll()
        .execute();
      const events: NewEvent[] = [
        ...cancelled.map((row) => ({ type: 'subscription.cancelled', objectType: 'subscription', objectId: row.id, snapshot: row, mode: row.mode })),
        ...completed.map((row) => ({ type: 'subscription.completed', objectType: 'subscription', objectId: row.id, snapshot: row, mode: row.mode })),
      ];
      await recordEvents(w, events);
      return events.length;
    });
  },
  async pending(ctx, until, limit) {
    const rows = await ctx.db
      .selectFrom('subscriptions')
      .select(['id', 'ends_at', 'cancel_at'])
      .where('tenant_id', '=', ctx.tenant.id)
      .where('status', 'not in', [...FINAL_STATUSES])
      .where((eb) => eb.or([eb('ends_at', '<=', until), eb('cancel_at', '<=', until)]))
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      kind: 'subscription_end',
      dueAt: Math.min(...[r.ends_at, r.cancel_at].filter((v): v is number => v !== null).map(Number)),
      objectType: 'subscription',
      objectId: r.id,
      detail: { reason: r.cancel_at !== null && r.cancel_at <= until ? 'cancel' : 'complete' },
    }));
  },
};
