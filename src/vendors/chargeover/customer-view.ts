// Renders ChargeOver customers (spec 3.1), loading everything a page of customers needs in a few
// grouped core reads: default addresses, primary contacts and logins, money figures, default
// payment methods, external keys.
import { addressesByIds } from '../../core/customers/addresses.ts';
import { loginsFor } from '../../core/customers/contacts.ts';
import { primaryContacts } from '../../core/customers/contact-queries.ts';
import { customerFigures } from '../../core/customers/figures.ts';
import { refsOf } from '../../core/refs/refs.ts';
import { parseVendorData } from '../../core/vendor-data.ts';
import { defaultPaymentMethods } from '../../core/vault/queries.ts';
import type { AddressFields } from '../../core/customers/addresses.ts';
import type { AddressRow, CustomerRow } from '../../core/database.ts';
import type { CoRequest } from './envelope.ts';
import { ADMINS, currencyId, customerBlock, datetime, money, symbolOf, TERMS, VENDOR, vendorData, type AddressLines } from './wire.ts';

export const CUSTOMER_STATUS: Record<string, { id: number; name: string; state: string }> = {
  'active-current': { id: 1, name: 'Current', state: 'a' },
  'active-overdue': { id: 2, name: 'Over Due', state: 'a' },
  'inactive-manual': { id: 3, name: 'Inactive', state: 'i' },
  'inactive-activity': { id: 4, name: 'Inactive (No Activity)', state: 'i' },
};

const text = (value: string | null | undefined): string | null => (value === null || value === undefined || value === '' ? null : value);

/** A core address row as ChargeOver's address lines (unset lines are null; notes live in the door's namespace). */
export function addressOf(row: AddressRow | undefined): AddressLines & { notes: string | null } {
  const notes = row ? parseVendorData(row.vendor_data)[VENDOR]?.notes : undefined;
  return {
    addr1: text(row?.line1),
    addr2: text(row?.line2),
    addr3: text(row?.line3),
    city: text(row?.city),
    state: text(row?.state),
    postcode: text(row?.postal_code),
    country: text(row?.country),
    notes: typeof notes === 'string' ? text(notes) : null,
  };
}

const CORE_LINES: Record<string, keyof AddressFields> = { addr1: 'line1', addr2: 'line2', addr3: 'line3', city: 'city', state: 'state', postcode: 'postal_code', country: 'country' };

/** ChargeOver bill_/ship_ keys given (null clears a line) as fields merged into the core address. */
export function toCoreAddress(fields: Record<string, string | null>): AddressFields {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'notes') out.vendor = { vendor: VENDOR, fields: { notes: value } };
    else if (CORE_LINES[key]) out[CORE_LINES[key]] = value ?? '';
  }
  return out as AddressFields;
}

export function splitName(name: string): { first: string; last: string } {
  const trimmed = name.trim();
  const space = trimmed.indexOf(' ');
  return space < 0 ? { first: trimmed, last: '' } : { first: trimmed.slice(0, space), last: trimmed.slice(space + 1).trim() };
}

export function fullName(first: string | null, last: string | null, middle?: string | null): string {
  return [first, middle, last].filter((p) => p && p.trim()).join(' ');
}

export function customerStatus(row: CustomerRow, overdue: boolean): string {
  if (row.status === 'inactive') return 'inactive-manual';
  return overdue ? 'active-overdue' : 'active-current';
}

export async function renderCustomers(req: CoRequest, rows: CustomerRow[]): Promise<Record<string, unknown>[]> {
  const { ctx } = req;
  const ids = rows.map((r) => r.id);
  const addressIds = rows.flatMap((r) => [r.billing_address_id, r.shipping_address_id]).filter((id): id is number => id !== null);
  const [money_, contacts, methods, addresses, keys] = await Promise.all([
    customerFigures(ctx, ids),
    primaryContacts(ctx, ids),
    defaultPaymentMethods(ctx, ids),
    addressesByIds(ctx, addressIds),
    refsOf(ctx, { vendor: VENDOR, objectType: 'customer', kind: 'external_key' }, ids),
  ]);
  const logins = await loginsFor(
    ctx,
    [...contacts.values()].map((c) => c.id),
  );
  const address = (id: number | null) => addressOf(id === null ? undefined : addresses.get(id));
  return rows.map((row) => {
    const v = vendorData(row.vendor_data);
    const f = money_.get(row.id) ?? { openTotal: 0, paid: 0, receivable: 0, credit: 0, overdue: false };
    const su = contacts.get(row.id);
    const bill = address(row.billing_address_id);
    const ship = address(row.shipping_address_id);
    const termsId = Number(v.terms_id ?? 3);
    const adminId = (v.admin_id as number | null | undefined) ?? null;
    const statusStr = customerStatus(row, f.overdue);
    const status = CUSTOMER_STATUS[statusStr];
    const method = methods.get(row.id);
    const suName = su ? fullName(su.first_name, su.last_name) : null;
    const custom: Record<string, unknown> = {};
    for (let i = 1; i <= 5; i++) custom[`custom_${i}`] = v[`custom_${i}`] ?? null;
    return {
      customer_id: row.id,
      parent_customer_id: row.parent_id,
      superuser_id: su?.id ?? null,
      external_key: keys.get(row.id) ?? null,
      token: row.token,
      company: row.company,
      display_as: row.company || suName || '',
      bill_addr1: bill.addr1,
      bill_addr2: bill.addr2,
      bill_addr3: bill.addr3,
      bill_city: bill.city,
      bill_state: bill.state,
      bill_postcode: bill.postcode,
      bill_country: bill.country,
      bill_notes: bill.notes,
      ship_addr1: ship.addr1,
      ship_addr2: ship.addr2,
      ship_addr3: ship.addr3,
      ship_city: ship.city,
      ship_state: ship.state,
      ship_postcode: ship.postcode,
      ship_country: ship.country,
      ship_notes: ship.notes,
      bill_block: customerBlock(bill),
      ship_block: customerBlock(ship),
      terms_id: termsId,
      terms_name: TERMS[termsId]?.name ?? '',
      terms_days: TERMS[termsId]?.days ?? 0,
      class_id: v.class_id ?? 0,
      class_name: '',
      admin_id: adminId,
      admin_name: adminId ? (ADMINS[adminId]?.name ?? '') : '',
      admin_email: adminId ? (ADMINS[adminId]?.email ?? '') : '',
      campaign_id: v.campaign_id ?? 0,
      campaign_details: v.campaign_details ?? null,
      custtype_id: v.custtype_id ?? null,
      custtype_name: '',
      language_id: v.language_id ?? 1,
      brand_id: v.brand_id ?? 1,
      currency_id: currencyId(row.currency),
      currency_symbol: symbolOf(row.currency),
      currency_iso4217: row.currency,
      no_taxes: v.no_taxes === true,
      no_dunning: v.no_dunning === true,
      invoice_delivery: v.invoice_delivery ?? 'email',
      dunning_delivery: v.dunning_delivery ?? 'email',
      tax_ident: v.tax_ident ?? null,
      ...custom,
      write_datetime: datetime(row.created_at),
      write_ipaddr: v.write_ipaddr ?? null,
      mod_datetime: datetime(row.updated_at),
      mod_ipaddr: v.mod_ipaddr ?? null,
      total: money(f.openTotal, row.currency),
      paid: money(f.paid, row.currency),
      balance: money(f.receivable - f.credit, row.currency),
      url_paymethodlink: `${req.siteBase}/r/paymethod/i/${row.token}`,
      url_statementlink: `${req.siteBase}/r/statement/view/${row.token}`,
      url_self: `${req.siteBase}/admin/r/customer/view/${row.id}`,
      superuser_name: suName,
      superuser_first_name: su?.first_name ?? null,
      superuser_last_name: su?.last_name ?? null,
      superuser_phone: su?.phone ?? null,
      superuser_email: su?.email ?? null,
      superuser_token: su?.token ?? null,
      superuser_username: su ? (logins.get(su.id)?.username ?? null) : null,
      customer_status_id: status.id,
      customer_status_name: status.name,
      customer_status_str: statusStr,
      customer_status_state: status.state,
      default_paymethod: method ? (method.kind === 'bank' ? 'ach' : method.kind === 'card' ? 'crd' : 'tok') : null,
      default_creditcard_id: method?.kind === 'card' ? method.id : null,
      default_ach_id: method?.kind === 'bank' ? method.id : null,
      tags: [],
    };
  });
}
