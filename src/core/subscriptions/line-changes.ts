// Plan changes on a subscription's lines (one use-case, one transaction): add a line, replace one
// (the new line takes the old one's place and, unless told otherwise, its description), cancel one.
// Changes bill from the next period: the period already invoiced stays as it was. When asked, the
// rest of the current period is prorated by days — a credit for the line that goes, a charge for
// the one that comes — and carried to the next invoice (ChargeOver's subscribe_prorate /
// cancel_prorate; a vendor whose document says otherwise maps its own rule onto `prorate`).
// Usage recorded on a per-unit line is billed by its next renewal.
import type { SubscriptionLineRow, SubscriptionRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { daysBetween } from '../clock/clock.ts';
import { tenantToday } from '../clock/tenant-time.ts';
import { DomainError, ErrorCode, invalid } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { multiplyQuantity } from '../money/money.ts';
import { setRefs, type RefChange } from '../refs/refs.ts';
import { inWork, type TxContext } from '../work.ts';
import { carryToNextInvoice } from './lifecycle.ts';
import { insertLines, type SubscriptionLineInput } from './lines.ts';
import { quantityText } from './quantities.ts';
import type { CarryLine } from './renewal-plan.ts';
import { lockSubscription } from './subscriptions.ts';

export interface Proration {
  /** Charge the new line for the rest of the current period. */
  charge?: boolean;
  /** Credit the line that goes for the rest of the current period. */
  credit?: boolean;
}

export type LineChange =
  | { kind: 'add'; line: SubscriptionLineInput; prorate?: Proration }
  /** line.description undefined: the old line's description is kept. */
  | { kind: 'replace'; lineId: number; line: SubscriptionLineInput; prorate?: Proration }
  | { kind: 'cancel'; lineId: number; prorate?: Proration };

/** What of a period's price the rest of it is worth, by days: amount × days left ÷ days in the period, rounded half away from zero. */
export function prorateByDays(amount: number, periodStart: string, periodEnd: string, today: string): number {
  const total = daysBetween(periodStart, periodEnd);
  const left = daysBetween(today, periodEnd);
  if (total <= 0 || left <= 0 || today < periodStart) return 0;
  const numerator = BigInt(amount) * BigInt(Math.min(left, total));
  const d = BigInt(total);
  const magnitude = ((numerator < 0n ? -numerator : numerator) * 2n + d) / (2n * d);
  return Number(numerator < 0n ? -magnitude : magnitude);
}

const flatPrice = (line: Pick<SubscriptionLineRow, 'pricing' | 'unit_price' | 'quantity'>): number => (line.pricing === 'percent' ? 0 : multiplyQuantity(line.unit_price, line.quantity));

function prorations(sub: SubscriptionRow, today: string, goes: SubscriptionLineRow | null, comes: SubscriptionLineRow | null, prorate: Proration | undefined): CarryLine[] {
  if (!prorate || sub.current_period_start === null || sub.current_period_end === null) return [];
  const out: CarryLine[] = [];
  const range = `${today} to ${sub.current_period_end}`;
  if (goes && prorate.credit) {
    const credit = prorateByDays(flatPrice(goes), sub.current_period_start, sub.current_period_end, today);
    if (credit !== 0) out.push({ description: `Credit for ${goes.description ?? 'a cancelled line'} (${range})`, amount: -credit, subscriptionLineId: goes.id });
  }
  if (comes && prorate.charge) {
    const charge = prorateByDays(flatPrice(comes), sub.current_period_start, sub.current_period_end, today);
    if (charge !== 0) out.push({ description: `${comes.description ?? 'New line'} (${range})`, amount: charge, subscriptionLineId: comes.id });
  }
  return out;
}

async function cancelLine(ctx: TxContext, line: SubscriptionLineRow): Promise<void> {
  await ctx.db.updateTable('subscription_lines').set({ cancelled_at: ctx.clock.now(), updated_at: ctx.clock.now() }).where('id', '=', line.id).execute();
}

/** Applies the changes in order, all or nothing; returns the subscription (its mod time moves). */
export async function changeLines(ctx: TenantContext, subscriptionId: number, changes: readonly LineChange[]): Promise<SubscriptionRow> {
  if (changes.length === 0) throw invalid('No line changes given', 'line_items');
  return inWork(ctx, async (ctx) => {
    const sub = await lockSubscription(ctx, subscriptionId);
    if (sub.status === 'cancelled' || sub.status === 'completed') throw new DomainError(ErrorCode.ILLEGAL_TRANSITION, 'The subscription is cancelled', { details: { reason: 'cancelled' } });
    const live = await ctx.db.selectFrom('subscription_lines').selectAll().where('subscription_id', '=', subscriptionId).where('cancelled_at', 'is', null).execute();
    const byId = new Map(live.map((l) => [l.id, l]));
    let nextPosition = Math.max(-1, ...live.map((l) => l.position)) + 1;
    const today = tenantToday(ctx);
    const carry: CarryLine[] = [];
    for (const [i, change] of changes.entries()) {
      if (change.kind === 'add') {
        const [added] = await insertLines(ctx, subscriptionId, [{ ...change.line, quantity: quantityText(change.line.quantity, `line_items[${i}].line_quantity`) }], nextPosition++);
        carry.push(...prorations(sub, today, null, added, change.prorate));
        continue;
      }
      const old = byId.get(change.lineId);
      if (!old) throw new DomainError(ErrorCode.INVALID, `Line ${change.lineId} is not a live line of subscription ${subscriptionId}`, { field: 'line_item_id', details: { reason: 'unknown_line' } });
      byId.delete(old.id);
      await cancelLine(ctx, old);
      if (change.kind === 'cancel') {
        carry.push(...prorations(sub, today, old, null, change.prorate));
        continue;
      }
      const line = { ...change.line, description: change.line.description === undefined ? old.description : change.line.description };
      const [replacement] = await insertLines(ctx, subscriptionId, [line], old.position);
      carry.push(...prorations(sub, today, old, replacement, change.prorate));
    }
    await carryToNextInvoice(ctx, subscriptionId, carry);
    const row = await ctx.db.updateTable('subscriptions').set({ updated_at: ctx.clock.now() }).where('id', '=', subscriptionId).returningAll().executeTakeFirstOrThrow();
    await recordEvent(ctx, 'subscription.lines_changed', 'subscription', subscriptionId, { subscription: row, changes: changes.map((c) => c.kind), carried: carry });
    return row;
  });
}

export interface UsageInput {
  lineId: number;
  quantity: string | number;
  from?: number | null;
  to?: number | null;
  refs?: RefChange[];
  vendorData?: Record<string, unknown>;
}

/** Records usage on a live line; its next renewal bills it (per-unit lines). */
export async function recordUsage(ctx: TenantContext, input: UsageInput): Promise<number> {
  const quantity = quantityText(input.quantity, 'usage_value', '');
  if (quantity === '') throw invalid('usage_value is required', 'usage_value');
  return inWork(ctx, async (ctx) => {
    const line = await ctx.db.selectFrom('subscription_lines').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', input.lineId).executeTakeFirst();
    if (!line || line.cancelled_at !== null)
      throw new DomainError(ErrorCode.INVALID, `Line ${input.lineId} is not a live subscription line`, { field: 'line_item_id', details: { reason: 'unknown_line' } });
    const sub = await lockSubscription(ctx, line.subscription_id);
    if (sub.status === 'cancelled' || sub.status === 'completed')
      throw new DomainError(ErrorCode.INVALID, 'The subscription is cancelled', { field: 'line_item_id', details: { reason: 'cancelled' } });
    const now = ctx.clock.now();
    if (line.usage !== 1) await ctx.db.updateTable('subscription_lines').set({ usage: 1, updated_at: now }).where('id', '=', line.id).execute();
    const row = await ctx.db
      .insertInto('subscription_usage')
      .values({
        tenant_id: ctx.tenant.id,
        subscription_id: line.subscription_id,
        line_id: line.id,
        quantity,
        from_at: input.from ?? now,
        to_at: input.to ?? input.from ?? now,
        renewal_id: null,
        vendor_data: JSON.stringify(input.vendorData ?? {}),
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await setRefs(ctx, 'subscription_usage', row.id, input.refs);
    await recordEvent(ctx, 'subscription.usage_recorded', 'subscription', line.subscription_id, row);
    return row.id;
  });
}
