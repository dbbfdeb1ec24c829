// POST /charges (the seed, spec §2) and POST /charges/{id}/refunds (§3). A charge is one core call,
// charge-and-apply: the customer, the source (a saved card or bank account, a one-time token, or a
// gateway token naming a vault method), the applications, keeping the source (vault_method,
// make_default) and the receipt e-mail, all in one transaction. The answer is the Payment with
// its charge nested (201); a decline is 402 and leaves only the declined transaction the core keeps
// for the record, which GET /payments does not list.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TenantContext } from '../../core/context.ts';
import { DomainError, ErrorCode, invalid, notFound } from '../../core/errors/domain-error.ts';
import { customersByIds } from '../../core/customers/queries.ts';
import { chargeAndApply, type ChargeAndApplyInput } from '../../core/flows/charge-and-apply.ts';
import type { Application } from '../../core/invoices/apply-plan.ts';
import { getTransaction, refund } from '../../core/payments/payments.ts';
import { paymentMethodIdByToken } from '../../core/vault/queries.ts';
import { tenantOf } from '../../http/auth.ts';
import { isObject } from '../kit/fields.ts';
import { tokenNotFound } from './customers.ts';
import { renderPayments, renderRefund } from './render.ts';
import { bodyId, bodyOf, idParam, readAmount, readBool, readCurrency, readString, siteBase, VENDOR, type Body } from './wire.ts';

const SOURCE_TYPES: Record<string, 'card' | 'bank'> = { card: 'card', bank_account: 'bank' };
const METHOD_KINDS: Record<string, 'card' | 'bank'> = { credit_card: 'card', ach: 'bank' };

/** The currency a request's amounts are in: the one given, else the customer's (an unknown customer is 400 on customer). */
export async function amountCurrency(ctx: TenantContext, body: Body, customerId: number): Promise<string> {
  const given = readCurrency(body);
  const [customer] = await customersByIds(ctx, [customerId]);
  if (!customer) throw invalid(`No such customer: ${customerId}`, 'customer');
  return given ?? customer.currency;
}

/** applied_to: [{type:"invoice", invoice, amount}] (and {type:"credit", amount}: left as the customer's credit). */
export function readApplications(body: Body, currency: string, options: { required: boolean }): { applications: Application[]; total: number } {
  const value = body.applied_to;
  if (value === undefined || value === null) {
    if (options.required) throw invalid('applied_to is required', 'applied_to');
    return { applications: [], total: 0 };
  }
  if (!Array.isArray(value) || (options.required && value.length === 0)) throw invalid('applied_to must be a non-empty list of payment applications', 'applied_to');
  const applications: Application[] = [];
  let total = 0;
  for (const [i, item] of value.entries()) {
    const path = `applied_to[${i}]`;
    if (!isObject(item)) throw invalid(`${path} must be an object`, 'applied_to');
    const type = item.type ?? 'invoice';
    const amount = readAmount(item, 'amount', currency, { path: `${path}.amount` });
    if (amount === undefined) throw invalid(`${path}.amount is required`, 'applied_to');
    total += amount;
    if (type === 'credit') continue;
    if (type !== 'invoice') throw invalid(`${path}.type ${JSON.stringify(type)} is not supported here: use invoice or credit`, 'applied_to');
    if (item.invoice === undefined || item.invoice === null) throw invalid(`${path}.invoice is required`, 'applied_to');
    applications.push({ invoiceId: bodyId(item.invoice, 'applied_to'), amount });
  }
  return { applications, total };
}

/** Which of the three mutually exclusive source options the body uses (spec §2), and what it means to the core. */
async function readSource(ctx: TenantContext, body: Body, method: 'card' | 'bank'): Promise<Pick<ChargeAndApplyInput, 'using'>> {
  const type = readString(body, 'payment_source_type');
  const hasId = body.payment_source_id !== undefined && body.payment_source_id !== null;
  const token = readString(body, 'invoiced_token', { max: 200 });
  const gateway = readString(body, 'gateway_token', { max: 200 });
  const given = [type !== undefined || hasId ? 'payment_source_type/payment_source_id' : null, token ? 'invoiced_token' : null, gateway ? 'gateway_token' : null].filter(
    (x): x is string => x !== null,
  );
  if (given.length === 0) throw invalid('One of payment_source_type with payment_source_id, invoiced_token or gateway_token is required', 'payment_source_type');
  if (given.length > 1) throw invalid(`Only one payment source may be given, not both ${given.join(' and ')}`, given[1].split('/')[0]);
  if (token) return { using: { kind: 'given', sources: [{ token }] } };
  if (gateway) {
    const id = await paymentMethodIdByToken(ctx, gateway);
    if (id === null) throw invalid('gateway_token does not name a payment source', 'gateway_token');
    return { using: { kind: 'saved', methodIds: [id] } };
  }
  if (!type || !hasId) throw invalid('payment_source_type and payment_source_id go together', type ? 'payment_source_id' : 'payment_source_type');
  const kind = SOURCE_TYPES[type];
  if (!kind) throw invalid('payment_source_type must be card or bank_account', 'payment_source_type');
  if (kind !== method) throw invalid(`method ${method === 'card' ? 'credit_card' : 'ach'} does not agree with payment_source_type ${type}`, 'method');
  return { using: { kind: 'saved', methodIds: [bodyId(body.payment_source_id, 'payment_source_id')] } };
}

async function createCharge(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const ctx = tenantOf(request);
  const body = bodyOf(request);
  if (body.customer === undefined || body.customer === null) throw invalid('customer is required', 'customer');
  const customerId = bodyId(body.customer, 'customer');
  const methodWord = readString(body, 'method');
  if (!methodWord) throw invalid('method is required', 'method');
  const method = METHOD_KINDS[methodWord];
  if (!method) throw invalid('method must be credit_card or ach', 'method');
  const currency = await amountCurrency(ctx, body, customerId);
  const amount = readAmount(body, 'amount', currency);
  if (amount === undefined) throw invalid('amount is required', 'amount');
  const { applications, total } = readApplications(body, currency, { required: true });
  if (total > amount) throw invalid('The payment applications add up to more than the amount', 'applied_to');
  const { using } = await readSource(ctx, body, method);
  const vault = readBool(body, 'vault_method') ?? false;
  const makeDefault = readBool(body, 'make_default') ?? false;
  const receiptEmail = readString(body, 'receipt_email', { max: 255 }) || null;
  if (receiptEmail && !/^[^\s@]+@[^\s@]+$/.test(receiptEmail)) throw invalid('receipt_email is not a valid e-mail address', 'receipt_email');
  const result = await chargeAndApply(ctx, {
    customerId,
    amount,
    currency: readCurrency(body),
    applyTo: applications,
    using,
    methodKind: method,
    keepMethod: vault ? { makeDefault } : undefined,
    receiptEmail,
    vendorData: { [VENDOR]: { source: 'api', ...(receiptEmail ? { receipt_email: receiptEmail } : {}) } },
  }).catch(chargeRefusal);
  if (result.result === 'declined') return reply.code(402).send({ type: 'invalid_request', message: result.message ?? 'Your card was declined' });
  if (result.result === 'unknown') {
    return reply.code(502).send({ type: 'api_error', message: `The payment gateway did not answer; the charge is recorded as payment ${result.transaction.id} and will be resolved` });
  }
  const [payment] = await renderPayments(ctx, [result.transaction], siteBase(request));
  return reply.code(201).send(payment);
}

/** Core refusals of a charge in Invoiced's words and params. */
function chargeRefusal(error: unknown): never {
  if (error instanceof DomainError) {
    const object = error.details.object;
    if (error.code === ErrorCode.NOT_FOUND && object === 'token') tokenNotFound(error);
    if (error.code === ErrorCode.NOT_FOUND && object === 'payment method') throw invalid('payment_source_id does not name a payment source of this customer', 'payment_source_id');
    if (error.code === ErrorCode.NOT_FOUND && object === 'customer') throw invalid(error.message, 'customer');
    if (error.details.reason === 'method_kind_mismatch') throw invalid(`method does not agree with the payment source: ${error.message}`, 'method');
    if (error.details.reason === 'not_owned') throw invalid('The payment source does not belong to this customer', 'payment_source_id');
  }
  throw error;
}

async function refundCharge(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply): Promise<FastifyReply> {
  const ctx = tenantOf(request);
  const id = idParam(request.params.id, 'charge');
  const charge = await getTransaction(ctx, id);
  if (charge.type !== 'sale' || (charge.payment_kind !== 'card' && charge.payment_kind !== 'bank')) throw notFound('charge', request.params.id);
  const body = bodyOf(request);
  const amount = readAmount(body, 'amount', charge.currency);
  const result = await refund(ctx, id, { amount });
  return reply.code(201).send(renderRefund(result.refund));
}

export async function chargeRoutes(app: FastifyInstance): Promise<void> {
  app.post('/charges', createCharge);
  app.post('/charges/:id/refunds', refundCharge);
}
