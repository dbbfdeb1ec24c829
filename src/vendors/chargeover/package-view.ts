// Renders ChargeOver packages (chargeover-extra §11.2, §11.3, §11.9) from core subscriptions, with
// the keys in the recorded order, and maps their where= fields (§11.11) onto the core's.
import { catalogItemsByIds } from '../../core/catalog/queries.ts';
import { priceOf } from '../../core/catalog/catalog.ts';
import { tenantToday } from '../../core/clock/tenant-time.ts';
import { daysBetween } from '../../core/clock/clock.ts';
import { listInvoices } from '../../core/invoices/queries.ts';
import { refsOf } from '../../core/refs/refs.ts';
import { subscriptionLines } from '../../core/subscriptions/lines.ts';
import { subscriptionFigures, subscriptionStates } from '../../core/subscriptions/queries.ts';
import { subscriptionSchedule } from '../../core/subscriptions/subscriptions.ts';
import type { Tier } from '../../core/subscriptions/renewal-plan.ts';
import type { Cadence } from '../../core/subscriptions/schedule.ts';
import { paymentMethodsByIds } from '../../core/vault/queries.ts';
import type { CatalogItemRow, PaymentMethodRow, SubscriptionLineRow, SubscriptionRow } from '../../core/database.ts';
import type { CoRequest } from './envelope.ts';
import { CURRENCY_ID, datetimeField, EXTERNAL_KEY, vendorNumber, vendorText } from './fields.ts';
import type { FieldTable } from './lists.ts';
import { PRICEMODELS, tiersetId } from './items.ts';
import { cadenceKeys, EVERY, PAYCYCLES, paycycleOf } from './paycycles.ts';
import { ADDRESS_KEYS, currencyId, datetime, formatted, money, symbolOf, TERMS, VENDOR, vendorData } from './wire.ts';

/** Package statuses by core state (§11.3): id, name, str, state. */
export const PACKAGE_STATUSES: Record<string, [number, string, string, string]> = {
  trialing: [1, 'Trial', 'active-trial', 'a'],
  active: [2, 'Current', 'active-current', 'a'],
  overdue: [3, 'Over Due', 'active-overdue', 'a'],
  paused: [4, 'Suspended', 'suspended-suspended', 's'],
  cancelled: [5, 'Canceled manually', 'canceled-manual', 'c'],
  cancelled_nonpayment: [6, 'Canceled due to non-payment', 'canceled-nonpayment', 'c'],
  completed: [7, 'Expired', 'expired-expired', 'e'],
};

/** The paymethod word of how a subscription collects (§11.4). */
export function paymethodOf(row: SubscriptionRow, method: PaymentMethodRow | undefined): string {
  if (method) return method.kind === 'card' ? 'crd' : method.kind === 'bank' ? 'ach' : 'tok';
  return row.collection === 'invoice' ? 'inv' : 'any';
}

/** A custom price set on a line has its own tierset id, distinct from every item's (item × 100 + currency 1..6). */
export const customTiersetId = (lineId: number): number => lineId * 100 + 50;

interface LineVendor {
  nickname?: string;
  custom_1?: string | null;
  custom_2?: string | null;
  custom_3?: string | null;
  expire_recurs?: string | null;
  license?: string;
  trial_days?: number;
  tierset?: { custom?: boolean; paycycle?: string; pricemodel?: string; written_at?: number };
}

const percentText = (percent: string | null): string => {
  const [whole, fraction = ''] = (percent ?? '0').split('.');
  return `${whole}.${fraction.padEnd(6, '0').slice(0, 6)}`;
};

function renderTierset(line: SubscriptionLineRow, item: CatalogItemRow | undefined, currency: string, lv: LineVendor) {
  const t = lv.tierset ?? {};
  const custom = t.custom === true;
  const itemTiersets = item ? ((vendorData(item.vendor_data).tiersets ?? {}) as Record<string, { paycycle?: string; pricemodel?: string }>) : {};
  const pricemodel = t.pricemodel ?? (line.pricing === 'per_unit' ? 'uni' : (itemTiersets[currency]?.pricemodel ?? 'fla'));
  const paycycle = t.paycycle ?? (line.cadence ? (paycycleOf(JSON.parse(line.cadence) as Cadence) ?? EVERY) : (itemTiersets[currency]?.paycycle ?? EVERY));
  const written = custom ? (t.written_at ?? line.created_at) : (item?.updated_at ?? line.created_at);
  const tiers = (JSON.parse(line.tiers || '[]') as Tier[]).map((tier) => ({ unit_from: Number(tier.from), unit_to: tier.to === null ? null : Number(tier.to), amount: money(tier.price, currency) }));
  return {
    tierset_id: custom || !line.item_id ? customTiersetId(line.id) : tiersetId(line.item_id, currency),
    setup: money(line.setup_fee, currency),
    base: money(line.pricing === 'percent' ? 0 : line.unit_price, currency),
    percent: percentText(line.percent),
    paycycle,
    pricemodel,
    write_datetime: datetime(written),
    mod_datetime: datetime(written),
    setup_formatted: formatted(line.setup_fee, currency),
    base_formatted: formatted(line.pricing === 'percent' ? 0 : line.unit_price, currency),
    percent_formatted: `${Number(line.percent ?? 0)} %`,
    pricemodel_desc: PRICEMODELS[pricemodel] ?? '',
    tiers,
  };
}

export function renderLine(line: SubscriptionLineRow, item: CatalogItemRow | undefined, itemKey: string | null, lineKey: string | null, currency: string) {
  const lv = (JSON.parse(line.vendor_data || '{}') as Record<string, LineVendor>)[VENDOR] ?? {};
  const iv = item ? vendorData(item.vendor_data) : {};
  return {
    item_id: line.item_id,
    tierset_id: lv.tierset?.custom || !line.item_id ? customTiersetId(line.id) : tiersetId(line.item_id, currency),
    external_key: lineKey,
    nickname: lv.nickname ?? '',
    descrip: line.description,
    trial_days: lv.trial_days ?? 0,
    trial_units: 0,
    custom_1: lv.custom_1 ?? null,
    custom_2: lv.custom_2 ?? null,
    custom_3: lv.custom_3 ?? null,
    subscribe_datetime: datetime(line.started_at),
    subscribe_prorate_from_datetime: null,
    subscribe_prorate_to_datetime: null,
    cancel_datetime: datetime(line.cancelled_at),
    expire_datetime: datetime(line.expires_at),
    expire_recurs: lv.expire_recurs ?? null,
    license: lv.license ?? '',
    item_name: item?.name ?? null,
    item_external_key: itemKey,
    item_accounting_sku: (iv.accounting_sku as string | undefined) ?? null,
    item_token: item?.token ?? null,
    item_units: (iv.units as string | undefined) ?? null,
    line_item_id: line.id,
    line_quantity: Number(line.quantity),
    tierset: renderTierset(line, item, currency, lv),
  };
}

/** The line price of an item for a currency (its tierset's base), and its setup fee. */
export function itemPrice(item: CatalogItemRow, currency: string): { base: number; setup: number; pricemodel: string; paycycle: string } {
  const extras = ((vendorData(item.vendor_data).tiersets ?? {}) as Record<string, { setup?: number; pricemodel?: string; paycycle?: string }>)[currency] ?? {};
  return { base: priceOf(item, currency) ?? 0, setup: extras.setup ?? 0, pricemodel: extras.pricemodel ?? 'fla', paycycle: extras.paycycle ?? EVERY };
}

export async function renderPackages(req: CoRequest, rows: readonly SubscriptionRow[], withLines: boolean): Promise<Record<string, unknown>[]> {
  const { ctx } = req;
  const ids = rows.map((r) => r.id);
  const [states, figures, keys, methods, lines] = await Promise.all([
    subscriptionStates(ctx, ids),
    subscriptionFigures(ctx, ids),
    refsOf(ctx, { vendor: VENDOR, objectType: 'subscription', kind: 'external_key' }, ids),
    paymentMethodsByIds(
      ctx,
      rows.flatMap((r) => (r.payment_method_id === null ? [] : [r.payment_method_id])),
    ),
    withLines ? subscriptionLines(ctx, ids) : Promise.resolve(new Map<number, SubscriptionLineRow[]>()),
  ]);
  const allLines = [...lines.values()].flat();
  const itemIds = [...new Set(allLines.flatMap((l) => (l.item_id === null ? [] : [l.item_id])))];
  const overdueIds = ids.filter((id) => states.get(id) === 'overdue');
  const [items, itemKeys, lineKeys, overdue] = await Promise.all([
    catalogItemsByIds(ctx, itemIds),
    refsOf(ctx, { vendor: VENDOR, objectType: 'catalog_item', kind: 'external_key' }, itemIds),
    refsOf(
      ctx,
      { vendor: VENDOR, objectType: 'subscription_line', kind: 'external_key' },
      allLines.map((l) => l.id),
    ),
    oldestOverdue(req, overdueIds),
  ]);
  const itemsById = new Map(items.map((i) => [i.id, i]));
  const today = tenantToday(ctx);
  return rows.map((row) => {
    const v = vendorData(row.vendor_data);
    const c = row.currency;
    const method = row.payment_method_id === null ? undefined : methods.get(row.payment_method_id);
    const state = states.get(row.id) ?? 'active';
    const [statusId, statusName, statusStr, statusState] = PACKAGE_STATUSES[state] ?? PACKAGE_STATUSES.active;
    const f = figures.get(row.id) ?? { invoiced: 0, collected: 0, due: 0 };
    const address: Record<string, unknown> = {};
    for (const prefix of ['bill', 'ship']) for (const key of ADDRESS_KEYS) address[`${prefix}_${key}`] = v[`${prefix}_${key}`] ?? null;
    const ended = row.status === 'cancelled' || row.status === 'completed' || row.next_bill_date === null;
    const held = typeof v.holduntil_datetime === 'string' ? v.holduntil_datetime : null;
    const nextTime = held !== null && held.slice(0, 10) === row.next_bill_date ? held.slice(11) : '00:00:01';
    const termsId = Number(v.terms_id ?? 3);
    const daysOverdue = overdue.get(row.id);
    const out: Record<string, unknown> = {
      terms_id: termsId,
      currency_id: currencyId(c),
      external_key: keys.get(row.id) ?? null,
      token: row.token,
      nickname: (v.nickname as string | undefined) ?? '',
      paymethod: paymethodOf(row, method),
      paycycle: paycycleOf(subscriptionSchedule(row)) ?? (v.paycycle as string | undefined) ?? 'mon',
      ...address,
      creditcard_id: method?.kind === 'card' ? method.id : null,
      ach_id: method?.kind === 'bank' ? method.id : null,
      tokenized_id: method?.kind === 'tokenized' ? method.id : null,
      custom_1: v.custom_1 ?? null,
      custom_2: v.custom_2 ?? null,
      custom_3: v.custom_3 ?? null,
      write_datetime: datetime(row.created_at),
      mod_datetime: datetime(row.updated_at),
      suspendfrom_datetime: datetime(row.pause_from),
      suspendto_datetime: datetime(row.pause_until),
      cancel_datetime: datetime(row.cancelled_at ?? row.cancel_at),
      holduntil_datetime: held,
      currency_symbol: symbolOf(c),
      currency_iso4217: c,
      amount_collected: money(f.collected, c),
      amount_invoiced: money(f.invoiced, c),
      amount_due: money(f.due, c),
      next_invoice_datetime: ended ? '' : `${row.next_bill_date} ${nextTime}`,
      package_id: row.id,
      customer_id: row.customer_id,
      package_status_id: statusId,
      package_status_name: statusName,
      package_status_str: statusStr,
      package_status_state: statusState,
      custom_4: v.custom_4 ?? null,
      custom_5: v.custom_5 ?? null,
      brand_id: Number(v.brand_id ?? 1),
      class_id: v.class_id ?? null,
      admin_id: v.admin_id ?? null,
      terms_name: TERMS[termsId]?.name ?? '',
      terms_days: TERMS[termsId]?.days ?? 0,
      is_overdue: state === 'overdue',
      days_overdue: daysOverdue === undefined ? 0 : Math.max(0, daysBetween(daysOverdue, today)),
      start_datetime: datetime(row.created_at),
      url_self: `${req.siteBase}/admin/r/package/view/${row.id}`,
    };
    if (withLines) {
      out.line_items = (lines.get(row.id) ?? []).map((line) => {
        const item = line.item_id === null ? undefined : itemsById.get(line.item_id);
        return renderLine(line, item, item ? (itemKeys.get(item.id) ?? null) : null, lineKeys.get(line.id) ?? null, c);
      });
    }
    return out;
  });
}

/** The due date of the oldest overdue invoice of each package shown overdue. */
async function oldestOverdue(req: CoRequest, ids: readonly number[]): Promise<Map<number, string>> {
  const map = new Map<number, string>();
  if (ids.length === 0) return map;
  const page = await listInvoices(req.ctx, {
    where: [
      { field: 'subscription_id', op: 'in', value: [...ids] },
      { field: 'state', op: 'eq', value: 'overdue' },
    ],
    order: [{ field: 'due_date', direction: 'asc' }],
    limit: 1000,
  });
  for (const invoice of page.rows) if (invoice.subscription_id !== null && !map.has(invoice.subscription_id)) map.set(invoice.subscription_id, invoice.due_date);
  return map;
}

/** where= fields of /package (§11.11; README: where fields). */
export const PACKAGE_FIELDS: FieldTable = (() => {
  const out: Record<string, FieldTable[string]> = {
    package_id: 'id',
    customer_id: 'customer_id',
    token: 'token',
    external_key: EXTERNAL_KEY,
    brand_id: vendorNumber('brand_id', 1),
    nickname: vendorText('nickname', ''),
    currency_id: CURRENCY_ID,
    terms_id: vendorNumber('terms_id', 3),
    bill_state: vendorText('bill_state'),
    ship_state: vendorText('ship_state'),
    write_datetime: datetimeField('created_at'),
    mod_datetime: datetimeField('updated_at'),
    cancel_datetime: datetimeField('cancelled_at'),
    paymethod: { enum: 'collects_by', values: { crd: 'card', ach: 'bank', tok: 'tokenized', inv: 'invoice', any: 'any' } },
    paycycle: { enum: 'cadence', values: Object.fromEntries(Object.keys(PAYCYCLES).map((code) => [code, cadenceKeys(code)])) },
    package_status_str: { enum: 'state', values: Object.fromEntries(Object.entries(PACKAGE_STATUSES).map(([state, [, , str]]) => [str, state])) },
    package_status_state: {
      enum: 'state',
      values: { a: ['trialing', 'active', 'overdue'], s: ['paused'], c: ['cancelled', 'cancelled_nonpayment'], e: ['completed'] },
    },
    package_status_id: { enum: 'state', values: Object.fromEntries(Object.entries(PACKAGE_STATUSES).map(([state, [id]]) => [String(id), state])), wireType: 'number' },
    'line_items.item_id': { related: 'lines', field: 'item_id' },
    'line_items.line_item_id': { related: 'lines', field: 'id' },
    'line_items.external_key': { related: 'lines', field: EXTERNAL_KEY },
    'customer.superuser_email': 'customer.primary_email',
    'customer.users.email': { related: 'contacts', field: 'email' },
  };
  for (let i = 1; i <= 5; i++) out[`custom_${i}`] = vendorText(`custom_${i}`);
  for (let i = 1; i <= 3; i++) out[`line_items.custom_${i}`] = { related: 'lines', field: vendorText(`custom_${i}`) };
  return out;
})();
