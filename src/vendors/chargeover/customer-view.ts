// Renders ChargeOver customers (spec 3.1), loading everything a page of customers needs in a few
// grouped queries: primary contacts, invoice totals, ledger balances, payments, default methods.
import { sql } from 'kysely';
import type { TenantContext } from '../../core/context.ts';
import { isoDate } from '../../core/clock/clock.ts';
import { Account } from '../../core/ledger/accounts.ts';
import { loginsFor } from '../../core/customers/contacts.ts';
import type { ContactRow, CustomerRow } from '../../store/schema.ts';
import type { CoRequest } from './envelope.ts';
import { ADMINS, currencyId, customerBlock, datetime, money, symbolOf, TERMS, vendorData, type AddressLines } from './wire.ts';

export const CUSTOMER_STATUS: Record<string, { id: number; name: string; state: string }> = {
  'active-current': { id: 1, name: 'Current', state: 'a' },
  'active-overdue': { id: 2, name: 'Over Due', state: 'a' },
  'inactive-manual': { id: 3, name: 'Inactive', state: 'i' },
  'inactive-activity': { id: 4, name: 'Inactive (No Activity)', state: 'i' },
};

export function addressOf(raw: string): AddressLines & { notes?: string | null } {
  const a = JSON.parse(raw) as Record<string, string | null | undefined>;
  return { addr1: a.line1 ?? null, addr2: a.line2 ?? null, addr3: a.line3 ?? null, city: a.city ?? null, state: a.state ?? null, postcode: a.postal_code ?? null, country: a.country ?? null, notes: a.notes ?? null };
}

/** ChargeOver bill_/ship_ keys to the core's address shape (extra keys are kept as they come). */
export function toCoreAddress(fields: Record<string, string | null>): Record<string, string | null> {
  const map: Record<string, string> = { addr1: 'line1', addr2: 'line2', addr3: 'line3', city: 'city', state: 'state', postcode: 'postal_code', country: 'country', notes: 'notes' };
  const out: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(fields)) out[map[key] ?? key] = value;
  return out;
}

export function splitName(name: string): { first: string; last: string } {
  const trimmed = name.trim();
  const space = trimmed.indexOf(' ');
  return space < 0 ? { first: trimmed, last: '' } : { first: trimmed.slice(0, space), last: trimmed.slice(space + 1).trim() };
}

export function fullName(first: string | null, last: string | null, middle?: string | null): string {
  return [first, middle, last].filter((p) => p && p.trim()).join(' ');
}

interface Figures {
  total: number;
  paid: number;
  receivable: number;
  credit: number;
  overdue: boolean;
}

async function figures(ctx: TenantContext, ids: number[]): Promise<Map<number, Figures>> {
  const map = new Map<number, Figures>(ids.map((id) => [id, { total: 0, paid: 0, receivable: 0, credit: 0, overdue: false }]));
  if (ids.length === 0) return map;
  const today = isoDate(ctx.clock.now());
  const invoices = await ctx.db
    .selectFrom('invoices')
    .select(['customer_id', (eb) => eb.fn.sum<number>('total').as('total'), sql<number>`max(case when balance > 0 and due_date < ${today} then 1 else 0 end)`.as('overdue')])
    .where('tenant_id', '=', ctx.tenant.id)
    .where('customer_id', 'in', ids)
    .where('status', '=', 'open')
    .groupBy('customer_id')
    .execute();
  for (const row of invoices) Object.assign(map.get(Number(row.customer_id)) as Figures, { total: Number(row.total), overdue: Number(row.overdue) > 0 });
  const ledger = await ctx.db
    .selectFrom('ledger_lines')
    .select(['customer_id', 'account', (eb) => eb.fn.sum<number>('amount').as('total')])
    .where('tenant_id', '=', ctx.tenant.id)
    .where('customer_id', 'in', ids)
    .where('account', 'in', [Account.RECEIVABLE, Account.CUSTOMER_CREDIT])
    .groupBy(['customer_id', 'account'])
    .execute();
  for (const row of ledger) {
    const f = map.get(Number(row.customer_id));
    if (!f) continue;
    if (row.account === Account.RECEIVABLE) f.receivable = Number(row.total);
    else f.credit = -Number(row.total);
  }
  const paid = await ctx.db
    .selectFrom('transactions')
    .select(['customer_id', sql<number>`sum(amount_captured - amount_refunded)`.as('paid')])
    .where('tenant_id', '=', ctx.tenant.id)
    .where('customer_id', 'in', ids)
    .where('type', '=', 'sale')
    .where('status', 'in', ['captured', 'settled'])
    .groupBy('customer_id')
    .execute();
  for (const row of paid) {
    const f = map.get(Number(row.customer_id));
    if (f) f.paid = Number(row.paid);
  }
  return map;
}

export async function primaryContacts(ctx: TenantContext, ids: number[]): Promise<Map<number, ContactRow>> {
  const map = new Map<number, ContactRow>();
  if (ids.length === 0) return map;
  const rows = await ctx.db.selectFrom('contacts').selectAll().where('tenant_id', '=', ctx.tenant.id).where('customer_id', 'in', ids).where('is_primary', '=', 1).where('deleted_at', 'is', null).execute();
  for (const row of rows) map.set(row.customer_id, row);
  return map;
}

async function defaultMethods(ctx: TenantContext, ids: number[]): Promise<Map<number, { kind: string; id: number }>> {
  const map = new Map<number, { kind: string; id: number }>();
  if (ids.length === 0) return map;
  const rows = await ctx.db.selectFrom('payment_methods').select(['id', 'customer_id', 'kind']).where('tenant_id', '=', ctx.tenant.id).where('customer_id', 'in', ids).where('status', '=', 'active').orderBy('id').execute();
  for (const row of rows) if (row.customer_id !== null && !map.has(row.customer_id)) map.set(row.customer_id, { kind: row.kind, id: row.id });
  return map;
}

export function customerStatus(row: CustomerRow, overdue: boolean): string {
  if (row.status === 'inactive') return 'inactive-manual';
  return overdue ? 'active-overdue' : 'active-current';
}

export async function renderCustomers(req: CoRequest, rows: CustomerRow[]): Promise<Record<string, unknown>[]> {
  const { ctx } = req;
  const ids = rows.map((r) => r.id);
  const [money_, contacts, methods] = await Promise.all([figures(ctx, ids), primaryContacts(ctx, ids), defaultMethods(ctx, ids)]);
  const logins = await loginsFor(ctx, [...contacts.values()].map((c) => c.id));
  return rows.map((row) => {
    const v = vendorData(row.vendor_data);
    const f = money_.get(row.id) as Figures;
    const su = contacts.get(row.id);
    const bill = addressOf(row.billing_address);
    const ship = addressOf(row.shipping_address);
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
      external_key: row.external_key,
      token: row.token,
      company: row.company,
      display_as: row.company || suName || '',
      bill_addr1: bill.addr1, bill_addr2: bill.addr2, bill_addr3: bill.addr3, bill_city: bill.city, bill_state: bill.state, bill_postcode: bill.postcode, bill_country: bill.country, bill_notes: bill.notes,
      ship_addr1: ship.addr1, ship_addr2: ship.addr2, ship_addr3: ship.addr3, ship_city: ship.city, ship_state: ship.state, ship_postcode: ship.postcode, ship_country: ship.country, ship_notes: ship.notes,
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
      total: money(f.total, row.currency),
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
