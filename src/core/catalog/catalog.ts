// Catalog: items, products, plans, add-ons and discounts, with a price per currency and, for
// recurring things, a billing interval (used by the recurring engine in a later issue).
import type { CatalogItemRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { randomAlnum } from '../crypto/secrets.ts';
import { invalid, notFound } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { normalizeCurrency } from '../money/currencies.ts';
import { inWork } from '../work.ts';
import { setRefs, type RefChange } from '../refs/refs.ts';

export const CATALOG_KINDS = ['item', 'product', 'plan', 'addon', 'discount'] as const;
export type CatalogKind = (typeof CATALOG_KINDS)[number];
export const INTERVAL_UNITS = ['day', 'week', 'month', 'year'] as const;

export interface CatalogInput {
  kind: CatalogKind;
  name: string;
  description?: string | null;
  refs?: RefChange[];
  active?: boolean;
  intervalUnit?: (typeof INTERVAL_UNITS)[number] | null;
  intervalCount?: number | null;
  trialDays?: number | null;
  /** Minor units per currency code. */
  prices?: Record<string, number>;
  vendorData?: Record<string, unknown>;
}

function cleanPrices(prices: Record<string, number> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [code, amount] of Object.entries(prices ?? {})) {
    const currency = normalizeCurrency(code);
    if (!currency) throw invalid(`Unknown currency ${code}`, 'prices');
    if (!Number.isSafeInteger(amount)) throw invalid('Prices are whole minor units', 'prices');
    out[currency] = amount;
  }
  return out;
}

export async function createCatalogItem(ctx: TenantContext, input: CatalogInput): Promise<CatalogItemRow> {
  if (!CATALOG_KINDS.includes(input.kind)) throw invalid(`Unknown catalog kind ${String(input.kind)}`, 'kind');
  if (!input.name || !input.name.trim()) throw invalid('A name is required', 'name');
  if (input.intervalUnit && !INTERVAL_UNITS.includes(input.intervalUnit)) throw invalid('Unknown billing interval', 'interval');
  const prices = cleanPrices(input.prices);
  return inWork(ctx, async (ctx) => {
    const now = ctx.clock.now();
    const row = await ctx.db
      .insertInto('catalog_items')
      .values({
        tenant_id: ctx.tenant.id,
        kind: input.kind,
        name: input.name.trim(),
        description: input.description ?? null,
        token: randomAlnum(12),
        active: input.active === false ? 0 : 1,
        interval_unit: input.intervalUnit ?? null,
        interval_count: input.intervalCount ?? (input.intervalUnit ? 1 : null),
        trial_days: input.trialDays ?? null,
        prices: JSON.stringify(prices),
        vendor_data: JSON.stringify(input.vendorData ?? {}),
        created_at: now,
        updated_at: now,
        deleted_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await setRefs(ctx, 'catalog_item', row.id, input.refs);
    await recordEvent(ctx, `${input.kind}.created`, input.kind, row.id, row);
    return row;
  });
}

export async function getCatalogItem(ctx: TenantContext, id: number, kind?: CatalogKind): Promise<CatalogItemRow> {
  let query = ctx.db.selectFrom('catalog_items').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', id).where('deleted_at', 'is', null);
  if (kind) query = query.where('kind', '=', kind);
  const row = await query.executeTakeFirst();
  if (!row) throw notFound(kind ?? 'item', id);
  return row;
}

export async function deleteCatalogItem(ctx: TenantContext, id: number, kind?: CatalogKind): Promise<void> {
  const row = await getCatalogItem(ctx, id, kind);
  await inWork(ctx, async (ctx) => {
    await ctx.db.updateTable('catalog_items').set({ deleted_at: ctx.clock.now() }).where('id', '=', id).execute();
    await recordEvent(ctx, `${row.kind}.deleted`, row.kind, id, row);
  });
}

export function priceOf(item: CatalogItemRow, currency: string): number | null {
  const prices = JSON.parse(item.prices) as Record<string, number>;
  return prices[currency.toUpperCase()] ?? null;
}
