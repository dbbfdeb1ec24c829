// Renders ChargeOver invoices and their line items (spec 3.3, 3.4) and maps where= fields.
import { sql, type ExpressionBuilder } from 'kysely';
import { isoDate, daysBetween } from '../../core/clock/clock.ts';
import { declineCounts } from '../../core/invoices/attempts.ts';
import { invoiceLines } from '../../core/invoices/invoices.ts';
import { expressionCondition, type FieldMap, type FieldType, type Filter } from '../../core/query/filters.ts';
import type { Database, InvoiceRow } from '../../store/schema.ts';
import { jsonInt, jsonText } from '../../store/json.ts';
import type { CoRequest } from './envelope.ts';
import { tiersetId } from './items.ts';
import { ADMINS, currencyId, datetime, invoiceBlock, money, symbolOf, TERMS, VENDOR, vendorData } from './wire.ts';

export function invoiceStatusStr(row: InvoiceRow, today: string): string {
  if (row.status === 'void') return 'closed-void';
  if (row.status === 'open' && row.balance <= 0) return 'closed-paid';
  if (row.status === 'open' && today > row.due_date) return 'open-overdue';
  return 'open-unpaid';
}

const STATUS_NAMES: Record<string, string> = { 'closed-void': 'Void', 'closed-paid': 'Paid', 'open-overdue': 'Overdue', 'open-unpaid': 'Unpaid', 'open-collections': 'Collections' };

const expr = (build: () => ReturnType<typeof sql>, type: FieldType) => ({
  condition: (_eb: ExpressionBuilder<Database, 'invoices'>, filter: Filter) => expressionCondition(build(), type, filter),
});

export function invoiceFields(req: CoRequest): FieldMap<Database, 'invoices'> {
  const d = req.ctx.dialect;
  const today = isoDate(req.ctx.clock.now());
  const statusStr = sql`(case when invoices.status = 'void' then 'closed-void' when invoices.balance <= 0 then 'closed-paid' when invoices.due_date < ${today} then 'open-overdue' else 'open-unpaid' end)`;
  const out: FieldMap<Database, 'invoices'> = {
    invoice_id: { column: 'id', type: 'number' },
    customer_id: { column: 'customer_id', type: 'number' },
    external_key: { column: 'external_key', type: 'text_ci' },
    token: { column: 'token', type: 'text_ci' },
    date: { column: 'issue_date', type: 'string' },
    invoice_date: { column: 'issue_date', type: 'string' },
    due_date: { column: 'due_date', type: 'string' },
    write_datetime: { column: 'created_at', type: 'number' },
    refnumber: expr(() => sql`coalesce(${jsonText(d, 'vendor_data', [VENDOR, 'refnumber'])}, cast(invoices.id as text))`, 'text_ci'),
    currency_id: expr(() => sql`(case invoices.currency when 'USD' then 1 when 'CAD' then 2 when 'GBP' then 3 when 'EUR' then 4 when 'AUD' then 6 else 0 end)`, 'number'),
    invoice_status_str: expr(() => statusStr, 'text_ci'),
    invoice_status_state: expr(() => sql`(case when invoices.status = 'void' or invoices.balance <= 0 then 'c' else 'o' end)`, 'text_ci'),
    package_id: expr(() => sql`(case when 1 = 0 then 1 else null end)`, 'number'),
    package_token: expr(() => sql`(case when 1 = 0 then 'x' else null end)`, 'text_ci'),
    'line_items.item_id': expr(() => sql`(select min(l.item_id) from invoice_lines l where l.invoice_id = invoices.id)`, 'number'),
    'transaction.transaction_id': expr(() => sql`(select min(a.transaction_id) from allocations a where a.invoice_id = invoices.id)`, 'number'),
    terms_id: expr(() => jsonInt(d, 'vendor_data', [VENDOR, 'terms_id']), 'number'),
  };
  // line_items.item_id and transaction.transaction_id match any line or payment, not just the first.
  out['line_items.item_id'] = { condition: (_eb, f) => sql`exists (select 1 from invoice_lines l where l.invoice_id = invoices.id and ${expressionCondition(sql.ref('l.item_id'), 'number', f)})` };
  out['transaction.transaction_id'] = { condition: (_eb, f) => sql`exists (select 1 from allocations a where a.invoice_id = invoices.id and ${expressionCondition(sql.ref('a.transaction_id'), 'number', f)})` };
  for (const prefix of ['bill', 'ship']) {
    for (const key of ['addr1', 'addr2', 'addr3', 'city', 'state', 'postcode', 'country']) out[`${prefix}_${key}`] = expr(() => jsonText(d, 'vendor_data', [VENDOR, `${prefix}_${key}`]), 'text_ci');
  }
  for (let i = 1; i <= 5; i++) out[`custom_${i}`] = expr(() => jsonText(d, 'vendor_data', [VENDOR, `custom_${i}`]), 'text_ci');
  for (let i = 1; i <= 3; i++) {
    out[`line_items.custom_${i}`] = { condition: (_eb, f) => sql`exists (select 1 from invoice_lines l where l.invoice_id = invoices.id and ${expressionCondition(jsonText(d, 'l.vendor_data', [VENDOR, `custom_${i}`]), 'text_ci', f)})` };
  }
  return out;
}

export async function renderInvoices(req: CoRequest, rows: InvoiceRow[], withLines: boolean): Promise<Record<string, unknown>[]> {
  const { ctx } = req;
  const today = isoDate(ctx.clock.now());
  const ids = rows.map((r) => r.id);
  const declines = await declineCounts(ctx, ids);
  const lines = withLines ? await invoiceLines(ctx, ids) : new Map();
  const itemIds = [...new Set([...lines.values()].flat().map((l) => l.item_id).filter((id): id is number => id !== null))];
  const items = itemIds.length ? await ctx.db.selectFrom('catalog_items').selectAll().where('id', 'in', itemIds).execute() : [];
  const itemsById = new Map(items.map((i) => [i.id, i]));
  return rows.map((row) => {
    const v = vendorData(row.vendor_data);
    const c = row.currency;
    const m = (minor: number) => money(minor, c);
    const statusStr = invoiceStatusStr(row, today);
    const termsId = Number(v.terms_id ?? 3);
    const adminId = (v.admin_id as number | null | undefined) ?? null;
    const address = (prefix: string) => ({ addr1: v[`${prefix}_addr1`] as string | null, addr2: v[`${prefix}_addr2`] as string | null, addr3: v[`${prefix}_addr3`] as string | null, city: v[`${prefix}_city`] as string | null, state: v[`${prefix}_state`] as string | null, postcode: v[`${prefix}_postcode`] as string | null, country: v[`${prefix}_country`] as string | null });
    const addressFields: Record<string, unknown> = {};
    for (const prefix of ['bill', 'ship']) for (const key of ['addr1', 'addr2', 'addr3', 'city', 'state', 'postcode', 'country', 'notes']) addressFields[`${prefix}_${key}`] = v[`${prefix}_${key}`] ?? null;
    const custom: Record<string, unknown> = {};
    for (let i = 1; i <= 5; i++) custom[`custom_${i}`] = v[`custom_${i}`] ?? null;
    const isVoid = row.status === 'void';
    const paid = !isVoid && row.balance <= 0;
    const out: Record<string, unknown> = {
      invoice_id: row.id,
      refnumber: (v.refnumber as string | undefined) ?? String(row.id),
      external_key: row.external_key,
      package_id: null,
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
      out.line_items = (lines.get(row.id) ?? []).map((line: { id: number; item_id: number | null; description: string | null; quantity: string; unit_price: number; tax: number; amount: number; vendor_data: string }) => {
        const lv = (JSON.parse(line.vendor_data) as Record<string, Record<string, unknown>>)[VENDOR] ?? {};
        const item = line.item_id !== null ? itemsById.get(line.item_id) : undefined;
        const iv = item ? vendorData(item.vendor_data) : {};
        return {
          invoice_id: row.id,
          item_id: line.item_id,
          tierset_id: line.item_id !== null ? tiersetId(line.item_id, c) : null,
          descrip: line.description,
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
          is_base: false,
          is_free: line.unit_price === 0,
          is_setup: false,
          is_usage: false,
          is_recurring: false,
          is_taxed: '0',
          custom_1: lv.custom_1 ?? null,
          custom_2: lv.custom_2 ?? null,
          custom_3: lv.custom_3 ?? null,
          item_name: item?.name ?? null,
          item_external_key: item?.external_key ?? null,
          item_token: item?.token ?? null,
          item_accounting_sku: iv.accounting_sku ?? null,
          item_units: iv.units ?? null,
          line_subtotal: m(line.amount),
          line_total: m(line.amount + line.tax),
          line_item_id: (lv.line_item_id as number | undefined) ?? line.id,
          package_line_id: null,
        };
      });
    }
    return out;
  });
}
