// Invoices (spec #58-62, §2.6, §3.15, §4.7) over core invoices. A FluidPay invoice has no customer
// field: it bills the customer whose vault address bill_to.id names, or else the core's recipient
// customer for bill_to (core/invoices/recipients.ts: made once per recipient, marked as such, not
// silently one new customer per invoice). FluidPay's "pending" invoice has been sent and can be paid
// (hosted_url, payment_methods), so it is an issued core invoice: open, its total posted as
// receivable, listed by every door (ChargeOver's GET /invoice included). tax_percent, adjustment
// and "%" item discounts are core inputs; the totals FluidPay shows are the core's (invoice-wire.ts).
// Deleting voids; a void invoice is not found here.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TenantContext } from '../../core/context.ts';
import { invalid, notFound, reasonOf } from '../../core/errors/domain-error.ts';
import { getInvoice, invoiceLines, updateInvoice, voidInvoice } from '../../core/invoices/invoices.ts';
import { openInvoice } from '../../core/flows/open-invoice.ts';
import { InvoiceState } from '../../core/invoices/status.ts';
import { AdjustmentKind, type AdjustmentInput } from '../../core/invoices/totals.ts';
import { addressesByIds } from '../../core/customers/addresses.ts';
import type { Condition } from '../../core/query/conditions.ts';
import { invoicesByIds, listInvoices } from '../../core/invoices/queries.ts';
import type { InvoiceRow } from '../../core/database.ts';
import { tenantOf } from '../../http/auth.ts';
import { decodeId, encodeId, sameSecond } from './ids.ts';
import { dateRange, idMatch, intCriterion, intMatch, paging, rangeMatch, stringCriterion } from './search.ts';
import { toCoreAddress, wireAddressOf } from './vault-wire.ts';
import { assignItemIds, BLANK_ADDRESS, decimalString, invoiceData, parseItems, renderInvoice, VENDOR, type InvoiceData } from './invoice-wire.ts';
import { customersByIds } from '../../core/customers/queries.ts';
import { isoDate } from '../../core/clock/clock.ts';
import { bodyOf, isObject, listed, ok, oneOf, optBool, optInt, optString, parseAddress, type Body, type WireAddress } from './wire.ts';

async function findInvoice(ctx: TenantContext, idText: string): Promise<InvoiceRow> {
  const decoded = decodeId('invoice', idText);
  if (!decoded) throw notFound('invoice', idText);
  const row = await getInvoice(ctx, decoded.id);
  if (!sameSecond(decoded, row.created_at) || row.status === InvoiceState.VOID) throw notFound('invoice', idText);
  return row;
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
  const data: Omit<InvoiceData, 'item_seq'> = {
    company_name: optString(body, 'company_name', { max: 255 }) ?? '',
    company_logo_url: optString(body, 'company_logo_url', { max: 2000 }) ?? '',
    customer_number: optString(body, 'customer_number', { max: 255 }) ?? '',
    payable_to: payable.address,
    bill_to: bill.address,
    date_due: due.text,
    date_due_ms: due.ms,
    advanced_fields: optBool(body, 'advanced_fields') ?? false,
    message: optString(body, 'message', { max: 5000 }) ?? '',
    send_via: sendVia,
    last_sent_at: sendVia === 'none' ? (before?.last_sent_at ?? null) : ctx.clock.now(),
    payment_methods: methods as string[],
    card_processor_id: optString(body, 'card_processor_id') ?? '',
    ach_processor_id: optString(body, 'ach_processor_id') ?? '',
    public_url: publicUrl,
    hosted_url: before?.hosted_url ?? `${request.protocol}://${request.headers.host ?? 'localhost'}/invoice/${publicUrl}`,
  };
  // Invoice-level charges are the core's (§4.7): tax_percent on the subtotal after item discounts,
  // and the adjustment added untaxed. A zero adjustment is no adjustment.
  const adjustment = optInt(body, 'adjustment') ?? 0;
  const adjustments: AdjustmentInput[] = adjustment === 0 ? [] : [{ kind: AdjustmentKind.ADJUSTMENT, amount: adjustment }];
  const charges = { taxPercent: decimalString(body, 'tax_percent', 'tax_percent', '0'), adjustments };
  return { currency, dueDate: due.text.slice(0, 10), items, data, charges, billCustomerId: bill.customerId };
}

const blank = (text: string): string | null => text || null;

/** bill_to without a vault address: the core's recipient customer for it. */
function recipientOf(bill: WireAddress, currency: string) {
  return {
    firstName: blank(bill.first_name),
    lastName: blank(bill.last_name),
    company: blank(bill.company),
    email: blank(bill.email),
    phone: blank(bill.phone),
    billingAddress: toCoreAddress(bill),
    currency,
  };
}

/** Each invoice's customer as a bill_to (its default billing address), for invoices made elsewhere. */
async function billTos(ctx: TenantContext, rows: readonly InvoiceRow[]): Promise<Map<number, WireAddress & { id: string }>> {
  const customers = await customersByIds(
    ctx,
    rows.map((row) => row.customer_id),
    { includeDeleted: true },
  );
  const addresses = await addressesByIds(
    ctx,
    customers.flatMap((c) => (c.billing_address_id ? [c.billing_address_id] : [])),
  );
  return new Map(
    customers.map((c) => {
      const address = c.billing_address_id ? addresses.get(c.billing_address_id) : undefined;
      const base = address ? wireAddressOf(address) : { ...BLANK_ADDRESS };
      return [
        c.id,
        {
          ...base,
          id: address ? encodeId('address', address.id, address.created_at) : '',
          first_name: base.first_name || (c.first_name ?? ''),
          last_name: base.last_name || (c.last_name ?? ''),
          company: base.company || (c.company ?? ''),
          email: base.email || (c.email ?? ''),
        },
      ];
    }),
  );
}

async function renderMany(ctx: TenantContext, rows: readonly InvoiceRow[]) {
  const [lines, billTo] = await Promise.all([
    invoiceLines(
      ctx,
      rows.map((row) => row.id),
    ),
    billTos(ctx, rows),
  ]);
  return rows.map((row) => renderInvoice(row, lines.get(row.id) ?? [], billTo.get(row.customer_id)));
}

async function renderOne(ctx: TenantContext, row: InvoiceRow) {
  return (await renderMany(ctx, [row]))[0];
}

/** An invoice by its core id, as FluidPay shows it (null when there is none). */
export async function renderInvoiceById(ctx: TenantContext, id: number): Promise<unknown> {
  const [row] = await invoicesByIds(ctx, [id]);
  return row ? renderOne(ctx, row) : null;
}

export async function invoiceRoutes(app: FastifyInstance): Promise<void> {
  app.post('/invoice', async (request) => {
    const ctx = tenantOf(request);
    const input = await parseInvoice(ctx, request, bodyOf(request));
    // Item ids derive from the invoice id, so the core hands the new invoice back for its lines.
    const row = await openInvoice(ctx, {
      billTo: input.billCustomerId ? { customerId: input.billCustomerId } : { recipient: recipientOf(input.data.bill_to, input.currency) },
      currency: input.currency,
      dueDate: input.dueDate,
      charges: input.charges,
      lines: (draft) => {
        const { lines, seq } = assignItemIds(input.items, draft.id, draft.created_at, 0);
        return { lines, vendorData: { vendor: VENDOR, fields: { ...input.data, item_seq: seq } } };
      },
    });
    return ok(await renderOne(ctx, row));
  });

  app.get<{ Params: { id: string } }>('/invoice/:id', async (request) => {
    const ctx = tenantOf(request);
    return ok(await renderOne(ctx, await findInvoice(ctx, request.params.id)));
  });

  // Update is the full object (#59): lines, charges and fields are all replaced; the core posts the
  // change in total and refuses a total below what has already been applied to the invoice.
  app.post<{ Params: { id: string } }>('/invoice/:id', async (request) => {
    const ctx = tenantOf(request);
    const existing = await findInvoice(ctx, request.params.id);
    const input = await parseInvoice(ctx, request, bodyOf(request), existing);
    const { lines, seq } = assignItemIds(input.items, existing.id, existing.created_at, invoiceData(existing).item_seq ?? 0);
    const row = await updateInvoice(ctx, existing.id, { lines, dueDate: input.dueDate, ...input.charges, vendorData: { vendor: VENDOR, fields: { ...input.data, item_seq: seq } } });
    return ok(await renderOne(ctx, row));
  });

  app.delete<{ Params: { id: string } }>('/invoice/:id', async (request) => {
    const ctx = tenantOf(request);
    const existing = await findInvoice(ctx, request.params.id);
    await voidInvoice(ctx, existing.id).catch((error: unknown) => {
      // Voided meanwhile (another request, another door): gone either way.
      if (reasonOf(error) === 'already_void') throw notFound('invoice', request.params.id);
      throw error;
    });
    return { status: 'success', msg: 'success' }; // G36: no data key
  });

  const search = async (request: FastifyRequest) => {
    const ctx = tenantOf(request);
    const body = bodyOf(request);
    const page = paging(body);
    // Every issued invoice of the merchant, whichever door made it; void ones are gone.
    const where: Condition[] = [{ field: 'status', op: 'ne', value: InvoiceState.VOID }];
    const byId = stringCriterion(body, 'id', 'id', ['=']);
    if (byId) where.push(idMatch('id', decodeId('invoice', byId.value)?.id ?? null, '='));
    const due = intCriterion(body, 'amount_due', 'amount_due', ['=', '<', '>']);
    if (due) where.push(intMatch('balance', due));
    const range = dateRange(body, 'date_due');
    // The core keeps due dates as days: the range covers the days its instants fall on.
    if (range) where.push(rangeMatch('due_date', { start: range.start === undefined ? undefined : isoDate(range.start), end: range.end === undefined ? undefined : isoDate(range.end) }, 'string'));
    const { rows, total: counted } = await listInvoices(ctx, { where, order: [{ field: 'created_at', direction: 'desc' }], tieBreak: 'desc', ...page, total: true });
    const total = counted ?? 0;
    return listed(await renderMany(ctx, rows), total);
  };
  app.post('/invoices/search', search);
  app.post('/invoice/search', search); // G42
}
