// Recurring charge events (spec §3.C15) read from the core's subscription events of this door's
// recurring charges: created (with its first occurrence), updated (with the pending occurrence when
// it moved or changed amount), completed (schedule done or cancelled), deleted; an occurrence paid
// or failed (by the engine's renewal or on request; then the next one is created), ignored. The
// data shows the recurring charge or occurrence as it is when read (see the README).
import type { TenantContext } from '../../core/context.ts';
import type { SubscriptionRow } from '../../core/database.ts';
import { subscriptionsByIds } from '../../core/subscriptions/queries.ts';
import { VENDOR } from './methods.ts';
import { isRecurringCharge, occurrenceViews, renderRecurring, type OccurrenceView } from './recurring-render.ts';

export interface RecurringShown {
  kind: 'charge' | 'occurrence';
  subscriptionId: number;
  /** The occurrence: a renewal's, or its place. */
  renewalId?: number;
  n?: number;
  /** The occurrence after the renewal (the one created when it closed). */
  after?: boolean;
}

interface Event {
  type: string;
  objectType: string;
  data: unknown;
}

const RENEWAL_TYPES: Record<string, string> = { paid: 'recurring_charge.occurrence.paid', failed: 'recurring_charge.occurrence.failed' };

/** The AffiniPay events a core subscription event shows as (none for another door's subscriptions). */
export function expandRecurring(event: Event, subscriptionId: number): Array<{ type: string; recurring: RecurringShown }> {
  const data = (event.data ?? {}) as Record<string, unknown>;
  if (event.objectType !== 'subscription' || data.vendor !== VENDOR) return [];
  const charge = (type: string) => ({ type, recurring: { kind: 'charge' as const, subscriptionId } });
  const occurrence = (type: string, shown: Omit<RecurringShown, 'kind' | 'subscriptionId'>) => ({ type, recurring: { kind: 'occurrence' as const, subscriptionId, ...shown } });
  const renewalId = typeof data.renewal_id === 'number' ? data.renewal_id : undefined;
  switch (event.type) {
    case 'subscription.created':
      return [charge('recurring_charge.created'), occurrence('recurring_charge.occurrence.created', { n: 1 })];
    case 'subscription.updated': {
      const previous = (data.previous ?? {}) as Record<string, unknown>;
      const moved = data.next_bill_date !== null && (previous.next_bill_date !== data.next_bill_date || previous.amount !== data.amount);
      return [charge('recurring_charge.updated'), ...(moved ? [occurrence('recurring_charge.occurrence.updated', { n: Number(data.billed_count ?? 0) + 1 })] : [])];
    }
    case 'subscription.completed':
    case 'subscription.cancelled':
      return [charge('recurring_charge.completed')];
    case 'subscription.deleted':
      return [charge('recurring_charge.deleted')];
    case 'subscription.renewed': {
      const closed = RENEWAL_TYPES[String(data.status)];
      return [
        ...(closed && renewalId !== undefined ? [occurrence(closed, { renewalId })] : []),
        ...(data.next_bill_date && renewalId !== undefined ? [occurrence('recurring_charge.occurrence.created', { renewalId, after: true })] : []),
      ];
    }
    case 'subscription.payment_method_expiring':
      return [charge('recurring_charge.payment_method.expiring')];
    case 'subscription.payment_method_expired':
      return [charge('recurring_charge.payment_method.expired')];
    case 'subscription.renewal_paid':
      return renewalId === undefined ? [] : [occurrence('recurring_charge.occurrence.paid', { renewalId })];
    case 'subscription.renewal_payment_failed':
      return renewalId === undefined ? [] : [occurrence('recurring_charge.occurrence.failed', { renewalId })];
    case 'subscription.renewal_ignored':
      return renewalId === undefined ? [] : [occurrence('recurring_charge.occurrence.ignored', { renewalId })];
  }
  return [];
}

/** The data of recurring events: each recurring charge or occurrence as it is now (null: not this credential's, or gone). */
export async function renderRecurringData(ctx: TenantContext, shown: readonly RecurringShown[]): Promise<Array<Record<string, unknown> | null>> {
  const subs = new Map<number, SubscriptionRow>(
    (
      await subscriptionsByIds(
        ctx,
        shown.map((s) => s.subscriptionId),
        { includeDeleted: true },
      )
    ).map((row) => [row.id, row]),
  );
  const views = new Map<number, OccurrenceView[]>();
  const out: Array<Record<string, unknown> | null> = [];
  for (const item of shown) {
    const sub = subs.get(item.subscriptionId);
    if (!sub || !isRecurringCharge(ctx, sub)) {
      out.push(null);
      continue;
    }
    if (item.kind === 'charge') {
      out.push(await renderRecurring(ctx, sub));
      continue;
    }
    if (!views.has(sub.id)) views.set(sub.id, await occurrenceViews(ctx, sub));
    const list = views.get(sub.id) as OccurrenceView[];
    const at = item.renewalId !== undefined ? list.find((v) => v.renewal?.id === item.renewalId)?.n : item.n;
    const n = at === undefined ? undefined : item.after ? at + 1 : at;
    out.push(list.find((v) => v.n === n)?.body ?? null);
  }
  return out;
}
