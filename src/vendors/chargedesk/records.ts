// /subscriptions (spec 2.2 22-25) and /products (26-29): records another system bills, and the
// catalog. Client-chosen ids are references (duplicate=update upserts, a new id renames). A record
// subscription's ChargeDesk status word is kept in the door's namespace beside the core status it
// maps to; the core amount is the per-period amount (unit amount × quantity).
import type { FastifyInstance } from 'fastify';
import type { CatalogItemRow, SubscriptionRow } from '../../core/database.ts';
import { catalogItemsByIds, listCatalog } from '../../core/catalog/queries.ts';
import { createCatalogItem } from '../../core/catalog/catalog.ts';
import { updateCatalogItem } from '../../core/catalog/catalog-edit.ts';
import { getSubscription } from '../../core/subscriptions/subscriptions.ts';
import { subscriptionsNewestFirst } from '../../core/subscriptions/lists.ts';
import { recordSubscription } from '../../core/flows/record-subscription.ts';
import { retryOnDuplicateRef } from '../../core/customers/by-ref.ts';
import { findByRef } from '../../core/refs/refs.ts';
import type { ScheduleUnit } from '../../core/subscriptions/schedule.ts';
import type { Body } from '../kit/fields.ts';
import { cdRequest, type CdRequest } from './context.ts';
import { badParam, notFoundHere } from './errors.ts';
import { checkClientId, customerIdOf, objectIdOf, REF, refValue } from './ids.ts';
import { envelope, rangeConditions, readPage, readRange } from './lists.ts';
import { coreStatus, productData, renderProducts, renderSubscriptions, subscriptionData, SUBSCRIPTION_STATUSES, type SubscriptionStatus } from './views.ts';
import { decimal, mergeMetadata, objectList, optAmount, optFlag, optText, optWhole, readAmount, readCurrency, readMetadata, reqText, VENDOR } from './wire.ts';

const INTERVALS = ['day', 'week', 'month', 'year'];
const links = (req: CdRequest) => ({ company: req.company, base: req.base });

async function subscriptionByPath(req: CdRequest, text: string): Promise<SubscriptionRow> {
  const id = await objectIdOf(req.ctx, 'subscription', text);
  const row = id === null ? null : await getSubscription(req.ctx, id).catch(() => null);
  if (!row) throw notFoundHere('subscription');
  return row;
}

async function productByPath(req: CdRequest, text: string): Promise<CatalogItemRow> {
  const id = await objectIdOf(req.ctx, 'product', text);
  const [row] = id === null ? [] : await catalogItemsByIds(req.ctx, [id]);
  if (!row || row.deleted_at !== null) throw notFoundHere('product');
  return row;
}

/** A record subscription's fields (create, or `existing` for an update: only those given change). */
async function subscriptionFields(req: CdRequest, existing: SubscriptionRow | null) {
  const body = req.body;
  const stored = existing ? subscriptionData(existing) : {};
  const statusText = optText(body, 'status');
  let status: SubscriptionStatus | undefined;
  if (statusText !== undefined) {
    const word = statusText.trim().toLowerCase() === 'trailing' ? 'trialing' : statusText.trim().toLowerCase();
    if (!(SUBSCRIPTION_STATUSES as readonly string[]).includes(word)) throw badParam('status must be one of the subscription statuses', 'status');
    status = word as SubscriptionStatus;
  } else if (!existing) status = 'active';
  const currencyText = optText(body, 'currency');
  const currency = currencyText ? readCurrency(currencyText) : (existing?.currency ?? 'USD');
  const quantity = optWhole(body, 'quantity', { min: 1 });
  const unit = optAmount(body, 'amount', currency);
  const interval = optText(body, 'interval');
  if (interval !== undefined && interval !== '' && !INTERVALS.includes(interval)) throw badParam('interval must be day, week, month or year', 'interval');
  const count = optWhole(body, 'interval_count', { min: 1 });
  let planId: number | null | undefined;
  const product = optText(body, 'product_id');
  if (product !== undefined && product !== '') {
    planId = await objectIdOf(req.ctx, 'product', product);
    if (planId === null) throw badParam('No product with this product_id', 'product_id');
  }
  const data: Record<string, unknown> = {};
  if (status) data.status = status;
  if (quantity !== undefined) data.quantity = quantity;
  if (interval !== undefined) data.interval = interval;
  const setup = optAmount(body, 'setup_amount', currency);
  if (setup !== undefined) data.setup_amount = setup;
  for (const key of ['current_period_start', 'current_period_end', 'trial_start', 'trial_end', 'ended_at', 'canceled_at', 'billing_cycles_total', 'billing_cycles_current'] as const) {
    const value = optWhole(body, key);
    if (value !== undefined) data[key] = value;
  }
  const gatewayId = optText(body, 'gateway_id');
  if (gatewayId !== undefined) data.gateway_id = gatewayId;
  const metadata = readMetadata(body);
  if (metadata !== undefined) data.metadata = mergeMetadata(stored.metadata, metadata);
  const items = objectList(body, 'items');
  if (items) {
    data.items = items.map((item: Body) => {
      const cur = item.currency !== undefined && item.currency !== '' ? readCurrency(item.currency, 'items') : currency;
      const percent = item.percent !== undefined && item.percent !== '' ? Number(item.percent) : null;
      if (percent !== null && !(Number.isFinite(percent) && percent >= 0 && percent <= 100)) throw badParam('items percent must be from 0 to 100', 'items');
      return {
        id: optText(item, 'id', { field: 'items' }) ?? '',
        amount: decimal(readAmount(item.amount ?? '0', cur, 'items'), cur),
        currency: cur,
        quantity: optWhole(item, 'quantity', { field: 'items', min: 1 }) ?? 1,
        percent,
        description: optText(item, 'description', { field: 'items' }) ?? '',
      };
    });
  }
  const q = quantity ?? stored.quantity ?? 1;
  const amount = unit !== undefined ? unit * q : quantity !== undefined && existing ? Math.round(existing.amount / (stored.quantity ?? 1)) * q : undefined;
  const schedule =
    interval !== undefined || count !== undefined
      ? {
          unit: (interval || (existing ? JSON.parse(existing.schedule).unit : 'month')) as ScheduleUnit,
          interval: count ?? (existing ? JSON.parse(existing.schedule).interval : 1),
          anchors: [],
          shortMonths: 'clamp' as const,
        }
      : undefined;
  return { status, currency, amount, schedule, planId, data, currencyGiven: currencyText !== undefined };
}

export async function recordRoutes(app: FastifyInstance): Promise<void> {
  app.post('/subscriptions', async (request) => {
    const req = cdRequest(request);
    const id = reqText(req.body, 'subscription_id');
    const problem = checkClientId(id, 'subscription_id');
    if (problem) throw badParam(problem, 'subscription_id');
    const customerText = optText(req.body, 'customer_id');
    if (!customerText) throw badParam('customer_id is required', 'customer_id');
    const f = await subscriptionFields(req, null);
    const upsert = optText(req.body, 'duplicate') === 'update';
    const result = await recordSubscription(req.ctx, {
      ref: refValue('subscription', id),
      customer: {
        ref: refValue('customer', customerText),
        create: { ...(customerText.includes('@') ? { email: customerText } : {}), vendor: VENDOR, vendorData: { username: customerText.includes('@') ? customerText : '' } },
      },
      create: {
        amount: f.amount ?? 0,
        currency: f.currency,
        schedule: f.schedule ?? { unit: 'month', interval: 1, anchors: [], shortMonths: 'clamp' },
        planId: f.planId ?? null,
        // A record of a subscription another system bills: the recurring engine leaves it alone.
        billedElsewhere: true,
        vendor: VENDOR,
        vendorData: { interval: '', ...f.data },
      },
      changes: {
        ...(f.amount !== undefined ? { amount: f.amount } : {}),
        ...(f.schedule ? { schedule: f.schedule } : {}),
        ...(f.planId !== undefined ? { planId: f.planId } : {}),
        ...(f.status ? { status: coreStatus(f.status) } : {}),
        vendor: VENDOR,
        vendorData: f.data,
      },
      upsert,
    });
    return (await renderSubscriptions(req.ctx, [result.subscription], links(req)))[0];
  });

  app.get('/subscriptions', async (request) => {
    const req = cdRequest(request);
    const page = readPage(req.query, 10_000);
    const customer = optText(req.query, 'customer_id');
    const customerId = customer !== undefined ? ((await customerIdOf(req.ctx, customer)) ?? -1) : undefined;
    const range = readRange(req.query, 'created');
    const rows = await subscriptionsNewestFirst(req.ctx, { ...(customerId !== undefined ? { customerIds: [customerId] } : {}), ...range, ...page });
    return envelope(page, await renderSubscriptions(req.ctx, rows, links(req)));
  });

  app.get('/subscriptions/:id', async (request) => {
    const req = cdRequest(request);
    return (await renderSubscriptions(req.ctx, [await subscriptionByPath(req, (request.params as { id: string }).id)], links(req)))[0];
  });

  app.post('/subscriptions/:id', async (request) => {
    const req = cdRequest(request);
    const row = await subscriptionByPath(req, (request.params as { id: string }).id);
    const f = await subscriptionFields(req, row);
    const rename = optText(req.body, 'subscription_id');
    if (rename !== undefined) {
      const problem = rename.trim() === '' ? 'subscription_id cannot be empty' : checkClientId(rename, 'subscription_id');
      if (problem) throw badParam(problem, 'subscription_id');
    }
    const customerText = optText(req.body, 'customer_id');
    const result = await recordSubscription(req.ctx, {
      subscriptionId: row.id,
      ...(rename ? { ref: refValue('subscription', rename) } : {}),
      ...(customerText ? { customer: { ref: refValue('customer', customerText), create: { vendor: VENDOR, vendorData: {} } } } : {}),
      changes: {
        ...(f.amount !== undefined ? { amount: f.amount } : {}),
        ...(f.schedule ? { schedule: f.schedule } : {}),
        ...(f.planId !== undefined ? { planId: f.planId } : {}),
        ...(f.status ? { status: coreStatus(f.status) } : {}),
        vendor: VENDOR,
        vendorData: f.data,
      },
    });
    return (await renderSubscriptions(req.ctx, [result.subscription], links(req)))[0];
  });

  // ---- products ----
  const productInput = (req: CdRequest, existing: CatalogItemRow | null) => {
    const body = req.body;
    const stored = existing ? productData(existing) : {};
    const currencyText = optText(body, 'currency');
    const currency = currencyText ? readCurrency(currencyText) : (stored.currency ?? 'USD');
    const amount = optAmount(body, 'amount', currency);
    const interval = optText(body, 'interval');
    if (interval !== undefined && interval !== '' && !INTERVALS.includes(interval)) throw badParam('interval must be day, week, month or year, or empty', 'interval');
    const data: Record<string, unknown> = {};
    if (currencyText) data.currency = currency;
    const quantity = optWhole(body, 'quantity', { min: 1 });
    if (quantity !== undefined) data.quantity = quantity;
    const url = optText(body, 'url');
    if (url !== undefined) data.url = url;
    const setup = optAmount(body, 'setup_amount', currency);
    if (setup !== undefined) data.setup_amount = setup;
    const cycles = optWhole(body, 'billing_cycles_total');
    if (cycles !== undefined) data.billing_cycles_total = cycles;
    const gatewayId = optText(body, 'gateway_id');
    if (gatewayId !== undefined) data.gateway_id = gatewayId;
    const taxable = optFlag(body, 'taxable');
    if (taxable !== undefined) data.taxable = taxable ? 1 : 0;
    const name = optText(body, 'name');
    if (name !== undefined) data.unnamed = name.trim() === '';
    const description = optText(body, 'description', { max: 255 });
    const chargeable = optFlag(body, 'chargeable');
    const count = optWhole(body, 'interval_count', { min: 1 });
    const trial = optWhole(body, 'trial_period_days');
    const prices = amount !== undefined || currencyText ? { [currency]: amount ?? (existing ? (JSON.parse(existing.prices)[stored.currency ?? ''] ?? 0) : 0) } : undefined;
    return { name, description, chargeable, interval, count, trial, prices, data };
  };

  app.post('/products', async (request) => {
    const req = cdRequest(request);
    const id = reqText(req.body, 'product_id');
    const problem = checkClientId(id, 'product_id');
    if (problem) throw badParam(problem, 'product_id');
    const p = productInput(req, null);
    const upsert = optText(req.body, 'duplicate') === 'update';
    const row = await retryOnDuplicateRef(
      async () => {
        // duplicate=update: the reference's product is updated; otherwise the unique index refuses a second one.
        const existing = upsert ? await findByRef(req.ctx, { ...REF.product, objectType: 'catalog_item' }, id) : null;
        if (existing !== null) return updateProduct(req, existing, p);
        return createCatalogItem(req.ctx, {
          kind: 'product',
          name: p.name && p.name.trim() ? p.name : id,
          description: p.description ?? null,
          refs: [{ ...REF.product, value: id }],
          active: p.chargeable ?? true,
          intervalUnit: (p.interval || null) as 'day' | null,
          intervalCount: p.count ?? 1,
          trialDays: p.trial ?? null,
          prices: p.prices,
          vendorData: { [VENDOR]: { currency: 'USD', ...p.data, unnamed: !(p.name && p.name.trim()) } },
        });
      },
      upsert ? [REF.product.kind] : [],
    );
    return (await renderProducts(req.ctx, [row], links(req)))[0];
  });

  const updateProduct = async (req: CdRequest, id: number, p: ReturnType<typeof productInput>, rename?: string) => {
    return updateCatalogItem(req.ctx, id, 'product', {
      ...(p.name !== undefined && p.name.trim() ? { name: p.name } : {}),
      ...(p.description !== undefined ? { description: p.description } : {}),
      ...(p.chargeable !== undefined ? { active: p.chargeable } : {}),
      ...(p.interval !== undefined ? { intervalUnit: p.interval || null } : {}),
      ...(p.count !== undefined ? { intervalCount: p.count } : {}),
      ...(p.prices ? { prices: p.prices } : {}),
      ...(rename ? { refs: [{ ...REF.product, value: rename }] } : {}),
      ...(p.trial !== undefined ? { trialDays: p.trial } : {}),
      vendor: VENDOR,
      vendorData: p.data,
    });
  };

  app.get('/products', async (request) => {
    const req = cdRequest(request);
    const page = readPage(req.query, 10_000);
    const { rows } = await listCatalog(req.ctx, 'product', { where: rangeConditions('created_at', {}), order: [{ field: 'created_at', direction: 'desc' }], tieBreak: 'desc', ...page });
    return envelope(page, await renderProducts(req.ctx, rows, links(req)));
  });

  app.get('/products/:id', async (request) => {
    const req = cdRequest(request);
    return (await renderProducts(req.ctx, [await productByPath(req, (request.params as { id: string }).id)], links(req)))[0];
  });

  app.post('/products/:id', async (request) => {
    const req = cdRequest(request);
    const row = await productByPath(req, (request.params as { id: string }).id);
    const rename = optText(req.body, 'product_id');
    if (rename !== undefined) {
      const problem = rename.trim() === '' ? 'product_id cannot be empty' : checkClientId(rename, 'product_id');
      if (problem) throw badParam(problem, 'product_id');
    }
    const updated = await updateProduct(req, row.id, productInput(req, row), rename);
    return (await renderProducts(req.ctx, [updated], links(req)))[0];
  });
}
