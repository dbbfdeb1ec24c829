// What one renewal bills, decided from the subscription's rows (pure: no database, no clock). A
// period starts on a bill date and ends on the next date of the schedule without its caps (or a
// cadence step on, when the schedule has ended). The invoice lines are:
//   - the base: amount × quantity, when the subscription has an amount or no lines of its own;
//   - its add-ons and discounts (FluidPay's items: an amount, or thousandths of a percent of the
//     base) for as many billings as their duration says (0: every one);
//   - its priced lines (ChargeOver package lines): each live line whose first billing day has come
//     and whose billings are not used up, once per period — or, with a cycle of its own, once for
//     each of its own dates inside the period; flat (price × quantity), per unit (the tier price for
//     the quantity, or for the usage recorded on it), or a percent off the other lines; a setup fee
//     on the line's first billing;
//   - lines carried from plan changes (prorations);
//   - when the schedule caps the total (maxAmount), a last line bringing the total down to what is
//     left under the cap (AffiniPay's smaller last charge).
// Discounts never take the total below zero.
import type { SubscriptionLineRow, SubscriptionRow } from '../database.ts';
import { applyPercent, multiplyQuantity } from '../money/money.ts';
import { toDayNumber } from './calendar.ts';
import { compareQuantities, isZeroQuantity, timesWhole } from './quantities.ts';
import { firstBillDate, nextBillDate, type Cadence, type Schedule } from './schedule.ts';
import { adjustmentTotal, type Adjustment, type SubscriptionItems } from './subscriptions.ts';

export interface Tier {
  /** Quantities from…to (inclusive; to null: no upper bound) cost `price` a unit. */
  from: string;
  to: string | null;
  price: number;
}

export interface CarryLine {
  description: string;
  /** Signed minor units. */
  amount: number;
  subscriptionLineId?: number | null;
}

export interface PlannedLine {
  description: string | null;
  itemId: number | null;
  quantity: string;
  unitPrice: number;
  subscriptionLineId: number | null;
  kind: 'base' | 'line' | 'setup' | 'addon' | 'discount' | 'carry' | 'cap';
}

export interface RenewalPlan {
  periodStart: string;
  periodEnd: string;
  lines: PlannedLine[];
  /** Σ of the lines, minor units (no tax: recurring lines carry none). */
  total: number;
  /** The next bill date, or null when this was the schedule's last. */
  nextBillDate: string | null;
  /** Lines billed this time (their billings count up; a setup fee is billed once). */
  billedLineIds: number[];
  /** Usage records this renewal bills. */
  usageIds: number[];
}

export interface UsageTotals {
  ids: number[];
  quantity: string;
}

export interface PlanInput {
  subscription: Pick<SubscriptionRow, 'amount' | 'quantity' | 'description' | 'items' | 'carry' | 'billed_count' | 'billed_amount' | 'plan_id'>;
  schedule: Schedule;
  periodStart: string;
  /** Live lines in position order. */
  lines: readonly SubscriptionLineRow[];
  /** Unbilled usage per usage line. */
  usage?: ReadonlyMap<number, UsageTotals>;
  /** The instant the renewal runs at (lines cancelled or expired by then do not bill). */
  at: number;
}

/** The schedule without its caps: the dates it would have; the caps are counted by the renewals. */
export function uncapped(schedule: Schedule): Schedule {
  const { maxOccurrences: _o, maxAmount: _a, ...rest } = schedule;
  return rest;
}

/** Where a period that starts on `date` ends: the next date of the schedule, else a cadence step on. */
export function periodEndOf(schedule: Schedule, date: string): string {
  return nextBillDate(uncapped(schedule), date) ?? nextBillDate(cadenceOf(schedule), date);
}

export function cadenceOf(schedule: Cadence): Cadence {
  return { unit: schedule.unit, interval: schedule.interval, anchors: schedule.anchors, shortMonths: schedule.shortMonths };
}

/** Whether an add-on or discount applies to the `billing`-th billing (1-based) of the subscription. */
export function adjustmentApplies(item: Adjustment & { since?: number }, billing: number): boolean {
  if (!item.duration) return true;
  const since = item.since ?? 0;
  return billing > since && billing <= since + item.duration;
}

/** How many of a line's own dates fall in [start, end): its cycle runs from its first billing day. */
function ownDatesIn(cadence: Cadence, from: string, start: string, end: string): number {
  const schedule: Schedule = { ...cadence, start: from };
  let date = firstBillDate(schedule, start);
  let count = 0;
  const last = toDayNumber(end);
  while (date !== null && toDayNumber(date) < last && count < 1000) {
    count++;
    date = nextBillDate(schedule, date);
  }
  return count;
}

export function tierPrice(tiers: readonly Tier[], quantity: string, fallback: number): number {
  for (const tier of tiers) {
    if (compareQuantities(quantity, tier.from) >= 0 && (tier.to === null || compareQuantities(quantity, tier.to) <= 0)) return tier.price;
  }
  return tiers.length ? tiers[tiers.length - 1].price : fallback;
}

/** A line bills in a renewal that runs at `at` for a period starting on `date`. */
export function lineLive(line: SubscriptionLineRow, date: string, at: number): boolean {
  if (line.cancelled_at !== null && line.cancelled_at <= at) return false;
  if (line.expires_at !== null && line.expires_at <= at) return false;
  if (line.bill_from !== null && line.bill_from > date) return false;
  if (line.max_billings !== null && line.billings >= line.max_billings) return false;
  return true;
}

export function planRenewal(input: PlanInput): RenewalPlan {
  const { subscription: sub, schedule, periodStart, at } = input;
  const periodEnd = periodEndOf(schedule, periodStart);
  const billing = sub.billed_count + 1;
  const out: PlannedLine[] = [];
  const billedLineIds: number[] = [];
  const usageIds: number[] = [];
  const live = input.lines.filter((line) => lineLive(line, periodStart, at));
  const base = multiplyQuantity(sub.amount, sub.quantity);
  if (sub.amount > 0 || input.lines.length === 0) {
    out.push({ description: sub.description || null, itemId: null, quantity: sub.quantity, unitPrice: sub.amount, subscriptionLineId: null, kind: 'base' });
  }
  const items = JSON.parse(sub.items || '{}') as Partial<SubscriptionItems>;
  for (const addOn of items.add_ons ?? []) {
    if (!adjustmentApplies(addOn, billing)) continue;
    const amount = adjustmentTotal(base, [addOn]);
    if (amount !== 0) out.push({ description: addOn.description || addOn.name || 'Add-on', itemId: null, quantity: '1', unitPrice: amount, subscriptionLineId: null, kind: 'addon' });
  }
  for (const discount of items.discounts ?? []) {
    if (!adjustmentApplies(discount, billing)) continue;
    const amount = adjustmentTotal(base, [discount]);
    if (amount !== 0) out.push({ description: discount.description || discount.name || 'Discount', itemId: null, quantity: '1', unitPrice: -amount, subscriptionLineId: null, kind: 'discount' });
  }
  const percentLines: SubscriptionLineRow[] = [];
  for (const line of live) {
    const times = line.cadence ? ownDatesIn(JSON.parse(line.cadence) as Cadence, line.bill_from ?? periodStart, periodStart, periodEnd) : 1;
    if (times === 0) continue;
    if (line.pricing === 'percent') {
      percentLines.push(line);
      continue;
    }
    billedLineIds.push(line.id);
    let quantity = line.quantity;
    let price = line.unit_price;
    if (line.pricing === 'per_unit') {
      const used = line.usage ? input.usage?.get(line.id) : undefined;
      if (line.usage) {
        quantity = used?.quantity ?? '0';
        usageIds.push(...(used?.ids ?? []));
      }
      price = tierPrice(JSON.parse(line.tiers || '[]') as Tier[], quantity, line.unit_price);
    }
    out.push({ description: line.description, itemId: line.item_id, quantity: timesWhole(quantity, times), unitPrice: price, subscriptionLineId: line.id, kind: 'line' });
    if (line.setup_fee > 0 && line.billings === 0) {
      out.push({ description: line.description ? `${line.description} (setup)` : 'Setup', itemId: line.item_id, quantity: '1', unitPrice: line.setup_fee, subscriptionLineId: line.id, kind: 'setup' });
    }
  }
  const beforePercent = out.reduce((sum, line) => sum + amountOf(line), 0);
  for (const line of percentLines) {
    billedLineIds.push(line.id);
    const off = applyPercent(Math.max(0, beforePercent), line.percent ?? '0');
    out.push({ description: line.description, itemId: line.item_id, quantity: '1', unitPrice: -off, subscriptionLineId: line.id, kind: 'discount' });
  }
  for (const carried of JSON.parse(sub.carry || '[]') as CarryLine[]) {
    out.push({ description: carried.description, itemId: null, quantity: '1', unitPrice: carried.amount, subscriptionLineId: carried.subscriptionLineId ?? null, kind: 'carry' });
  }
  let total = floorAtZero(out);
  if (schedule.maxAmount !== undefined) {
    const left = Math.max(0, schedule.maxAmount - sub.billed_amount);
    if (total > left) {
      out.push({ description: 'Limited to the maximum amount of the schedule', itemId: null, quantity: '1', unitPrice: left - total, subscriptionLineId: null, kind: 'cap' });
      total = left;
    }
  }
  const next = nextBillDate(uncapped(schedule), periodStart);
  const done = next === null || (schedule.maxOccurrences !== undefined && billing >= schedule.maxOccurrences) || (schedule.maxAmount !== undefined && sub.billed_amount + total >= schedule.maxAmount);
  return { periodStart, periodEnd, lines: out, total, nextBillDate: done ? null : next, billedLineIds, usageIds };
}

function amountOf(line: PlannedLine): number {
  return isZeroQuantity(line.quantity) ? 0 : multiplyQuantity(line.unitPrice, line.quantity);
}

/** Σ of the lines; when discounts exceed the charges, the last discounts shrink so the total is 0. */
function floorAtZero(lines: PlannedLine[]): number {
  let total = lines.reduce((sum, line) => sum + amountOf(line), 0);
  for (let i = lines.length - 1; total < 0 && i >= 0; i--) {
    const line = lines[i];
    if (line.unitPrice >= 0 || line.quantity !== '1') continue;
    const reduce = Math.min(-line.unitPrice, -total);
    line.unitPrice += reduce;
    total += reduce;
  }
  return total;
}

/** Where the next renewal is due after a period was skipped (paused): the schedule's next date. */
export function nextAfterSkip(schedule: Schedule, periodStart: string): string | null {
  return nextBillDate(uncapped(schedule), periodStart);
}
