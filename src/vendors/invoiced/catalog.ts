// Items and plans (beyond the seed; the official clients expose them): core catalog items of kind
// item and plan. Invoiced lets the client choose an item's or plan's id ("delivery", "pro-monthly"):
// that id is an external reference (kind client_id) and is what the door shows; without one the
// core's integer is the id. A plan's price is its amount in its currency; its interval word
// (day, week, month, year) and interval_count are the core's billing interval.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TenantContext } from '../../core/context.ts';
import type { CatalogItemRow } from '../../core/database.ts';
import { invalid, notFound } from '../../core/errors/domain-error.ts';
import { createCatalogItem, deleteCatalogItem, getCatalogItem, INTERVAL_UNITS, type CatalogKind } from '../../core/catalog/catalog.ts';
import { updateCatalogItem } from '../../core/catalog/catalog-edit.ts';
import { listCatalog } from '../../core/catalog/queries.ts';
import { findByRef } from '../../core/refs/refs.ts';
import { tenantOf } from '../../http/auth.ts';
import type { WireField } from '../kit/filters.ts';
import { renderItems, renderPlans } from './render.ts';
import { bodyOf, readAmount, readBool, readCurrency, readList, readMetadata, readString, sendList, VENDOR, type Body } from './wire.ts';

const FIELDS: Record<string, WireField> = { name: 'name', description: 'description', created_at: 'created_at', updated_at: 'updated_at' };

/** An item or plan by its client-chosen id, else by the core's integer id. */
export async function findCatalog(ctx: TenantContext, text: unknown, kind: CatalogKind): Promise<CatalogItemRow> {
  const value = typeof text === 'number' ? String(text) : typeof text === 'string' ? text : '';
  if (!value || value.length > 128) throw notFound(kind, text);
  const byRef = await findByRef(ctx, { vendor: VENDOR, objectType: 'catalog_item', kind: 'client_id' }, value);
  const id = byRef ?? (/^[1-9]\d{0,14}$/.test(value) ? Number(value) : null);
  if (id === null) throw notFound(kind, text);
  return getCatalogItem(ctx, id, kind);
}

function clientId(body: Body): string | undefined {
  const id = readString(body, 'id', { max: 128 });
  if (id === undefined) return undefined;
  if (!/^[A-Za-z0-9_.-]+$/.test(id)) throw invalid('id may hold letters, digits, "-", "_" and "."', 'id');
  return id;
}

function ownFields(body: Body, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    if (body[key] === undefined) continue;
    out[key] = key === 'taxable' || key === 'discountable' ? readBool(body, key) : readString(body, key, { max: 255 }) || null;
  }
  const metadata = readMetadata(body);
  if (metadata) out.metadata = metadata;
  return out;
}

function interval(body: Body, required: boolean): { unit?: (typeof INTERVAL_UNITS)[number]; count?: number } {
  const unit = readString(body, 'interval');
  if (unit === undefined || unit === '') {
    if (required) throw invalid('interval is required (day, week, month or year)', 'interval');
    return {};
  }
  if (!(INTERVAL_UNITS as readonly string[]).includes(unit)) throw invalid('interval must be day, week, month or year', 'interval');
  const count = body.interval_count ?? 1;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 365) throw invalid('interval_count must be a whole number from 1', 'interval_count');
  return { unit: unit as (typeof INTERVAL_UNITS)[number], count };
}

type Id = { Params: { id: string } };

function routesFor(app: FastifyInstance, path: string, kind: 'item' | 'plan', render: (ctx: TenantContext, rows: CatalogItemRow[]) => Promise<unknown[]>): void {
  const priceKey = kind === 'item' ? 'unit_cost' : 'amount';
  const ownKeys = kind === 'item' ? ['type', 'taxable', 'discountable'] : ['catalog_item'];
  const one = async (ctx: TenantContext, row: CatalogItemRow) => (await render(ctx, [row]))[0];

  app.post(path, async (request, reply) => {
    const ctx = tenantOf(request);
    const body = bodyOf(request);
    const name = readString(body, 'name', { max: 255 });
    if (!name) throw invalid('name is required', 'name');
    const currency = readCurrency(body) ?? 'USD';
    const price = readAmount(body, priceKey, currency, { allowZero: true });
    if (kind === 'plan' && price === undefined) throw invalid('amount is required', 'amount');
    const { unit, count } = interval(body, kind === 'plan');
    const id = clientId(body);
    const row = await createCatalogItem(ctx, {
      kind,
      name,
      description: readString(body, 'description', { max: 2000 }) || null,
      prices: { [currency]: price ?? 0 },
      intervalUnit: unit ?? null,
      intervalCount: count ?? null,
      refs: id ? [{ vendor: VENDOR, kind: 'client_id', value: id }] : undefined,
      vendorData: { [VENDOR]: { currency, ...ownFields(body, ownKeys) } },
    });
    return reply.code(201).send(await one(ctx, row));
  });

  app.get(path, async (request, reply) => {
    const ctx = tenantOf(request);
    const list = readList(request, FIELDS);
    const page = await listCatalog(ctx, kind, { where: list.where, order: list.order, offset: list.offset, limit: list.perPage, total: true });
    return sendList(request, reply, list, await render(ctx, page.rows), page.total ?? 0);
  });

  app.get(`${path}/:id`, async (request: FastifyRequest<Id>) => {
    const ctx = tenantOf(request);
    return one(ctx, await findCatalog(ctx, request.params.id, kind));
  });

  app.patch(`${path}/:id`, async (request: FastifyRequest<Id>) => {
    const ctx = tenantOf(request);
    const row = await findCatalog(ctx, request.params.id, kind);
    const body = bodyOf(request);
    const stored = (JSON.parse(row.vendor_data) as Record<string, Record<string, unknown>>)[VENDOR]?.currency as string | undefined;
    const currency = readCurrency(body) ?? stored ?? Object.keys(JSON.parse(row.prices) as Record<string, number>)[0] ?? 'USD';
    const price = readAmount(body, priceKey, currency, { allowZero: true });
    const { unit, count } = interval(body, false);
    const name = readString(body, 'name', { max: 255 });
    const description = readString(body, 'description', { max: 2000 });
    const updated = await updateCatalogItem(ctx, row.id, kind, {
      name,
      description: description === undefined ? undefined : description || null,
      prices: price === undefined && body.currency === undefined ? undefined : { [currency]: price ?? (JSON.parse(row.prices) as Record<string, number>)[currency] ?? 0 },
      intervalUnit: unit,
      intervalCount: count,
      vendor: VENDOR,
      vendorData: { currency, ...ownFields(body, ownKeys) },
    });
    return one(ctx, updated);
  });

  app.delete(`${path}/:id`, async (request: FastifyRequest<Id>, reply) => {
    const ctx = tenantOf(request);
    const row = await findCatalog(ctx, request.params.id, kind);
    await deleteCatalogItem(ctx, row.id, kind);
    return reply.code(204).send();
  });
}

export async function catalogRoutes(app: FastifyInstance): Promise<void> {
  routesFor(app, '/items', 'item', renderItems);
  routesFor(app, '/plans', 'plan', renderPlans);
}
