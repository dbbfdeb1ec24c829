// Settlement cut-offs: each daily cut-off (HH:MM in the tenant's zone) with captures before it
// closes them into one batch per currency (../../settlement/settlement.ts).
import { cutoffAfter, nextSettlementDue, settleThrough } from '../../settlement/settlement.ts';
import { zoneOf } from '../../clock/tenant-time.ts';
import { CLEARING_STATES } from '../../payments/states.ts';
import type { DueWorkKind } from '../kind.ts';

export const settlement: DueWorkKind = {
  name: 'settlement',
  nextDue: (ctx) => nextSettlementDue(ctx),
  async run(ctx, moment) {
    return (await settleThrough(ctx, moment)).length;
  },
  async pending(ctx, until, limit) {
    const rows = await ctx.db
      .selectFrom('transactions')
      .select(['id', 'captured_at'])
      .where('tenant_id', '=', ctx.tenant.id)
      .where('status', 'in', [...CLEARING_STATES])
      .where('payment_kind', 'in', ['card', 'bank'])
      .orderBy('captured_at')
      .limit(limit)
      .execute();
    return rows
      .map((r) => ({ kind: 'settlement', dueAt: cutoffAfter(Number(r.captured_at), ctx.tenant.settlement_cutoff, zoneOf(ctx)), objectType: 'transaction', objectId: r.id }))
      .filter((item) => item.dueAt <= until);
  },
};
