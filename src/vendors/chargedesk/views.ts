// The subscription (spec 3.3) and product (3.4) objects from core subscriptions and catalog items.
// A subscription's amount is the core's per-period amount divided back by its quantity (the core
// bills amount × quantity); its period and trial come from the core schedule and next bill date.
import type { CatalogItemRow, SubscriptionRow } from '../../core/database.ts';
import type { TenantContext } from '../../core/context.ts';
import { catalogItemsByIds } from '../../core/catalog/queries.ts';
import { customersByIds } from '../../core/customers/queries.ts';
import { countTransactions } from '../../core/payments/queries.ts';
import { subscriptionSchedule } from '../../core/subscriptions/subscriptions.ts';
import { parseVendorData } from '../../core/vendor-data.ts';
import { priceOf } from '../../core/catalog/catalog.ts';
import { customerWireIds, productWireIds, subscriptionWireIds } from './ids.ts';
import { CHARGE_TYPES, visibleCharges } from './lists.ts';
import { decimal, formatted, majorNumber, readableInterval, seconds, symbolOf, VENDOR } from './wire.ts';

export const SUBSCRIPTION_STATUSES = ['requested', 'pending', 'new', 'trialing', 'active', 'past_due', 'canceled', 'unpaid', 'suspended', 'pending_cancel'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

const TEXT: Record<SubscriptionStatus, string> = {
  requested: 'Requested',
  pending: 'Pending',
  new: 'New',
  trialing: 'Trialing',
  active: 'Active',
  past_due: 'Past Due',
  canceled: 'Canceled',
  unpaid: 'Unpaid',
  suspended: 'Suspended',
  pending_cancel: 'Pending Cancel',
};

/** ChargeDesk's word → the core's status (the word itself is kept in the door's namespace). */
export function coreStatus(word: SubscriptionStatus): 'active' | 'paused' | 'past_due' | 'cancelled' {
  if (word === 'canceled' || word === 'unpaid') return 'cancelled';
  if (word === 'suspended') return 'paused';
  if (word === 'past_due') return 'past_due';
  return 'active';
}

export interface SubscriptionData {
  status?: SubscriptionStatus;
  quantity?: number;
  setup_amount?: number;
  gateway?: boolean;
  interval?: string;
  billing_cycles_current?: number;
  billing_cycles_total?: number;
  current_period_start?: number;
  current_period_end?: number;
  trial_start?: number;
  trial_end?: number;
  canceled_at?: number;
  ended_at?: number;
  items?: Array<Record<string, unknown>>;
  metadata?: Record<string, string>;
  gateway_id?: string;
  trial_period_days?: number;
}

export const subscriptionData = (row: Pick<SubscriptionRow, 'vendor_data'>): SubscriptionData => (parseVendorData(row.vendor_data)[VENDOR] ?? {}) as SubscriptionData;

export function subscriptionStatus(row: SubscriptionRow): SubscriptionStatus {
  const data = subscriptionData(row);
  const word = data.status;
  switch (row.status) {
    case 'cancelled':
    case 'completed':
      return word === 'unpaid' ? 'unpaid' : 'canceled';
    // After the dunning ladder, when the tenant's ladder ends in unpaid (tenants/recurring-settings).
    case 'unpaid':
      return 'unpaid';
    case 'paused':
      return 'suspended';
    case 'past_due':
      return 'past_due';
    case 'trialing':
      return 'trialing';
    default:
      // A gateway subscription's state is the engine's (its trial ended, its cancel still ahead);
      // a record's is the word it was given.
      if (data.gateway) return word === 'pending_cancel' && row.cancel_at !== null ? 'pending_cancel' : 'active';
      return word && coreStatus(word) === 'active' ? word : 'active';
  }
}

/** The tenant's clock as a ChargeDesk timestamp (seconds), 0 for none. */
const secondsOrZero = (ms: number | null): number => (ms === null ? 0 : seconds(ms));

const DAY = 86_400_000;

export async function renderSubscriptions(ctx: TenantContext, rows: readonly SubscriptionRow[], links: { company: string; base: string }): Promise<Array<Record<string, unknown>>> {
  const customers = await customersByIds(
    ctx,
    rows.map((r) => r.customer_id),
    { includeDeleted: true },
  );
  const customerIds = await customerWireIds(ctx, customers);
  const ids = await subscriptionWireIds(ctx, rows);
  const products = await catalogItemsByIds(
    ctx,
    rows.map((r) => r.plan_id).filter((id): id is number => id !== null),
  );
  const productIds = await productWireIds(ctx, products);
  const out: Array<Record<string, unknown>> = [];
  for (const row of rows) {
    const data = subscriptionData(row);
    const status = subscriptionStatus(row);
    const quantity = data.quantity && data.quantity > 0 ? data.quantity : 1;
    const unit = Math.round(row.amount / quantity);
    const cur = row.currency;
    const schedule = subscriptionSchedule(row);
    const gateway = data.gateway === true;
    const product = row.plan_id !== null ? products.find((p) => p.id === row.plan_id) : undefined;
    const trialDays = gateway
      ? (schedule.trialDays ?? 0)
      : (data.trial_period_days ?? (data.trial_end && data.trial_end > 0 ? Math.round((data.trial_end - (data.trial_start || seconds(row.created_at))) / 86400) : 0));
    const timeOfDay = row.created_at % DAY;
    const periodEndDate = gateway ? (row.next_bill_date ?? row.current_period_end) : null;
    const periodEnd = periodEndDate ? seconds(Date.parse(`${periodEndDate}T00:00:00Z`) + timeOfDay) : (data.current_period_end ?? 0);
    // Linked by a record (the door's namespace) or collected for it by the engine (the core column).
    const charges = await countTransactions(ctx, CHARGE_TYPES, {
      where: [
        ...visibleCharges(),
        {
          any: [
            { field: { vendor: VENDOR, key: 'subscription', type: 'number' }, op: 'eq', value: row.id },
            { field: 'subscription_id', op: 'eq', value: row.id },
          ],
        },
      ],
    });
    const canceled = status === 'canceled' || status === 'unpaid';
    const items = data.items ?? [];
    out.push({
      amount: decimal(unit, cur),
      amount_formatted: `${quantity > 1 ? `${quantity}x ` : ''}${formatted(unit, cur)}`,
      amount_symbol: symbolOf(cur),
      // Gateway: every period billed, the first charge's included (none for a trial's setup charge).
      billing_cycles_current: gateway ? row.billed_count : (data.billing_cycles_current ?? 0),
      billing_cycles_total: data.billing_cycles_total ?? 0,
      canceled_at: data.canceled_at ?? (gateway && row.status === 'cancelled' ? secondsOrZero(row.cancelled_at) : 0),
      charges,
      company: links.company,
      currency: cur,
      current_period_end: periodEnd,
      current_period_start: gateway
        ? row.current_period_start
          ? seconds(Date.parse(`${row.current_period_start}T00:00:00Z`) + timeOfDay)
          : seconds(row.created_at)
        : (data.current_period_start ?? 0),
      customer_id: customerIds.get(row.customer_id) ?? null,
      ended_at: data.ended_at ?? (gateway ? secondsOrZero(row.ended_at ?? (row.status === 'cancelled' || row.status === 'completed' ? row.cancelled_at : null)) : 0),
      first_seen: seconds(row.created_at),
      gateway_id: gateway ? 'test' : (data.gateway_id ?? ''),
      gateway_url: '',
      has_items: items.length > 0 ? 1 : 0,
      interval: data.interval ?? schedule.unit,
      interval_count: schedule.interval,
      items,
      logs: [],
      manage_url: `${links.base}/manage/${links.company}/subscriptions/${ids.get(row.id)}`,
      metadata: data.metadata ?? {},
      methods_active: canceled ? [] : gateway ? ['edit', 'cancel', 'plans'] : ['edit'],
      methods_supported: gateway ? ['edit', 'cancel', 'plans'] : ['edit'],
      object: 'subscription',
      product_desc: product?.name ?? '',
      product_id: product ? (productIds.get(product.id) ?? null) : null,
      quantity,
      readable_interval: readableInterval(data.interval ?? schedule.unit, schedule.interval),
      setup_amount: majorNumber(data.setup_amount ?? 0, cur),
      status,
      status_text: TEXT[status],
      subscription_id: ids.get(row.id),
      trial_end: gateway ? (trialDays > 0 ? seconds(row.created_at + trialDays * DAY) : 0) : (data.trial_end ?? 0),
      trial_period_days: trialDays,
      trial_start: gateway ? (trialDays > 0 ? seconds(row.created_at) : 0) : (data.trial_start ?? 0),
    });
  }
  return out;
}

export interface ProductData {
  currency?: string;
  quantity?: number;
  url?: string;
  setup_amount?: number;
  billing_cycles_total?: number;
  gateway_id?: string;
  taxable?: number;
  unnamed?: boolean;
}

export const productData = (row: Pick<CatalogItemRow, 'vendor_data'>): ProductData => (parseVendorData(row.vendor_data)[VENDOR] ?? {}) as ProductData;

/** The price a product shows: in its ChargeDesk currency, else its first. */
export function productPrice(row: CatalogItemRow): { currency: string; amount: number } | null {
  const prices = JSON.parse(row.prices) as Record<string, number>;
  const currency = productData(row).currency ?? Object.keys(prices)[0];
  if (!currency) return null;
  const amount = priceOf(row, currency);
  return amount === null ? null : { currency, amount };
}

export async function renderProducts(
  ctx: TenantContext,
  rows: readonly CatalogItemRow[],
  links: { company: string; base: string },
  withLog: Set<number> = new Set(),
): Promise<Array<Record<string, unknown>>> {
  const ids = await productWireIds(ctx, rows);
  const out: Array<Record<string, unknown>> = [];
  for (const row of rows) {
    const data = productData(row);
    const price = productPrice(row);
    const cur = price?.currency ?? data.currency ?? '';
    const name = data.unnamed ? '' : row.name;
    const charges = await countTransactions(ctx, CHARGE_TYPES, { where: [...visibleCharges(), { field: { vendor: VENDOR, key: 'product', type: 'number' }, op: 'eq', value: row.id }] });
    const amount = price?.amount ?? 0;
    out.push({
      amount: cur ? majorNumber(amount, cur) : 0,
      amount_formatted: cur ? formatted(amount, cur) : '',
      amount_symbol: symbolOf(cur),
      billing_cycles_total: data.billing_cycles_total ?? 0,
      chargeable: row.active ? 1 : 0,
      charges,
      company: links.company,
      currency: cur,
      description: row.description ?? '',
      first_seen: seconds(row.created_at),
      gateway_id: data.gateway_id ?? '',
      has_agent_log: withLog.has(row.id) ? 1 : 0,
      interval: row.interval_unit ?? '',
      interval_count: row.interval_count ?? 1,
      logs: [],
      name,
      object: 'product',
      product_id: ids.get(row.id),
      quantity: data.quantity ?? 1,
      readable_interval: readableInterval(row.interval_unit ?? '', row.interval_count ?? 1),
      setup_amount: cur ? majorNumber(data.setup_amount ?? 0, cur) : 0,
      status: name && price ? 'complete' : 'incomplete',
      support_url: `${links.base}/${links.company}/product/${ids.get(row.id)}`,
      taxable: data.taxable === 0 ? 0 : 1,
      trial_period_days: row.trial_days ?? 0,
      url: data.url ?? '',
    });
  }
  return out;
}
