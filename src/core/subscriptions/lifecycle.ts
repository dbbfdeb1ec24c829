// A subscription's life after it is made, one use-case each (one transaction, with its event):
// cancel now or at a later instant, pause for a window or until resumed, resume, hold the next bill
// until a day, change the cycle (the next date is recomputed from the start), change how it
// collects (a method, any of the customer's, or invoices only), set a status a door's vocabulary
// names, and carry one-off lines (prorations) to the next invoice.
import type { SubscriptionRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { tenantToday } from '../clock/tenant-time.ts';
import { DomainError, ErrorCode, invalid } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { isCalendarDate } from './calendar.ts';
import { cadenceProblems, firstBillDate, nextBillDate, type Cadence } from './schedule.ts';
import { dueInstant, lockSubscription, notBeforeToday, subscriptionSchedule, type Collection, type SubscriptionStatus } from './subscriptions.ts';
import type { CarryLine } from './renewal-plan.ts';
import { chargeableMethods } from '../vault/vault.ts';
import { recoverIfSettled } from './notices.ts';
import { inWork, type TxContext } from '../work.ts';
import { mergeVendorData } from '../vendor-data.ts';

const FINAL = new Set(['cancelled', 'completed']);

function refuse(message: string, reason: string): DomainError {
  return new DomainError(ErrorCode.ILLEGAL_TRANSITION, message, { details: { reason } });
}

/** A door's own fields changed with the subscription, merged into its namespace of vendor_data. */
export interface VendorPatch {
  vendor: string;
  fields: Record<string, unknown>;
}

async function change(
  ctx: TenantContext,
  id: number,
  fn: (ctx: TxContext, sub: SubscriptionRow, now: number) => Promise<{ set: Partial<SubscriptionRow>; event: string } | null>,
  patch?: VendorPatch,
): Promise<SubscriptionRow> {
  return inWork(ctx, async (ctx) => {
    const sub = await lockSubscription(ctx, id);
    const now = ctx.clock.now();
    const found = await fn(ctx, sub, now);
    const result = found ?? (patch ? { set: { updated_at: sub.updated_at }, event: 'subscription.updated' } : null);
    if (!result) return sub;
    if (patch) result.set.vendor_data = mergeVendorData(sub.vendor_data, patch.vendor, patch.fields);
    const row = await ctx.db
      .updateTable('subscriptions')
      .set({ ...result.set, updated_at: result.set.updated_at ?? now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordEvent(ctx, result.event, 'subscription', id, row, row.mode);
    return row;
  });
}

export interface CancelOptions {
  /** A later instant to cancel at (ChargeOver's cancel_date; ChargeDesk's period end); absent: now. */
  at?: number | null;
  /** Why (manual by default). */
  reason?: string;
  /** Keep changing the record's mod time (a door whose vendor does not). */
  touch?: boolean;
}

/** Cancels now (no more bills; open invoices stay as they are) or schedules the cancel. */
export async function cancelSubscription(ctx: TenantContext, id: number, options: CancelOptions = {}, patch?: VendorPatch): Promise<SubscriptionRow> {
  return change(
    ctx,
    id,
    async (_ctx, sub, now) => {
      if (FINAL.has(sub.status)) throw refuse('The subscription is already cancelled', 'already_cancelled');
      if (options.at !== undefined && options.at !== null && options.at > now) {
        return { set: { cancel_at: options.at, updated_at: options.touch === false ? sub.updated_at : now }, event: 'subscription.cancel_scheduled' };
      }
      return {
        set: { status: 'cancelled', status_reason: options.reason ?? 'manual', cancelled_at: now, cancel_at: null, next_bill_at: null, updated_at: options.touch === false ? sub.updated_at : now },
        event: 'subscription.cancelled',
      };
    },
    patch,
  );
}

/** Pauses billing for a window (from now when not given; no end: until resumed). Periods inside it are not billed. */
export async function pauseSubscription(ctx: TenantContext, id: number, window: { from?: number | null; until?: number | null } = {}, patch?: VendorPatch): Promise<SubscriptionRow> {
  return change(
    ctx,
    id,
    async (_ctx, sub, now) => {
      if (FINAL.has(sub.status)) throw refuse('A cancelled subscription cannot be paused', 'cancelled');
      const from = window.from ?? now;
      const until = window.until ?? null;
      if (until !== null && until <= from) throw invalid('The pause must end after it starts', 'until');
      return { set: { pause_from: from, pause_until: until }, event: 'subscription.paused' };
    },
    patch,
  );
}

/** Ends a pause; a subscription that was set paused outright is active again. Resuming one that is not paused does nothing. */
export async function resumeSubscription(ctx: TenantContext, id: number, patch?: VendorPatch): Promise<SubscriptionRow> {
  return change(
    ctx,
    id,
    async (ctx, sub, now) => {
      if (sub.pause_from === null && sub.status !== 'paused') return null;
      const set: Partial<SubscriptionRow> = { pause_from: null, pause_until: null };
      if (sub.status === 'paused') {
        set.status = 'active';
        // Periods missed while paused are not billed afterwards: the next date is today or later.
        if (sub.next_bill_date !== null && sub.next_bill_date < tenantToday(ctx)) {
          const next = firstBillDate(subscriptionSchedule(sub), tenantToday(ctx));
          set.next_bill_date = next;
          set.next_bill_at = dueInstant(ctx, next, now);
        }
      }
      return { set, event: 'subscription.resumed' };
    },
    patch,
  );
}

/** No bill before `date`: the next bill date becomes that day (today when it has passed; a cancelled one keeps its status). */
export async function holdSubscription(ctx: TenantContext, id: number, date: string, patch?: VendorPatch): Promise<SubscriptionRow> {
  if (!isCalendarDate(date)) throw invalid('The hold date must be a date', 'holduntil');
  return change(
    ctx,
    id,
    async (ctx, sub, now) => {
      const set: Partial<SubscriptionRow> = { next_bill_date: notBeforeToday(ctx, date), updated_at: sub.updated_at };
      set.next_bill_at = FINAL.has(sub.status) ? null : dueInstant(ctx, date, now);
      return { set, event: 'subscription.held' };
    },
    patch,
  );
}

/**
 * A new cycle from the next period on: the schedule keeps its start and takes the cadence; the
 * next bill date is its first date after today (the current period stays billed as it was).
 */
export async function changeCadence(ctx: TenantContext, id: number, cadence: Cadence, patch?: VendorPatch): Promise<SubscriptionRow> {
  const [problem] = cadenceProblems(cadence);
  if (problem) throw invalid(`cadence.${problem.field} ${problem.message}`, `cadence.${problem.field}`);
  return change(
    ctx,
    id,
    async (ctx, sub, now) => {
      const schedule = { ...subscriptionSchedule(sub), unit: cadence.unit, interval: cadence.interval, anchors: cadence.anchors, shortMonths: cadence.shortMonths };
      const set: Partial<SubscriptionRow> = { schedule: JSON.stringify(schedule), updated_at: sub.updated_at };
      if (!FINAL.has(sub.status)) {
        const next = nextBillDate(schedule, tenantToday(ctx));
        set.next_bill_date = next;
        set.next_bill_at = dueInstant(ctx, next, now);
      }
      return { set, event: 'subscription.cycle_changed' };
    },
    patch,
  );
}

export type CollectionChange = { collection: 'invoice'; paymentMethodId?: number | null } | { collection: 'charge'; paymentMethodId: number | null };

/** How renewals collect: a method of the customer's, any of its methods, or invoices only. */
export async function setCollection(ctx: TenantContext, id: number, how: CollectionChange, patch?: VendorPatch): Promise<SubscriptionRow> {
  return change(
    ctx,
    id,
    async (ctx, sub) => {
      const methodId = how.paymentMethodId ?? null;
      if (methodId !== null) {
        const method = await ctx.db.selectFrom('payment_methods').select(['customer_id', 'status']).where('tenant_id', '=', ctx.tenant.id).where('id', '=', methodId).executeTakeFirst();
        if (!method || method.status !== 'active' || method.customer_id !== sub.customer_id) {
          throw new DomainError(ErrorCode.INVALID, `Payment method ${methodId} does not belong to customer ${sub.customer_id}`, { field: 'payment_method_id', details: { reason: 'not_owned' } });
        }
      } else if (how.collection === 'charge' && (await chargeableMethods(ctx, sub.customer_id)).length === 0) {
        throw new DomainError(ErrorCode.INVALID, 'The customer has no payment method on file', { field: 'payment_method_id', details: { reason: 'no_payment_method' } });
      }
      return { set: { collection: how.collection as Collection, payment_method_id: methodId, updated_at: sub.updated_at }, event: 'subscription.payment_method_changed' };
    },
    patch,
  );
}

/**
 * A status a door's vocabulary sets outright (FluidPay's status routes): paused pauses until
 * resumed, active resumes (a past-due one with nothing unpaid is active), cancelled cancels,
 * completed ends it, past_due marks it.
 */
export async function setSubscriptionStatus(ctx: TenantContext, id: number, status: SubscriptionStatus): Promise<SubscriptionRow> {
  return change(ctx, id, async (ctx, sub, now) => {
    switch (status) {
      case 'paused':
        return { set: { status: 'paused', pause_from: now, pause_until: null }, event: 'subscription.paused' };
      case 'active': {
        const set: Partial<SubscriptionRow> = { status: 'active', status_reason: null, pause_from: null, pause_until: null, cancel_at: null };
        if (FINAL.has(sub.status) || sub.status === 'paused' || (sub.next_bill_date !== null && sub.next_bill_date < tenantToday(ctx))) {
          // Reactivated: billing picks up from today, not from the periods it missed.
          const next = firstBillDate(subscriptionSchedule(sub), tenantToday(ctx));
          set.next_bill_date = next;
          set.next_bill_at = dueInstant(ctx, next, now);
          set.ended_at = null;
          set.ends_at = null;
          set.cancelled_at = null;
        }
        if (sub.status === 'past_due' || sub.status === 'unpaid') {
          await recoverIfSettled(ctx, sub);
          const fresh = await lockSubscription(ctx, id);
          if (fresh.status !== 'active') return { set: { pause_from: null, pause_until: null }, event: 'subscription.updated' };
        }
        return { set, event: 'subscription.resumed' };
      }
      case 'cancelled':
        if (sub.status === 'cancelled') return null;
        return { set: { status: 'cancelled', status_reason: 'manual', cancelled_at: now, next_bill_at: null }, event: 'subscription.cancelled' };
      case 'completed':
        if (sub.status === 'completed') return null;
        return { set: { status: 'completed', status_reason: 'manual', ended_at: now, next_bill_at: null }, event: 'subscription.completed' };
      default:
        return { set: { status }, event: `subscription.${status}` };
    }
  });
}

/** One-off lines (prorations of a plan change) the next renewal invoice carries. */
export async function carryToNextInvoice(ctx: TxContext, id: number, lines: readonly CarryLine[]): Promise<void> {
  if (lines.length === 0) return;
  const sub = await lockSubscription(ctx, id);
  const carry = [...(JSON.parse(sub.carry || '[]') as CarryLine[]), ...lines];
  await ctx.db
    .updateTable('subscriptions')
    .set({ carry: JSON.stringify(carry) })
    .where('id', '=', id)
    .execute();
}

/** After the tenant's zone changes, every next bill falls due at the start of its day in the new zone. */
export async function rezoneSubscriptions(ctx: TenantContext): Promise<number> {
  return inWork(ctx, async (ctx) => {
    const rows = await ctx.db.selectFrom('subscriptions').select(['id', 'next_bill_date']).where('tenant_id', '=', ctx.tenant.id).where('next_bill_at', 'is not', null).execute();
    for (const row of rows)
      await ctx.db
        .updateTable('subscriptions')
        .set({ next_bill_at: dueInstant(ctx, row.next_bill_date) })
        .where('id', '=', row.id)
        .execute();
    return rows.length;
  });
}
