// Payments (spec §3): the money a customer paid, by charge or recorded by hand. GET lists and reads
// them (successful, pending and voided ones: a declined charge is no Payment), PATCH changes what
// Invoiced lets change (notes, reference, date) in the door's vendor_data, DELETE voids the payment
// and reopens the invoices it paid (core voidPayment, one transaction), POST records a payment
// received outside the gateway (check, cash, wire) and applies it (core recordPayment).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TenantContext } from '../../core/context.ts';
import type { TransactionRow } from '../../core/database.ts';
import { invalid, notFound } from '../../core/errors/domain-error.ts';
import { recordPayment } from '../../core/flows/record-payment.ts';
import { voidPayment } from '../../core/flows/void-payment.ts';
import { annotateTransaction } from '../../core/payments/annotations.ts';
import { getTransaction } from '../../core/payments/payments.ts';
import { listTransactions } from '../../core/payments/queries.ts';
import type { Condition } from '../../core/query/conditions.ts';
import { tenantOf } from '../../http/auth.ts';
import type { WireField } from '../kit/filters.ts';
import { amountCurrency, readApplications } from './charges.ts';
import { renderPayments } from './render.ts';
import { bodyId, bodyOf, idParam, readAmount, readDay, readList, readString, sendList, siteBase, VENDOR, daySeconds } from './wire.ts';

/** What Invoiced calls a payment: a sale that holds (or held) money; declined and unanswered charges are not payments. */
const PAYMENT_STATUSES = ['captured', 'pending', 'settled', 'voided'];
const isPayment = (row: TransactionRow) => row.type === 'sale' && PAYMENT_STATUSES.includes(row.status);

const PAYMENT_FIELDS: Record<string, WireField> = {
  id: 'id',
  customer: 'customer_id',
  currency: 'currency',
  amount: 'amount',
  method: { enum: 'payment_kind', values: { credit_card: 'card', ach: 'bank', check: 'check', cash: 'cash', wire_transfer: 'wire', other: 'other' } },
  voided: { build: (filter) => ({ field: 'status', op: String(filter.value) === '1' || String(filter.value) === 'true' ? 'eq' : 'ne', value: 'voided' }) },
  created_at: 'created_at',
  updated_at: 'updated_at',
};

const RECORDED_METHODS: Record<string, string> = { check: 'check', cash: 'cash', wire_transfer: 'wire', other: 'other', paypal: 'other', eft: 'other' };

export async function findPayment(ctx: TenantContext, text: unknown): Promise<TransactionRow> {
  const row = await getTransaction(ctx, idParam(text, 'payment'));
  if (!isPayment(row)) throw notFound('payment', text);
  return row;
}

type Id = { Params: { id: string } };

export async function paymentRoutes(app: FastifyInstance): Promise<void> {
  app.get('/payments', async (request, reply) => {
    const ctx = tenantOf(request);
    const list = readList(request, PAYMENT_FIELDS);
    const where: Condition[] = [{ field: 'status', op: 'in', value: PAYMENT_STATUSES }, ...list.where];
    const page = await listTransactions(ctx, ['sale'], { where, order: list.order, offset: list.offset, limit: list.perPage, total: true, tieBreak: 'desc' });
    return sendList(request, reply, list, await renderPayments(ctx, page.rows, siteBase(request)), page.total ?? 0);
  });

  app.get('/payments/:id', async (request: FastifyRequest<Id>) => {
    const ctx = tenantOf(request);
    return (await renderPayments(ctx, [await findPayment(ctx, request.params.id)], siteBase(request)))[0];
  });

  app.post('/payments', async (request, reply) => {
    const ctx = tenantOf(request);
    const body = bodyOf(request);
    if (body.customer === undefined || body.customer === null) throw invalid('customer is required', 'customer');
    const customerId = bodyId(body.customer, 'customer');
    const currency = await amountCurrency(ctx, body, customerId);
    const amount = readAmount(body, 'amount', currency);
    if (amount === undefined) throw invalid('amount is required', 'amount');
    const methodWord = readString(body, 'method') ?? 'other';
    const kind = RECORDED_METHODS[methodWord];
    if (!kind) throw invalid('method must be check, cash, wire_transfer or other (cards and bank accounts are charged with POST /charges)', 'method');
    const { applications, total } = readApplications(body, currency, { required: false });
    if (total > amount) throw invalid('The payment applications add up to more than the amount', 'applied_to');
    const reference = readString(body, 'reference', { max: 255 });
    const notes = readString(body, 'notes', { max: 2000 });
    const date = readDay(body, 'date');
    const row = await recordPayment(ctx, {
      customerId,
      amount,
      currency,
      kind,
      applyTo: applications,
      reference: reference || null,
      description: notes || null,
      vendorData: { [VENDOR]: { source: 'keyed', ...(methodWord !== kind ? { method: methodWord } : {}), ...(date ? { date: daySeconds(date) } : {}) } },
    });
    return reply.code(201).send((await renderPayments(ctx, [row], siteBase(request)))[0]);
  });

  app.patch('/payments/:id', async (request: FastifyRequest<Id>) => {
    const ctx = tenantOf(request);
    const payment = await findPayment(ctx, request.params.id);
    const body = bodyOf(request);
    const patch: Record<string, unknown> = {};
    for (const key of ['notes', 'reference'] as const) {
      const value = readString(body, key, { max: 2000 });
      if (value !== undefined) patch[key] = value || null;
    }
    const date = readDay(body, 'date');
    if (date) patch.date = daySeconds(date);
    const unknown = Object.keys(body).filter((key) => !['notes', 'reference', 'date'].includes(key));
    if (unknown.length > 0) throw invalid(`${unknown[0]} cannot be changed on a payment (notes, reference and date can)`, unknown[0]);
    const row = Object.keys(patch).length > 0 ? await annotateTransaction(ctx, payment.id, VENDOR, patch) : payment;
    return (await renderPayments(ctx, [row], siteBase(request)))[0];
  });

  app.delete('/payments/:id', async (request: FastifyRequest<Id>, reply) => {
    const ctx = tenantOf(request);
    const payment = await findPayment(ctx, request.params.id);
    await voidPayment(ctx, payment.id);
    return reply.code(204).send();
  });
}
