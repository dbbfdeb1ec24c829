// Reading customers: by id, by public token or external reference, in bulk, and lists over the
// core's filter language with the fields every door can map its own onto.
import { sql } from 'kysely';
import type { CustomerRow } from '../database.ts';
import { isoDate } from '../clock/clock.ts';
import type { CoreServices, TenantContext } from '../context.ts';
import { column, type FieldSet, type ScalarField } from '../query/compile.ts';
import type { ListQuery, Page } from '../query/conditions.ts';
import { countList, inOrder, runList } from '../query/list.ts';
import { findByRef } from '../refs/refs.ts';

const c = (name: string, type: ScalarField['type']) => column('customers', name, type);
const primary =
  (name: string): ScalarField['expr'] =>
  () =>
    sql`(select pc.${sql.ref(name)} from contacts pc where pc.customer_id = customers.id and pc.is_primary = 1 and pc.deleted_at is null)`;
const address =
  (pointer: string, name: string): ScalarField['expr'] =>
  () =>
    sql`(select a.${sql.ref(name)} from addresses a where a.id = customers.${sql.ref(pointer)})`;

/** Has an open invoice past its due date on the tenant's clock. */
const overdue = (ctx: TenantContext) => sql`exists (select 1 from invoices i where i.customer_id = customers.id and i.status = 'open' and i.balance > 0 and i.due_date < ${isoDate(ctx.clock.now())})`;

const fields: Record<string, ScalarField> = {
  id: c('id', 'number'),
  parent_id: c('parent_id', 'number'),
  token: c('token', 'text_ci'),
  company: c('company', 'text_ci'),
  first_name: c('first_name', 'text_ci'),
  last_name: c('last_name', 'text_ci'),
  email: c('email', 'text_ci'),
  phone: c('phone', 'text_ci'),
  currency: c('currency', 'text_ci'),
  status: c('status', 'text_ci'),
  created_at: c('created_at', 'number'),
  updated_at: c('updated_at', 'number'),
  default_payment_method_id: c('default_payment_method_id', 'number'),
  /** First and last name as one, as doors with a single name field show it. */
  full_name: { expr: () => sql`trim(coalesce(customers.first_name, '') || ' ' || coalesce(customers.last_name, ''))`, type: 'text_ci' },
  billing_address_id: c('billing_address_id', 'number'),
  shipping_address_id: c('shipping_address_id', 'number'),
  /** inactive | overdue | current */
  standing: { expr: (ctx) => sql`(case when customers.status = 'inactive' then 'inactive' when ${overdue(ctx)} then 'overdue' else 'current' end)`, type: 'text_ci' },
  'primary_contact.id': { expr: primary('id'), type: 'number' },
  'primary_contact.email': { expr: primary('email'), type: 'text_ci' },
  'primary_contact.phone': { expr: primary('phone'), type: 'text_ci' },
  'primary_contact.token': { expr: primary('token'), type: 'text_ci' },
  'primary_contact.first_name': { expr: primary('first_name'), type: 'text_ci' },
  'primary_contact.last_name': { expr: primary('last_name'), type: 'text_ci' },
};
for (const [which, pointer] of [
  ['billing', 'billing_address_id'],
  ['shipping', 'shipping_address_id'],
] as const) {
  for (const name of ['first_name', 'last_name', 'company', 'line1', 'line2', 'line3', 'city', 'state', 'postal_code', 'country', 'email', 'phone', 'fax']) {
    fields[`${which}.${name}`] = { expr: address(pointer, name), type: 'text_ci' };
  }
}

const ADDRESS_COLUMNS = ['first_name', 'last_name', 'company', 'line1', 'line2', 'line3', 'city', 'state', 'postal_code', 'country', 'email', 'phone', 'fax'];

export const CUSTOMER_FIELDS: FieldSet = {
  table: 'customers',
  objectType: 'customer',
  fields,
  related: {
    /** Any of the customer's live addresses (FluidPay's vault search). */
    addresses: {
      from: 'addresses',
      alias: 'ca',
      join: 'ca.customer_id = customers.id and ca.deleted_at is null',
      fields: { id: { column: 'id', type: 'number' }, ...Object.fromEntries(ADDRESS_COLUMNS.map((name) => [name, { column: name, type: 'text_ci' as const }])) },
    },
    /** The customer's default payment method (its kind, and a door's fields on it). */
    default_payment_method: {
      from: 'payment_methods',
      alias: 'dpm',
      join: "dpm.id = customers.default_payment_method_id and dpm.status = 'active'",
      fields: { id: { column: 'id', type: 'number' }, kind: { column: 'kind', type: 'text_ci' } },
    },
  },
};

const base = (ctx: TenantContext) => ctx.db.selectFrom('customers').selectAll().where('customers.tenant_id', '=', ctx.tenant.id).where('customers.deleted_at', 'is', null);

export async function listCustomers(ctx: TenantContext, query: ListQuery): Promise<Page<CustomerRow>> {
  return runList(ctx, CUSTOMER_FIELDS, base(ctx), query, { field: 'id', direction: query.tieBreak ?? 'asc' });
}

export async function countCustomers(ctx: TenantContext, query: Pick<ListQuery, 'where'>): Promise<number> {
  return countList(ctx, CUSTOMER_FIELDS, base(ctx), query);
}

/** Live customers by id, in the order given. */
export async function customersByIds(ctx: TenantContext, ids: readonly number[], options: { includeDeleted?: boolean } = {}): Promise<CustomerRow[]> {
  if (ids.length === 0) return [];
  let query = ctx.db
    .selectFrom('customers')
    .selectAll()
    .where('tenant_id', '=', ctx.tenant.id)
    .where('id', 'in', [...new Set(ids)]);
  if (!options.includeDeleted) query = query.where('deleted_at', 'is', null);
  return inOrder(ids, await query.execute(), (row) => row.id);
}

export async function customerIdByToken(ctx: TenantContext, token: string): Promise<number | null> {
  const row = await ctx.db.selectFrom('customers').select('id').where('tenant_id', '=', ctx.tenant.id).where('token', '=', token).where('deleted_at', 'is', null).executeTakeFirst();
  return row?.id ?? null;
}

/** A live customer by an external reference (a door's external key, a client-chosen id). */
export async function customerIdByRef(ctx: TenantContext, vendor: string, kind: string, value: string): Promise<number | null> {
  const id = await findByRef(ctx, { vendor, objectType: 'customer', kind }, value);
  return id === null ? null : ((await customersByIds(ctx, [id]))[0]?.id ?? null);
}

/** A live customer found by its public token, from any tenant (public statement and pay-method links carry no credential). */
export async function customerByPublicToken(services: Pick<CoreServices, 'db'>, token: string): Promise<CustomerRow | undefined> {
  return services.db.selectFrom('customers').selectAll().where('token', '=', token).where('deleted_at', 'is', null).executeTakeFirst();
}
