// Notices ahead of what is due, on the tenant's clock: `noticeDays` (tenant setting, 3 by default)
// before a subscription's next bill, `subscription.payment_upcoming` (active) or
// `subscription.trial_ending` (trialing: the bill that ends the trial); a payment request still
// unpaid that many days after it was made, `transaction.request_reminder`. A notice is not a change:
// it is an event for the doors that name it (ChargeDesk), given once per object and date under the
// unique index of `due_notices`. A subscription that learns its next date inside the lead time (a
// daily one, a renewal just billed) is noticed at once, never dated before it knew. Notices exist to
// be sent: a tenant with no enabled webhook endpoint gets none (and pays no query for them).
import { tenantDate } from '../../clock/tenant-time.ts';
import type { TenantContext } from '../../context.ts';
import { recordEvent } from '../../events/events.ts';
import { recurringSettings } from '../../tenants/recurring-settings.ts';
import { inWork, type TxContext } from '../../work.ts';
import type { DueItem, DueWorkKind } from '../kind.ts';

const DAY = 86_400_000;
const BATCH = 500;

interface Candidate {
  kind: 'upcoming_payment' | 'request_reminder';
  objectType: 'subscription' | 'transaction';
  id: number;
  dueFor: string;
  dueAt: number;
}

/** Subscriptions and requests not yet noticed, each with the instant its notice falls due. */
async function candidates(ctx: TenantContext, limit: number): Promise<Candidate[]> {
  const lead = recurringSettings(ctx.tenant).noticeDays * DAY;
  if (lead <= 0) return [];
  const tenantId = ctx.tenant.id;
  const listener = await ctx.db.selectFrom('webhook_endpoints').select('id').where('tenant_id', '=', tenantId).where('deleted_at', 'is', null).where('enabled', '=', 1).limit(1).executeTakeFirst();
  if (!listener) return [];
  const subs = await ctx.db
    .selectFrom('subscriptions as s')
    .select(['s.id', 's.next_bill_at', 's.next_bill_date', 's.updated_at'])
    .where('s.tenant_id', '=', tenantId)
    .where('s.status', 'in', ['active', 'trialing'])
    .where('s.next_bill_at', 'is not', null)
    .where('s.deleted_at', 'is', null)
    // One that ends before that bill (cancel at period end) has no payment coming.
    .where((eb) => eb.or([eb('s.cancel_at', 'is', null), eb('s.cancel_at', '>', eb.ref('s.next_bill_at'))]))
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('due_notices as n')
            .select('n.id')
            .where('n.tenant_id', '=', tenantId)
            .where('n.object_type', '=', 'subscription')
            .where('n.kind', '=', 'upcoming_payment')
            .whereRef('n.object_id', '=', 's.id')
            .whereRef('n.due_for', '=', 's.next_bill_date'),
        ),
      ),
    )
    .orderBy('s.next_bill_at')
    .limit(limit)
    .execute();
  const requests = await ctx.db
    .selectFrom('transactions as t')
    .select(['t.id', 't.created_at'])
    .where('t.tenant_id', '=', tenantId)
    .where('t.status', '=', 'requested')
    .where('t.amount', '>', 0)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('due_notices as n')
            .select('n.id')
            .where('n.tenant_id', '=', tenantId)
            .where('n.object_type', '=', 'transaction')
            .where('n.kind', '=', 'request_reminder')
            .whereRef('n.object_id', '=', 't.id'),
        ),
      ),
    )
    .orderBy('t.created_at')
    .limit(limit)
    .execute();
  return [
    ...subs.map((s): Candidate => ({
      kind: 'upcoming_payment',
      objectType: 'subscription',
      id: Number(s.id),
      dueFor: String(s.next_bill_date),
      dueAt: Math.max(Number(s.next_bill_at) - lead, Number(s.updated_at)),
    })),
    ...requests.map((t): Candidate => ({ kind: 'request_reminder', objectType: 'transaction', id: Number(t.id), dueFor: '', dueAt: Number(t.created_at) + lead })),
  ].sort((a, b) => a.dueAt - b.dueAt);
}

/** Gives one notice, once: the unique index decides who gives it; the event goes with the row. */
async function give(ctx: TxContext, c: Candidate): Promise<boolean> {
  const now = ctx.clock.now();
  const inserted = await ctx.db
    .insertInto('due_notices')
    .values({ tenant_id: ctx.tenant.id, kind: c.kind, object_type: c.objectType, object_id: c.id, due_for: c.dueFor, created_at: now })
    .onConflict((oc) => oc.columns(['tenant_id', 'object_type', 'object_id', 'kind', 'due_for']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return false;
  if (c.objectType === 'subscription') {
    // Still as it was when found (not billed, cancelled or paused since): notice it as it is now.
    const sub = await ctx.db.selectFrom('subscriptions').selectAll().where('id', '=', c.id).executeTakeFirst();
    if (!sub || sub.next_bill_date !== c.dueFor || (sub.status !== 'active' && sub.status !== 'trialing')) return true;
    const type = sub.status === 'trialing' ? 'subscription.trial_ending' : 'subscription.payment_upcoming';
    await recordEvent(ctx, type, 'subscription', sub.id, { ...sub, due_on: c.dueFor, days_ahead: recurringSettings(ctx.tenant).noticeDays });
    return true;
  }
  const txn = await ctx.db.selectFrom('transactions').selectAll().where('id', '=', c.id).executeTakeFirst();
  if (!txn || txn.status !== 'requested') return true;
  await recordEvent(ctx, 'transaction.request_reminder', 'transaction', txn.id, { ...txn, days_unpaid: recurringSettings(ctx.tenant).noticeDays }, txn.mode);
  return true;
}

export const notices: DueWorkKind = {
  name: 'notice',
  async nextDue(ctx) {
    const [first] = await candidates(ctx, 1);
    return first?.dueAt ?? null;
  },
  async run(ctx, moment) {
    const due = (await candidates(ctx, BATCH)).filter((c) => c.dueAt <= moment);
    if (due.length === 0) return 0;
    return inWork(ctx, async (w) => {
      let given = 0;
      for (const c of due) if (await give(w, c)) given++;
      return given;
    });
  },
  async pending(ctx, until, limit): Promise<DueItem[]> {
    return (await candidates(ctx, limit))
      .filter((c) => c.dueAt <= until)
      .map((c) => ({ kind: 'notice', dueAt: c.dueAt, objectType: c.objectType, objectId: c.id, detail: { notice: c.kind, due_for: c.dueFor || tenantDate(ctx, c.dueAt) } }));
  },
};
