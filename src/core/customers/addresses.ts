// Addresses stored on a customer (FluidPay's vault address tokens): any number per customer,
// soft-deleted so old references still resolve for history.
import type { AddressRow } from '../../store/schema.ts';
import type { TenantContext } from '../context.ts';
import { notFound } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { getCustomer } from './customers.ts';
import { inWork } from '../work.ts';

export interface AddressFields {
  first_name?: string;
  last_name?: string;
  company?: string;
  line1?: string;
  line2?: string;
  city?: string;
  state?: string;
  postal_code?: string;
  country?: string;
  email?: string;
  phone?: string;
  fax?: string;
}

const FIELDS = ['first_name', 'last_name', 'company', 'line1', 'line2', 'city', 'state', 'postal_code', 'country', 'email', 'phone', 'fax'] as const;

function clean(fields: AddressFields): Required<AddressFields> {
  return Object.fromEntries(FIELDS.map((f) => [f, fields[f] ?? ''])) as Required<AddressFields>;
}

export async function createAddress(ctx: TenantContext, customerId: number, fields: AddressFields): Promise<AddressRow> {
  await getCustomer(ctx, customerId);
  return inWork(ctx, async (ctx) => {
    const now = ctx.clock.now();
    const row = await ctx.db
      .insertInto('addresses')
      .values({ tenant_id: ctx.tenant.id, customer_id: customerId, ...clean(fields), vendor_data: '{}', created_at: now, updated_at: now, deleted_at: null })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordEvent(ctx, 'address.created', 'address', row.id, row);
    return row;
  });
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
  await getAddress(ctx, customerId, id);
  const changes: Partial<AddressRow> = { updated_at: ctx.clock.now() };
  for (const f of FIELDS) if (fields[f] !== undefined) changes[f] = fields[f];
  return inWork(ctx, async (ctx) => {
    const row = await ctx.db.updateTable('addresses').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await recordEvent(ctx, 'address.updated', 'address', id, row);
    return row;
  });
}

export async function deleteAddress(ctx: TenantContext, customerId: number, id: number): Promise<void> {
  await getAddress(ctx, customerId, id);
  await inWork(ctx, async (ctx) => {
    const now = ctx.clock.now();
    const row = await ctx.db.updateTable('addresses').set({ deleted_at: now, updated_at: now }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await recordEvent(ctx, 'address.deleted', 'address', id, row);
  });
}
