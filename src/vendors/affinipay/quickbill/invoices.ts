// Quick Bill invoices (spec §2.E #52–57, #61–62, §3.E, §4.20): core invoices, so every door lists
// them and their payments go through the core and the ledger. A draft is a core draft; sending a
// message issues it (pending); paid is the core's paid balance; void is void, and a deleted invoice
// is the core's deleted invoice, which no read finds. Lines are priced by the core, percentage lines included;
// attachments are the uploaded documents attached to the invoice; messages are documents too, with
// their e-mails in the outbox. Paying an invoice has no Quick Bill API: POST /invoices/{id}/payments
// is this server's extension (the payer's portal), through the core's charge-and-apply flow.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TenantContext } from '../../../core/context.ts';
import type { CustomerRow, DocumentRow, InvoiceLineRow, InvoiceRow } from '../../../core/database.ts';
import { documentContent, documentContentType, documentsOf } from '../../../core/documents/documents.ts';
import { reasonOf, DomainError, ErrorCode } from '../../../core/errors/domain-error.ts';
import { composeInvoice, reviseInvoice, type InvoiceMessage } from '../../../core/flows/compose-invoice.ts';
import { chargeAndApply } from '../../../core/flows/charge-and-apply.ts';
import { deleteInvoice, invoiceLines } from '../../../core/invoices/invoices.ts';
import { applicationsToInvoices, invoicesByIds, listInvoices } from '../../../core/invoices/queries.ts';
import { InvoiceState } from '../../../core/invoices/status.ts';
import type { LineInput } from '../../../core/invoices/totals.ts';
import { customersByIds } from '../../../core/customers/queries.ts';
import { formatDisplay, multiplyDecimals, normalizeCurrency, normalizeDecimalText } from '../../../core/money/index.ts';
import type { Condition } from '../../../core/query/conditions.ts';
import { parseVendorData } from '../../../core/vendor-data.ts';
import { tenantOf } from '../../../http/auth.ts';
import { accountsOf } from '../accounts.ts';
import { methodRef, paymentAccount, processorOptions, sourceOf } from '../charges.ts';
import { decodeXid, encodeXid, sameSecond } from '../ids.ts';
import { VENDOR } from '../methods.ts';
import { failureMessages, renderOne } from '../transactions.ts';
import { ApError } from '../errors.ts';
import { isObject, readAmount, type Body } from '../wire.ts';
import { bankAccountById, bankAccountId } from './bank-accounts.ts';
import { findContact, sparseContact } from './contacts.ts';
import { renderFile, findUpload } from './attachments.ts';
import { auditTrace, dayTimestamp, orgId, qbBody, qbBool, qbConflict, qbDate, qbInvalid, qbNotFound, qbOrder, qbPage, qbResults, qbString, qfConditions, type QbField } from './wire.ts';

const RATE_TYPES = ['units', 'hours', 'percentage'] as const;

interface InvoiceFields {
  bank_account: number;
  reference?: string;
  test_mode?: boolean;
  due_date_given?: boolean;
  invoice_time?: number;
}

const fieldsOf = (row: Pick<InvoiceRow, 'vendor_data'>): InvoiceFields => (parseVendorData(row.vendor_data)[VENDOR] ?? { bank_account: 1 }) as unknown as InvoiceFields;

export const invoiceXid = (row: Pick<InvoiceRow, 'id' | 'created_at'>): string => encodeXid('i_', 'invoice', row.id, row.created_at);

/** An invoice by its Quick Bill id (a deleted one is found by no core read), or null. */
export async function findInvoice(ctx: TenantContext, text: unknown): Promise<InvoiceRow | null> {
  const decoded = decodeXid('i_', 'invoice', text);
  if (!decoded) return null;
  const [row] = await invoicesByIds(ctx, [decoded.id]);
  if (!row || !sameSecond(decoded, row.created_at)) return null;
  return row;
}

/** The invoice the path's `:id` names, or Quick Bill's 404. */
async function invoiceInPath(ctx: TenantContext, request: FastifyRequest): Promise<InvoiceRow> {
  const row = await findInvoice(ctx, (request.params as Body).id);
  if (!row) throw qbNotFound();
  return row;
}

/** Quick Bill's status of a core invoice. */
export function invoiceStatus(row: InvoiceRow): string {
  if (row.status === InvoiceState.DRAFT) return 'draft';
  if (row.status === InvoiceState.VOID) return 'void';
  return row.balance <= 0 ? 'paid' : 'pending';
}

/** The invoice number as Quick Bill shows it: six digits when the core's is a number. */
export const invoiceNumber = (row: InvoiceRow): string => (/^\d+$/.test(row.number) ? row.number.padStart(6, '0') : row.number);

export function sparseInvoice(row: InvoiceRow): Record<string, unknown> {
  return { id: invoiceXid(row), invoice_date: dayTimestamp(row.issue_date), status: invoiceStatus(row), invoice_number: invoiceNumber(row), currency: row.currency, type: 'invoice' };
}

function lineWords(line: InvoiceLineRow): Record<string, unknown> {
  return (parseVendorData(line.vendor_data)[VENDOR] ?? {}) as Record<string, unknown>;
}

function renderLine(line: InvoiceLineRow, invoice: InvoiceRow): Record<string, unknown> {
  const own = lineWords(line);
  return {
    id: encodeXid('li_', 'line', line.id, invoice.created_at),
    ...(typeof own.code === 'string' ? { code: own.code } : {}),
    description: line.description ?? '',
    rate_per_quantity: typeof own.rate_per_quantity === 'string' ? own.rate_per_quantity : String(line.unit_price),
    quantity: typeof own.quantity === 'string' ? own.quantity : line.quantity,
    rate_type: typeof own.rate_type === 'string' ? own.rate_type : 'units',
    total: line.amount + line.tax,
  };
}

function renderMessage(doc: DocumentRow, owner: string): Record<string, unknown> {
  const message = JSON.parse(doc.content) as Record<string, unknown>;
  return { id: encodeXid('imsg_', 'document', doc.id, doc.created_at), created: auditTrace(owner, doc.created_at), modified: auditTrace(owner, doc.updated_at), ...message, type: 'invoice_message' };
}

export async function renderInvoices(ctx: TenantContext, rows: readonly InvoiceRow[]): Promise<Record<string, unknown>[]> {
  const ids = rows.map((r) => r.id);
  const owner = orgId(ctx.tenant);
  const [lines, customers, files, messages, applications] = await Promise.all([
    invoiceLines(ctx, ids),
    customersByIds(
      ctx,
      rows.map((r) => r.customer_id),
      { includeDeleted: true },
    ),
    documentsOf(ctx, 'attachment', 'invoice', ids),
    documentsOf(ctx, 'invoice_message', 'invoice', ids),
    applicationsToInvoices(ctx, ids),
  ]);
  const now = ctx.clock.now();
  return rows.map((row) => {
    const own = fieldsOf(row);
    const customer = customers.find((c) => c.id === row.customer_id) as CustomerRow;
    const status = invoiceStatus(row);
    const sent = (messages.get(row.id) ?? []).map((doc) => renderMessage(doc, owner));
    const items = (lines.get(row.id) ?? []).map((line) => renderLine(line, row));
    const paid = row.amount_paid + row.amount_credited;
    const out: Record<string, unknown> = {
      id: invoiceXid(row),
      type: 'invoice',
      created: auditTrace(owner, row.created_at),
      modified: auditTrace(owner, row.updated_at),
      status,
      revision_id: String(row.updated_at),
      invoice_number: invoiceNumber(row),
      ...(status === 'paid' ? { presentment_status: 'paid' } : sent.length > 0 ? { presentment_status: 'sent' } : {}),
      ...(own.reference !== undefined ? { reference: own.reference } : {}),
      invoice_date: own.invoice_time !== undefined ? new Date(own.invoice_time).toISOString() : dayTimestamp(row.issue_date),
      ...(own.due_date_given === false ? {} : { due_date: dayTimestamp(row.due_date) }),
      total_amount: row.total,
      // The core's balance (a draft owes nothing yet in the books: Quick Bill shows its total as due).
      total_amount_due: row.status === InvoiceState.DRAFT ? row.total : row.balance,
      amount_paid: paid,
      deleted: false,
      test_mode: own.test_mode ?? false,
      currency: row.currency,
      bank_account_id: bankAccountId(ctx.tenant, own.bank_account ?? 1),
      owner_id: owner,
      contact_id: customer ? sparseContact(customer, owner).id : null,
      contact: customer ? sparseContact(customer, owner) : null,
      invoice_payments: (applications.get(row.id) ?? []).map((a) => ({
        id: encodeXid('ipmt_', 'transaction', a.transactionId, a.firstAt),
        payment_id: encodeXid('pmt_', 'transaction', a.transactionId, a.firstAt),
        invoice_id: invoiceXid(row),
        amount: a.amount,
        created: auditTrace('ANONYMOUS', a.firstAt),
      })),
      items,
      line_items: items,
      invoice_messages: sent,
      attachments: (files.get(row.id) ?? []).map((doc) => renderFile(doc, owner, now)),
      scheduled_payment_requests: [],
    };
    return out;
  });
}

async function renderOneInvoice(ctx: TenantContext, row: InvoiceRow): Promise<Record<string, unknown>> {
  return (await renderInvoices(ctx, [row]))[0];
}

// ---- reading the body ---------------------------------------------------------------------------

/** Line items: units and hours are rate × quantity (exact, rounded once by the core); percentage lines are priced by the core from the others. */
function readLines(value: unknown): LineInput[] {
  if (!Array.isArray(value)) throw qbInvalid('line_items', 'line_items must be a list');
  return value.map((item, i) => {
    if (!isObject(item)) throw qbInvalid(`line_items[${i}]`, 'A line item is an object');
    const at = (key: string) => `line_items[${i}].${key}`;
    const description = qbString(item, 'description', { min: 1, max: 256, context: at('description'), required: true }) as string;
    const code = qbString(item, 'code', { max: 64, context: at('code') });
    const decimal = (key: string) => {
      const text = qbString(item, key, { min: 1, max: 32, context: at(key), required: true }) as string;
      try {
        const normalized = normalizeDecimalText(text);
        if (normalized.startsWith('-')) throw new Error('negative');
        return normalized;
      } catch {
        throw qbInvalid(at(key), `${key} must be a non-negative decimal number`);
      }
    };
    const rate = decimal('rate_per_quantity');
    const quantity = decimal('quantity');
    const rateType = item.rate_type;
    if (!(RATE_TYPES as readonly unknown[]).includes(rateType)) throw qbInvalid(at('rate_type'), 'rate_type must be units, hours or percentage');
    const vendorData = { [VENDOR]: { rate_per_quantity: rate, quantity, rate_type: rateType, ...(code !== undefined ? { code } : {}) } };
    if (rateType === 'percentage') return { description, unitPrice: 0, percentOfOthers: multiplyDecimals(rate, quantity), vendorData };
    // A whole-cent rate is the line's unit price; a fractional one is folded into the quantity.
    return /^\d+$/.test(rate) && Number.isSafeInteger(Number(rate))
      ? { description, unitPrice: Number(rate), quantity, vendorData }
      : { description, unitPrice: 1, quantity: multiplyDecimals(rate, quantity), vendorData };
  });
}

function readAttachmentIds(value: unknown): number[] {
  if (!Array.isArray(value)) throw qbInvalid('attachments', 'attachments must be a list');
  return value.map((item, i) => {
    const decoded = isObject(item) ? decodeXid('fref_', 'document', item.id) : null;
    if (!decoded) throw qbInvalid(`attachments[${i}].id`, 'Unknown attachment');
    return decoded.id;
  });
}

const DEFAULT_SUBJECT = (row: { number: string }) => `Your AffiniPay Invoice [${/^\d+$/.test(row.number) ? row.number.padStart(6, '0') : row.number}]`;

function emailBody(ctx: TenantContext, link: string, due: number, currency: string, extra: string | undefined): string {
  const merchant = ctx.tenant.name;
  return [
    '<html><body>',
    `<p>${merchant} has sent you an invoice.</p>`,
    `<p align="center"><a class="btnPayNow" href="${link}">Pay Now</a></p>`,
    `<table><tr><td>Balance Due</td><td>${formatDisplay(due, currency)}</td></tr></table>`,
    ...(extra ? [`<p>${extra.replace(/</g, '&lt;')}</p>`] : []),
    '</body></html>',
  ].join('\n');
}

function readMessage(ctx: TenantContext, item: Body, context: string, invoice: { number: string; token: string; due: number; currency: string }, baseUrl: string): InvoiceMessage {
  const addresses = item.email_addresses;
  if (!Array.isArray(addresses) || addresses.length === 0) throw qbInvalid(`${context}.email_addresses`, 'email_addresses may not be empty');
  for (const [i, address] of addresses.entries()) {
    if (typeof address !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(address) || address.length > 254) throw qbInvalid(`${context}.email_addresses[${i}]`, 'Not an e-mail address');
  }
  const subject = qbString(item, 'subject', { max: 256, context: `${context}.subject` }) || DEFAULT_SUBJECT(invoice);
  const extra = qbString(item, 'body', { max: 10_000, context: `${context}.body` });
  const note = qbString(item, 'message', { max: 10_000, context: `${context}.message` });
  // The Pay Now link: the invoice's public page on this server (ChargeOver's public view of the same core invoice).
  const link = `${baseUrl}/chargeover/r/invoice/view/${invoice.token}`;
  const html = emailBody(ctx, link, invoice.due, invoice.currency, extra);
  const record = { email_addresses: addresses, subject, body: html, ...(note ? { message: note } : {}), status: 'sent' };
  return {
    record: { kind: 'invoice_message', contentType: 'application/json', content: JSON.stringify(record) },
    emails: (addresses as string[]).map((to) => ({ to, subject, body: html, meta: { vendor: VENDOR, invoice_number: invoice.number } })),
  };
}

function baseUrlOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.headers.host ?? 'localhost'}`;
}

function revisionRefusal(error: unknown): unknown {
  const reason = reasonOf(error);
  if (reason === 'has_payments') return qbConflict('The invoice has payments');
  if (reason === 'invoice_paid' || reason === 'invoice_void' || reason === 'already_void') return qbConflict('The invoice cannot be changed in its status');
  if (reason === 'document_not_found' || reason === 'document_not_clean') return qbInvalid('attachments', (error as Error).message);
  if (reason === 'document_attached') return qbConflict((error as Error).message);
  if (error instanceof DomainError && error.code === ErrorCode.ILLEGAL_TRANSITION) return qbConflict(error.message);
  if (error instanceof DomainError && error.code === ErrorCode.AMOUNT_EXCEEDS_BALANCE) return qbConflict(error.message);
  return error;
}

async function create(request: FastifyRequest): Promise<unknown> {
  const ctx = tenantOf(request);
  const body = qbBody(request);
  if (body.contact_id === undefined || body.contact_id === null || body.contact_id === '') throw qbInvalid('contact_id', 'contact_id may not be empty');
  const contact = await findContact(ctx, body.contact_id);
  if (!contact) throw qbInvalid('contact_id', 'contact_id names no contact');
  const bank = bankAccountById(ctx.tenant, body.bank_account_id);
  if (!bank) throw qbInvalid('bank_account_id', 'bank_account_id names no bank account of the merchant');
  const date = qbDate(body.invoice_date, 'invoice_date');
  if (!date) throw qbInvalid('invoice_date', 'invoice_date may not be empty');
  const currency = qbString(body, 'currency', { min: 3, max: 3, required: true }) as string;
  if (!normalizeCurrency(currency)) throw qbInvalid('currency', 'Unknown currency');
  const due = qbDate(body.due_date, 'due_date');
  const reference = qbString(body, 'reference', { max: 256 });
  const testMode = qbBool(body, 'test_mode') ?? false;
  const lines = body.line_items === undefined ? [] : readLines(body.line_items);
  const attachments = body.attachments === undefined ? undefined : readAttachmentIds(body.attachments);
  const rawMessages = body.invoice_messages === undefined ? [] : body.invoice_messages;
  if (!Array.isArray(rawMessages)) throw qbInvalid('invoice_messages', 'invoice_messages must be a list');
  const fields: InvoiceFields = { bank_account: bank.index, test_mode: testMode, due_date_given: due !== undefined, ...(reference !== undefined ? { reference } : {}) };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(String(body.invoice_date))) fields.invoice_time = date.ms;
  // The number is the core's (from the invoice's id): known only once it exists, so messages are composed after.
  let row: InvoiceRow;
  try {
    row = await composeInvoice(ctx, {
      customerId: contact.id,
      currency: currency.toUpperCase(),
      issueDate: date.day,
      ...(due ? { dueDate: due.day } : {}),
      lines,
      vendorData: { vendor: VENDOR, fields: fields as unknown as Record<string, unknown> },
      issue: false,
      ...(attachments ? { attachments: { kind: 'attachment', ids: attachments } } : {}),
    });
    if (rawMessages.length > 0) {
      const messages = rawMessages.map((item, i) => {
        if (!isObject(item)) throw qbInvalid(`invoice_messages[${i}]`, 'A message is an object');
        return readMessage(ctx, item, `invoice_messages[${i}]`, { number: row.number, token: row.token, due: row.total, currency: row.currency }, baseUrlOf(request));
      });
      row = await reviseInvoice(ctx, row.id, { messages, issue: true });
    }
  } catch (error) {
    throw revisionRefusal(error);
  }
  return renderOneInvoice(ctx, row);
}

async function patch(request: FastifyRequest): Promise<unknown> {
  const ctx = tenantOf(request);
  const row = await invoiceInPath(ctx, request);
  const body = qbBody(request);
  const own = fieldsOf(row);
  const fields: Record<string, unknown> = {};
  const update: Parameters<typeof reviseInvoice>[2]['update'] = {};
  if (body.contact_id !== undefined) {
    const contact = await findContact(ctx, body.contact_id);
    if (!contact || contact.id !== row.customer_id) throw qbInvalid('contact_id', 'An invoice stays with its contact');
  }
  if (body.currency !== undefined && String(body.currency).toUpperCase() !== row.currency) throw qbInvalid('currency', 'The currency of an invoice cannot change');
  if (body.test_mode !== undefined && qbBool(body, 'test_mode') !== (own.test_mode ?? false)) throw qbInvalid('test_mode', 'test_mode cannot be changed');
  if (body.bank_account_id !== undefined) {
    const bank = bankAccountById(ctx.tenant, body.bank_account_id);
    if (!bank) throw qbInvalid('bank_account_id', 'bank_account_id names no bank account of the merchant');
    fields.bank_account = bank.index;
  }
  const date = qbDate(body.invoice_date, 'invoice_date');
  if (date) {
    update.issueDate = date.day;
    fields.invoice_time = /^\d{4}-\d{2}-\d{2}$/.test(String(body.invoice_date)) ? undefined : date.ms;
  }
  const due = qbDate(body.due_date, 'due_date');
  if (due) {
    update.dueDate = due.day;
    fields.due_date_given = true;
  } else if (date && own.due_date_given === false) update.dueDate = date.day;
  const reference = qbString(body, 'reference', { max: 256 });
  if (reference !== undefined) fields.reference = reference;
  if (body.line_items !== undefined) update.lines = readLines(body.line_items);
  const attachments = body.attachments === undefined ? undefined : readAttachmentIds(body.attachments);
  const status = body.status;
  if (status !== undefined && status !== invoiceStatus(row) && status !== 'void') throw qbInvalid('status', 'status can only be set to void');
  if (Object.keys(fields).length > 0) update.vendorData = { vendor: VENDOR, fields };
  let revised: InvoiceRow;
  try {
    revised = await reviseInvoice(ctx, row.id, {
      onlyUnpaid: true,
      ...(Object.keys(update).length > 0 ? { update } : {}),
      ...(attachments ? { attachments: { kind: 'attachment', ids: attachments } } : {}),
      ...(status === 'void' && row.status !== InvoiceState.VOID ? { void: true } : {}),
    });
  } catch (error) {
    throw revisionRefusal(error);
  }
  return renderOneInvoice(ctx, revised);
}

async function remove(request: FastifyRequest): Promise<unknown> {
  const ctx = tenantOf(request);
  const row = await invoiceInPath(ctx, request);
  let deleted: InvoiceRow;
  try {
    deleted = await deleteInvoice(ctx, row.id);
  } catch (error) {
    throw revisionRefusal(error);
  }
  return { ...(await renderOneInvoice(ctx, deleted)), deleted: true };
}

async function sendMessage(request: FastifyRequest): Promise<unknown> {
  const ctx = tenantOf(request);
  const row = await invoiceInPath(ctx, request);
  const body = qbBody(request);
  const due = row.status === InvoiceState.DRAFT ? row.total : row.balance;
  const message = readMessage(ctx, body, 'message', { number: row.number, token: row.token, due, currency: row.currency }, baseUrlOf(request));
  try {
    await reviseInvoice(ctx, row.id, { messages: [message], issue: true });
  } catch (error) {
    throw revisionRefusal(error);
  }
  const docs = (await documentsOf(ctx, 'invoice_message', 'invoice', [row.id])).get(row.id) ?? [];
  return renderMessage(docs[docs.length - 1], orgId(ctx.tenant));
}

async function attachment(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const ctx = tenantOf(request);
  const params = request.params as Body;
  const row = await findInvoice(ctx, params.id);
  if (!row) throw qbNotFound();
  const doc = await findUpload(ctx, params.attachment);
  if (!doc || doc.object_type !== 'invoice' || Number(doc.object_id) !== row.id) throw qbNotFound();
  if (String(request.headers.accept ?? '').includes('application/octet-stream')) {
    return reply
      .code(200)
      .header('content-type', documentContentType(doc))
      .header('content-disposition', `attachment; filename="${doc.name.replace(/"/g, '')}"`)
      .send(documentContent(doc));
  }
  return renderFile(doc, orgId(ctx.tenant), ctx.clock.now());
}

async function detach(request: FastifyRequest): Promise<unknown> {
  const ctx = tenantOf(request);
  const params = request.params as Body;
  const row = await findInvoice(ctx, params.id);
  if (!row) throw qbNotFound();
  const doc = await findUpload(ctx, params.attachment);
  if (!doc || doc.object_type !== 'invoice' || Number(doc.object_id) !== row.id) throw qbNotFound();
  const remaining = ((await documentsOf(ctx, 'attachment', 'invoice', [row.id])).get(row.id) ?? []).map((d) => d.id).filter((id) => id !== doc.id);
  let revised: InvoiceRow;
  try {
    revised = await reviseInvoice(ctx, row.id, { attachments: { kind: 'attachment', ids: remaining } });
  } catch (error) {
    throw revisionRefusal(error);
  }
  return renderOneInvoice(ctx, revised);
}

/** This server's extension: the payer pays the invoice (all that is due, or `amount`) with a card, bank, saved method or token. */
async function pay(request: FastifyRequest): Promise<unknown> {
  const ctx = tenantOf(request);
  const row = await invoiceInPath(ctx, request);
  const body = qbBody(request);
  const amount = readAmount(body.amount, 'amount');
  const ref = await methodRef(ctx, body.method, 'method');
  const account = paymentAccount(ctx, await accountsOf(ctx), body.account_id, ref.kind);
  const { source, swiped } = sourceOf(ref, account, 'method');
  const result = await chargeAndApply(ctx, {
    customerId: row.customer_id,
    ...(amount !== undefined ? { amount } : {}),
    using: { kind: 'given', sources: [source] },
    applyTo: [{ invoiceId: row.id, ...(amount !== undefined ? { amount } : {}) }],
    accountId: account.id,
    processor: processorOptions(ctx, account, swiped),
  }).catch((error: unknown) => {
    // The core locks the invoice and decides: nothing due, not open, or more than its balance.
    if (reasonOf(error) === 'nothing_due') throw qbConflict('The invoice has nothing due');
    if (error instanceof DomainError && error.field === 'applied_to') throw qbConflict(error.message);
    throw error;
  });
  if (result.result !== 'approved') throw new ApError(422, failureMessages(result.transaction), await renderOne(ctx, result.transaction));
  const [fresh] = await invoicesByIds(ctx, [row.id]);
  return { transaction: await renderOne(ctx, result.transaction), invoice: await renderOneInvoice(ctx, fresh) };
}

const INVOICE_FIELDS: Record<string, QbField> = {
  status: {
    build: (_op, value) => {
      switch (value) {
        case 'draft':
          return { field: 'status', op: 'eq', value: 'draft' };
        case 'pending':
          return {
            all: [
              { field: 'status', op: 'eq', value: 'open' },
              { field: 'balance', op: 'gt', value: 0 },
            ],
          };
        case 'paid':
          return {
            all: [
              { field: 'status', op: 'eq', value: 'open' },
              { field: 'balance', op: 'lte', value: 0 },
            ],
          };
        case 'void':
          return { field: 'status', op: 'eq', value: 'void' };
        default:
          return { always: false };
      }
    },
  },
  invoice_number: { build: (_op, value) => ({ field: 'number', op: 'eq', value: value.replace(/^0+(?=\d)/, '') }) },
  reference: { field: { vendor: VENDOR, key: 'reference' }, kind: 'text' },
  currency: { field: 'currency', kind: 'exact' },
  total_amount: { field: 'total', kind: 'number' },
  'created.timestamp': { field: 'created_at', kind: 'time' },
  'modified.timestamp': { field: 'updated_at', kind: 'time' },
};

async function search(request: FastifyRequest): Promise<unknown> {
  const ctx = tenantOf(request);
  const query = request.query as Body;
  const page = qbPage(query);
  const where: Condition[] = qfConditions(query.qf, INVOICE_FIELDS);
  const q = typeof query.q === 'string' ? query.q.trim() : '';
  if (q)
    where.push({
      any: [
        { field: 'number', op: 'contains', value: q.replace(/^0+(?=\d)/, '') },
        { field: { vendor: VENDOR, key: 'reference' }, op: 'contains', value: q },
        { field: { related: 'lines', field: 'description' }, op: 'contains', value: q },
      ],
    });
  const order = qbOrder(
    query.order_by,
    { created: 'created_at', modified: 'updated_at', invoice_date: 'issue_date', due_date: 'due_date', total_amount: 'total', invoice_number: 'id' },
    { field: 'created_at', direction: 'asc' },
  );
  const result = await listInvoices(ctx, { where, order, offset: page.offset, limit: page.pageSize, total: true }, { withDrafts: true });
  return qbResults(page, result.total ?? 0, await renderInvoices(ctx, result.rows));
}

async function one(request: FastifyRequest): Promise<unknown> {
  const ctx = tenantOf(request);
  const row = await invoiceInPath(ctx, request);
  return renderOneInvoice(ctx, row);
}

export const invoiceHandlers = { create, patch, remove, sendMessage, attachment, detach, pay, search, one };
