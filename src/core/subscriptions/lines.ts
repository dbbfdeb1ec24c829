// A subscription's priced lines (ChargeOver package lines; any door's multi-line plans): what each
// bills, from when, how often, and for how many periods. Written inside the caller's transaction.
import type { SubscriptionLineRow } from '../database.ts';
import { invalid } from '../errors/domain-error.ts';
import { normalizeDecimalText } from '../money/money.ts';
import { addDaysTo } from '../clock/zone.ts';
import { tenantDate } from '../clock/tenant-time.ts';
import type { TenantContext } from '../context.ts';
import type { TxContext } from '../work.ts';
import { setRefs, type RefChange } from '../refs/refs.ts';
import { cadenceProblems, type Cadence } from './schedule.ts';
import { quantityText } from './quantities.ts';
import type { Tier } from './renewal-plan.ts';

export const LINE_PRICING = ['flat', 'per_unit', 'percent'] as const;
export type LinePricing = (typeof LINE_PRICING)[number];

export interface SubscriptionLineInput {
  itemId?: number | null;
  description?: string | null;
  /** Exact decimal; default 1. */
  quantity?: string | number;
  /** Minor units: the flat price, or the per-unit price without tiers. */
  unitPrice?: number;
  pricing?: LinePricing;
  /** For percent lines: the percent off the other lines ("50", "12.5"). */
  percent?: string | number | null;
  tiers?: Tier[];
  setupFee?: number;
  /** The line's own cycle; absent: once each period of the subscription. */
  cadence?: Cadence | null;
  /** Days from the line's start before it bills. */
  trialDays?: number;
  /** Bills this many periods, then stops (absent: until cancelled). */
  maxBillings?: number | null;
  /** Bills the usage recorded on it instead of its quantity (per-unit lines). */
  usage?: boolean;
  expiresAt?: number | null;
  /** External references of the line (a door's external key), unique by index. */
  refs?: RefChange[];
  vendorData?: Record<string, unknown>;
}

function checkLine(line: SubscriptionLineInput, index: number): void {
  const at = `lines[${index}]`;
  if (line.unitPrice !== undefined && !Number.isSafeInteger(line.unitPrice)) throw invalid(`${at}.unit_price must be whole minor units`, `${at}.unit_price`);
  if (line.setupFee !== undefined && (!Number.isSafeInteger(line.setupFee) || line.setupFee < 0)) throw invalid(`${at}.setup_fee must be whole minor units`, `${at}.setup_fee`);
  if (line.pricing !== undefined && !LINE_PRICING.includes(line.pricing)) throw invalid(`${at}.pricing must be one of ${LINE_PRICING.join(', ')}`, `${at}.pricing`);
  if (line.trialDays !== undefined && (!Number.isSafeInteger(line.trialDays) || line.trialDays < 0)) throw invalid(`${at}.trial_days must be whole days`, `${at}.trial_days`);
  if (line.maxBillings !== undefined && line.maxBillings !== null && (!Number.isSafeInteger(line.maxBillings) || line.maxBillings < 1)) {
    throw invalid(`${at}.max_billings must be at least 1`, `${at}.max_billings`);
  }
  if (line.cadence) {
    const [problem] = cadenceProblems(line.cadence);
    if (problem) throw invalid(`${at}.cadence.${problem.field} ${problem.message}`, `${at}.cadence`);
  }
  for (const [i, tier] of (line.tiers ?? []).entries()) {
    if (!Number.isSafeInteger(tier.price)) throw invalid(`${at}.tiers[${i}].price must be whole minor units`, `${at}.tiers`);
  }
}

/** The row values of new lines from `position` on, starting now on the tenant clock. */
export function lineRows(ctx: TenantContext, subscriptionId: number, lines: readonly SubscriptionLineInput[], position: number, now: number) {
  lines.forEach(checkLine);
  const today = tenantDate(ctx, now);
  return lines.map((line, i) => ({
    tenant_id: ctx.tenant.id,
    subscription_id: subscriptionId,
    position: position + i,
    item_id: line.itemId ?? null,
    description: line.description ?? null,
    quantity: quantityText(line.quantity, `lines[${i}].quantity`),
    unit_price: line.unitPrice ?? 0,
    pricing: line.pricing ?? (line.percent !== undefined && line.percent !== null && Number(line.percent) !== 0 ? 'percent' : 'flat'),
    percent: line.percent === undefined || line.percent === null ? null : normalizeDecimalText(String(line.percent)),
    tiers: JSON.stringify(line.tiers ?? []),
    setup_fee: line.setupFee ?? 0,
    cadence: line.cadence ? JSON.stringify(line.cadence) : null,
    bill_from: addDaysTo(today, line.trialDays ?? 0),
    max_billings: line.maxBillings ?? null,
    billings: 0,
    usage: line.usage ? 1 : 0,
    started_at: now,
    cancelled_at: null,
    expires_at: line.expiresAt ?? null,
    vendor_data: JSON.stringify(line.vendorData ?? {}),
    created_at: now,
    updated_at: now,
  }));
}

export async function insertLines(ctx: TxContext, subscriptionId: number, lines: readonly SubscriptionLineInput[], position: number): Promise<SubscriptionLineRow[]> {
  const rows = lineRows(ctx, subscriptionId, lines, position, ctx.clock.now());
  const out: SubscriptionLineRow[] = [];
  // One at a time: each line's references name its own id (lines per subscription are few).
  for (const [i, row] of rows.entries()) {
    const inserted = await ctx.db.insertInto('subscription_lines').values(row).returningAll().executeTakeFirstOrThrow();
    await setRefs(ctx, 'subscription_line', inserted.id, lines[i].refs);
    out.push(inserted);
  }
  return out;
}

/** A subscription's lines in order: the live ones, or every one ever added. */
export async function subscriptionLines(ctx: TenantContext, subscriptionIds: readonly number[], options: { includeCancelled?: boolean } = {}): Promise<Map<number, SubscriptionLineRow[]>> {
  const map = new Map<number, SubscriptionLineRow[]>();
  const ids = [...new Set(subscriptionIds)];
  if (ids.length === 0) return map;
  let query = ctx.db.selectFrom('subscription_lines').selectAll().where('tenant_id', '=', ctx.tenant.id).where('subscription_id', 'in', ids);
  if (!options.includeCancelled) query = query.where('cancelled_at', 'is', null);
  for (const row of await query.orderBy('subscription_id').orderBy('position').orderBy('id').execute()) {
    const list = map.get(row.subscription_id) ?? [];
    list.push(row);
    map.set(row.subscription_id, list);
  }
  return map;
}

/** Lines by their own ids (usage and external keys name a line directly). */
export async function linesByIds(ctx: TenantContext, ids: readonly number[]): Promise<SubscriptionLineRow[]> {
  if (ids.length === 0) return [];
  return ctx.db
    .selectFrom('subscription_lines')
    .selectAll()
    .where('tenant_id', '=', ctx.tenant.id)
    .where('id', 'in', [...new Set(ids)])
    .execute();
}
