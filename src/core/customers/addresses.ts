// A customer's addresses: any number per customer (FluidPay's vault address tokens), two of them
// the customer's default billing and shipping address (what ChargeOver shows as bill_/ship_).
// Soft-deleted so old references still resolve for history; deleting a default clears the pointer.
import type { AddressRow, CustomerRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { notFound } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { getCustomer } from './customers.ts';
import { inWork, type TxContext } from '../work.ts';
import { mergeVendorData } from '../vendor-data.ts';

export interface AddressFields {
  first_name?: string;
  last_name?: string;
  company?: string;
  line1?: string;
  line2?: string;
  line3?: string;
  city?: string;
  state?: string;
  postal_code?: string;
  country?: string;
  email?: string;
  phone?: string;
  fax?: string;
  /** A door's own fields on the address (ChargeOver's notes), merged into its namespace. */
  vendor?: { vendor: string; fields: Record<string, unknown> };
}

const FIELDS = ['first_name', 'last_name', 'company', 'line1', 'line2', 'line3', 'city', 'state', 'postal_code', 'country', 'email', 'phone', 'fax'] as const;

type AddressLines = Record<(typeof FIELDS)[number], string>;

function clean(fields: AddressFields): AddressLines {
  return Object.fromEntries(FIELDS.map((f) => [f, fields[f] ?? ''])) as AddressLines;
}

async function insertAddress(ctx: TxContext, customerId: number, fields: AddressFields): Promise<AddressRow> {
  const now = ctx.clock.now();
  const vendorData = fields.vendor ? mergeVendorData('{}', fields.vendor.vendor, fields.vendor.fields) : '{}';
  const row = await ctx.db
    .insertInto('addresses')
    .values({ tenant_id: ctx.tenant.id, customer_id: customerId, ...clean(fields), vendor_data: vendorData, created_at: now, updated_at: now, deleted_at: null })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordEvent(ctx, 'address.created', 'address', row.id, row);
  return row;
}

async function patchAddress(ctx: TxContext, existing: AddressRow, fields: AddressFields): Promise<AddressRow> {
  const changes: Partial<AddressRow> = { updated_at: ctx.clock.now() };
  for (const f of FIELDS) if (fields[f] !== undefined) changes[f] = fields[f];
  if (fields.vendor) changes.vendor_data = mergeVendorData(existing.vendor_data, fields.vendor.vendor, fields.vendor.fields);
  const row = await ctx.db.updateTable('addresses').set(changes).where('id', '=', existing.id).returningAll().executeTakeFirstOrThrow();
  await recordEvent(ctx, 'address.updated', 'address', row.id, row);
  return row;
}

/**
 * Adds an address to a customer. With `defaultIfNone`, it becomes the customer's default billing
 * (and shipping) address where the customer has none of that kind (FluidPay's v2 vault).
 */
export async function createAddress(ctx: TenantContext, customerId: number, fields: AddressFields, options: { defaultIfNone?: boolean } = {}): Promise<AddressRow> {
  await getCustomer(ctx, customerId);
  return inWork(ctx, async (ctx) => {
    const row = await insertAddress(ctx, customerId, fields);
    if (options.defaultIfNone) {
      await ctx.db.updateTable('customers').set({ billing_address_id: row.id }).where('id', '=', customerId).where('billing_address_id', 'is', null).execute();
      await ctx.db.updateTable('customers').set({ shipping_address_id: row.id }).where('id', '=', customerId).where('shipping_address_id', 'is', null).execute();
    }
    return row;
  });
}

/** Each customer's live addresses, oldest first. */
export async function addressesOfCustomers(ctx: TenantContext, customerIds: readonly number[]): Promise<Map<number, AddressRow[]>> {
  const unique = [...new Set(customerIds)];
  const map = new Map<number, AddressRow[]>(unique.map((id) => [id, []]));
  if (unique.length === 0) return map;
  const rows = await ctx.db.selectFrom('addresses').selectAll().where('tenant_id', '=', ctx.tenant.id).where('customer_id', 'in', unique).where('deleted_at', 'is', null).orderBy('id').execute();
  for (const row of rows) map.get(row.customer_id)?.push(row);
  return map;
}

/**
 * Merges fields into the customer's default billing (or shipping) address, creating it (and
 * pointing the default at it) when there is none. Inside the caller's transaction.
 */
export async function writeDefaultAddress(ctx: TxContext, customer: CustomerRow, which: 'billing' | 'shipping', fields: AddressFields): Promise<CustomerRow> {
  const pointer = which === 'billing' ? 'billing_address_id' : 'shipping_address_id';
  const current = customer[pointer];
  const existing = current === null ? undefined : await ctx.db.selectFrom('addresses').selectAll().where('id', '=', current).where('deleted_at', 'is', null).executeTakeFirst();
  if (existing) {
    await patchAddress(ctx, existing, fields);
    return customer;
  }
  const row = await insertAddress(ctx, customer.id, fields);
  return ctx.db
    .updateTable('customers')
    .set({ [pointer]: row.id })
    .where('id', '=', customer.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A deleted address or payment method is nobody's default any more. */
export async function clearDefaultsPointingAt(ctx: TxContext, customerId: number, what: { addressId?: number; paymentMethodId?: number }): Promise<void> {
  const { addressId, paymentMethodId } = what;
  if (addressId !== undefined) {
    await ctx.db.updateTable('customers').set({ billing_address_id: null }).where('id', '=', customerId).where('billing_address_id', '=', addressId).execute();
    await ctx.db.updateTable('customers').set({ shipping_address_id: null }).where('id', '=', customerId).where('shipping_address_id', '=', addressId).execute();
  }
  if (paymentMethodId !== undefined) {
    await ctx.db.updateTable('customers').set({ default_payment_method_id: null }).where('id', '=', customerId).where('default_payment_method_id', '=', paymentMethodId).execute();
  }
}

export async function getAddress(ctx: TenantContext, customerId: number, id: number): Promise<AddressRow> {
  const row = await ctx.db
    .selectFrom('addresses')
    .selectAll()
    .where('tenant_id', '=', ctx.tenant.id)
    .where('customer_id', '=', customerId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw notFound('address', id);
  return row;
}

export async function listAddresses(ctx: TenantContext, customerId: number): Promise<AddressRow[]> {
  return ctx.db.selectFrom('addresses').selectAll().where('tenant_id', '=', ctx.tenant.id).where('customer_id', '=', customerId).where('deleted_at', 'is', null).orderBy('id').execute();
}

/** Addresses by id, deleted ones included (renderers resolving stored pointers). */
export async function addressesByIds(ctx: TenantContext, ids: readonly number[]): Promise<Map<number, AddressRow>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await ctx.db.selectFrom('addresses').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', 'in', unique).execute();
  return new Map(rows.map((row) => [row.id, row]));
}

export async function updateAddress(ctx: TenantContext, customerId: number, id: number, fields: AddressFields): Promise<AddressRow> {
  const existing = await getAddress(ctx, customerId, id);
  return inWork(ctx, (ctx) => patchAddress(ctx, existing, fields));
}

export async function deleteAddress(ctx: TenantContext, customerId: number, id: number): Promise<void> {
  await getAddress(ctx, customerId, id);
  await inWork(ctx, async (ctx) => {
    const now = ctx.clock.now();
    const row = await ctx.db.updateTable('addresses').set({ deleted_at: now, updated_at: now }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await clearDefaultsPointingAt(ctx, customerId, { addressId: id });
    await recordEvent(ctx, 'address.deleted', 'address', id, row);
  });
}
