// Reading contacts (a customer's people; ChargeOver's users): by id or token, by reference, lists.
import { sql } from 'kysely';
import type { ContactRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { column, type FieldSet, type ScalarField } from '../query/compile.ts';
import type { ListQuery, Page } from '../query/conditions.ts';
import { countList, inOrder, runList } from '../query/list.ts';

const c = (name: string, type: ScalarField['type']) => column('contacts', name, type);

export const CONTACT_FIELDS: FieldSet = {
  table: 'contacts',
  objectType: 'contact',
  fields: {
    id: c('id', 'number'),
    customer_id: c('customer_id', 'number'),
    token: c('token', 'text_ci'),
    first_name: c('first_name', 'text_ci'),
    last_name: c('last_name', 'text_ci'),
    email: c('email', 'text_ci'),
    phone: c('phone', 'text_ci'),
    title: c('title', 'text_ci'),
    is_primary: c('is_primary', 'number'),
    created_at: c('created_at', 'number'),
    username: { expr: () => sql`(select l.username from contact_logins l where l.contact_id = contacts.id)`, type: 'text_ci' },
  },
};

const base = (ctx: TenantContext) => ctx.db.selectFrom('contacts').selectAll().where('contacts.tenant_id', '=', ctx.tenant.id).where('contacts.deleted_at', 'is', null);

export async function listContacts(ctx: TenantContext, query: ListQuery): Promise<Page<ContactRow>> {
  return runList(ctx, CONTACT_FIELDS, base(ctx), query, { field: 'id', direction: query.tieBreak ?? 'asc' });
}

export async function countContacts(ctx: TenantContext, query: Pick<ListQuery, 'where'>): Promise<number> {
  return countList(ctx, CONTACT_FIELDS, base(ctx), query);
}

export async function contactsByIds(ctx: TenantContext, ids: readonly number[]): Promise<ContactRow[]> {
  if (ids.length === 0) return [];
  return inOrder(
    ids,
    await base(ctx)
      .where('contacts.id', 'in', [...new Set(ids)])
      .execute(),
    (row) => row.id,
  );
}

export async function contactIdByToken(ctx: TenantContext, token: string): Promise<number | null> {
  return (await base(ctx).select('contacts.id').where('contacts.token', '=', token).executeTakeFirst())?.id ?? null;
}

/** Each customer's primary contact. */
export async function primaryContacts(ctx: TenantContext, customerIds: readonly number[]): Promise<Map<number, ContactRow>> {
  if (customerIds.length === 0) return new Map();
  const rows = await base(ctx)
    .where('contacts.customer_id', 'in', [...new Set(customerIds)])
    .where('contacts.is_primary', '=', 1)
    .execute();
  return new Map(rows.map((row) => [row.customer_id, row]));
}
