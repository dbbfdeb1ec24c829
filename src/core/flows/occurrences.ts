// The occurrences of a recurring charge (spec §4.11), on request: each is a renewal of its
// subscription, numbered in date order; the next one (not billed yet) is its next bill date. Paying
// the next one bills it now (the engine's renewal, forced); paying a failed or ignored one collects
// its invoice now; ignoring the next one invoices it without charging and sets it aside. Each is
// one transaction under the subscription's lock, so parallel requests for one occurrence make one
// charge. A recurring charge that ends with its last billing completes in the same transaction.
import type { RenewalRow, SubscriptionRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { DomainError, ErrorCode } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { collectOptions } from '../subscriptions/collect-options.ts';
import { lockSubscription } from '../subscriptions/subscriptions.ts';
import { occurrencesOf } from '../subscriptions/occurrences.ts';
import { inWork, type TxContext } from '../work.ts';
import { renewSubscriptions } from './renew-subscriptions.ts';
import { collectRenewalNow, ignoreRenewal } from './retry-renewal.ts';

const BILLABLE = ['active', 'past_due', 'trialing'];

function refuse(message: string, reason: string): DomainError {
  return new DomainError(ErrorCode.ILLEGAL_TRANSITION, message, { details: { reason } });
}

/** The renewals of a subscription that are occurrences (billed or set aside), oldest date first. */
export async function occurrenceRenewals(ctx: TenantContext, subscriptionId: number): Promise<RenewalRow[]> {
  return (await occurrencesOf(ctx, [subscriptionId])).get(subscriptionId) ?? [];
}

/** The n-th occurrence (1-based): a renewal, 'next' (not billed yet), or null (no such occurrence). */
async function occurrence(ctx: TxContext, sub: SubscriptionRow, n: number): Promise<RenewalRow | 'next' | null> {
  const renewals = await occurrenceRenewals(ctx, sub.id);
  if (n >= 1 && n <= renewals.length) return renewals[n - 1];
  return n === renewals.length + 1 && sub.next_bill_date !== null ? 'next' : null;
}

/** A subscription that ends with its last billing and has just billed it completes now. */
async function completeIfRanOut(ctx: TxContext, id: number): Promise<void> {
  const sub = await ctx.db.selectFrom('subscriptions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  if (sub.next_bill_date !== null || collectOptions(sub).ends !== 'last_billing' || !BILLABLE.includes(sub.status)) return;
  const now = ctx.clock.now();
  const row = await ctx.db
    .updateTable('subscriptions')
    .set({ status: 'completed', status_reason: 'schedule_complete', ended_at: now, next_bill_at: null, updated_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordEvent(ctx, 'subscription.completed', 'subscription', id, row, row.mode);
}

export type OccurrencePayment = 'paid' | 'declined' | 'unknown';

/** Pays the n-th occurrence now: the next one (prepaid) or a failed or ignored one (collected again). */
export async function payOccurrence(ctx: TenantContext, subscriptionId: number, n: number): Promise<OccurrencePayment> {
  return inWork(ctx, async (w) => {
    const sub = await lockSubscription(w, subscriptionId);
    const found = await occurrence(w, sub, n);
    if (found === null) throw new DomainError(ErrorCode.NOT_FOUND, 'No such occurrence', { details: { reason: 'no_occurrence' } });
    if (found === 'next') {
      if (!BILLABLE.includes(sub.status)) throw refuse('The recurring charge no longer collects', 'not_active');
      const [outcome] = await renewSubscriptions(w, [sub.id], { moment: w.clock.now(), force: true });
      await completeIfRanOut(w, sub.id);
      return outcome?.result === 'paid' ? 'paid' : outcome?.result === 'unknown' ? 'unknown' : 'declined';
    }
    if (found.status === 'paid' || found.invoice_id === null) throw refuse('The occurrence is already paid', 'already_paid');
    return collectRenewalNow(w, found.id);
  });
}

/** Sets the n-th occurrence aside: the next one is invoiced uncharged and ignored (the schedule moves on); a failed one stops. */
export async function ignoreOccurrence(ctx: TenantContext, subscriptionId: number, n: number): Promise<void> {
  await inWork(ctx, async (w) => {
    const sub = await lockSubscription(w, subscriptionId);
    const found = await occurrence(w, sub, n);
    if (found === null) throw new DomainError(ErrorCode.NOT_FOUND, 'No such occurrence', { details: { reason: 'no_occurrence' } });
    if (found === 'next') {
      if (!BILLABLE.includes(sub.status)) throw refuse('The recurring charge no longer collects', 'not_active');
      const [outcome] = await renewSubscriptions(w, [sub.id], { moment: w.clock.now(), force: true, collect: false });
      if (outcome?.renewalId) await ignoreRenewal(w, outcome.renewalId);
      await completeIfRanOut(w, sub.id);
      return;
    }
    if (found.status === 'paid' || found.invoice_id === null) throw refuse('A paid occurrence cannot be ignored', 'already_paid');
    await ignoreRenewal(w, found.id);
  });
}

/** Deletes a recurring charge: it stops (if it had not) and is marked deleted; it stays readable by id. */
export async function deleteRecurring(ctx: TenantContext, id: number): Promise<SubscriptionRow> {
  return inWork(ctx, async (w) => {
    const sub = await lockSubscription(w, id);
    if (sub.status_reason === 'deleted') throw refuse('The recurring charge is already deleted', 'deleted');
    const now = w.clock.now();
    const row = await w.db
      .updateTable('subscriptions')
      .set({ status: 'cancelled', status_reason: 'deleted', cancelled_at: sub.cancelled_at ?? now, cancel_at: null, next_bill_at: null, updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordEvent(w, 'subscription.deleted', 'subscription', id, row, row.mode);
    return row;
  });
}
