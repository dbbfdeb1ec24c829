// /charges (spec 2.2 9-15, G15): records of charges made elsewhere (core recorded charges, with
// their customer, product and subscription by reference), the list with every filter, retrieve,
// update (a record is corrected; a gateway charge only described), e-mail to the outbox, the tax
// preview in camelCase, delete, and the undocumented /charges/{id}/items.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TransactionRow } from '../../core/database.ts';
import type { TenantContext } from '../../core/context.ts';
import { listCustomers } from '../../core/customers/queries.ts';
import { listPaymentMethodsBy } from '../../core/vault/queries.ts';
import { listTransactions, transactionsInOrder } from '../../core/payments/queries.ts';
import { recordCharge, type RecordChargeRequest } from '../../core/flows/record-charge.ts';
import { withdrawCharge } from '../../core/flows/withdraw-charge.ts';
import { emailAboutCharge } from '../../core/payments/charge-email.ts';
import type { RecordOutcome } from '../../core/payments/recorded-charges.ts';
import type { Condition } from '../../core/query/conditions.ts';
import { findByRef } from '../../core/refs/refs.ts';
import type { Body } from '../kit/fields.ts';
import { cdRequest, type CdRequest } from './context.ts';
import { chargeData, chargeStatus, emailKind, readStatus, recipientsOf, renderCharges, type ChargeStatus } from './charge-view.ts';
import { customerWrite } from './customer-view.ts';
import { badParam, notFoundHere } from './errors.ts';
import { checkClientId, customerIdOf, decodeId, objectIdOf, REF, refValue } from './ids.ts';
import { CHARGE_TYPES, envelope, rangeConditions, readPage, readRange, visibleCharges } from './lists.ts';
import { mergeMetadata, nested, objectList, optAmount, optFlag, optText, optWhole, readAmount, readCurrency, readMetadata, reqText, decimal, VENDOR } from './wire.ts';
import { customersByIds } from '../../core/customers/queries.ts';
import { previewRoute } from './preview.ts';
import { refundRoute } from './gateway.ts';

export const links = (req: CdRequest) => ({ company: req.company, base: req.base, now: req.ctx.clock.now() });

/** A charge this door shows, by its id in the path; anything else is 404. */
export async function chargeByPath(ctx: TenantContext, text: string): Promise<TransactionRow> {
  const id = decodeId('ch', text);
  const [row] = id === null ? [] : await transactionsInOrder(ctx, [id]);
  if (!row || !(CHARGE_TYPES as readonly string[]).includes(row.type) || chargeData(row).removed) throw notFoundHere('charge');
  return row;
}

export async function renderOne(req: CdRequest, row: TransactionRow): Promise<Record<string, unknown>> {
  return (await renderCharges(req.ctx, [row], links(req)))[0];
}

const OUTCOME: Record<ChargeStatus, RecordOutcome> = {
  paid: 'paid',
  'partially refunded': 'paid',
  refunded: 'paid',
  disputed: 'paid',
  failed: 'failed',
  authorized: 'authorized',
  void: 'voided',
  'invoice canceled': 'voided',
  pending: 'pending',
  invoiced: 'requested',
  unpaid: 'requested',
  'past due': 'requested',
  'subscription pending': 'requested',
  trial: 'requested',
  credit: 'requested',
  uncollectible: 'requested',
  open: 'requested',
  draft: 'requested',
};

function readLines(body: Body, currency: string): Array<Record<string, unknown>> | undefined {
  const lines = objectList(body, 'lines');
  if (!lines) return undefined;
  return lines.map((line, ord) => {
    const cur = line.currency !== undefined && line.currency !== '' ? readCurrency(line.currency, 'lines') : currency;
    return {
      ord,
      amount: decimal(readAmount(line.amount ?? '0', cur, 'lines'), cur),
      currency: cur,
      quantity: optWhole(line, 'quantity', { field: 'lines', min: 1 }) ?? 1,
      product_id: optText(line, 'product_id', { field: 'lines' }) ?? null,
      description: optText(line, 'description', { field: 'lines' }) ?? '',
      taxable: optFlag(line, 'taxable', 'lines') === false ? 0 : 1,
      tax_paid: line.tax_paid !== undefined && line.tax_paid !== '' ? decimal(readAmount(line.tax_paid, cur, 'lines'), cur) : '0.00',
    };
  });
}

/** POST /charges and POST /charges/{id}: ChargeDesk's record fields as one core request. */
async function recordRequest(req: CdRequest, existing: TransactionRow | null): Promise<RecordChargeRequest> {
  const body = req.body;
  const creating = existing === null;
  const currencyText = body.currency;
  if (creating && (currencyText === undefined || currencyText === '')) throw badParam('currency is required', 'currency');
  const currency = currencyText !== undefined && currencyText !== '' ? readCurrency(currencyText) : (existing?.currency as string);
  if (creating && (body.amount === undefined || body.amount === '')) throw badParam('amount is required', 'amount');
  const amount = optAmount(body, 'amount', currency);
  if (creating && amount === 0) throw badParam('amount must be more than zero', 'amount');
  const statusText = optText(body, 'status');
  const status = statusText !== undefined ? readStatus(statusText) : creating ? 'paid' : undefined;
  if (status === null) throw badParam('status must be one of the charge statuses', 'status');
  let refunded = optAmount(body, 'amount_refunded', currency);
  const effectiveAmount = amount ?? existing?.amount ?? 0;
  if (status === 'refunded' && refunded === undefined) refunded = effectiveAmount;
  if (status === 'paid' || status === 'disputed') refunded ??= 0;
  if (refunded !== undefined && refunded > effectiveAmount) throw badParam('amount_refunded cannot be more than amount', 'amount_refunded');
  if (status === 'partially refunded' && (refunded === undefined || refunded === 0)) throw badParam('amount_refunded is required for a partially refunded charge', 'amount_refunded');
  const occurred = optWhole(body, 'occurred', { field: 'occurred' });
  if (occurred !== undefined && occurred * 1000 > req.ctx.clock.now()) throw badParam('occurred cannot be in the future', 'occurred');
  const last4 = optText(body, 'last_4_digits');
  if (last4 !== undefined && last4 !== '' && !/^\d{4}$/.test(last4)) throw badParam('last_4_digits must be 4 digits', 'last_4_digits');
  const transactionId = optText(body, 'transaction_id');
  if (transactionId !== undefined && transactionId.length > 255) throw badParam('transaction_id must be at most 255 characters', 'transaction_id');
  const metadata = readMetadata(body);
  const lines = readLines(body, currency);
  const description = optText(body, 'description');
  const gatewayId = creating ? optText(body, 'gateway_id') : undefined;
  const vendorData: Record<string, unknown> = {};
  if (status) vendorData.status = status;
  if (metadata !== undefined) vendorData.metadata = mergeMetadata(existing ? chargeData(existing).metadata : undefined, metadata);
  if (last4 !== undefined) vendorData.last_4_digits = last4;
  if (lines) vendorData.lines = lines;
  if (gatewayId !== undefined) vendorData.gateway_id = gatewayId;

  const customer = nested(body, 'customer');
  const customerId = optText(customer, 'id', { field: 'customer[id]' });
  if (creating && (customerId === undefined || customerId.trim() === '')) throw badParam('customer[id] is required', 'customer[id]');
  const request: RecordChargeRequest = {
    fields: {
      ...(amount !== undefined ? { amount } : {}),
      ...(currencyText !== undefined && currencyText !== '' ? { currency } : {}),
      ...(status ? { outcome: OUTCOME[status] } : {}),
      ...(refunded !== undefined ? { refunded } : {}),
      ...(occurred !== undefined ? { occurredAt: occurred * 1000 } : {}),
      ...(description !== undefined ? { description } : {}),
      ...(transactionId !== undefined ? { refs: [{ ...REF.transaction, value: transactionId || null }] } : {}),
      vendor: VENDOR,
      vendorData,
    },
    vendor: VENDOR,
    ...(existing ? { chargeId: existing.id } : {}),
    ...(creating && optText(body, 'duplicate') === 'update' ? { upsertOn: REF.transaction } : {}),
  };
  if (customerId) {
    const problem = checkClientId(customerId, 'customer[id]', ['grouped', 'history']);
    if (problem) throw badParam(problem, 'customer[id]');
    const create = customerWrite(customer, { prefix: 'customer', creating: true, idForDefaults: customerId });
    const update = customerWrite(customer, { prefix: 'customer', creating: false });
    request.customer = { ref: refValue('customer', customerId), create: create.input, update: Object.keys(update.input).length > 0 ? update.input : null };
  }
  const product = optText(nested(body, 'product'), 'id', { field: 'product[id]' });
  if (product) request.product = { ref: refValue('product', product), create: { kind: 'product', name: product, vendorData: { [VENDOR]: { unnamed: true, currency } } } };
  const subscription = optText(nested(body, 'subscription'), 'id', { field: 'subscription[id]' });
  if (subscription) {
    request.subscription = {
      ref: refValue('subscription', subscription),
      create: {
        amount: amount ?? existing?.amount ?? 0,
        currency,
        schedule: { unit: 'month', interval: 1, anchors: [], shortMonths: 'clamp' },
        vendor: VENDOR,
        vendorData: { status: 'active', interval: '' },
      },
    };
  }
  return request;
}

async function listConditions(req: CdRequest): Promise<Condition[]> {
  const q = req.query;
  const where: Condition[] = [...visibleCharges()];
  const status = optText(q, 'status');
  if (status !== undefined) {
    const word = readStatus(status);
    if (!word) throw badParam('status must be one of the charge statuses', 'status');
    where.push(statusCondition(word));
  }
  const customer = nested(q, 'customer');
  const cid = optText(customer, 'id', { field: 'customer[id]' });
  if (cid !== undefined) where.push({ field: 'customer_id', op: 'eq', value: (await customerIdOf(req.ctx, cid)) ?? -1 });
  const people: Condition[] = [];
  const email = optText(customer, 'email', { field: 'customer[email]' });
  if (email !== undefined) people.push({ field: 'email', op: 'eq', value: email });
  const name = optText(customer, 'name', { field: 'customer[name]' });
  if (name !== undefined) people.push({ field: 'full_name', op: 'eq', value: name });
  const username = optText(customer, 'username', { field: 'customer[username]' });
  if (username !== undefined) people.push({ field: { vendor: VENDOR, key: 'username' }, op: 'eq', value: username });
  if (people.length > 0) {
    const { rows } = await listCustomers(req.ctx, { where: people, limit: 10_000 });
    where.push({ field: 'customer_id', op: 'in', value: rows.map((r) => r.id) });
  }
  const last4 = optText(q, 'last_4_digits');
  if (last4 !== undefined) {
    const { rows } = await listPaymentMethodsBy(req.ctx, { where: [{ field: 'last4', op: 'eq', value: last4 }], limit: 10_000 });
    where.push({
      any: [
        { field: 'payment_method_id', op: 'in', value: rows.map((r) => r.id) },
        { field: { vendor: VENDOR, key: 'last_4_digits' }, op: 'eq', value: last4 },
      ],
    });
  }
  const description = optText(q, 'description');
  if (description !== undefined) where.push({ field: 'description', op: 'eq', value: description });
  const txn = optText(q, 'transaction_id');
  if (txn !== undefined) {
    const byRef = await findByRef(req.ctx, { ...REF.transaction, objectType: 'transaction' }, txn);
    where.push({
      any: [
        { field: 'id', op: 'eq', value: byRef ?? -1 },
        { field: 'gateway_ref', op: 'eq', value: txn },
      ],
    });
  }
  where.push(...rangeConditions('created_at', readRange(q, 'occurred')));
  const key = optText(q, 'metadata_key');
  const value = optText(q, 'metadata_value');
  const plainKey = key !== undefined && /^[A-Za-z0-9_]+$/.test(key);
  if (key !== undefined && !plainKey) throw badParam('metadata_key may hold letters, digits and _ only', 'metadata_key');
  if (key !== undefined && value !== undefined) where.push({ field: { vendor: VENDOR, key: `metadata.${key}` }, op: 'eq', value, as: 'string' });
  else if (key !== undefined) where.push({ field: { vendor: VENDOR, key: `metadata.${key}` }, op: 'not_null' });
  else if (value !== undefined) where.push({ field: { vendor: VENDOR, key: 'metadata' }, op: 'contains', value: JSON.stringify(value).slice(1, -1) });
  const text = optText(q, 'query');
  if (text !== undefined && text !== '') {
    const { rows } = await listCustomers(req.ctx, {
      where: [
        {
          any: ['email', 'full_name', 'phone']
            .map((field) => ({ field, op: 'contains' as const, value: text }))
            .concat([{ field: { vendor: VENDOR, key: 'username' } as never, op: 'contains', value: text }]),
        },
      ],
      limit: 10_000,
    });
    const chargeId = decodeId('ch', text);
    const byRef = await findByRef(req.ctx, { ...REF.transaction, objectType: 'transaction' }, text);
    where.push({
      any: [
        { field: 'id', op: 'in', value: [chargeId ?? -1, byRef ?? -1] },
        { field: 'description', op: 'contains', value: text },
        { field: 'gateway_ref', op: 'eq', value: text },
        { field: 'customer_id', op: 'in', value: rows.map((r) => r.id) },
        { field: { vendor: VENDOR, key: 'last_4_digits' }, op: 'eq', value: text },
        { field: { vendor: VENDOR, key: 'metadata' }, op: 'contains', value: text },
      ],
    });
  }
  return where;
}

const WORD = (word: string): Condition => ({ field: { vendor: VENDOR, key: 'status' }, op: 'eq', value: word, as: 'string' });
const NO_WORD_OR = (word: string): Condition => ({ any: [{ field: { vendor: VENDOR, key: 'status' }, op: 'is_null' }, WORD(word)] });

/** A ChargeDesk status as core state (and the word a record stored), mirroring chargeStatus(). */
export function statusCondition(word: ChargeStatus): Condition {
  const paidStates = { field: 'status', op: 'in' as const, value: ['captured', 'settled'] };
  const notCredit: Condition = { field: 'type', op: 'ne', value: 'credit_memo' };
  switch (word) {
    case 'paid':
      return { all: [notCredit, paidStates, { field: 'refund_state', op: 'eq', value: 'none' }, { not: WORD('disputed') }] };
    case 'disputed':
      return { all: [notCredit, paidStates, { field: 'refund_state', op: 'eq', value: 'none' }, WORD('disputed')] };
    case 'partially refunded':
      return { all: [notCredit, paidStates, { field: 'refund_state', op: 'eq', value: 'partial' }] };
    case 'refunded':
      return { all: [notCredit, paidStates, { field: 'refund_state', op: 'eq', value: 'full' }] };
    case 'failed':
      return { field: 'status', op: 'in', value: ['declined', 'error'] };
    case 'authorized':
      return { field: 'status', op: 'eq', value: 'authorized' };
    case 'pending':
      return { all: [notCredit, { field: 'status', op: 'in', value: ['pending', 'unknown'] }] };
    case 'void':
      return {
        all: [
          { field: 'status', op: 'eq', value: 'voided' },
          { not: WORD('invoice canceled') },
          {
            not: {
              all: [
                { field: 'payment_kind', op: 'is_null' },
                { field: { vendor: VENDOR, key: 'status' }, op: 'is_null' },
              ],
            },
          },
        ],
      };
    case 'invoice canceled':
      return {
        all: [
          { field: 'status', op: 'eq', value: 'voided' },
          {
            any: [
              WORD('invoice canceled'),
              {
                all: [
                  { field: 'payment_kind', op: 'is_null' },
                  { field: { vendor: VENDOR, key: 'status' }, op: 'is_null' },
                ],
              },
            ],
          },
        ],
      };
    case 'invoiced':
      return {
        all: [{ field: 'status', op: 'eq', value: 'requested' }, { any: [NO_WORD_OR('invoiced'), { not: { field: { vendor: VENDOR, key: 'status' }, op: 'in', value: [...REQUEST_WORDS] } }] }],
      };
    case 'credit':
      return { any: [{ field: 'type', op: 'eq', value: 'credit_memo' }, { all: [{ field: 'status', op: 'eq', value: 'requested' }, WORD('credit')] }] };
    default:
      return { all: [{ field: 'status', op: 'eq', value: 'requested' }, WORD(word)] };
  }
}

const REQUEST_WORDS = ['unpaid', 'past due', 'subscription pending', 'trial', 'credit', 'uncollectible', 'open', 'draft'];

export async function chargeRoutes(app: FastifyInstance): Promise<void> {
  app.post('/charges', async (request) => {
    const req = cdRequest(request);
    const result = await recordCharge(req.ctx, await recordRequest(req, null));
    return renderOne(req, result.charge);
  });

  app.get('/charges', async (request) => {
    const req = cdRequest(request);
    const page = readPage(req.query, 50_000);
    const { rows } = await listTransactions(req.ctx, CHARGE_TYPES, { where: await listConditions(req), order: [{ field: 'created_at', direction: 'desc' }], tieBreak: 'desc', ...page });
    return envelope(page, await renderCharges(req.ctx, rows, links(req)));
  });

  app.get('/charges/preview', previewRoute);

  app.get('/charges/:id', async (request) => {
    const req = cdRequest(request);
    return renderOne(req, await chargeByPath(req.ctx, (request.params as { id: string }).id));
  });

  app.get('/charges/:id/items', async (request) => {
    const req = cdRequest(request);
    const row = await chargeByPath(req.ctx, (request.params as { id: string }).id);
    const page = readPage(req.query, 10_000);
    const lines = (chargeData(row).lines ?? []).slice(page.offset, page.offset + page.limit);
    return envelope(page, lines);
  });

  app.post('/charges/:id', async (request) => {
    const req = cdRequest(request);
    const row = await chargeByPath(req.ctx, (request.params as { id: string }).id);
    const result = await recordCharge(req.ctx, await recordRequest(req, row));
    return renderOne(req, result.charge);
  });

  app.post('/charges/:id/email', async (request) => {
    const req = cdRequest(request);
    const row = await chargeByPath(req.ctx, (request.params as { id: string }).id);
    const override = optText(req.body, 'email');
    if (override !== undefined && override !== '' && !/^[^@\s]+@[^@\s]+$/.test(override)) throw badParam('email must be an e-mail address', 'email');
    const [customer] = row.customer_id !== null ? await customersByIds(req.ctx, [row.customer_id]) : [];
    const to = override ? [override] : recipientsOf(customer);
    if (to.length === 0) throw badParam('This charge has no e-mail address to send to', 'email');
    const status = chargeStatus(row);
    const kind = emailKind(status);
    const now = req.ctx.clock.now();
    const emails = to.map((address) => ({
      to: address,
      subject: `${kind.name[0].toUpperCase()}${kind.name.slice(1)} from ${req.company}`,
      body: `${kind.name}: ${row.description ?? ''} ${decimal(row.amount, row.currency)} ${row.currency}`,
      meta: { door: VENDOR, kind: kind.name, charge_id: (request.params as { id: string }).id },
    }));
    const mark: Record<string, unknown> = { email_last_sent: Math.floor(now / 1000) };
    if (kind.name === 'invoice') mark.sent_invoice = to[0];
    const updated = await emailAboutCharge({ ...req.ctx, actor: { ...req.ctx.actor!, params: { email: to.join(','), kind: kind.name } } }, row.id, emails, { vendor: VENDOR, fields: mark });
    return renderOne(req, updated);
  });

  app.delete('/charges/:id', async (request) => {
    const req = cdRequest(request);
    const row = await chargeByPath(req.ctx, (request.params as { id: string }).id);
    await withdrawCharge(req.ctx, row.id, { vendor: VENDOR, fields: { removed: true } });
    return { deleted: true, object: 'charge', charge_id: (request.params as { id: string }).id };
  });

  // The PHP client's refund path (no /gateway segment): refunds records too (clients.md).
  app.post('/charges/:id/refund', (request: FastifyRequest) => refundRoute(request, false));
}

export { objectIdOf, reqText };
