// Subscriptions: a customer billed on a neutral schedule (./schedule.ts: cadence, start, trial, end,
// occurrence and amount caps) for an amount × quantity plus add-ons less discounts, and/or priced
// lines (./lines.ts), charged to a payment method or only invoiced. The next bill date is computed
// from the schedule; the renewal engine (../flows/renew-subscriptions.ts, run by ../jobs/) bills
// each period once and moves it on. Status changes other than create/update are in ./lifecycle.ts.
import type { SubscriptionRow } from '../database.ts';
import { forUpdate } from '../db.ts';
import { modeOf, type Mode, type TenantContext } from '../context.ts';
import { isIsoDate } from '../clock/clock.ts';
import { addDaysTo } from '../clock/zone.ts';
import { dayStart, tenantToday } from '../clock/tenant-time.ts';
import { randomAlnum } from '../crypto/secrets.ts';
import { DomainError, ErrorCode, invalid, notFound } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { getCustomer } from '../customers/customers.ts';
import { assertValidSchedule, canonicalSchedule, firstBillDate, type Schedule, type ScheduleDraft } from './schedule.ts';
import { insertLines, type SubscriptionLineInput } from './lines.ts';
import { quantityText } from './quantities.ts';
import { mergeVendorData } from '../vendor-data.ts';
import type { ChargeOptions } from '../processor/processor.ts';
import { setRefs, type RefChange } from '../refs/refs.ts';
import { inWork, type TxContext } from '../work.ts';
import type { CollectOptions } from './collect-options.ts';

/** An add-on or discount applied to a subscription (a copy of the catalog item with overrides). */
export interface Adjustment {
  catalogId: number;
  name: string;
  description: string;
  amount: number | null;
  percentage: number | null;
  /** Billings it applies to (0: every one), counted from the billing after `since`. */
  duration: number;
  /** Billings already made when it was added (absent: 0, from the start). */
  since?: number;
}

export interface SubscriptionItems {
  add_ons: Adjustment[];
  discounts: Adjustment[];
}

export const SUBSCRIPTION_STATUSES = ['trialing', 'active', 'past_due', 'unpaid', 'paused', 'cancelled', 'completed'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];
/** Statuses whose periods renew (a past-due subscription keeps billing while its dunning runs). */
export const BILLABLE_STATUSES: readonly SubscriptionStatus[] = ['trialing', 'active', 'past_due'];
/** Statuses from which nothing more happens. */
export const FINAL_STATUSES: readonly SubscriptionStatus[] = ['cancelled', 'completed'];

export const COLLECTIONS = ['charge', 'invoice'] as const;
export type Collection = (typeof COLLECTIONS)[number];

export interface SubscriptionInput {
  customerId: number;
  planId?: number | null;
  description?: string;
  currency?: string;
  amount: number;
  /** Exact decimal; the amount is per unit. Default 1. */
  quantity?: string | number;
  /** Its start defaults to today on the tenant clock. */
  schedule: ScheduleDraft;
  /** YYYY-MM-DD; defaults to the schedule's first date from today on the tenant clock. */
  nextBillDate?: string | null;
  /** Another system bills it (a record of someone else's subscription): no bill date, the runner never renews it. */
  billedElsewhere?: boolean;
  items?: SubscriptionItems;
  lines?: SubscriptionLineInput[];
  /** The method renewals charge (the customer's own); absent: the customer's methods, default first. */
  paymentMethodId?: number | null;
  collection?: Collection;
  /** E-mail the customer its invoices and dunning notices (doors whose vendor mails). */
  notify?: boolean;
  /** The day the trial ends (status trialing until then); default: start + the schedule's trial days. */
  trialEndsOn?: string | null;
  /** Days after issue its invoices are due (0: on receipt). */
  termsDays?: number;
  /** Processor options of its charges (a door whose vendor does not check card expiry says so). */
  chargeOptions?: ChargeOptions;
  refs?: RefChange[];
  vendor?: string;
  vendorData?: Record<string, unknown>;
  /** The mode its renewals run in; default the context's (the credential's). */
  mode?: Mode;
  /** How it collects beyond the tenant's defaults (./collect-options.ts). */
  options?: CollectOptions;
}

function checkDate(date: string | null | undefined, field = 'next_bill_date'): void {
  if (date !== null && date !== undefined && !isIsoDate(date)) throw invalid(`${field} must be YYYY-MM-DD`, field);
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

/**
 * A bill date a person sets: a day already past means today (the period is billed now, and the
 * schedule goes on from there; the runner does not bill every period since a date in the past).
 */
export function notBeforeToday(ctx: TenantContext, date: string): string {
  const today = tenantToday(ctx);
  return date < today ? today : date;
}

/**
 * When a bill date falls due: the start of that day in the tenant's zone, and never before `now`
 * when a person sets it (a subscription made at noon for today is due at noon, not at midnight).
 */
export function dueInstant(ctx: TenantContext, date: string | null, notBefore?: number): number | null {
  if (date === null) return null;
  const start = dayStart(ctx, date);
  return notBefore === undefined ? start : Math.max(start, notBefore);
}

function checkMoney(amount: number | undefined, field: string): void {
  if (amount !== undefined && (!Number.isSafeInteger(amount) || amount < 0)) throw invalid(`${field} must be a non-negative whole number of cents`, field);
}

async function checkMethod(ctx: TenantContext, customerId: number, methodId: number | null | undefined): Promise<void> {
  if (methodId === null || methodId === undefined) return;
  const method = await ctx.db.selectFrom('payment_methods').select(['customer_id', 'status']).where('tenant_id', '=', ctx.tenant.id).where('id', '=', methodId).executeTakeFirst();
  if (!method || method.status !== 'active' || method.customer_id !== customerId) {
    throw new DomainError(ErrorCode.INVALID, `Payment method ${methodId} does not belong to customer ${customerId}`, { field: 'payment_method_id', details: { reason: 'not_owned' } });
  }
}

/** Creates a subscription (and its lines) inside the caller's transaction. */
export async function insertSubscription(ctx: TxContext, input: SubscriptionInput): Promise<SubscriptionRow> {
  const today = tenantToday(ctx);
  const schedule = placeSchedule(input.schedule, today, input.amount);
  const now = ctx.clock.now();
  const nextBillDate = input.billedElsewhere ? null : input.nextBillDate === undefined || input.nextBillDate === null ? firstBillDate(schedule, today) : notBeforeToday(ctx, input.nextBillDate);
  const trialEndsOn = input.trialEndsOn !== undefined ? input.trialEndsOn : schedule.trialDays ? addDaysTo(schedule.start, schedule.trialDays) : null;
  const row = await ctx.db
    .insertInto('subscriptions')
    .values({
      tenant_id: ctx.tenant.id,
      customer_id: input.customerId,
      plan_id: input.planId ?? null,
      description: input.description ?? '',
      currency: input.currency ?? 'USD',
      amount: input.amount,
      quantity: quantityText(input.quantity, 'quantity'),
      schedule: JSON.stringify(schedule),
      next_bill_date: nextBillDate,
      next_bill_at: dueInstant(ctx, nextBillDate, now),
      items: JSON.stringify(input.items ?? { add_ons: [], discounts: [] }),
      status: trialEndsOn !== null && trialEndsOn > today ? 'trialing' : 'active',
      trial_ends_on: trialEndsOn,
      payment_method_id: input.paymentMethodId ?? null,
      collection: input.collection ?? 'charge',
      notify: input.notify ? 1 : 0,
      terms_days: input.termsDays ?? 0,
      charge_options: JSON.stringify(input.chargeOptions ?? {}),
      mode: input.mode ?? modeOf(ctx),
      vendor: input.vendor ?? null,
      options: JSON.stringify(input.options ?? {}),
      token: randomAlnum(12),
      vendor_data: JSON.stringify(input.vendor && input.vendorData ? { [input.vendor]: input.vendorData } : {}),
      created_at: now,
      updated_at: now,
      deleted_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await insertLines(ctx, row.id, input.lines ?? [], 0);
  await setRefs(ctx, 'subscription', row.id, input.refs);
  await recordEvent(ctx, 'subscription.created', 'subscription', row.id, row, row.mode);
  return row;
}

/** What can be checked before a subscription is written (the customer, amounts, dates, the method). */
export async function checkNewSubscription(ctx: TenantContext, input: SubscriptionInput): Promise<void> {
  await getCustomer(ctx, input.customerId);
  if (!Number.isSafeInteger(input.amount) || input.amount < 0) throw invalid('amount must be a non-negative whole number of cents', 'amount');
  await checkInput(ctx, input, input.customerId);
}

async function checkInput(ctx: TenantContext, input: Partial<SubscriptionInput>, customerId: number): Promise<void> {
  checkMoney(input.amount, 'amount');
  checkDate(input.nextBillDate);
  checkDate(input.trialEndsOn, 'trial_ends_on');
  if (input.termsDays !== undefined && (!Number.isSafeInteger(input.termsDays) || input.termsDays < 0)) throw invalid('terms must be a whole number of days', 'terms_days');
  if (input.collection !== undefined && !COLLECTIONS.includes(input.collection)) throw invalid(`collection must be one of ${COLLECTIONS.join(', ')}`, 'collection');
  await checkMethod(ctx, customerId, input.paymentMethodId);
}

export async function createSubscription(ctx: TenantContext, input: SubscriptionInput): Promise<SubscriptionRow> {
  await checkNewSubscription(ctx, input);
  return inWork(ctx, (ctx) => insertSubscription(ctx, input));
}

export async function getSubscription(ctx: TenantContext, id: number): Promise<SubscriptionRow> {
  const row = await ctx.db.selectFrom('subscriptions').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
  if (!row) throw notFound('subscription', id);
  return row;
}

/** The subscription row under its lock, inside the caller's transaction. */
export async function lockSubscription(ctx: TxContext, id: number): Promise<SubscriptionRow> {
  const row = await forUpdate(
    ctx.db.selectFrom('subscriptions').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', id).where('deleted_at', 'is', null),
    ctx.dialect,
  ).executeTakeFirst();
  if (!row) throw notFound('subscription', id);
  return row;
}

/** Fields to change; a schedule without a start keeps the stored start; vendorData merges into the vendor's namespace. */
export type SubscriptionChanges = Partial<Omit<SubscriptionInput, 'lines'>> & {
  status?: SubscriptionStatus;
  /** Cancel at this instant (a period's end): the runner cancels it then and bills nothing from then on; null unschedules. */
  cancelAt?: number | null;
};

export async function updateSubscription(ctx: TenantContext, id: number, changes: SubscriptionChanges): Promise<SubscriptionRow> {
  const current = await getSubscription(ctx, id);
  if (changes.customerId !== undefined) await getCustomer(ctx, changes.customerId);
  await checkInput(ctx, changes, changes.customerId ?? current.customer_id);
  return inWork(ctx, async (ctx) => {
    // Read under the row lock: the schedule, the caps and vendor_data merge with what is stored.
    const before = await lockSubscription(ctx, id);
    const now = ctx.clock.now();
    const set: Partial<SubscriptionRow> = { updated_at: now };
    if (changes.schedule !== undefined || changes.amount !== undefined) {
      const stored = subscriptionSchedule(before);
      const schedule = placeSchedule(changes.schedule ?? stored, stored.start, changes.amount ?? before.amount);
      set.schedule = JSON.stringify(schedule);
      // A new timing moves the next bill date unless the caller set one.
      if (!changes.nextBillDate && timingOf(schedule) !== timingOf(stored) && before.next_bill_date !== null) {
        set.next_bill_date = firstBillDate(schedule, tenantToday(ctx));
        set.next_bill_at = dueInstant(ctx, set.next_bill_date, now);
      }
    }
    if (changes.customerId !== undefined) set.customer_id = changes.customerId;
    if (changes.planId !== undefined) set.plan_id = changes.planId;
    if (changes.description !== undefined) set.description = changes.description;
    if (changes.amount !== undefined) set.amount = changes.amount;
    if (changes.quantity !== undefined) set.quantity = quantityText(changes.quantity, 'quantity');
    if (changes.nextBillDate) {
      set.next_bill_date = notBeforeToday(ctx, changes.nextBillDate);
      set.next_bill_at = dueInstant(ctx, set.next_bill_date, now);
    }
    if (changes.items !== undefined) set.items = JSON.stringify(changes.items);
    if (changes.paymentMethodId !== undefined) set.payment_method_id = changes.paymentMethodId;
    if (changes.collection !== undefined) set.collection = changes.collection;
    if (changes.notify !== undefined) set.notify = changes.notify ? 1 : 0;
    if (changes.termsDays !== undefined) set.terms_days = changes.termsDays;
    if (changes.trialEndsOn !== undefined) {
      // A trial moved (ChargeDesk's trial_end): trialing until that day, or active when it has passed.
      set.trial_ends_on = changes.trialEndsOn;
      const today = tenantToday(ctx);
      if (before.status === 'trialing' || before.status === 'active') set.status = changes.trialEndsOn !== null && changes.trialEndsOn > today ? 'trialing' : 'active';
    }
    if (changes.cancelAt !== undefined) set.cancel_at = changes.cancelAt;
    if (changes.status !== undefined) {
      set.status = changes.status;
      if (changes.status === 'cancelled' && before.status !== 'cancelled') Object.assign(set, { cancelled_at: now, cancel_at: null, next_bill_at: null, status_reason: 'manual' });
    }
    if (changes.vendor && changes.vendorData) set.vendor_data = mergeVendorData(before.vendor_data, changes.vendor, changes.vendorData);
    const row = await ctx.db.updateTable('subscriptions').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await setRefs(ctx, 'subscription', id, changes.refs);
    await recordEvent(ctx, 'subscription.updated', 'subscription', id, row, row.mode);
    return row;
  });
}

export async function deleteSubscription(ctx: TenantContext, id: number): Promise<void> {
  await getSubscription(ctx, id);
  await inWork(ctx, async (ctx) => {
    const now = ctx.clock.now();
    await ctx.db
      .updateTable('subscriptions')
      .set({ deleted_at: now, updated_at: now, status: 'cancelled', cancelled_at: now, next_bill_at: null, status_reason: 'deleted' })
      .where('id', '=', id)
      .execute();
    await recordEvent(ctx, 'subscription.deleted', 'subscription', id, { id });
  });
}

export async function listSubscriptions(ctx: TenantContext, page: { offset: number; limit: number }): Promise<{ rows: SubscriptionRow[]; total: number }> {
  const base = ctx.db.selectFrom('subscriptions').where('tenant_id', '=', ctx.tenant.id).where('deleted_at', 'is', null);
  const count = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
  const rows = await base.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').offset(page.offset).limit(page.limit).execute();
  return { rows, total: Number(count?.n ?? 0) };
}
