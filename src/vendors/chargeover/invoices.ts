// /invoice (spec 2.4, 4.8-4.14): create with line items, update (keep/replace lines), get,
// list/query/count, and the schedule, unschedule, pay, void and email actions.
import { isIsoDate } from '../../core/clock/clock.ts';
import { priceOf, getCatalogItem } from '../../core/catalog/catalog.ts';
import { getCustomer } from '../../core/customers/customers.ts';
import { addressesByIds } from '../../core/customers/addresses.ts';
import { primaryContacts } from '../../core/customers/contact-queries.ts';
import { reasonOf } from '../../core/errors/domain-error.ts';
import { createInvoice, deleteInvoice, getInvoice, invoiceLines, issueInvoice, updateInvoice, voidInvoice, type LineInput } from '../../core/invoices/invoices.ts';
import { countInvoices, invoicesByIds, listInvoices } from '../../core/invoices/queries.ts';
import { schedulePayments, unschedulePayments, type ScheduleInput } from '../../core/invoices/schedules.ts';
import { queueEmail } from '../../core/outbox/outbox.ts';
import { normalizeDecimalText } from '../../core/money/money.ts';
import type { InvoiceRow } from '../../core/database.ts';
import { accepted, bad, created, duplicateKey, ok, type CoRequest, type CoResult } from './envelope.ts';
import { listing, pageOf, whereOf } from './lists.ts';
import { payloadRef, target } from './refs.ts';
import type { Resource } from './router.ts';
import { addressOf } from './customer-view.ts';
import { INVOICE_FIELDS, renderInvoices } from './invoice-view.ts';
import { payInvoiceAction } from './invoice-pay.ts';
import { addressFrom, asObject, currencyIso, optInt, optString, parseAmount, TERMS, ADMINS, VENDOR, vendorData } from './wire.ts';

function quantityOf(value: unknown, field: string): string {
  if (value === undefined || value === null || value === '') return '1';
  try {
    return normalizeDecimalText(typeof value === 'number' ? String(value) : String(value));
  } catch {
    throw bad(`${field} must be a number`);
  }
}

async function newLine(req: CoRequest, raw: unknown, currency: string, index: number): Promise<LineInput> {
  const line = asObject(raw);
  const itemId = await payloadRef(req.ctx, 'item', line, 'item', true);
  const item = await getCatalogItem(req.ctx, itemId as number);
  const custom: Record<string, unknown> = {};
  for (const key of ['custom_1', 'custom_2', 'custom_3']) {
    const value = optString(line, key);
    if (value !== undefined) custom[key] = value;
  }
  return {
    itemId: item.id,
    description: optString(line, 'descrip') ?? (item.name || item.description),
    quantity: quantityOf(line.line_quantity, `line_items[${index}].line_quantity`),
    unitPrice: line.line_rate === undefined || line.line_rate === null ? (priceOf(item, currency) ?? 0) : parseAmount(line.line_rate, currency, `line_items[${index}].line_rate`),
    vendorData: { [VENDOR]: custom },
  };
}

function invoiceVendorFields(body: Record<string, unknown>): Record<string, unknown> {
  const v: Record<string, unknown> = {};
  for (const prefix of ['bill', 'ship'] as const) {
    const a = addressFrom(body, prefix);
    if (a) for (const [key, value] of Object.entries(a)) v[`${prefix}_${key}`] = value;
  }
  for (let i = 1; i <= 5; i++) {
    const value = optString(body, `custom_${i}`);
    if (value !== undefined) v[`custom_${i}`] = value;
  }
  const refnumber = optString(body, 'refnumber');
  if (refnumber) v.refnumber = refnumber;
  const adminId = optInt(body, 'admin_id');
  if (adminId !== undefined) {
    if (adminId && !ADMINS[adminId]) throw bad(`Unknown admin_id ${adminId}`);
    v.admin_id = adminId;
  }
  const termsId = optInt(body, 'terms_id');
  if (termsId !== undefined && termsId !== null) {
    if (!TERMS[termsId]) throw bad(`Unknown terms_id ${termsId}`);
    v.terms_id = termsId;
  }
  return v;
}

function conflict(error: unknown, key: string | null | undefined): never {
  if (reasonOf(error) === 'duplicate_ref') throw duplicateKey('invoice', String(key));
  throw error;
}

async function create(req: CoRequest): Promise<CoResult> {
  const body = asObject(req.body);
  const customerId = (await payloadRef(req.ctx, 'customer', body, 'customer', true)) as number;
  const customer = await getCustomer(req.ctx, customerId);
  const currency = body.currency_id === undefined || body.currency_id === null ? customer.currency : currencyIso(optInt(body, 'currency_id'));
  if (currency !== customer.currency) throw bad('The invoice currency must be the customer currency');
  if (!Array.isArray(body.line_items) || body.line_items.length === 0) throw bad('line_items must list at least one line');
  const lines: LineInput[] = [];
  for (const [i, raw] of body.line_items.entries()) lines.push(await newLine(req, raw, currency, i));
  const date = optString(body, 'date');
  if (date !== undefined && date !== null && !isIsoDate(date)) throw bad('date must be YYYY-MM-DD');
  const v = invoiceVendorFields(body);
  const cv = vendorData(customer.vendor_data);
  v.terms_id ??= cv.terms_id ?? 3;
  v.admin_id ??= cv.admin_id ?? null;
  // An invoice keeps the address it was issued to: the given one, else the customer's default.
  const defaults = await addressesByIds(
    req.ctx,
    [customer.billing_address_id, customer.shipping_address_id].filter((id): id is number => id !== null),
  );
  for (const prefix of ['bill', 'ship'] as const) {
    if (Object.keys(v).some((k) => k.startsWith(`${prefix}_`))) continue;
    const pointer = prefix === 'bill' ? customer.billing_address_id : customer.shipping_address_id;
    const a = addressOf(pointer === null ? undefined : defaults.get(pointer));
    for (const key of ['addr1', 'addr2', 'addr3', 'city', 'state', 'postcode', 'country', 'notes'] as const) v[`${prefix}_${key}`] = a[key] ?? null;
  }
  const externalKey = optString(body, 'external_key') || null;
  const refs = externalKey ? [{ vendor: VENDOR, kind: 'external_key', value: externalKey }] : undefined;
  const invoice = await createInvoice(req.ctx, {
    customerId,
    currency,
    lines,
    refs,
    issueDate: date ?? null,
    termsDays: TERMS[v.terms_id as number]?.days ?? 0,
    notes: optString(body, 'memo') ?? null,
    vendorData: { [VENDOR]: v },
  }).catch((e: unknown) => conflict(e, externalKey));
  return created(req, 'invoice', invoice.id);
}

async function update(req: CoRequest, segment: string): Promise<CoResult> {
  const id = await target(req.ctx, 'invoice', segment);
  const body = asObject(req.body);
  const invoice = await getInvoice(req.ctx, id);
  if (invoice.status === 'void') throw bad('A void invoice cannot be changed');
  const v = { ...vendorData(invoice.vendor_data), ...invoiceVendorFields(body) };
  const update: Parameters<typeof updateInvoice>[2] = { vendorData: { vendor: VENDOR, fields: v } };
  if (body.terms_id !== undefined && body.terms_id !== null) update.termsDays = TERMS[v.terms_id as number].days;
  const memo = optString(body, 'memo');
  if (memo !== undefined) update.notes = memo;
  // The update table omits date, but ChargeOver's own update example sends it (spec X5).
  const date = optString(body, 'date');
  if (date !== undefined && date !== null) {
    if (!isIsoDate(date)) throw bad('date must be YYYY-MM-DD');
    update.issueDate = date;
  }
  const externalKey = optString(body, 'external_key');
  if (externalKey !== undefined) update.refs = [{ vendor: VENDOR, kind: 'external_key', value: externalKey || null }];
  if (body.line_items !== undefined) {
    if (!Array.isArray(body.line_items) || body.line_items.length === 0) throw bad('line_items must list at least one line');
    const existing = (await invoiceLines(req.ctx, [id])).get(id) ?? [];
    const byWireId = new Map(existing.map((l) => [Number((JSON.parse(l.vendor_data) as Record<string, Record<string, unknown>>)[VENDOR]?.line_item_id ?? l.id), l]));
    const lines: LineInput[] = [];
    for (const [i, raw] of body.line_items.entries()) {
      const entry = asObject(raw);
      if (entry.line_item_id === undefined || entry.line_item_id === null) {
        lines.push(await newLine(req, entry, invoice.currency, i));
        continue;
      }
      const wireId = Number(entry.line_item_id);
      const kept = byWireId.get(wireId);
      if (!kept) throw bad(`Line item ${String(entry.line_item_id)} is not on invoice ${id}`);
      const lv: Record<string, unknown> = { ...((JSON.parse(kept.vendor_data) as Record<string, Record<string, unknown>>)[VENDOR] ?? {}), line_item_id: wireId };
      for (const key of ['custom_1', 'custom_2', 'custom_3']) if (entry[key] !== undefined) lv[key] = optString(entry, key);
      lines.push({
        itemId: entry.item_id !== undefined || entry.item_external_key !== undefined || entry.item_token !== undefined ? await payloadRef(req.ctx, 'item', entry, 'item', true) : kept.item_id,
        description: entry.descrip !== undefined ? optString(entry, 'descrip') : kept.description,
        quantity: entry.line_quantity !== undefined ? quantityOf(entry.line_quantity, `line_items[${i}].line_quantity`) : kept.quantity,
        unitPrice: entry.line_rate !== undefined ? parseAmount(entry.line_rate, invoice.currency, `line_items[${i}].line_rate`) : kept.unit_price,
        discount: kept.discount,
        taxRate: kept.tax_rate,
        vendorData: { [VENDOR]: lv },
      });
    }
    update.lines = lines;
  }
  await updateInvoice(req.ctx, id, update).catch((e: unknown) => conflict(e, externalKey));
  return accepted(req, 'invoice', id);
}

function scheduleEntry(raw: unknown, currency: string, i: number): ScheduleInput {
  const e = asObject(raw);
  if (e.amount === undefined || e.amount === null) throw bad(`schedule[${i}].amount is required`);
  const amount = parseAmount(e.amount, currency, `schedule[${i}].amount`);
  const date = optString(e, 'date');
  if (!date || !isIsoDate(date)) throw bad(`schedule[${i}].date must be YYYY-MM-DD`);
  const card = optInt(e, 'creditcard_id');
  const ach = optInt(e, 'ach_id');
  if (card) return { amount, date, method: { kind: 'method', paymentMethodId: card } };
  if (ach) return { amount, date, method: { kind: 'method', paymentMethodId: ach } };
  const paymethod = e.paymethod ?? 'any';
  if (typeof paymethod === 'number' || (typeof paymethod === 'string' && /^\d+$/.test(paymethod))) return { amount, date, method: { kind: 'method', paymentMethodId: Number(paymethod) } };
  const kinds: Record<string, 'any' | 'card' | 'bank'> = { any: 'any', crd: 'card', ach: 'bank' };
  const kind = kinds[String(paymethod)];
  if (!kind) throw bad(`schedule[${i}].paymethod must be any, crd or ach`);
  return { amount, date, method: { kind } };
}

async function email(req: CoRequest, segment: string): Promise<CoResult> {
  const id = await target(req.ctx, 'invoice', segment);
  const body = asObject(req.body);
  const invoice: InvoiceRow = await getInvoice(req.ctx, id);
  const to = optString(body, 'email') || (await primaryContacts(req.ctx, [invoice.customer_id])).get(invoice.customer_id)?.email;
  if (!to) throw bad('No e-mail address to send the invoice to');
  const [rendered] = await renderInvoices(req, [invoice], false);
  if (req.emails) {
    await queueEmail(req.ctx, {
      to,
      subject: optString(body, 'subject') || `Invoice #${String(rendered.refnumber)}`,
      body: optString(body, 'body') || `Invoice #${String(rendered.refnumber)}: ${String(rendered.balance)} ${invoice.currency} due ${invoice.due_date}. View it at ${String(rendered.url_permalink)}`,
      meta: {
        vendor: VENDOR,
        kind: 'invoice',
        invoice_id: id,
        from: optString(body, 'from') ?? null,
        message_id: optString(body, 'message_id') ?? null,
        template_name: optString(body, 'template_name') ?? null,
      },
    });
  }
  return ok(true);
}

/** ?action=approve (extra §8.1): an open invoice has nothing to approve; a draft is issued; a void one cannot be. */
async function approve(req: CoRequest, segment: string): Promise<CoResult> {
  const id = await target(req.ctx, 'invoice', segment);
  const invoice = await getInvoice(req.ctx, id);
  if (invoice.status === 'void') throw bad('This invoice cannot be approved.');
  if (invoice.status === 'draft') await issueInvoice(req.ctx, id);
  return ok(true);
}

/** DELETE /invoice/{id} (extra §8.2): only while nothing is applied to it. */
async function remove(req: CoRequest, segment: string): Promise<CoResult> {
  const id = await target(req.ctx, 'invoice', segment);
  await deleteInvoice(req.ctx, id).catch((error: unknown) => {
    if (reasonOf(error) === 'has_payments') throw bad('This invoice has payments applied and cannot be deleted.');
    throw error;
  });
  return ok(true);
}

export const invoices: Resource = {
  list: async (req) => ok(await renderInvoices(req, (await listing(listInvoices(req.ctx, pageOf(req, INVOICE_FIELDS)))).rows, false)),
  count: async (req) => ok(await listing(countInvoices(req.ctx, { where: whereOf(req, INVOICE_FIELDS) }))),
  create,
  get: async (req, segment) => ok((await renderInvoices(req, await invoicesByIds(req.ctx, [await target(req.ctx, 'invoice', segment)]), true))[0]),
  update,
  remove,
  actions: {
    approve,
    schedule: async (req, segment) => {
      const id = await target(req.ctx, 'invoice', segment);
      const invoice = await getInvoice(req.ctx, id);
      const body = asObject(req.body);
      if (!Array.isArray(body.schedule) || body.schedule.length === 0) throw bad('schedule must list at least one payment');
      await schedulePayments(
        req.ctx,
        id,
        body.schedule.map((e, i) => scheduleEntry(e, invoice.currency, i)),
      );
      return ok(true);
    },
    unschedule: async (req, segment) => {
      await unschedulePayments(req.ctx, await target(req.ctx, 'invoice', segment));
      return ok(true);
    },
    void: async (req, segment) => {
      const id = await target(req.ctx, 'invoice', segment);
      await voidInvoice(req.ctx, id, { refuseIfPaid: true }).catch((error: unknown) => {
        if (reasonOf(error) === 'already_void') throw bad('The invoice is already void');
        throw error;
      });
      return ok(true);
    },
    pay: payInvoiceAction,
    email,
  },
};
