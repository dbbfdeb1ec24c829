// Invoices (spec #58-62, §2.6, §3.15, §4.7) over core invoices. A FluidPay invoice has no customer
// field: it bills the customer whose vault address bill_to.id names, or a customer created from the
// bill_to fields. Invoices stay core drafts (status "pending"; nothing is posted to the ledger, no
// payment flow through this API, G45). Invoice-level tax_percent and adjustment are FluidPay's
// additions to the core's line totals.
import { randomUUID } from 'node:crypto';
import { sql, type Expression, type SqlBool } from 'kysely';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TenantContext } from '../../core/context.ts';
import { inWork } from '../../core/work.ts';
import { invalid, notFound } from '../../core/errors/domain-error.ts';
import { createCustomer } from '../../core/customers/customers.ts';
import { createInvoice, getInvoice, invoiceLines, updateInvoice, voidInvoice, type LineInput } from '../../core/invoices/invoices.ts';
import { addressesByIds } from '../../core/customers/addresses.ts';
import { pageWithTotal } from '../../core/query/filters.ts';
import { jsonInt } from '../../store/json.ts';
import type { InvoiceLineRow, InvoiceRow } from '../../store/schema.ts';
import { tenantOf } from '../../http/auth.ts';
import { decodeId, encodeId, sameSecond } from './ids.ts';
import { always, dateRange, intCriterion, paging, rangeCondition, stringCriterion, intCondition } from './search.ts';
import { wireAddressOf } from './vault-wire.ts';
import { bodyOf, isObject, listed, ok, oneOf, optBool, optInt, optString, parseAddress, ts, ZERO_TIME, type Body, type WireAddress } from './wire.ts';

interface ItemData {
  item_id: string;
  name: string;
  quantity_shipped: number;
  unit_of_measure: string;
  discount: number;
  discount_type: string;
  taxable: boolean;
  local_tax: string;
  national_tax: string;
  tax_rate: string;
}

interface InvoiceData {
  company_name: string;
  company_logo_url: string;
  customer_number: string;
  payable_to: WireAddress & { id: string };
  bill_to: WireAddress & { id: string };
  date_due: string;
  date_due_ms: number;
  advanced_fields: boolean;
  tax_percent: string;
  adjustment: number;
  message: string;
  send_via: string;
  last_sent_at: number | null;
  payment_methods: string[];
  card_processor_id: string;
  ach_processor_id: string;
  public_url: string;
  hosted_url: string;
  item_seq: number;
  tax: number;
  total: number;
  amount_due: number;
  deleted: boolean;
}

const invoiceData = (row: InvoiceRow) => ((JSON.parse(row.vendor_data || '{}') as { fluidpay?: InvoiceData }).fluidpay ?? {}) as InvoiceData;
const itemData = (line: InvoiceLineRow) => ((JSON.parse(line.vendor_data || '{}') as { fluidpay?: ItemData }).fluidpay ?? {}) as ItemData;

async function findInvoice(ctx: TenantContext, idText: string): Promise<InvoiceRow> {
  const decoded = decodeId('invoice', idText);
  if (!decoded) throw notFound('invoice', idText);
  const row = await getInvoice(ctx, decoded.id);
  if (!sameSecond(decoded, row.created_at) || invoiceData(row).deleted || !invoiceData(row).public_url) throw notFound('invoice', idText);
  return row;
}

function decimalString(body: Body, field: string, path: string, fallback: string): string {
  const value = body[field];
  if (value === undefined || value === null || value === '') return fallback;
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^\d+(\.\d+)?$/.test(text)) throw invalid(`${path} must be a decimal string`, path);
  return text;
}

interface ParsedItem {
  line: LineInput;
  data: Omit<ItemData, 'item_id'> & { item_id?: string };
}

function parseItems(value: unknown): ParsedItem[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid('items must be an array', 'items');
  return value.map((item, i) => {
    const path = `items[${i}]`;
    if (!isObject(item)) throw invalid(`${path} must be an object`, path);
    const quantity = optInt(item, 'quantity', { min: 0, path: `${path}.quantity` }) ?? 1;
    const unitPrice = optInt(item, 'unit_price', { min: 0, path: `${path}.unit_price` }) ?? 0;
    const discount = optInt(item, 'discount', { min: 0, path: `${path}.discount` }) ?? 0;
    const discountType = oneOf(optString(item, 'discount_type', { path: `${path}.discount_type` }) || undefined, ['$', '%'], `${path}.discount_type`) ?? '$';
    const taxable = optBool(item, 'taxable', `${path}.taxable`) ?? false;
    const taxRate = decimalString(item, 'tax_rate', `${path}.tax_rate`, '0');
    const gross = quantity * unitPrice;
    const cents = discountType === '%' ? Math.round((gross * discount) / 100) : discount;
    if (cents > gross) throw invalid(`${path}.discount exceeds the item's amount`, `${path}.discount`);
    const id = optString(item, 'id', { path: `${path}.id` });
    return {
      line: { description: optString(item, 'description', { max: 1000, path: `${path}.description` }) ?? '', quantity, unitPrice, discount: cents, taxRate: taxable ? taxRate : '0' },
      data: {
        item_id: id || undefined,
        name: optString(item, 'name', { max: 255, path: `${path}.name` }) ?? '',
        quantity_shipped: optInt(item, 'quantity_shipped', { min: 0, path: `${path}.quantity_shipped` }) ?? 0,
        unit_of_measure: optString(item, 'unit_of_measure', { max: 50, path: `${path}.unit_of_measure` }) ?? '',
        discount,
        discount_type: discountType,
        taxable,
        local_tax: decimalString(item, 'local_tax', `${path}.local_tax`, '0'),
        national_tax: decimalString(item, 'national_tax', `${path}.national_tax`, '0'),
        tax_rate: taxRate,
      },
    };
  });
}

async function parseInvoiceAddress(ctx: TenantContext, value: unknown, path: string): Promise<{ address: WireAddress & { id: string }; customerId?: number }> {
  const parsed = parseAddress(value, path) ?? parseAddress({}, path)!;
  const id = isObject(value) ? value.id : undefined;
  if (id === undefined || id === null || id === '') return { address: { id: '', ...parsed } };
  const decoded = decodeId('address', id);
  const row = decoded ? (await addressesByIds(ctx, [decoded.id])).get(decoded.id) : undefined;
  if (!row || row.deleted_at !== null || !decoded || !sameSecond(decoded, row.created_at)) throw invalid(`${path}.id is not a stored address`, `${path}.id`);
  return { address: { id: id as string, ...wireAddressOf(row) }, customerId: row.customer_id };
}

function parseDue(body: Body): { text: string; ms: number } {
  const value = body.date_due;
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) || !Number.isFinite(Date.parse(value))) {
    throw invalid('date_due must be an RFC 3339 time', 'date_due');
  }
  const ms = Date.parse(value);
  return { text: new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'), ms };
}

/** FluidPay totals over the core's line totals (§4.7). */
function totals(subtotal: number, lineTax: number, taxPercent: string, adjustment: number) {
  const tax = Math.round((subtotal * Number(taxPercent)) / 100) + lineTax;
  const total = subtotal + tax + adjustment;
  return { tax, total, amount_due: total };
}

async function parseInvoice(ctx: TenantContext, request: FastifyRequest, body: Body, existing?: InvoiceRow) {
  const currency = optString(body, 'currency') || 'USD';
  if (!/^[A-Za-z]{3}$/.test(currency)) throw invalid('currency must be a 3-letter code', 'currency');
  const due = parseDue(body);
  const items = parseItems(body.items);
  const payable = await parseInvoiceAddress(ctx, body.payable_to, 'payable_to');
  const bill = await parseInvoiceAddress(ctx, body.bill_to, 'bill_to');
  const sendVia = oneOf(optString(body, 'send_via') || undefined, ['email', 'text', 'both', 'none'], 'send_via') ?? 'none';
  const methods = body.payment_methods ?? [];
  if (!Array.isArray(methods) || methods.some((m) => m !== 'card' && m !== 'ach' && m !== 'mail')) throw invalid('payment_methods must be a list of card, ach, mail', 'payment_methods');
  const before = existing ? invoiceData(existing) : undefined;
  const publicUrl = before?.public_url ?? randomUUID();
  const data: Omit<InvoiceData, 'item_seq' | 'tax' | 'total' | 'amount_due'> = {
    company_name: optString(body, 'company_name', { max: 255 }) ?? '',
    company_logo_url: optString(body, 'company_logo_url', { max: 2000 }) ?? '',
    customer_number: optString(body, 'customer_number', { max: 255 }) ?? '',
    payable_to: payable.address,
    bill_to: bill.address,
    date_due: due.text,
    date_due_ms: due.ms,
    advanced_fields: optBool(body, 'advanced_fields') ?? false,
    tax_percent: decimalString(body, 'tax_percent', 'tax_percent', '0.00'),
    adjustment: optInt(body, 'adjustment') ?? 0,
    message: optString(body, 'message', { max: 5000 }) ?? '',
    send_via: sendVia,
    last_sent_at: sendVia === 'none' ? (before?.last_sent_at ?? null) : ctx.clock.now(),
    payment_methods: methods as string[],
    card_processor_id: optString(body, 'card_processor_id') ?? '',
    ach_processor_id: optString(body, 'ach_processor_id') ?? '',
    public_url: publicUrl,
    hosted_url: before?.hosted_url ?? `${request.protocol}://${request.headers.host ?? 'localhost'}/invoice/${publicUrl}`,
    deleted: false,
  };
  return { currency, due, items, data, billCustomerId: bill.customerId };
}

/** Item ids stay stable across updates: an item sent with its id keeps it; others get new ones. */
function assignItemIds(items: ParsedItem[], invoiceId: number, createdAt: number, seq: number): { lines: LineInput[]; seq: number } {
  let next = seq;
  const lines = items.map((item) => {
    const id = item.data.item_id && decodeId('invoice_item', item.data.item_id) ? item.data.item_id : encodeId('invoice_item', invoiceId * 1000 + ++next, createdAt);
    return { ...item.line, vendorData: { fluidpay: { ...item.data, item_id: id } } };
  });
  return { lines, seq: next };
}

function renderInvoice(row: InvoiceRow, lines: InvoiceLineRow[]) {
  const data = invoiceData(row);
  const items = lines.map((line) => {
    const d = itemData(line);
    return {
      id: d.item_id,
      name: d.name,
      description: line.description ?? '',
      quantity: Number(line.quantity),
      quantity_shipped: d.quantity_shipped,
      unit_of_measure: d.unit_of_measure,
      unit_price: line.unit_price,
      discount: d.discount,
      discount_type: d.discount_type,
      taxable: d.taxable,
      local_tax: d.local_tax,
      national_tax: d.national_tax,
      tax_rate: d.tax_rate,
      tax_amount: line.tax,
      amount: line.amount,
      status: 'pending',
    };
  });
  const subtotal = row.subtotal - row.discount_total;
  return {
    id: encodeId('invoice', row.id, row.created_at),
    currency: row.currency,
    company_name: data.company_name,
    company_logo_url: data.company_logo_url,
    customer_number: data.customer_number,
    payable_to: data.payable_to,
    bill_to: data.bill_to,
    created_at: ts(row.created_at),
    date_due: data.date_due,
    items,
    advanced_fields: data.advanced_fields,
    subtotal,
    tax_percent: data.tax_percent,
    tax: data.tax,
    total: data.total,
    amount_paid: 0,
    adjustment: data.adjustment,
    amount_due: data.amount_due,
    payment_methods: data.payment_methods,
    card_processor_id: data.card_processor_id,
    ach_processor_id: data.ach_processor_id,
    status: 'pending',
    message: data.message,
    reject_message: '',
    send_via: data.send_via,
    last_sent_at: data.last_sent_at === null ? ZERO_TIME : ts(data.last_sent_at),
    updated_at: ts(row.updated_at),
    public_url: data.public_url,
    hosted_url: data.hosted_url,
  };
}

async function renderOne(ctx: TenantContext, row: InvoiceRow) {
  return renderInvoice(row, (await invoiceLines(ctx, [row.id])).get(row.id) ?? []);
}

const INVOICE_ORDER = { created_at: { column: 'created_at', type: 'number' as const }, id: { column: 'id', type: 'number' as const } };

export async function invoiceRoutes(app: FastifyInstance): Promise<void> {
  app.post('/invoice', async (request) => {
    const ctx = tenantOf(request);
    const input = await parseInvoice(ctx, request, bodyOf(request));
    const row = await inWork(ctx, async (tx) => {
      const bill = input.data.bill_to;
      const customerId =
        input.billCustomerId ??
        (await createCustomer(tx, { firstName: bill.first_name || null, lastName: bill.last_name || null, company: bill.company || null, email: bill.email || null, phone: bill.phone || null, currency: input.currency, vendor: 'fluidpay', vendorData: { invoice_recipient: true } })).id;
      const draft = await createInvoice(tx, { customerId, currency: input.currency, lines: [], dueDate: input.due.text.slice(0, 10), draft: true });
      const { lines, seq } = assignItemIds(input.items, draft.id, draft.created_at, 0);
      const withLines = await updateInvoice(tx, draft.id, { lines });
      const sums = totals(withLines.subtotal - withLines.discount_total, withLines.tax_total, input.data.tax_percent, input.data.adjustment);
      return updateInvoice(tx, draft.id, { vendorData: { vendor: 'fluidpay', fields: { ...input.data, item_seq: seq, ...sums } } });
    });
    return ok(await renderOne(ctx, row));
  });

  app.get<{ Params: { id: string } }>('/invoice/:id', async (request) => {
    const ctx = tenantOf(request);
    return ok(await renderOne(ctx, await findInvoice(ctx, request.params.id)));
  });

  app.post<{ Params: { id: string } }>('/invoice/:id', async (request) => {
    const ctx = tenantOf(request);
    const existing = await findInvoice(ctx, request.params.id);
    const input = await parseInvoice(ctx, request, bodyOf(request), existing);
    const row = await inWork(ctx, async (tx) => {
      const { lines, seq } = assignItemIds(input.items, existing.id, existing.created_at, invoiceData(existing).item_seq ?? 0);
      const withLines = await updateInvoice(tx, existing.id, { lines, dueDate: input.due.text.slice(0, 10) });
      const sums = totals(withLines.subtotal - withLines.discount_total, withLines.tax_total, input.data.tax_percent, input.data.adjustment);
      return updateInvoice(tx, existing.id, { vendorData: { vendor: 'fluidpay', fields: { ...input.data, item_seq: seq, ...sums } } });
    });
    return ok(await renderOne(ctx, row));
  });

  app.delete<{ Params: { id: string } }>('/invoice/:id', async (request) => {
    const ctx = tenantOf(request);
    const existing = await findInvoice(ctx, request.params.id);
    await inWork(ctx, async (tx) => {
      await updateInvoice(tx, existing.id, { vendorData: { vendor: 'fluidpay', fields: { deleted: true } } });
      await voidInvoice(tx, existing.id);
    });
    return { status: 'success', msg: 'success' }; // G36: no data key
  });

  const search = async (request: FastifyRequest) => {
    const ctx = tenantOf(request);
    const body = bodyOf(request);
    const page = paging(body);
    const conditions: Expression<SqlBool>[] = [];
    const byId = stringCriterion(body, 'id', 'id', ['=']);
    if (byId) {
      const decoded = decodeId('invoice', byId.value);
      conditions.push(decoded ? sql<SqlBool>`${sql.ref('id')} = ${decoded.id}` : always(false));
    }
    const due = intCriterion(body, 'amount_due', 'amount_due', ['=', '<', '>']);
    if (due) conditions.push(intCondition(jsonInt(ctx.dialect, 'vendor_data', ['fluidpay', 'amount_due']), due));
    const range = dateRange(body, 'date_due');
    if (range) conditions.push(rangeCondition(jsonInt(ctx.dialect, 'vendor_data', ['fluidpay', 'date_due_ms']), range));
    let query = ctx.db.selectFrom('invoices').selectAll().where('tenant_id', '=', ctx.tenant.id).where('status', '=', 'draft').where(() => sql<SqlBool>`${jsonInt(ctx.dialect, 'vendor_data', ['fluidpay', 'date_due_ms'])} is not null`);
    for (const condition of conditions) query = query.where(() => condition);
    const { rows, total } = await pageWithTotal(query, { order: [{ field: 'created_at', direction: 'desc' }], ...page }, INVOICE_ORDER, { field: 'id', direction: 'desc' });
    const lines = await invoiceLines(ctx, rows.map((r) => r.id));
    return listed(rows.map((row) => renderInvoice(row, lines.get(row.id) ?? [])), total);
  };
  app.post('/invoices/search', search);
  app.post('/invoice/search', search); // G42
}
