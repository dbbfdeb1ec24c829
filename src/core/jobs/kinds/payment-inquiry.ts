// Payments whose processor answer was lost (`unknown`) are inquired about when the runner runs (at
// its target: the inquiry happens now, not when the answer was lost), so that what they took is
// applied and settles from then on, and a renewal charged that way learns whether it was paid.
import { renewalPaymentResolved } from '../../flows/retry-renewal.ts';
import { resolvePayment } from '../../flows/resolve-payment.ts';
import { TxnStatus } from '../../payments/states.ts';
import { inWork } from '../../work.ts';
import type { DueWorkKind } from '../kind.ts';

export const paymentInquiry: DueWorkKind = {
  name: 'payment_inquiry',
  async nextDue(ctx, until) {
    const row = await ctx.db.selectFrom('transactions').select('id').where('tenant_id', '=', ctx.tenant.id).where('status', '=', TxnStatus.UNKNOWN).limit(1).executeTakeFirst();
    return row ? until : null;
  },
  async run(ctx, moment) {
    const rows = await ctx.db
      .selectFrom('transactions')
      .select('id')
      .where('tenant_id', '=', ctx.tenant.id)
      .where('status', '=', TxnStatus.UNKNOWN)
      .where('created_at', '<=', moment)
      .orderBy('id')
      .execute();
    let done = 0;
    for (const { id } of rows) {
      const resolved = await inWork(ctx, async (w) => {
        const current = await w.db.selectFrom('transactions').select('status').where('id', '=', id).executeTakeFirstOrThrow();
        if (current.status !== TxnStatus.UNKNOWN) return false;
        await resolvePayment(w, id);
        await renewalPaymentResolved(w, id);
        return true;
      });
      if (resolved) done++;
    }
    return done;
  },
  async pending(ctx, until, limit) {
    const rows = await ctx.db
      .selectFrom('transactions')
      .select(['id', 'created_at'])
      .where('tenant_id', '=', ctx.tenant.id)
      .where('status', '=', TxnStatus.UNKNOWN)
      .where('created_at', '<=', until)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ kind: 'payment_inquiry', dueAt: Number(r.created_at), objectType: 'transaction', objectId: r.id }));
  },
};
