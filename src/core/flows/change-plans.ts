// Change what a subscription bills for: its plans (catalog items with a price in the subscription's
// currency) and quantities, with the amount computed here, and, when asked, the difference for the
// rest of the current period prorated by days left and charged (or credited) at once. One
// transaction with the change, the charge and the event (before and after, so doors can tell an
// upgrade from a downgrade).
import type { SubscriptionRow, TransactionRow } from '../database.ts';
import { forUpdate } from '../db.ts';
import type { TenantContext } from '../context.ts';
import { isoDate } from '../clock/clock.ts';
import { priceOf } from '../catalog/catalog.ts';
import { DomainError, ErrorCode, invalid } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { keyedWork } from '../idempotency/keyed.ts';
import { Account } from '../ledger/accounts.ts';
import { beforeProcessor, chargeWithin } from '../payments/processing.ts';
import { insertSettled } from '../payments/recorded.ts';
import { nextSeq } from '../payments/rows.ts';
import { TxnType } from '../payments/states.ts';
import { toDayNumber } from '../subscriptions/calendar.ts';
import { nextBillDate, type Schedule } from '../subscriptions/schedule.ts';
import { subscriptionSchedule } from '../subscriptions/subscriptions.ts';
import { chargeableMethods } from '../vault/vault.ts';
import { mergeVendorData } from '../vendor-data.ts';
import type { TxContext } from '../work.ts';
import { FlowRefusal, refuse } from './refusals.ts';

export interface PlanLine {
  catalogId: number;
  quantity: number;
}

export interface PlanChange {
  /** Absent: the plans stay as they are. */
  plans?: PlanLine[];
  /** Charge (or credit) the change for the rest of the period. */
  prorate?: boolean;
  /** Bill now: the prorated difference, or without proration the new amount, restarting the period. */
  invoice?: boolean;
  vendor: string;
  /** Merged into the door's namespace (its own view of the plans). */
  vendorData?: Record<string, unknown>;
}

export interface PlanChangeResult {
  before: SubscriptionRow;
  subscription: SubscriptionRow;
  /** What was billed now (a charge, or a credit memo for a downgrade), if anything. */
  charge: TransactionRow | null;
  /** The prorated difference (minor units, signed), 0 when not prorated. */
  proration: number;
}

/** The start of the period a date falls in: the schedule's last bill date on or before it, else its start. */
function periodStart(schedule: Schedule, today: string): string {
  let start = schedule.start;
  for (let date: string | null = schedule.start, guard = 0; date !== null && date <= today && guard < 10_000; date = nextBillDate(schedule, date), guard++) start = date;
  return start;
}

/** (new − old) × days left ÷ days in the period, rounded half up. */
export function prorate(oldAmount: number, newAmount: number, start: string, end: string, today: string): number {
  const total = toDayNumber(end) - toDayNumber(start);
  const left = Math.max(0, toDayNumber(end) - toDayNumber(today));
  if (total <= 0 || left === 0) return 0;
  // Exact integer arithmetic, half away from zero.
  const diff = BigInt(newAmount - oldAmount);
  const numerator = (diff < 0n ? -diff : diff) * BigInt(left);
  const rounded = (numerator * 2n + BigInt(total)) / (2n * BigInt(total));
  return Number(diff < 0n ? -rounded : rounded);
}

async function changeWithin(ctx: TxContext, id: number, change: PlanChange, seq: number | null | undefined): Promise<PlanChangeResult> {
  const before = await forUpdate(
    ctx.db.selectFrom('subscriptions').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', id).where('deleted_at', 'is', null),
    ctx.dialect,
  ).executeTakeFirst();
  if (!before) throw new DomainError(ErrorCode.NOT_FOUND, `subscription ${id} not found`);
  if (before.status === 'cancelled' || before.status === 'completed') throw new DomainError(ErrorCode.ILLEGAL_TRANSITION, 'The subscription has ended', { details: { reason: 'subscription_ended' } });
  let amount = before.amount;
  let planId = before.plan_id;
  if (change.plans) {
    if (change.plans.length === 0) throw invalid('At least one plan is required', 'plans');
    amount = 0;
    for (const line of change.plans) {
      const item = await ctx.db.selectFrom('catalog_items').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', line.catalogId).where('deleted_at', 'is', null).executeTakeFirst();
      const price = item ? priceOf(item, before.currency) : null;
      if (!item || !item.interval_unit || price === null) throw invalid('Every plan must be a recurring product priced in the subscription currency', 'plans');
      if (!Number.isSafeInteger(line.quantity) || line.quantity < 1) throw invalid('Plan quantities are whole numbers of at least 1', 'plans');
      amount += price * line.quantity;
    }
    planId = change.plans[0].catalogId;
  }
  const today = isoDate(ctx.clock.now());
  const schedule = subscriptionSchedule(before);
  const end = before.next_bill_date ?? today;
  const proration = change.prorate ? prorate(before.amount, amount, periodStart(schedule, today), end, today) : 0;
  let charge: TransactionRow | null = null;
  let next = before.next_bill_date;
  const bill = change.invoice ? (change.prorate ? proration : amount) : 0;
  if (bill > 0) {
    const [methodId] = await chargeableMethods(ctx, before.customer_id);
    if (methodId === undefined) throw refuse(FlowRefusal.NO_PAYMENT_METHOD, { customer_id: before.customer_id });
    ({ transaction: charge } = await chargeWithin(
      ctx,
      { type: 'sale', amount: bill, currency: before.currency, source: { methodId }, customerId: before.customer_id, vendorData: { [change.vendor]: { subscription: id } } },
      seq,
    ));
    if (!change.prorate) next = nextBillDate(schedule, today);
  } else if (bill < 0) {
    const credit = await insertSettled(
      ctx,
      TxnType.CREDIT_MEMO,
      { customerId: before.customer_id, amount: -bill, currency: before.currency, kind: 'credit', vendorData: { [change.vendor]: { subscription: id } } },
      Account.CREDITS_GRANTED,
      await nextSeq(ctx, seq),
    );
    charge = credit;
  }
  const deferred = change.prorate && !change.invoice ? proration : 0;
  const vendorData = { ...(change.vendorData ?? {}), ...(deferred !== 0 ? { pending_proration: deferred } : {}) };
  const subscription = await ctx.db
    .updateTable('subscriptions')
    .set({ amount, plan_id: planId, next_bill_date: next, updated_at: ctx.clock.now(), vendor_data: mergeVendorData(before.vendor_data, change.vendor, vendorData) })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordEvent(ctx, 'subscription.plan_changed', 'subscription', id, { before, after: subscription, proration });
  return { before, subscription, charge, proration };
}

export async function changePlans(ctx: TenantContext, id: number, change: PlanChange): Promise<PlanChangeResult> {
  return keyedWork(
    ctx,
    null,
    (w, seq) => changeWithin(w, id, change, seq),
    () => beforeProcessor(ctx),
  );
}
