// One customer model for every front door; fields only one vendor has live in vendor_data under
// that vendor's name, so nothing a client sent is lost.
import type { ContactRow, CustomerRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { randomAlnum } from '../crypto/secrets.ts';
import { DomainError, ErrorCode, invalid, notFound } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { Account } from '../ledger/accounts.ts';
import { accountBalance } from '../ledger/ledger.ts';
import { normalizeCurrency } from '../money/currencies.ts';
import { setRefs, type RefChange } from '../refs/refs.ts';
import { mergeVendorData } from '../vendor-data.ts';
import { inWork, type TxContext } from '../work.ts';
import { replaceAddresses, writeDefaultAddress, type AddressFields, type AddressSetEntry } from './addresses.ts';

export interface CustomerInput {
  firstName?: string | null;
  lastName?: string | null;
  company?: string | null;
  email?: string | null;
  phone?: string | null;
  currency?: string;
  /** External references to set (or clear, with a null value), e.g. a door's external key. */
  refs?: RefChange[];
  status?: 'active' | 'inactive';
  /** A customer made only because an invoice was addressed to it (core/invoices/recipients.ts). */
  invoiceRecipient?: boolean;
  parentId?: number | null;
  /** Fields of the default billing (shipping) address: merged into it, or a new one. */
  billingAddress?: AddressFields;
  shippingAddress?: AddressFields;
  /**
   * The customer's addresses as a whole (Quick Bill's addresses array): listed ids updated, new
   * entries added, the rest deleted; the default entry (else the first) is the billing default.
   */
  addresses?: AddressSetEntry[];
  customFields?: Record<string, unknown>;
  /** Which of its own payment methods and addresses are the customer's defaults (updates only). */
  defaults?: CustomerDefaults;
  /** Merged into vendor_data under the given vendor name. */
  vendor?: string;
  vendorData?: Record<string, unknown>;
}

function withVendorData(existing: string, vendor: string | undefined, data: Record<string, unknown> | undefined): string {
  return vendor && data ? mergeVendorData(existing, vendor, data) : existing;
}

async function writeAddresses(ctx: TxContext, customer: CustomerRow, input: CustomerInput): Promise<CustomerRow> {
  let row = customer;
  if (input.addresses) row = await replaceAddresses(ctx, row, input.addresses);
  if (input.billingAddress) row = await writeDefaultAddress(ctx, row, 'billing', input.billingAddress);
  if (input.shippingAddress) row = await writeDefaultAddress(ctx, row, 'shipping', input.shippingAddress);
  return row;
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
    const inserted = await ctx.db
      .insertInto('customers')
      .values({
        tenant_id: ctx.tenant.id,
        token: randomAlnum(12),
        first_name: input.firstName ?? null,
        last_name: input.lastName ?? null,
        company: input.company ?? null,
        email: input.email ?? null,
        phone: input.phone ?? null,
        currency,
        status: input.status ?? 'active',
        parent_id: input.parentId ?? null,
        billing_address_id: null,
        shipping_address_id: null,
        default_payment_method_id: null,
        invoice_recipient: input.invoiceRecipient ? 1 : 0,
        custom_fields: JSON.stringify(input.customFields ?? {}),
        vendor_data: withVendorData('{}', input.vendor, input.vendorData),
        created_at: now,
        updated_at: now,
        deleted_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await setRefs(ctx, 'customer', inserted.id, input.refs);
    const row = await writeAddresses(ctx, inserted, input);
    await recordEvent(ctx, 'customer.created', 'customer', row.id, row);
    return row;
  });
}

export async function getCustomer(ctx: TenantContext, id: number): Promise<CustomerRow> {
  const row = await ctx.db.selectFrom('customers').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
  if (!row) throw notFound('customer', id);
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
  if (input.status !== undefined) changes.status = input.status;
  if (input.parentId !== undefined) changes.parent_id = input.parentId;
  if (input.currency !== undefined) {
    const currency = normalizeCurrency(input.currency);
    if (!currency) throw invalid(`Unknown currency ${input.currency}`, 'currency');
    changes.currency = currency;
  }
  if (input.customFields) changes.custom_fields = JSON.stringify({ ...JSON.parse(existing.custom_fields), ...input.customFields });
  changes.vendor_data = withVendorData(existing.vendor_data, input.vendor, input.vendorData);
  return inWork(ctx, async (ctx) => {
    let updated = await ctx.db.updateTable('customers').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await setRefs(ctx, 'customer', id, input.refs);
    if (input.defaults) updated = await setCustomerDefaults(ctx, id, input.defaults);
    const row = await writeAddresses(ctx, updated, input);
    await recordEvent(ctx, 'customer.updated', 'customer', id, row);
    return row;
  });
}

export interface CustomerDefaults {
  /** null clears; undefined leaves as is. */
  paymentMethodId?: number | null;
  billingAddressId?: number | null;
  shippingAddressId?: number | null;
}

/** Points the customer's defaults at its own active payment method and addresses. */
export async function setCustomerDefaults(ctx: TenantContext, customerId: number, defaults: CustomerDefaults): Promise<CustomerRow> {
  await getCustomer(ctx, customerId);
  return inWork(ctx, async (ctx) => {
    const changes: Partial<CustomerRow> = { updated_at: ctx.clock.now() };
    const owned = async (table: 'addresses' | 'payment_methods', id: number, field: string) => {
      let query = ctx.db.selectFrom(table).select('id').where('tenant_id', '=', ctx.tenant.id).where('customer_id', '=', customerId).where('id', '=', id);
      query = table === 'addresses' ? query.where('deleted_at', 'is', null) : query.where('status', '=', 'active');
      if (!(await query.executeTakeFirst())) throw invalid(`${field} does not belong to this customer`, field);
    };
    if (defaults.paymentMethodId !== undefined) {
      if (defaults.paymentMethodId !== null) await owned('payment_methods', defaults.paymentMethodId, 'payment_method_id');
      changes.default_payment_method_id = defaults.paymentMethodId;
    }
    for (const [key, column, field] of [
      ['billingAddressId', 'billing_address_id', 'billing_address_id'],
      ['shippingAddressId', 'shipping_address_id', 'shipping_address_id'],
    ] as const) {
      const value = defaults[key];
      if (value === undefined) continue;
      if (value !== null) await owned('addresses', value, field);
      changes[column] = value;
    }
    const row = await ctx.db.updateTable('customers').set(changes).where('id', '=', customerId).returningAll().executeTakeFirstOrThrow();
    await recordEvent(ctx, 'customer.defaults_changed', 'customer', customerId, {
      payment_method_id: row.default_payment_method_id,
      billing_address_id: row.billing_address_id,
      shipping_address_id: row.shipping_address_id,
    });
    return row;
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
  refs?: RefChange[];
  isPrimary?: boolean;
  vendor?: string;
  vendorData?: Record<string, unknown>;
}

export async function createContact(ctx: TenantContext, input: ContactInput): Promise<ContactRow> {
  await getCustomer(ctx, input.customerId);
  return inWork(ctx, async (ctx) => {
    const now = ctx.clock.now();
    const existingPrimary = await ctx.db.selectFrom('contacts').select('id').where('customer_id', '=', input.customerId).where('is_primary', '=', 1).where('deleted_at', 'is', null).executeTakeFirst();
    const primary = input.isPrimary === true || !existingPrimary;
    if (primary && existingPrimary) await ctx.db.updateTable('contacts').set({ is_primary: 0 }).where('id', '=', existingPrimary.id).execute();
    const row = await ctx.db
      .insertInto('contacts')
      .values({
        tenant_id: ctx.tenant.id,
        customer_id: input.customerId,
        token: randomAlnum(12),
        first_name: input.firstName ?? null,
        last_name: input.lastName ?? null,
        email: input.email ?? null,
        phone: input.phone ?? null,
        title: input.title ?? null,
        is_primary: primary ? 1 : 0,
        vendor_data: withVendorData('{}', input.vendor, input.vendorData),
        created_at: now,
        updated_at: now,
        deleted_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await setRefs(ctx, 'contact', row.id, input.refs);
    await recordEvent(ctx, 'contact.created', 'contact', row.id, row);
    return row;
  });
}
