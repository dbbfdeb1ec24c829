// One customer model for every front door; fields only one vendor has live in vendor_data under
// that vendor's name, so nothing a client sent is lost.
import type { ContactRow, CustomerRow } from '../../store/schema.ts';
import { isUniqueViolation } from '../../store/tx.ts';
import type { TenantContext } from '../context.ts';
import { randomAlnum } from '../crypto/secrets.ts';
import { DomainError, ErrorCode, invalid, notFound } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { Account } from '../ledger/accounts.ts';
import { accountBalance } from '../ledger/ledger.ts';
import { normalizeCurrency } from '../money/currencies.ts';
import type { Address } from '../vault/vault.ts';
import { inWork } from '../work.ts';

export interface CustomerInput {
  firstName?: string | null;
  lastName?: string | null;
  company?: string | null;
  email?: string | null;
  phone?: string | null;
  currency?: string;
  externalKey?: string | null;
  status?: 'active' | 'inactive';
  parentId?: number | null;
  billingAddress?: Address;
  shippingAddress?: Address;
  customFields?: Record<string, unknown>;
  /** Merged into vendor_data under the given vendor name. */
  vendor?: string;
  vendorData?: Record<string, unknown>;
}

const DUPLICATE_KEY = (): DomainError => new DomainError(ErrorCode.CONFLICT, 'A customer with that external key already exists', { field: 'external_key' });

function mergeVendorData(existing: string, vendor: string | undefined, data: Record<string, unknown> | undefined): string {
  if (!vendor || !data) return existing;
  const all = JSON.parse(existing) as Record<string, Record<string, unknown>>;
  all[vendor] = { ...(all[vendor] ?? {}), ...data };
  return JSON.stringify(all);
}

async function checkParent(ctx: TenantContext, parentId: number | null | undefined, selfId?: number): Promise<void> {
  if (parentId === null || parentId === undefined) return;
  if (parentId === selfId) throw invalid('A customer cannot be its own parent', 'parent_customer_id');
  await getCustomer(ctx, parentId);
}

export async function createCustomer(ctx: TenantContext, input: CustomerInput): Promise<CustomerRow> {
  const currency = normalizeCurrency(input.currency ?? 'USD');
  if (!currency) throw invalid(`Unknown currency ${String(input.currency)}`, 'currency');
  await checkParent(ctx, input.parentId);
  return inWork(ctx, async (ctx) => {
    const now = ctx.clock.now();
    try {
      const row = await ctx.db
        .insertInto('customers')
        .values({
          tenant_id: ctx.tenant.id,
          external_key: input.externalKey ?? null,
          token: randomAlnum(12),
          first_name: input.firstName ?? null,
          last_name: input.lastName ?? null,
          company: input.company ?? null,
          email: input.email ?? null,
          phone: input.phone ?? null,
          currency,
          status: input.status ?? 'active',
          parent_id: input.parentId ?? null,
          billing_address: JSON.stringify(input.billingAddress ?? {}),
          shipping_address: JSON.stringify(input.shippingAddress ?? {}),
          custom_fields: JSON.stringify(input.customFields ?? {}),
          vendor_data: mergeVendorData('{}', input.vendor, input.vendorData),
          created_at: now,
          updated_at: now,
          deleted_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordEvent(ctx, 'customer.created', 'customer', row.id, row);
      return row;
    } catch (error) {
      if (isUniqueViolation(error)) throw DUPLICATE_KEY();
      throw error;
    }
  });
}

export async function getCustomer(ctx: TenantContext, id: number): Promise<CustomerRow> {
  const row = await ctx.db.selectFrom('customers').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
  if (!row) throw notFound('customer', id);
  return row;
}

export async function findCustomerBy(ctx: TenantContext, field: 'external_key' | 'token', value: string): Promise<CustomerRow> {
  const row = await ctx.db.selectFrom('customers').selectAll().where('tenant_id', '=', ctx.tenant.id).where(field, '=', value).where('deleted_at', 'is', null).executeTakeFirst();
  if (!row) throw notFound('customer', `${field}:${value}`);
  return row;
}

export async function updateCustomer(ctx: TenantContext, id: number, input: CustomerInput): Promise<CustomerRow> {
  const existing = await getCustomer(ctx, id);
  await checkParent(ctx, input.parentId, id);
  const changes: Partial<CustomerRow> = { updated_at: ctx.clock.now() };
  if (input.firstName !== undefined) changes.first_name = input.firstName;
  if (input.lastName !== undefined) changes.last_name = input.lastName;
  if (input.company !== undefined) changes.company = input.company;
  if (input.email !== undefined) changes.email = input.email;
  if (input.phone !== undefined) changes.phone = input.phone;
  if (input.externalKey !== undefined) changes.external_key = input.externalKey;
  if (input.status !== undefined) changes.status = input.status;
  if (input.parentId !== undefined) changes.parent_id = input.parentId;
  if (input.currency !== undefined) {
    const currency = normalizeCurrency(input.currency);
    if (!currency) throw invalid(`Unknown currency ${input.currency}`, 'currency');
    changes.currency = currency;
  }
  if (input.billingAddress) changes.billing_address = JSON.stringify({ ...JSON.parse(existing.billing_address), ...input.billingAddress });
  if (input.shippingAddress) changes.shipping_address = JSON.stringify({ ...JSON.parse(existing.shipping_address), ...input.shippingAddress });
  if (input.customFields) changes.custom_fields = JSON.stringify({ ...JSON.parse(existing.custom_fields), ...input.customFields });
  changes.vendor_data = mergeVendorData(existing.vendor_data, input.vendor, input.vendorData);
  return inWork(ctx, async (ctx) => {
    try {
      const row = await ctx.db.updateTable('customers').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
      await recordEvent(ctx, 'customer.updated', 'customer', id, row);
      return row;
    } catch (error) {
      if (isUniqueViolation(error)) throw DUPLICATE_KEY();
      throw error;
    }
  });
}

/**
 * Soft delete: the row (and its external key) stays so keys are never reused. A customer with
 * invoices or transactions cannot be deleted, unless `keepHistory` is set (ChargeOver): then only
 * an open invoice with money due blocks, and paid or void invoices and payments stay as history.
 */
export async function deleteCustomer(ctx: TenantContext, id: number, options: { keepHistory?: boolean } = {}): Promise<void> {
  await getCustomer(ctx, id);
  await inWork(ctx, async (ctx) => {
    let invoices = ctx.db.selectFrom('invoices').select('id').where('tenant_id', '=', ctx.tenant.id).where('customer_id', '=', id);
    if (options.keepHistory) invoices = invoices.where('status', '=', 'open').where('balance', '>', 0);
    const invoice = await invoices.executeTakeFirst();
    const txn = options.keepHistory ? undefined : await ctx.db.selectFrom('transactions').select('id').where('tenant_id', '=', ctx.tenant.id).where('customer_id', '=', id).executeTakeFirst();
    if (invoice || txn) throw new DomainError(ErrorCode.ILLEGAL_TRANSITION, 'A customer with invoices or payments cannot be deleted', { details: { reason: 'has_activity' } });
    const now = ctx.clock.now();
    const row = await ctx.db.updateTable('customers').set({ deleted_at: now, updated_at: now }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await ctx.db.updateTable('contacts').set({ deleted_at: now }).where('customer_id', '=', id).where('deleted_at', 'is', null).execute();
    await recordEvent(ctx, 'customer.deleted', 'customer', id, row);
  });
}

export interface CustomerBalances {
  /** What the customer owes on open invoices (receivable). */
  balance: number;
  /** Money held for the customer, not on any invoice. */
  credit: number;
}

/** Balances straight from the ledger. */
export async function customerBalances(ctx: TenantContext, customerId: number): Promise<CustomerBalances> {
  const receivable = await accountBalance(ctx, Account.RECEIVABLE, { customerId });
  const credit = await accountBalance(ctx, Account.CUSTOMER_CREDIT, { customerId });
  return { balance: receivable, credit: -credit };
}

// ---- contacts -----------------------------------------------------------------------------------

export interface ContactInput {
  customerId: number;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  title?: string | null;
  externalKey?: string | null;
  isPrimary?: boolean;
  vendor?: string;
  vendorData?: Record<string, unknown>;
}

export async function createContact(ctx: TenantContext, input: ContactInput): Promise<ContactRow> {
  await getCustomer(ctx, input.customerId);
  return inWork(ctx, async (ctx) => {
    const now = ctx.clock.now();
    const existingPrimary = await ctx.db
      .selectFrom('contacts')
      .select('id')
      .where('customer_id', '=', input.customerId)
      .where('is_primary', '=', 1)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    const primary = input.isPrimary === true || !existingPrimary;
    if (primary && existingPrimary) await ctx.db.updateTable('contacts').set({ is_primary: 0 }).where('id', '=', existingPrimary.id).execute();
    try {
      const row = await ctx.db
        .insertInto('contacts')
        .values({
          tenant_id: ctx.tenant.id,
          customer_id: input.customerId,
          external_key: input.externalKey ?? null,
          token: randomAlnum(12),
          first_name: input.firstName ?? null,
          last_name: input.lastName ?? null,
          email: input.email ?? null,
          phone: input.phone ?? null,
          title: input.title ?? null,
          is_primary: primary ? 1 : 0,
          vendor_data: mergeVendorData('{}', input.vendor, input.vendorData),
          created_at: now,
          updated_at: now,
          deleted_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordEvent(ctx, 'contact.created', 'contact', row.id, row);
      return row;
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError(ErrorCode.CONFLICT, 'A contact with that external key already exists', { field: 'external_key' });
      throw error;
    }
  });
}

export async function listContacts(ctx: TenantContext, customerId: number): Promise<ContactRow[]> {
  return ctx.db
    .selectFrom('contacts')
    .selectAll()
    .where('tenant_id', '=', ctx.tenant.id)
    .where('customer_id', '=', customerId)
    .where('deleted_at', 'is', null)
    .orderBy('is_primary', 'desc')
    .orderBy('id')
    .execute();
}
