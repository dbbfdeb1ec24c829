// Card expiry notices (../../vault/expiry-notices.ts): on the 1st of a card's expiry month it is
// "expiring", on the 1st of the month after "expired". A saved card's notice is an event about it
// (payment_method.expiring / .expired); each subscription still collecting with the card gets one
// too (subscription.payment_method_expiring / _expired: AffiniPay's recurring charge events). In the
// card's mode. Each notice is claimed by moving the card's notice state on (given once, whoever runs it).
import type { NewEvent } from '../../events/events.ts';
import { recordEvents } from '../../events/events.ts';
import { publicView } from '../../vault/vault.ts';
import { noticeInstant } from '../../vault/expiry-notices.ts';
import { BILLABLE_STATUSES } from '../../subscriptions/subscriptions.ts';
import { inWork } from '../../work.ts';
import type { DueWorkKind } from '../kind.ts';

const BATCH = 500;
const WORDS = ['expiring', 'expired'] as const;

export const cardExpiry: DueWorkKind = {
  name: 'card_expiry',
  async nextDue(ctx) {
    const row = await ctx.db
      .selectFrom('payment_methods')
      .select((eb) => eb.fn.min('expiry_notice_at').as('at'))
      .where('tenant_id', '=', ctx.tenant.id)
      .where('expiry_notice_at', 'is not', null)
      .executeTakeFirst();
    return row?.at === null || row?.at === undefined ? null : Number(row.at);
  },
  async run(ctx, moment) {
    return inWork(ctx, async (w) => {
      const cards = await w.db
        .selectFrom('payment_methods')
        .selectAll()
        .where('tenant_id', '=', ctx.tenant.id)
        .where('expiry_notice_at', '<=', moment)
        .orderBy('expiry_notice_at')
        .orderBy('id')
        .limit(BATCH)
        .execute();
      const events: NewEvent[] = [];
      let done = 0;
      for (const card of cards) {
        const index = card.expiry_notices;
        const next = index === 0 && card.exp_month !== null && card.exp_year !== null ? noticeInstant(w, card.exp_month, card.exp_year, 1) : null;
        // The claim: only the runner that moves the state on gives the notice.
        const claimed = await w.db
          .updateTable('payment_methods')
          .set({ expiry_notices: index + 1, expiry_notice_at: next })
          .where('id', '=', card.id)
          .where('expiry_notices', '=', index)
          .where('expiry_notice_at', '=', card.expiry_notice_at)
          .executeTakeFirst();
        if (Number(claimed.numUpdatedRows) === 0 || index > 1) continue;
        done++;
        if (card.mode !== 'test' && card.mode !== 'live') continue;
        const word = WORDS[index];
        if (card.status === 'active') events.push({ type: `payment_method.${word}`, objectType: 'payment_method', objectId: card.id, snapshot: publicView(card), mode: card.mode });
        const subs = await w.db
          .selectFrom('subscriptions')
          .selectAll()
          .where('tenant_id', '=', ctx.tenant.id)
          .where('payment_method_id', '=', card.id)
          .where('status', 'in', [...BILLABLE_STATUSES])
          .where('deleted_at', 'is', null)
          .execute();
        for (const sub of subs) {
          events.push({ type: `subscription.payment_method_${word}`, objectType: 'subscription', objectId: sub.id, snapshot: { ...sub, payment_method_id: card.id }, mode: sub.mode });
        }
      }
      await recordEvents(w, events);
      return done;
    });
  },
  async pending(ctx, until, limit) {
    const rows = await ctx.db
      .selectFrom('payment_methods')
      .select(['id', 'expiry_notice_at', 'expiry_notices'])
      .where('tenant_id', '=', ctx.tenant.id)
      .where('expiry_notice_at', '<=', until)
      .orderBy('expiry_notice_at')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ kind: 'card_expiry', dueAt: Number(r.expiry_notice_at), objectType: 'payment_method', objectId: r.id, detail: { notice: WORDS[r.expiry_notices] ?? 'done' } }));
  },
};
