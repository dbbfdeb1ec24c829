// /item (spec 3.6, G3): create, get, list/query/count, delete. Each item has one tierset per
// currency; the core keeps the base price per currency, the rest of the tierset rides along.
import { sql, type ExpressionBuilder } from 'kysely';
import { createCatalogItem, deleteCatalogItem } from '../../core/catalog/catalog.ts';
import { DomainError, ErrorCode } from '../../core/errors/domain-error.ts';
import { expressionCondition, type FieldMap, type FieldType, type Filter } from '../../core/query/filters.ts';
import type { CatalogItemRow, Database } from '../../store/schema.ts';
import { jsonText } from '../../store/json.ts';
import { bad, created, duplicateKey, ok, type CoRequest, type CoResult } from './envelope.ts';
import { countIds, inOrder, listIds } from './lists.ts';
import { target } from './refs.ts';
import type { Resource } from './router.ts';
import { asObject, currencyId, currencyIso, datetime, formatted, money, optInt, optString, parseAmount, VENDOR, vendorData } from './wire.ts';

interface TiersetExtra {
  setup: number;
  paycycle: string;
  pricemodel: string;
  percent: string;
}

const PRICEMODELS: Record<string, string> = {
  fla: 'Flat Pricing (e.g. $X dollars per month)',
  uni: 'Unit Pricing (e.g. $X per unit)',
  tie: 'Tiered Pricing',
  vol: 'Volume Pricing',
};

export const tiersetId = (itemId: number, currency: string): number => itemId * 100 + currencyId(currency);

function parseTierset(raw: unknown, field: string): { currency: string; base: number; extra: TiersetExtra } {
  const t = asObject(raw);
  const currency = t.currency_id === undefined || t.currency_id === null ? 'USD' : currencyIso(optInt(t, 'currency_id'));
  const pricemodel = optString(t, 'pricemodel') ?? 'fla';
  if (!PRICEMODELS[pricemodel]) throw bad(`${field}.pricemodel must be one of ${Object.keys(PRICEMODELS).join(', ')}`);
  return {
    currency,
    base: t.base === undefined || t.base === null ? 0 : parseAmount(t.base, currency, `${field}.base`),
    extra: { setup: t.setup === undefined || t.setup === null ? 0 : parseAmount(t.setup, currency, `${field}.setup`), paycycle: optString(t, 'paycycle') ?? 'evy', pricemodel, percent: '0.000000' },
  };
}

async function create(req: CoRequest): Promise<CoResult> {
  const body = asObject(req.body);
  const name = optString(body, 'name');
  if (!name || !name.trim()) throw bad('name is required');
  const tiersets: Array<ReturnType<typeof parseTierset>> = [];
  if (Array.isArray(body.tiersets)) body.tiersets.forEach((t, i) => tiersets.push(parseTierset(t, `tiersets[${i}]`)));
  else if (body.pricemodel !== undefined && body.pricemodel !== null) tiersets.push(parseTierset(body.pricemodel, 'pricemodel'));
  const externalKey = optString(body, 'external_key') || null;
  const extras: Record<string, TiersetExtra> = {};
  const prices: Record<string, number> = {};
  for (const t of tiersets) {
    prices[t.currency] = t.base;
    extras[t.currency] = t.extra;
  }
  const v: Record<string, unknown> = { item_type: optString(body, 'type') ?? optString(body, 'item_type') ?? 'service', tiersets: extras };
  for (const key of ['units', 'units_plural', 'accounting_sku', 'custom_1', 'custom_2', 'custom_3']) {
    const value = optString(body, key);
    if (value !== undefined) v[key] = value;
  }
  const row = await createCatalogItem(req.ctx, { kind: 'item', name: name.trim(), description: optString(body, 'description') ?? null, externalKey, prices, vendorData: { [VENDOR]: v } }).catch((error: unknown) => {
    if (error instanceof DomainError && error.code === ErrorCode.CONFLICT) throw duplicateKey('item', String(externalKey));
    throw error;
  });
  return created(req, 'item', row.id);
}

export function renderItem(row: CatalogItemRow): Record<string, unknown> {
  const v = vendorData(row.vendor_data);
  const extras = (v.tiersets ?? {}) as Record<string, TiersetExtra>;
  const prices = JSON.parse(row.prices) as Record<string, number>;
  const tiersets = Object.entries(prices).map(([currency, base]) => {
    const e = extras[currency] ?? { setup: 0, paycycle: 'evy', pricemodel: 'fla', percent: '0.000000' };
    return {
      tierset_id: tiersetId(row.id, currency),
      currency_id: currencyId(currency),
      setup: money(e.setup, currency),
      base: money(base, currency),
      percent: e.percent,
      paycycle: e.paycycle,
      pricemodel: e.pricemodel,
      write_datetime: datetime(row.created_at),
      mod_datetime: datetime(row.updated_at),
      currency_symbol: formatted(0, currency).split(' ')[0],
      currency_iso4217: currency,
      setup_formatted: formatted(e.setup, currency),
      base_formatted: formatted(base, currency),
      percent_formatted: '0 %',
      pricemodel_desc: PRICEMODELS[e.pricemodel] ?? '',
      tiers: [],
    };
  });
  return {
    item_id: row.id,
    item_type: v.item_type ?? 'service',
    tierset_id: tiersets[0]?.tierset_id ?? null,
    name: row.name,
    description: row.description,
    units: v.units ?? null,
    accounting_sku: v.accounting_sku ?? null,
    external_key: row.external_key,
    token: row.token,
    enabled: row.active === 1,
    custom_1: v.custom_1 ?? null,
    custom_2: v.custom_2 ?? null,
    custom_3: v.custom_3 ?? null,
    write_datetime: datetime(row.created_at),
    mod_datetime: datetime(row.updated_at),
    units_plural: v.units_plural ?? '',
    service_data: { trial_days: row.trial_days ?? 0, trial_units: 0, is_usage: false },
    tiersets,
    categories: [],
  };
}

const expr = (build: () => ReturnType<typeof sql>, type: FieldType) => ({
  condition: (_eb: ExpressionBuilder<Database, 'catalog_items'>, filter: Filter) => expressionCondition(build(), type, filter),
});

function fields(req: CoRequest): FieldMap<Database, 'catalog_items'> {
  const d = req.ctx.dialect;
  return {
    item_id: { column: 'id', type: 'number' },
    name: { column: 'name', type: 'text_ci' },
    description: { column: 'description', type: 'text_ci' },
    external_key: { column: 'external_key', type: 'text_ci' },
    token: { column: 'token', type: 'text_ci' },
    item_type: expr(() => jsonText(d, 'vendor_data', [VENDOR, 'item_type']), 'text_ci'),
    accounting_sku: expr(() => jsonText(d, 'vendor_data', [VENDOR, 'accounting_sku']), 'text_ci'),
  };
}

const base = (req: CoRequest) => req.ctx.db.selectFrom('catalog_items').select('id').where('tenant_id', '=', req.ctx.tenant.id).where('kind', '=', 'item').where('deleted_at', 'is', null);

async function load(req: CoRequest, ids: number[]): Promise<Record<string, unknown>[]> {
  if (ids.length === 0) return [];
  const rows = await req.ctx.db.selectFrom('catalog_items').selectAll().where('tenant_id', '=', req.ctx.tenant.id).where('id', 'in', ids).execute();
  return inOrder(ids, rows, (r) => r.id).map(renderItem);
}

export const items: Resource = {
  list: async (req) => ok(await load(req, await listIds(req, base(req), fields(req), 'item_id'))),
  count: async (req) => ok(await countIds(req, base(req), fields(req))),
  create,
  get: async (req, segment) => ok((await load(req, [await target(req.ctx, 'item', segment)]))[0]),
  remove: async (req, segment) => {
    await deleteCatalogItem(req.ctx, await target(req.ctx, 'item', segment), 'item');
    return ok(true);
  },
};

// Subscriptions arrive with the recurring-billing issue; until then /package answers a clear 400.
export const packages: Resource = {
  custom: async () => {
    throw bad('Packages (subscriptions) are not available yet on this server: they arrive with recurring billing.');
  },
};
