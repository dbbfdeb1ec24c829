// Editing and listing catalog items (the create/get/delete live in catalog.ts).
import type { CatalogItemRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { invalid } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { normalizeCurrency } from '../money/currencies.ts';
import { getCatalogItem, type CatalogKind } from './catalog.ts';
import { inWork } from '../work.ts';
import { setRefs, type RefChange } from '../refs/refs.ts';

export interface CatalogChanges {
  name?: string;
  description?: string | null;
  active?: boolean;
  intervalUnit?: string | null;
  intervalCount?: number | null;
  trialDays?: number | null;
  /** References to set or clear (a client-chosen id renamed). */
  refs?: RefChange[];
  /** Replaces the prices (minor units per currency). */
  prices?: Record<string, number>;
  /** Merged into vendor_data under this vendor. */
  vendor?: string;
  vendorData?: Record<string, unknown>;
}

export async function updateCatalogItem(ctx: TenantContext, id: number, kind: CatalogKind, changes: CatalogChanges): Promise<CatalogItemRow> {
  const row = await getCatalogItem(ctx, id, kind);
  const set: Partial<CatalogItemRow> = { updated_at: ctx.clock.now() };
  if (changes.name !== undefined) {
    if (!changes.name.trim()) throw invalid('A name is required', 'name');
    set.name = changes.name.trim();
  }
  if (changes.description !== undefined) set.description = changes.description;
  if (changes.active !== undefined) set.active = changes.active ? 1 : 0;
  if (changes.intervalUnit !== undefined) set.interval_unit = changes.intervalUnit;
  if (changes.intervalCount !== undefined) set.interval_count = changes.intervalCount;
  if (changes.trialDays !== undefined) set.trial_days = changes.trialDays;
  if (changes.prices) {
    const prices: Record<string, number> = {};
    for (const [code, amount] of Object.entries(changes.prices)) {
      const currency = normalizeCurrency(code);
      if (!currency || !Number.isSafeInteger(amount)) throw invalid('Prices are whole minor units per known currency', 'prices');
      prices[currency] = amount;
    }
    set.prices = JSON.stringify(prices);
  }
  if (changes.vendor && changes.vendorData) {
    const all = JSON.parse(row.vendor_data) as Record<string, Record<string, unknown>>;
    all[changes.vendor] = { ...(all[changes.vendor] ?? {}), ...changes.vendorData };
    set.vendor_data = JSON.stringify(all);
  }
  return inWork(ctx, async (ctx) => {
    const updated = await ctx.db.updateTable('catalog_items').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await setRefs(ctx, 'catalog_item', id, changes.refs);
    await recordEvent(ctx, `${kind}.updated`, kind, id, updated);
    return updated;
  });
}

export async function listCatalogItems(ctx: TenantContext, kind: CatalogKind): Promise<CatalogItemRow[]> {
  return ctx.db.selectFrom('catalog_items').selectAll().where('tenant_id', '=', ctx.tenant.id).where('kind', '=', kind).where('deleted_at', 'is', null).orderBy('id').execute();
}
