// Invoices (spec §3): CRUD, void, pay. Line items are core invoice lines (name and type in the
// door's namespace of each line); the figures (subtotal, total, balance) are core columns, and the
// status is derived from the stored state, the balance and the tenant's clock (draft, not_sent or
// sent, past_due, paid, voided). DELETE voids an invoice that has no payments; POST /void voids any
// (applied payments go back to the customer's credit); POST /pay charges the customer's saved
// payment sources for the balance (core pay-invoice), 402 on a decline.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TenantContext } from '../../core/context.ts';
import type { CatalogItemRow, InvoiceRow } from '../../core/database.ts';
import { invalid } from '../../core/errors/domain-error.ts';
import { payInvoice } from '../../core/flows/pay-invoice.ts';
import { createInvoice, getInvoice, updateInvoice, voidInvoice, type LineInput } from '../../core/invoices/invoices.ts';
import { listInvoices } from '../../core/invoices/queries.ts';
import { normalizeDecimalText } from '../../core/money/money.ts';
import { tenantOf } from '../../http/auth.ts';
import { isObject } from '../kit/fields.ts';
import type { WireField } from '../kit/filters.ts';
import { findCatalog } from './catalog.ts';
import { renderInvoices } from './render.ts';
import { amountCurrency } from './charges.ts';
import { bodyId, bodyOf, idParam, readAmount, readBool, readCurrency, readDay, readList, readMetadata, readString, sendList, siteBase, VENDOR, type Body } from './wire.ts';

const INVOICE_FIELDS: Record<string, WireField> = {
  id: 'id',
  customer: 'customer_id',
  number: 'number',
  currency: 'currency',
  total: 'total',
  balance: 'balance',
  date: 'issue_date',
  due_date: 'due_date',
  status: { enum: 'state', values: { draft: 'draft', not_sent: 'open', sent: 'open', viewed: 'open', past_due: 'overdue', pending: [], paid: 'paid', voided: 'void' } },
  paid: { enum: 'state', values: { '1': 'paid', true: 'paid', '0': ['draft', 'open', 'overdue', 'void'], false: ['draft', 'open', 'overdue', 'void'] } },
  closed: { enum: 'state', values: { '1': ['paid', 'void'], true: ['paid', 'void'], '0': ['draft', 'open', 'overdue'], false: ['draft', 'open', 'overdue'] } },
  draft: { enum: 'state', values: { '1': 'draft', true: 'draft', '0': ['open', 'overdue', 'paid', 'void'], false: ['open', 'overdue', 'paid', 'void'] } },
  created_at: 'created_at',
  updated_at: 'updated_at',
};

/** "NET 30" → 30 days; "Due on Receipt" → 0. */
function termsDays(terms: string): number {
  const net = /^NET\s*(\d{1,3})$/i.exec(terms.trim());
  if (net) return Number(net[1]);
  if (/^(due on receipt|autopay)$/i.test(terms.trim())) return 0;
  throw invalid('payment_terms must be "NET <days>", "Due on Receipt" or "AutoPay"', 'payment_terms');
}

function quantityText(value: unknown, path: string): string {
  if (value === undefined || value === null) return '1';
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? value : '';
  try {
    const normalized = normalizeDecimalText(text);
    if (normalized.startsWith('-')) throw new Error('negative');
    return normalized;
  } catch {
    throw invalid(`${path} must be a non-negative number`, path);
  }
}

async function readItems(ctx: TenantContext, body: Body, currency: string): Promise<LineInput[] | undefined> {
  if (body.items === undefined) return undefined;
  if (!Array.isArray(body.items)) throw invalid('items must be a list of line items', 'items');
  const lines: LineInput[] = [];
  for (const [i, item] of body.items.entries()) {
    const path = `items[${i}]`;
    if (!isObject(item)) throw invalid(`${path} must be an object`, 'items');
    for (const key of ['discounts', 'taxes']) {
      if (Array.isArray(item[key]) && (item[key] as unknown[]).length > 0) throw invalid(`${path}.${key} are not supported on line items yet`, `${path}.${key}`);
    }
    let catalog: CatalogItemRow | undefined;
    if (item.catalog_item !== undefined && item.catalog_item !== null)
      catalog = await findCatalog(ctx, item.catalog_item, 'item').catch(() => Promise.reject(invalid(`${path}.catalog_item does not name an item`, `${path}.catalog_item`)));
    const name = readString(item, 'name', { path: `${path}.name`, max: 255 }) ?? catalog?.name;
    const description = readString(item, 'description', { path: `${path}.description`, max: 2000 }) || null;
    const unitCost =
      readAmount(item, 'unit_cost', currency, { path: `${path}.unit_cost`, allowZero: true }) ?? (catalog ? (JSON.parse(catalog.prices) as Record<string, number>)[currency] : undefined);
    if (unitCost === undefined) throw invalid(`${path}.unit_cost is required`, `${path}.unit_cost`);
    const type = readString(item, 'type', { path: `${path}.type`, max: 64 });
    const metadata = readMetadata(item);
    lines.push({
      itemId: catalog?.id ?? null,
      description: description ?? name ?? null,
      quantity: quantityText(item.quantity, `${path}.quantity`),
      unitPrice: unitCost,
      vendorData: { [VENDOR]: { name: name ?? null, ...(type ? { type } : {}), ...(metadata ? { metadata } : {}) } },
    });
  }
  return lines;
}

/** The door's own invoice fields from a body (merged into its namespace). */
function ownFields(body: Body): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const key of ['name', 'purchase_order', 'payment_terms'] as const) {
    const value = readString(body, key, { max: 255 });
    if (value !== undefined) fields[key] = value || null;
  }
  const autopay = readBool(body, 'autopay');
  if (autopay !== undefined) fields.autopay = autopay;
  const sent = readBool(body, 'sent');
  if (sent !== undefined) fields.sent = sent;
  const metadata = readMetadata(body);
  if (metadata) fields.metadata = metadata;
  return fields;
}

export async function findInvoice(ctx: TenantContext, text: unknown): Promise<InvoiceRow> {
  return getInvoice(ctx, idParam(text, 'invoice'));
}

type Id = { Params: { id: string } };

export async function invoiceRoutes(app: FastifyInstance): Promise<void> {
  const one = async (request: FastifyRequest, row: InvoiceRow) => (await renderInvoices(tenantOf(request), [row], siteBase(request)))[0];

  app.post('/invoices', async (request, reply) => {
    const ctx = tenantOf(request);
    const body = bodyOf(request);
    if (body.customer === undefined || body.customer === null) throw invalid('customer is required', 'customer');
    const customerId = bodyId(body.customer, 'customer');
    const currency = await amountCurrency(ctx, body, customerId);
    const terms = readString(body, 'payment_terms', { max: 64 });
    const row = await createInvoice(ctx, {
      customerId,
      currency: readCurrency(body) ?? currency,
      lines: (await readItems(ctx, body, currency)) ?? [],
      number: readString(body, 'number', { max: 64 }) || null,
      issueDate: readDay(body, 'date') ?? null,
      dueDate: readDay(body, 'due_date') ?? null,
      termsDays: terms ? termsDays(terms) : null,
      notes: readString(body, 'notes', { max: 5000 }) || null,
      draft: readBool(body, 'draft') ?? false,
      vendorData: { [VENDOR]: ownFields(body) },
    });
    return reply.code(201).send(await one(request, row));
  });

  app.get('/invoices', async (request, reply) => {
    const ctx = tenantOf(request);
    const list = readList(request, INVOICE_FIELDS);
    const page = await listInvoices(ctx, { where: list.where, order: list.order, offset: list.offset, limit: list.perPage, total: true }, { withDrafts: true });
    return sendList(request, reply, list, await renderInvoices(ctx, page.rows, siteBase(request)), page.total ?? 0);
  });

  app.get('/invoices/:id', async (request: FastifyRequest<Id>) => one(request, await findInvoice(tenantOf(request), request.params.id)));

  app.patch('/invoices/:id', async (request: FastifyRequest<Id>) => {
    const ctx = tenantOf(request);
    const invoice = await findInvoice(ctx, request.params.id);
    const body = bodyOf(request);
    if (body.customer !== undefined && bodyId(body.customer, 'customer') !== invoice.customer_id) throw invalid('The customer of an invoice cannot be changed', 'customer');
    if (body.currency !== undefined && readCurrency(body) !== invoice.currency) throw invalid('The currency of an invoice cannot be changed', 'currency');
    const draft = readBool(body, 'draft');
    if (draft === true && invoice.status !== 'draft') throw invalid('An issued invoice cannot go back to draft', 'draft');
    const terms = readString(body, 'payment_terms', { max: 64 });
    const fields = ownFields(body);
    const notes = readString(body, 'notes', { max: 5000 });
    const row = await updateInvoice(ctx, invoice.id, {
      lines: await readItems(ctx, body, invoice.currency),
      issueDate: readDay(body, 'date'),
      dueDate: readDay(body, 'due_date'),
      termsDays: terms ? termsDays(terms) : undefined,
      notes: notes === undefined ? undefined : notes || null,
      vendorData: Object.keys(fields).length > 0 ? { vendor: VENDOR, fields } : undefined,
      issue: draft === false,
    });
    return one(request, row);
  });

  app.delete('/invoices/:id', async (request: FastifyRequest<Id>, reply) => {
    const ctx = tenantOf(request);
    const invoice = await findInvoice(ctx, request.params.id);
    await voidInvoice(ctx, invoice.id, { refuseIfPaid: true });
    return reply.code(204).send();
  });

  app.post('/invoices/:id/void', async (request: FastifyRequest<Id>) => {
    const ctx = tenantOf(request);
    const invoice = await findInvoice(ctx, request.params.id);
    return one(request, await voidInvoice(ctx, invoice.id));
  });

  app.post('/invoices/:id/pay', async (request: FastifyRequest<Id>, reply) => {
    const ctx = tenantOf(request);
    const invoice = await findInvoice(ctx, request.params.id);
    const result = await payInvoice(ctx, { invoiceId: invoice.id, using: { kind: 'saved' }, vendorData: { [VENDOR]: { source: 'api' } } });
    if (result.result === 'declined') return reply.code(402).send({ type: 'invalid_request', message: result.message ?? 'Your card was declined' });
    if (result.result === 'unknown') return reply.code(502).send({ type: 'api_error', message: 'The payment gateway did not answer; the payment will be resolved' });
    return one(request, await getInvoice(ctx, invoice.id));
  });
}
