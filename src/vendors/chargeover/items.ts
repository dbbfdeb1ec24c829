// /item (spec 3.6, G3): create, get, list/query/count, delete. Each item has one tierset per
// currency; the core keeps the base price per currency, the rest of the tierset rides along.
import { createCatalogItem, deleteCatalogItem } from '../../core/catalog/catalog.ts';
import { catalogItemsByIds, countCatalog, listCatalog } from '../../core/catalog/queries.ts';
import { reasonOf } from '../../core/errors/domain-error.ts';
import { refsOf } from '../../core/refs/refs.ts';
import type { CatalogItemRow } from '../../core/database.ts';
import { bad, created, duplicateKey, ok, type CoRequest, type CoResult } from './envelope.ts';
import { EXTERNAL_KEY, vendorText } from './fields.ts';
import { listing, pageOf, whereOf, type FieldTable } from './lists.ts';
import { target } from './refs.ts';
import type { Resource } from './router.ts';
import { asObject, currencyId, currencyIso, datetime, formatted, money, optInt, optString, parseAmount, VENDOR, vendorData } from './wire.ts';

interface TiersetExtra {
  setup: number;
  paycycle: string;
  pricemodel: string;
  percent: string;
}

export const PRICEMODELS: Record<string, string> = {
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
  const refs = externalKey ? [{ vendor: VENDOR, kind: 'external_key', value: externalKey }] : undefined;
  const row = await createCatalogItem(req.ctx, { kind: 'item', name: name.trim(), description: optString(body, 'description') ?? null, refs, prices, vendorData: { [VENDOR]: v } }).catch(
    (error: unknown) => {
      if (reasonOf(error) === 'duplicate_ref') throw duplicateKey('item', String(externalKey));
      throw error;
    },
  );
  return created(req, 'item', row.id);
}

export function renderItem(row: CatalogItemRow, externalKey: string | null): Record<string, unknown> {
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
    external_key: externalKey,
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

/** where= fields of /item (README: where fields). */
export const ITEM_FIELDS: FieldTable = {
  item_id: 'id',
  name: 'name',
  description: 'description',
  external_key: EXTERNAL_KEY,
  token: 'token',
  item_type: vendorText('item_type', 'service'),
  accounting_sku: vendorText('accounting_sku'),
};

async function render(req: CoRequest, rows: CatalogItemRow[]): Promise<Record<string, unknown>[]> {
  const keys = await refsOf(
    req.ctx,
    { vendor: VENDOR, objectType: 'catalog_item', kind: 'external_key' },
    rows.map((r) => r.id),
  );
  return rows.map((row) => renderItem(row, keys.get(row.id) ?? null));
}

export const items: Resource = {
  list: async (req) => ok(await render(req, (await listing(listCatalog(req.ctx, 'item', pageOf(req, ITEM_FIELDS)))).rows)),
  count: async (req) => ok(await listing(countCatalog(req.ctx, 'item', { where: whereOf(req, ITEM_FIELDS) }))),
  create,
  get: async (req, segment) => ok((await render(req, await catalogItemsByIds(req.ctx, [await target(req.ctx, 'item', segment)])))[0]),
  remove: async (req, segment) => {
    await deleteCatalogItem(req.ctx, await target(req.ctx, 'item', segment), 'item');
    return ok(true);
  },
};
