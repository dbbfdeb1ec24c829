// Recurring add-ons, discounts and plans (spec #38-52, §3.11-3.12, §4.6) over the core catalog.
// Add-ons and discounts share one shape; plans embed per-plan copies of them with overrides applied.
import { catalogItemsByIds } from '../../core/catalog/queries.ts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TenantContext } from '../../core/context.ts';
import { createCatalogItem, deleteCatalogItem, getCatalogItem, priceOf, type CatalogKind } from '../../core/catalog/catalog.ts';
import { listCatalogItems, updateCatalogItem } from '../../core/catalog/catalog-edit.ts';
import { invalid, notFound } from '../../core/errors/domain-error.ts';
import { adjustmentTotal, type Adjustment } from '../../core/subscriptions/subscriptions.ts';
import type { CatalogItemRow } from '../../core/database.ts';
import { tenantOf } from '../../http/auth.ts';
import { decodeId, encodeId, sameSecond, type IdKind } from './ids.ts';
import { parseScheduleFields } from './schedule-wire.ts';
import { bodyOf, isObject, listed, ok, optInt, optString, ts, type Body } from './wire.ts';

type AdjustmentKind = 'addon' | 'discount';

interface AdjustmentData {
  percentage?: number | null;
  duration?: number;
}

interface PlanData {
  billing_cycle_interval: number;
  billing_frequency: string;
  billing_days: string;
  duration: number;
  add_ons: Adjustment[];
  discounts: Adjustment[];
}

const fpData = <T>(row: CatalogItemRow): Partial<T> => (JSON.parse(row.vendor_data || '{}') as { fluidpay?: Partial<T> }).fluidpay ?? {};

export async function findCatalog(ctx: TenantContext, kind: CatalogKind & IdKind, idText: string): Promise<CatalogItemRow> {
  const decoded = decodeId(kind, idText);
  if (!decoded) throw notFound(kind, idText);
  const row = await getCatalogItem(ctx, decoded.id, kind);
  if (!sameSecond(decoded, row.created_at)) throw notFound(kind, idText);
  return row;
}

// ---- add-ons and discounts ------------------------------------------------------------------------

export function adjustmentOf(row: CatalogItemRow): Adjustment {
  const data = fpData<AdjustmentData>(row);
  return {
    catalogId: row.id,
    name: row.name,
    description: row.description ?? '',
    amount: data.percentage === null || data.percentage === undefined ? priceOf(row, 'USD') : null,
    percentage: data.percentage ?? null,
    duration: data.duration ?? 0,
  };
}

function renderAdjustment(row: CatalogItemRow, kind: AdjustmentKind) {
  const a = adjustmentOf(row);
  return {
    id: encodeId(kind, row.id, row.created_at),
    name: a.name,
    description: a.description,
    amount: a.amount,
    percentage: a.percentage,
    duration: a.duration,
    created_at: ts(row.created_at),
    updated_at: ts(row.updated_at),
  };
}

/** amount xor percentage (§4.6); on update the fields sent replace the stored ones. */
function parseAdjustment(body: Body, existing?: Adjustment) {
  const name = optString(body, 'name', { max: 255 });
  const description = optString(body, 'description', { max: 255 });
  const amount = optInt(body, 'amount', { min: 0 });
  const percentage = optInt(body, 'percentage', { min: 0 });
  const duration = optInt(body, 'duration', { min: 0 });
  if (amount !== undefined && percentage !== undefined) throw invalid('Provide either amount or percentage, not both', 'amount');
  let finalAmount = existing?.amount ?? null;
  let finalPercentage = existing?.percentage ?? null;
  if (amount !== undefined) [finalAmount, finalPercentage] = [amount, null];
  if (percentage !== undefined) [finalAmount, finalPercentage] = [null, percentage];
  if (finalAmount === null && finalPercentage === null) throw invalid('Provide either amount or percentage', 'amount');
  return { name, description, amount: finalAmount, percentage: finalPercentage, duration: duration ?? existing?.duration ?? 0 };
}

function adjustmentRoutes(kind: AdjustmentKind) {
  return async (app: FastifyInstance): Promise<void> => {
    const base = `/recurring/${kind}`;
    app.post(base, async (request) => {
      const ctx = tenantOf(request);
      const input = parseAdjustment(bodyOf(request));
      const row = await createCatalogItem(ctx, {
        kind,
        name: input.name ?? '',
        description: input.description ?? '',
        prices: input.amount === null ? {} : { USD: input.amount },
        vendorData: { fluidpay: { percentage: input.percentage, duration: input.duration } },
      });
      return ok(renderAdjustment(row, kind));
    });
    const list = async (request: FastifyRequest) => {
      const rows = await listCatalogItems(tenantOf(request), kind);
      return listed(
        rows.map((row) => renderAdjustment(row, kind)),
        rows.length,
      );
    };
    app.get(`${base}s`, list);
    app.post(`${base}s`, list); // G12: the doc's curl lists with POST
    // A single get answers an array of one (java, go and dart parse an array: fluidpay-v2 §5.2, overriding seed rows 39, 44).
    app.get<{ Params: { id: string } }>(`${base}/:id`, async (request) => {
      const ctx = tenantOf(request);
      return listed([renderAdjustment(await findCatalog(ctx, kind, request.params.id), kind)], 1);
    });
    app.post<{ Params: { id: string } }>(`${base}/:id`, async (request) => {
      const ctx = tenantOf(request);
      const row = await findCatalog(ctx, kind, request.params.id);
      const input = parseAdjustment(bodyOf(request), adjustmentOf(row));
      const updated = await updateCatalogItem(ctx, row.id, kind, {
        name: input.name,
        description: input.description,
        prices: input.amount === null ? {} : { USD: input.amount },
        vendor: 'fluidpay',
        vendorData: { percentage: input.percentage, duration: input.duration },
      });
      return ok(renderAdjustment(updated, kind));
    });
    app.delete<{ Params: { id: string } }>(`${base}/:id`, async (request) => {
      const ctx = tenantOf(request);
      await deleteCatalogItem(ctx, (await findCatalog(ctx, kind, request.params.id)).id, kind);
      return ok(null);
    });
  };
}

// ---- embedded add-ons/discounts on plans and subscriptions ------------------------------------------

/** [{id, name?, description?, amount?, percentage?, duration?}] → copies of the referenced items with overrides. */
export async function parseAdjustmentList(ctx: TenantContext, value: unknown, kind: AdjustmentKind, field: string): Promise<Adjustment[] | undefined> {
  if (value === undefined) return undefined;
  if (value === null) return [];
  if (!Array.isArray(value)) throw invalid(`${field} must be an array`, field);
  const out: Adjustment[] = [];
  for (const [i, item] of value.entries()) {
    const path = `${field}[${i}]`;
    if (!isObject(item)) throw invalid(`${path} must be an object`, path);
    const id = optString(item, 'id', { path: `${path}.id` });
    if (!id) throw invalid(`${path}.id is required`, `${path}.id`);
    let source: CatalogItemRow;
    try {
      source = await findCatalog(ctx, kind, id);
    } catch {
      throw invalid(`${path}.id is not an existing ${kind === 'addon' ? 'add-on' : 'discount'}`, `${path}.id`);
    }
    const base = adjustmentOf(source);
    const override = parseAdjustment(item, base);
    out.push({
      ...base,
      name: override.name ?? base.name,
      description: override.description ?? base.description,
      amount: override.amount,
      percentage: override.percentage,
      duration: override.duration,
    });
  }
  return out;
}

export function adjustmentId(kind: AdjustmentKind, a: Adjustment, createdAt: (id: number) => number | undefined): string {
  return encodeId(kind, a.catalogId, createdAt(a.catalogId) ?? 0);
}

/** Creation times of referenced catalog items (their ids embed it), deleted ones included. */
export async function catalogTimes(ctx: TenantContext, items: readonly Adjustment[]): Promise<Map<number, number>> {
  const ids = [...new Set(items.map((a) => a.catalogId))];
  if (ids.length === 0) return new Map();
  return new Map((await catalogItemsByIds(ctx, ids)).map((r) => [r.id, Number(r.created_at)]));
}

// ---- plans --------------------------------------------------------------------------------------------

export function planData(row: CatalogItemRow): PlanData {
  const data = fpData<PlanData>(row);
  return {
    billing_cycle_interval: data.billing_cycle_interval ?? 1,
    billing_frequency: data.billing_frequency ?? 'monthly',
    billing_days: data.billing_days ?? '1',
    duration: data.duration ?? 0,
    add_ons: data.add_ons ?? [],
    discounts: data.discounts ?? [],
  };
}

async function renderPlan(ctx: TenantContext, row: CatalogItemRow) {
  const data = planData(row);
  const amount = priceOf(row, 'USD') ?? 0;
  const times = await catalogTimes(ctx, [...data.add_ons, ...data.discounts]);
  const embed = (kind: AdjustmentKind) => (a: Adjustment) => ({
    id: adjustmentId(kind, a, (id) => times.get(id)),
    name: a.name,
    description: a.description,
    amount: a.amount,
    percentage: a.percentage,
    duration: a.duration,
    created_at: null,
    updated_at: null,
  });
  return {
    id: encodeId('plan', row.id, row.created_at),
    name: row.name,
    description: row.description ?? '',
    amount,
    billing_cycle_interval: data.billing_cycle_interval,
    billing_frequency: data.billing_frequency,
    billing_days: data.billing_days,
    total_add_ons: adjustmentTotal(amount, data.add_ons),
    total_discounts: adjustmentTotal(amount, data.discounts),
    duration: data.duration,
    add_ons: data.add_ons.map(embed('addon')),
    discounts: data.discounts.map(embed('discount')),
    created_at: ts(row.created_at),
    updated_at: ts(row.updated_at),
  };
}

async function parsePlan(ctx: TenantContext, body: Body, existing?: CatalogItemRow) {
  const before = existing ? planData(existing) : undefined;
  const name = optString(body, 'name', { max: 255 });
  const description = optString(body, 'description', { max: 255 });
  const amount = optInt(body, 'amount', { min: 0 }) ?? (existing ? (priceOf(existing, 'USD') ?? 0) : undefined);
  if (amount === undefined) throw invalid('amount is required', 'amount');
  const duration = optInt(body, 'duration', { min: 0 }) ?? before?.duration ?? 0;
  const { fields, cadence } = parseScheduleFields(body, before);
  const addOns = (await parseAdjustmentList(ctx, body.add_ons, 'addon', 'add_ons')) ?? before?.add_ons ?? [];
  const discounts = (await parseAdjustmentList(ctx, body.discounts, 'discount', 'discounts')) ?? before?.discounts ?? [];
  const data: PlanData = { ...fields, duration, add_ons: addOns, discounts };
  // The catalog's interval is the neutral one (every 2 × "7" days is every 2 weeks); the wire
  // fields stay in the door's vendor_data, which also holds what the catalog cannot (the days).
  return { name, description, amount, data, intervalUnit: cadence.unit, intervalCount: cadence.interval };
}

async function planRoutes(app: FastifyInstance): Promise<void> {
  app.post('/recurring/plan', async (request) => {
    const ctx = tenantOf(request);
    const input = await parsePlan(ctx, bodyOf(request));
    const row = await createCatalogItem(ctx, {
      kind: 'plan',
      name: input.name ?? '',
      description: input.description ?? '',
      intervalUnit: input.intervalUnit,
      intervalCount: input.intervalCount,
      prices: { USD: input.amount },
      vendorData: { fluidpay: input.data },
    });
    return ok(await renderPlan(ctx, row));
  });
  const list = async (request: FastifyRequest) => {
    const ctx = tenantOf(request);
    const rows = await listCatalogItems(ctx, 'plan');
    const data = [];
    for (const row of rows) data.push(await renderPlan(ctx, row));
    return listed(data, rows.length);
  };
  app.get('/recurring/plans', list);
  app.post('/recurring/plans', list);
  // An array of one, like the add-on and discount gets (fluidpay-v2 §5.2, overriding seed row 50).
  app.get<{ Params: { id: string } }>('/recurring/plan/:id', async (request) => {
    const ctx = tenantOf(request);
    return listed([await renderPlan(ctx, await findCatalog(ctx, 'plan', request.params.id))], 1);
  });
  app.post<{ Params: { id: string } }>('/recurring/plan/:id', async (request) => {
    const ctx = tenantOf(request);
    const row = await findCatalog(ctx, 'plan', request.params.id);
    const input = await parsePlan(ctx, bodyOf(request), row);
    const updated = await updateCatalogItem(ctx, row.id, 'plan', {
      name: input.name,
      description: input.description,
      intervalUnit: input.intervalUnit,
      intervalCount: input.intervalCount,
      prices: { USD: input.amount },
      vendor: 'fluidpay',
      vendorData: input.data as unknown as Record<string, unknown>,
    });
    return ok(await renderPlan(ctx, updated));
  });
  app.delete<{ Params: { id: string } }>('/recurring/plan/:id', async (request) => {
    const ctx = tenantOf(request);
    await deleteCatalogItem(ctx, (await findCatalog(ctx, 'plan', request.params.id)).id, 'plan');
    return ok(null);
  });
}

export async function recurringRoutes(app: FastifyInstance): Promise<void> {
  await app.register(adjustmentRoutes('addon'));
  await app.register(adjustmentRoutes('discount'));
  await app.register(planRoutes);
}
