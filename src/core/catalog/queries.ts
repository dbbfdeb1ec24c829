// Reading catalog items (items, products, plans, add-ons, discounts): in bulk, by token, lists.
import type { CatalogItemRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { column, type FieldSet, type ScalarField } from '../query/compile.ts';
import type { ListQuery, Page } from '../query/conditions.ts';
import { countList, inOrder, runList } from '../query/list.ts';
import type { CatalogKind } from './catalog.ts';

const c = (name: string, type: ScalarField['type']) => column('catalog_items', name, type);

export const CATALOG_FIELDS: FieldSet = {
  table: 'catalog_items',
  objectType: 'catalog_item',
  fields: {
    id: c('id', 'number'),
    kind: c('kind', 'text_ci'),
    name: c('name', 'text_ci'),
    description: c('description', 'text_ci'),
    token: c('token', 'text_ci'),
    active: c('active', 'number'),
    created_at: c('created_at', 'number'),
    updated_at: c('updated_at', 'number'),
  },
};

const base = (ctx: TenantContext, kind: CatalogKind) =>
  ctx.db.selectFrom('catalog_items').selectAll().where('catalog_items.tenant_id', '=', ctx.tenant.id).where('catalog_items.kind', '=', kind).where('catalog_items.deleted_at', 'is', null);

export async function listCatalog(ctx: TenantContext, kind: CatalogKind, query: ListQuery): Promise<Page<CatalogItemRow>> {
  return runList(ctx, CATALOG_FIELDS, base(ctx, kind), query, { field: 'id', direction: query.tieBreak ?? 'asc' });
}

export async function countCatalog(ctx: TenantContext, kind: CatalogKind, query: Pick<ListQuery, 'where'>): Promise<number> {
  return countList(ctx, CATALOG_FIELDS, base(ctx, kind), query);
}

/** Catalog items by id, deleted ones included (invoice lines keep showing their item). */
export async function catalogItemsByIds(ctx: TenantContext, ids: readonly number[]): Promise<CatalogItemRow[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  return inOrder(ids, await ctx.db.selectFrom('catalog_items').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', 'in', unique).execute(), (row) => row.id);
}

export async function catalogIdByToken(ctx: TenantContext, kind: CatalogKind, token: string): Promise<number | null> {
  return (await base(ctx, kind).select('catalog_items.id').where('catalog_items.token', '=', token).executeTakeFirst())?.id ?? null;
}
