// Renders ChargeOver invoices and their line items (spec 3.3, 3.4) and maps where= fields.
import { isoDate, daysBetween } from '../../core/clock/clock.ts';
import { catalogItemsByIds } from '../../core/catalog/queries.ts';
import { declineCounts } from '../../core/invoices/attempts.ts';
import { invoiceLines } from '../../core/invoices/invoices.ts';
import type { Condition } from '../../core/query/conditions.ts';
import { refsOf } from '../../core/refs/refs.ts';
import type { InvoiceLineRow, InvoiceRow } from '../../core/database.ts';
import type { WireFilter } from '../kit/filters.ts';
import type { CoRequest } from './envelope.ts';
import { CURRENCY_ID, datetimeField, EXTERNAL_KEY, vendorNumber, vendorText } from './fields.ts';
import type { FieldTable } from './lists.ts';
import { tiersetId } from './items.ts';
import { renderTemplate } from './templates.ts';
import { ADMINS, currencyId, datetime, invoiceBlock, money, symbolOf, TERMS, VENDOR, vendorData } from './wire.ts';

export function invoiceStatusStr(row: InvoiceRow, today: string): string {
  if (row.status === 'void') return 'closed-void';
  if (row.status === 'open' && row.balance <= 0) return 'closed-paid';
  if (row.status === 'open' && today > row.due_date) return 'open-overdue';
  return 'open-unpaid';
}

const STATUS_NAMES: Record<string, string> = { 'closed-void': 'Void', 'closed-paid': 'Paid', 'open-overdue': 'Overdue', 'open-unpaid': 'Unpaid', 'open-collections': 'Collections' };

const REFNUMBER = vendorText('refnumber');

/**
 * refnumber: the one the client gave (vendor_data), else the invoice id as text (spec 3.3). The id
 * branch compares numerically, and only against a whole-number value (a text refnumber that is
 * not a number can only be a given one).
 */
function refnumber(f: WireFilter): Condition {
  if (f.op === 'is_null') return { always: false };
  if (f.op === 'not_null') return { always: true };
  if (f.op === 'ne') return { not: refnumber({ ...f, op: 'eq' }) };
  const value = String(f.value ?? '');
  const byId: Condition = f.op === 'contains' ? { field: 'id', op: 'contains', value } : /^\d{1,15}$/.test(value) ? { field: 'id', op: f.op, value: Number(value) } : { always: false };
  return {
    any: [
      {
        all: [
          { field: REFNUMBER, op: 'not_null' },
          { field: REFNUMBER, op: f.op, value },
        ],
      },
      { all: [{ field: REFNUMBER, op: 'is_null' }, byId] },
    ],
  };
}

/** where= fields of /invoice (README: where fields). Drafts (other doors') are not listed. */
export const INVOICE_FIELDS: FieldTable = (() => {
  const out: Record<string, FieldTable[string]> = {
    invoice_id: 'id',
    customer_id: 'customer_id',
    external_key: EXTERNAL_KEY,
    token: 'token',
    date: 'issue_date',
    invoice_date: 'issue_date',
    due_date: 'due_date',
    write_datetime: datetimeField('created_at'),
    refnumber: { build: refnumber },
    currency_id: CURRENCY_ID,
    invoice_status_str: { enum: 'state', values: { 'closed-void': 'void', 'closed-paid': 'paid', 'open-overdue': 'overdue', 'open-unpaid': 'open', 'open-collections': [] } },
    invoice_status_state: { enum: 'state', values: { o: ['open', 'overdue'], c: ['paid', 'void'] } },
    package_id: 'subscription_id',
    package_token: 'subscription.token',
    // Any line's item, any payment applied (not just the first).
    'line_items.item_id': { related: 'lines', field: 'item_id' },
    'transaction.transaction_id': { related: 'payments', field: 'transaction_id' },
    terms_id: vendorNumber('terms_id', 3),
  };
  // The bill_/ship_ address an invoice was issued to is its own snapshot, kept in vendor_data.
  for (const prefix of ['bill', 'ship']) {
    for (const key of ['addr1', 'addr2', 'addr3', 'city', 'state', 'postcode', 'country']) out[`${prefix}_${key}`] = vendorText(`${prefix}_${key}`);
  }
  for (let i = 1; i <= 5; i++) out[`custom_${i}`] = vendorText(`custom_${i}`);
  for (let i = 1; i <= 3; i++) out[`line_items.custom_${i}`] = { related: 'lines', field: vendorText(`custom_${i}`) };
  return out;
})();

export async function renderInvoices(req: CoRequest, rows: InvoiceRow[], withLines: boolean): Promise<Record<string, unknown>[]> {
  const { ctx } = req;
  const today = isoDate(ctx.clock.now());
  const ids = rows.map((r) => r.id);
  const [declines, lines, keys] = await Promise.all([
    declineCounts(ctx, ids),
    withLines ? invoiceLines(ctx, ids) : Promise.resolve(new Map<number, InvoiceLineRow[]>()),
    refsOf(ctx, { vendor: VENDOR, objectType: 'invoice', kind: 'external_key' }, ids),
  ]);
  const itemIds = [
    ...new Set(
      [...lines.values()]
        .flat()
        .map((l) => l.item_id)
        .filter((id): id is number => id !== null),
    ),
  ];
  const [items, itemKeys] = await Promise.all([catalogItemsByIds(ctx, itemIds), refsOf(ctx, { vendor: VENDOR, objectType: 'catalog_item', kind: 'external_key' }, itemIds)]);
  const itemsById = new Map(items.map((i) => [i.id, i]));
  return rows.map((row) => {
    const v = vendorData(row.vendor_data);
    const c = row.currency;
    const m = (minor: number) => money(minor, c);
    const statusStr = invoiceStatusStr(row, today);
    const termsId = Number(v.terms_id ?? 3);
    const adminId = (v.admin_id as number | null | undefined) ?? null;
    const address = (prefix: string) => ({
      addr1: v[`${prefix}_addr1`] as string | null,
      addr2: v[`${prefix}_addr2`] as string | null,
      addr3: v[`${prefix}_addr3`] as string | null,
      city: v[`${prefix}_city`] as string | null,
      state: v[`${prefix}_state`] as string | null,
      postcode: v[`${prefix}_postcode`] as string | null,
      country: v[`${prefix}_country`] as string | null,
    });
    const addressFields: Record<string, unknown> = {};
    for (const prefix of ['bill', 'ship'])
      for (const key of ['addr1', 'addr2', 'addr3', 'city', 'state', 'postcode', 'country', 'notes']) addressFields[`${prefix}_${key}`] = v[`${prefix}_${key}`] ?? null;
    const custom: Record<string, unknown> = {};
    for (let i = 1; i <= 5; i++) custom[`custom_${i}`] = v[`custom_${i}`] ?? null;
    const isVoid = row.status === 'void';
    const paid = !isVoid && row.balance <= 0;
    const out: Record<string, unknown> = {
      invoice_id: row.id,
      refnumber: (v.refnumber as string | undefined) ?? String(row.id),
      external_key: keys.get(row.id) ?? null,
      package_id: row.subscription_id,
      customer_id: row.customer_id,
      brand_id: 1,
      currency_id: currencyId(c),
      currency_symbol: symbolOf(c),
      currency_iso4217: c,
      terms_id: termsId,
      terms_name: TERMS[termsId]?.name ?? '',
      terms_days: row.terms_days,
      admin_id: adminId,
      admin_name: adminId ? (ADMINS[adminId]?.name ?? '') : '',
      token: row.token,
      ...addressFields,
      bill_block: invoiceBlock(address('bill')),
      ship_block: invoiceBlock(address('ship')),
      ...custom,
      memo: row.notes,
      date: row.issue_date,
      due_date: row.due_date,
      write_datetime: datetime(row.created_at),
      void_datetime: datetime(row.voided_at),
      delay_datetime: null,
      cycle_pre_from_date: null,
      cycle_pre_to_date: null,
      cycle_this_date: null,
      cycle_post_from_date: null,
      cycle_post_to_date: null,
      invoice_status_name: STATUS_NAMES[statusStr],
      invoice_status_str: statusStr,
      invoice_status_state: statusStr.startsWith('open') ? 'o' : 'c',
      subtotal: m(row.subtotal - row.discount_total),
      taxes: m(row.tax_total),
      total: m(row.total),
      payments: m(row.amount_paid),
      credits: m(row.amount_credited),
      writeoffs: m(row.amount_written_off),
      applied: m(row.amount_paid + row.amount_credited),
      balance: m(isVoid ? 0 : row.balance),
      declines: declines.get(row.id) ?? 0,
      sum_base: 0,
      sum_usage: 0,
      sum_onetime: m(row.subtotal - row.discount_total),
      is_paid: paid,
      is_void: isVoid,
      is_overdue: statusStr === 'open-overdue',
      days_overdue: Math.max(0, daysBetween(row.due_date, today)),
      paid_date: paid && row.paid_at !== null ? isoDate(row.paid_at) : null,
      url_permalink: `${req.siteBase}/r/invoice/view/${row.token}`,
      url_paylink: `${req.siteBase}/r/trans/pay/${row.token}`,
      url_pdflink: `${req.siteBase}/r/invoice/pdf/${row.token}`,
      url_self: `${req.siteBase}/admin/r/invoice/view/${row.id}`,
    };
    if (withLines) {
      out.line_items = (lines.get(row.id) ?? []).map(
        (line: {
          id: number;
          item_id: number | null;
          description: string | null;
          quantity: string;
          unit_price: number;
          tax: number;
          amount: number;
          vendor_data: string;
          subscription_line_id: number | null;
        }) => {
          // A package's line: its description is a template rendered for the invoice's date (extra §11.10).
          const fromPackage = row.subscription_id !== null;
          const lv = (JSON.parse(line.vendor_data) as Record<string, Record<string, unknown>>)[VENDOR] ?? {};
          const item = line.item_id !== null ? itemsById.get(line.item_id) : undefined;
          const iv = item ? vendorData(item.vendor_data) : {};
          return {
            invoice_id: row.id,
            item_id: line.item_id,
            tierset_id: line.item_id !== null ? tiersetId(line.item_id, c) : null,
            descrip: line.subscription_line_id !== null ? renderTemplate(line.description, row.issue_date) : line.description,
            line_rate: m(line.unit_price),
            line_quantity: Number(line.quantity),
            line_prorate: 1,
            line_usage: 0,
            usage_from: 0,
            usage_to: 0,
            tax_id: null,
            tax_group_id: null,
            tax_taxable: m(line.amount),
            tax_taxed: m(line.tax > 0 ? line.amount : 0),
            tax_total: m(line.tax),
            tax_name: null,
            tax_group_name: null,
            is_base: fromPackage && line.subscription_line_id !== null,
            is_free: line.unit_price === 0,
            is_setup: false,
            is_usage: false,
            is_recurring: fromPackage,
            is_taxed: '0',
            custom_1: lv.custom_1 ?? null,
            custom_2: lv.custom_2 ?? null,
            custom_3: lv.custom_3 ?? null,
            item_name: item?.name ?? null,
            item_external_key: item ? (itemKeys.get(item.id) ?? null) : null,
            item_token: item?.token ?? null,
            item_accounting_sku: iv.accounting_sku ?? null,
            item_units: iv.units ?? null,
            line_subtotal: m(line.amount),
            line_total: m(line.amount + line.tax),
            line_item_id: (lv.line_item_id as number | undefined) ?? line.id,
            package_line_id: line.subscription_line_id,
          };
        },
      );
    }
    return out;
  });
}
