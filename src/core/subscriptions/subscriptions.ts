// Subscriptions: a customer billed an amount plus add-ons less discounts on a neutral schedule
// (./schedule.ts: cadence, start, trial, end, occurrence and amount caps), with the next bill date
// computed from it. Charging on schedule comes with the recurring engine (a later issue); this keeps
// the record, its schedule and its next date.
import type { SubscriptionRow } from '../database.ts';
import { forUpdate } from '../db.ts';
import type { TenantContext } from '../context.ts';
import { isIsoDate, isoDate } from '../clock/clock.ts';
import { invalid, notFound } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { getCustomer } from '../customers/customers.ts';
import { assertValidSchedule, canonicalSchedule, firstBillDate, type Schedule, type ScheduleDraft } from './schedule.ts';
import { mergeVendorData } from '../vendor-data.ts';
import { inWork } from '../work.ts';

/** An add-on or discount applied to a subscription (a copy of the catalog item with overrides). */
export interface Adjustment {
  catalogId: number;
  name: string;
  description: string;
  amount: number | null;
  percentage: number | null;
  duration: number;
}

export interface SubscriptionItems {
  add_ons: Adjustment[];
  discounts: Adjustment[];
}

export const SUBSCRIPTION_STATUSES = ['active', 'paused', 'past_due', 'cancelled', 'completed'] as const;

export interface SubscriptionInput {
  customerId: number;
  planId?: number | null;
  description?: string;
  currency?: string;
  amount: number;
  /** Its start defaults to today on the tenant clock. */
  schedule: ScheduleDraft;
  /** YYYY-MM-DD; defaults to the schedule's first date from today on the tenant clock. */
  nextBillDate?: string | null;
  items?: SubscriptionItems;
  vendor?: string;
  vendorData?: Record<string, unknown>;
}

function checkDate(date: string | null | undefined): void {
  if (date !== null && date !== undefined && !isIsoDate(date)) throw invalid('next_bill_date must be YYYY-MM-DD', 'next_bill_date');
}

/** Σ of the items' amounts; a percentage counts as thousandths of a percent of the base (G25). */
export function adjustmentTotal(base: number, items: readonly Adjustment[]): number {
  return items.reduce((sum, item) => sum + (item.amount ?? Math.round((base * (item.percentage ?? 0)) / 100_000)), 0);
}

/** The subscription's schedule as stored (migration 005 made every stored one neutral). */
export function subscriptionSchedule(row: Pick<SubscriptionRow, 'schedule'>): Schedule {
  return JSON.parse(row.schedule) as Schedule;
}

/** The draft with its start (today when absent), checked, in its stored form. */
function placeSchedule(draft: ScheduleDraft, start: string, amount: number): Schedule {
  const schedule: Schedule = { ...draft, start: draft.start ?? start };
  assertValidSchedule(schedule, { amount });
  return canonicalSchedule(schedule);
}

// What decides the dates; a change to it moves the next bill date (caps do not: they end the run).
const timingOf = (s: Schedule): string => JSON.stringify([s.unit, s.interval, s.anchors, s.shortMonths, s.start, s.trialDays ?? 0, s.end ?? null]);

export async function createSubscription(ctx: TenantContext, input: SubscriptionInput): Promise<SubscriptionRow> {
  await getCustomer(ctx, input.customerId);
  if (!Number.isSafeInteger(input.amount) || input.amount < 0) throw invalid('amount must be a non-negative whole number of cents', 'amount');
  checkDate(input.nextBillDate);
  const today = isoDate(ctx.clock.now());
  const schedule = placeSchedule(input.schedule, today, input.amount);
  return inWork(ctx, async (ctx) => {
    const now = ctx.clock.now();
    const row = await ctx.db
      .insertInto('subscriptions')
      .values({
        tenant_id: ctx.tenant.id,
        customer_id: input.customerId,
        plan_id: input.planId ?? null,
        description: input.description ?? '',
        currency: input.currency ?? 'USD',
        amount: input.amount,
        schedule: JSON.stringify(schedule),
        // The column predates the neutral schedule; kept in step with maxOccurrences until the
        // schema drops it. Read the schedule, not this.
        next_bill_date: input.nextBillDate ?? firstBillDate(schedule, today),
        items: JSON.stringify(input.items ?? { add_ons: [], discounts: [] }),
        status: 'active',
        vendor_data: JSON.stringify(input.vendor && input.vendorData ? { [input.vendor]: input.vendorData } : {}),
        created_at: now,
        updated_at: now,
        deleted_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordEvent(ctx, 'subscription.created', 'subscription', row.id, row);
    return row;
  });
}

export async function getSubscription(ctx: TenantContext, id: number): Promise<SubscriptionRow> {
  const row = await ctx.db.selectFrom('subscriptions').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
  if (!row) throw notFound('subscription', id);
  return row;
}

/** Fields to change; a schedule without a start keeps the stored start; vendorData merges into the vendor's namespace. */
export type SubscriptionChanges = Partial<SubscriptionInput> & { status?: (typeof SUBSCRIPTION_STATUSES)[number] };

export async function updateSubscription(ctx: TenantContext, id: number, changes: SubscriptionChanges): Promise<SubscriptionRow> {
  await getSubscription(ctx, id);
  if (changes.customerId !== undefined) await getCustomer(ctx, changes.customerId);
  if (changes.amount !== undefined && (!Number.isSafeInteger(changes.amount) || changes.amount < 0)) throw invalid('amount must be a non-negative whole number of cents', 'amount');
  checkDate(changes.nextBillDate);
  return inWork(ctx, async (ctx) => {
    // Read under the row lock: the schedule, the caps and vendor_data merge with what is stored.
    const before = await forUpdate(ctx.db.selectFrom('subscriptions').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', id), ctx.dialect).executeTakeFirstOrThrow();
    const now = ctx.clock.now();
    const set: Partial<SubscriptionRow> = { updated_at: now };
    if (changes.schedule !== undefined || changes.amount !== undefined) {
      const stored = subscriptionSchedule(before);
      const schedule = placeSchedule(changes.schedule ?? stored, stored.start, changes.amount ?? before.amount);
      set.schedule = JSON.stringify(schedule);
      // A new timing moves the next bill date unless the caller set one.
      if (!changes.nextBillDate && timingOf(schedule) !== timingOf(stored)) set.next_bill_date = firstBillDate(schedule, isoDate(now));
    }
    if (changes.customerId !== undefined) set.customer_id = changes.customerId;
    if (changes.planId !== undefined) set.plan_id = changes.planId;
    if (changes.description !== undefined) set.description = changes.description;
    if (changes.amount !== undefined) set.amount = changes.amount;
    if (changes.nextBillDate) set.next_bill_date = changes.nextBillDate;
    if (changes.items !== undefined) set.items = JSON.stringify(changes.items);
    if (changes.status !== undefined) set.status = changes.status;
    if (changes.vendor && changes.vendorData) set.vendor_data = mergeVendorData(before.vendor_data, changes.vendor, changes.vendorData);
    const row = await ctx.db.updateTable('subscriptions').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await recordEvent(ctx, 'subscription.updated', 'subscription', id, row);
    return row;
  });
}

export async function deleteSubscription(ctx: TenantContext, id: number): Promise<void> {
  await getSubscription(ctx, id);
  await inWork(ctx, async (ctx) => {
    const now = ctx.clock.now();
    await ctx.db.updateTable('subscriptions').set({ deleted_at: now, updated_at: now, status: 'cancelled' }).where('id', '=', id).execute();
    await recordEvent(ctx, 'subscription.deleted', 'subscription', id, { id });
  });
}

export async function listSubscriptions(ctx: TenantContext, page: { offset: number; limit: number }): Promise<{ rows: SubscriptionRow[]; total: number }> {
  const base = ctx.db.selectFrom('subscriptions').where('tenant_id', '=', ctx.tenant.id).where('deleted_at', 'is', null);
  const count = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
  const rows = await base.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').offset(page.offset).limit(page.limit).execute();
  return { rows, total: Number(count?.n ?? 0) };
}
