// POST /transaction (sale, authorize, credit), GET /transaction/{id}, capture, void and refund
// (spec §2.1, §3.3, §4.5). Parses the wire body strictly, hands a command to the core payments
// service, and renders the core transaction in FluidPay's words.
import { isIP } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TenantContext } from '../../core/context.ts';
import { DomainError, ErrorCode, invalid, notFound, reasonOf } from '../../core/errors/domain-error.ts';
import { IllegalReason } from '../../core/payments/states.ts';
import { capture, createPayment, getTransaction, refund, voidTransaction, type PaymentResult, type PaymentSource } from '../../core/payments/payments.ts';
import { annotateTransaction } from '../../core/payments/annotations.ts';
import { transactionsByIds } from '../../core/payments/queries.ts';
import { paymentMethodsByIds } from '../../core/vault/queries.ts';
import { customersByIds } from '../../core/customers/queries.ts';
import { subscriptionsByIds } from '../../core/subscriptions/queries.ts';
import { cleanCardNumber, isValidCardNumber } from '../../core/processor/cards.ts';
import type { PaymentMethodRow, TransactionRow } from '../../core/database.ts';
import { tenantOf } from '../../http/auth.ts';
import { decodeId, encodeId, sameSecond } from './ids.ts';
import { fluidPayData, processorsOf, renderTransaction, wireStatus, type FluidPayTxnData, type RenderContext } from './transaction-wire.ts';
import { bodyOf, isObject, listed, ok, oneOf, optBool, optInt, optObject, optString, parseAddress, parseExpiration, reqString, type Body, type WireAddress } from './wire.ts';
import { vaultFromTransaction, vaultSource } from './vault-source.ts';
import { terminalSource } from './terminals.ts';

export const DEFAULT_IDEMPOTENCY_SECONDS = 300;
/** FluidPay declines ACH debits above $100.00 in its sandbox (its documented 10112 sample). */
const ACH_DEBIT_LIMIT = 10_000;
const PAYMENT_METHODS = ['card', 'customer', 'terminal', 'token', 'ach'] as const;

/** `known`: payment methods already in hand (the one a sale just wrote), not read again. */
export async function renderContext(ctx: TenantContext, txns: readonly TransactionRow[], known: readonly PaymentMethodRow[] = []): Promise<RenderContext> {
  const knownIds = new Set(known.map((m) => m.id));
  const [methods, parents, customers, subscriptions] = await Promise.all([
    paymentMethodsByIds(
      ctx,
      txns.flatMap((t) => (t.payment_method_id === null || knownIds.has(t.payment_method_id) ? [] : [t.payment_method_id])),
    ),
    transactionsByIds(
      ctx,
      txns.flatMap((t) => (t.parent_id === null ? [] : [t.parent_id])),
    ),
    customersByIds(
      ctx,
      txns.flatMap((t) => (t.customer_id === null ? [] : [t.customer_id])),
      { includeDeleted: true },
    ),
    subscriptionsByIds(
      ctx,
      txns.flatMap((t) => (t.subscription_id === null ? [] : [t.subscription_id])),
      { includeDeleted: true },
    ),
  ]);
  const customerIds = new Map(customers.map((c) => [c.id, encodeId('customer', c.id, c.created_at)]));
  const subscriptionIds = new Map(subscriptions.map((s) => [s.id, encodeId('subscription', s.id, s.created_at)]));
  for (const method of known) methods.set(method.id, method);
  return { tenant: ctx.tenant, methods, parents, customerIds, subscriptionIds };
}

export async function renderOne(ctx: TenantContext, txn: TransactionRow, known: readonly PaymentMethodRow[] = []): Promise<Record<string, unknown>> {
  return renderTransaction(txn, await renderContext(ctx, [txn], known));
}

/** A transaction by its FluidPay id; malformed, foreign or forged ids are not found. */
export async function findTransaction(ctx: TenantContext, idText: string): Promise<TransactionRow> {
  const decoded = decodeId('transaction', idText);
  if (!decoded) throw notFound('transaction', idText);
  const txn = await getTransaction(ctx, decoded.id);
  if (!sameSecond(decoded, txn.created_at)) throw notFound('transaction', idText);
  return txn;
}

interface ParsedSource {
  source: PaymentSource;
  data: FluidPayTxnData;
  customerId?: number;
  /** Vault charges: which addresses were named by id (those win over the request's own objects). */
  addressIds?: { billing: boolean; shipping: boolean };
}

function parseCard(card: Body): ParsedSource {
  const raw = reqString(card, 'number', { path: 'payment_method.card.number' });
  const number = cleanCardNumber(raw);
  if (!/^\d{12,19}$/.test(number) || !isValidCardNumber(number)) throw invalid('payment_method.card.number is not a valid card number', 'payment_method.card.number');
  const expiry = parseExpiration(card.expiration_date, 'payment_method.card.expiration_date');
  const cvc = optString(card, 'cvc', { path: 'payment_method.card.cvc' });
  if (cvc !== undefined && cvc !== '' && !/^\d{3,4}$/.test(cvc)) throw invalid('payment_method.card.cvc must be 3 or 4 digits', 'payment_method.card.cvc');
  const entryType = oneOf(optString(card, 'entry_type', { path: 'payment_method.card.entry_type' }), ['keyed', 'swiped'], 'payment_method.card.entry_type');
  optObject(card, 'cardholder_authentication', 'payment_method.card.cardholder_authentication');
  return {
    source: { card: { number, expMonth: expiry.month, expYear: expiry.year, cvv: cvc || null } },
    data: { payment_method: 'card', entry_type: entryType ?? 'keyed', number_length: number.length },
  };
}

function parseAch(ach: Body): ParsedSource {
  const routing = reqString(ach, 'routing_number', { path: 'payment_method.ach.routing_number' });
  if (!/^\d{9}$/.test(routing)) throw invalid('payment_method.ach.routing_number must be 9 digits', 'payment_method.ach.routing_number');
  const account = reqString(ach, 'account_number', { path: 'payment_method.ach.account_number' });
  if (!/^\d{4,17}$/.test(account)) throw invalid('payment_method.ach.account_number must be 4 to 17 digits', 'payment_method.ach.account_number');
  const sec = oneOf(reqString(ach, 'sec_code', { path: 'payment_method.ach.sec_code' }), ['web', 'ccd', 'ppd', 'tel'], 'payment_method.ach.sec_code');
  const accountType = oneOf(optString(ach, 'account_type', { path: 'payment_method.ach.account_type' }), ['checking', 'savings'], 'payment_method.ach.account_type');
  const check = optString(ach, 'check_number', { path: 'payment_method.ach.check_number' });
  if (sec === 'tel' && !check) throw invalid('payment_method.ach.check_number is required when sec_code is tel', 'payment_method.ach.check_number');
  optObject(ach, 'accountholder_authentication', 'payment_method.ach.accountholder_authentication');
  return {
    source: { bank: { routingNumber: routing, accountNumber: account, accountType: accountType ?? 'checking' } },
    data: { payment_method: 'ach', sec_code: sec, check_number: check ?? '', number_length: account.length, account_first2: account.slice(0, 2) },
  };
}

async function parseSource(ctx: TenantContext, pm: Body): Promise<ParsedSource> {
  const given = PAYMENT_METHODS.filter((key) => pm[key] !== undefined && pm[key] !== null);
  if (given.length !== 1) throw invalid('payment_method must contain exactly one of card, customer, terminal, token, ach', 'payment_method');
  const kind = given[0];
  if (kind === 'token') {
    const token = pm.token;
    if (typeof token !== 'string' || !token) throw invalid('payment_method.token must be a string', 'payment_method.token');
    return { source: { token }, data: { payment_method: 'token' } };
  }
  const inner = pm[kind];
  if (!isObject(inner)) throw invalid(`payment_method.${kind} must be an object`, `payment_method.${kind}`);
  if (kind === 'card') return parseCard(inner);
  if (kind === 'ach') return parseAch(inner);
  if (kind === 'customer') return vaultSource(ctx, inner);
  return terminalSource(ctx, inner);
}

/**
 * The address a transaction records (fluidpay-v2 §2.9): for a vault charge an address named by id,
 * else the request's object when it has a non-empty field (java sends blank ones), else the
 * customer's default; otherwise the request's object.
 */
function pickAddress(parsed: ParsedSource, which: 'billing' | 'shipping', given: WireAddress | undefined): WireAddress | null {
  const vaulted = which === 'billing' ? parsed.data.billing_address : parsed.data.shipping_address;
  if (!parsed.addressIds) return given ?? vaulted ?? null;
  if (parsed.addressIds[which]) return vaulted ?? null;
  if (given && Object.values(given).some((v) => v !== '')) return given;
  return vaulted ?? null;
}

export interface TransactionCommand {
  type: 'sale' | 'authorize' | 'credit';
  amount: number;
  currency: string;
  description?: string;
  orderId?: string;
  parsed: ParsedSource;
  createVaultRecord: boolean;
}

export async function parseTransaction(ctx: TenantContext, request: FastifyRequest, body: Body): Promise<TransactionCommand> {
  const type = oneOf(reqString(body, 'type'), ['sale', 'authorize', 'credit'], 'type') as TransactionCommand['type'];
  const amount = optInt(body, 'amount', { min: 1 });
  if (amount === undefined) throw invalid('amount is required', 'amount');
  // Stored as given, with no arithmetic check: js draws tax and shipping at random above the amount (fluidpay-v2 §5.4).
  const tax = optInt(body, 'tax_amount', { min: 0 }) ?? 0;
  const shipping = optInt(body, 'shipping_amount', { min: 0 }) ?? 0;
  const discount = optInt(body, 'discount_amount', { min: 0 }) ?? 0;
  const tip = optInt(body, 'tip_amount', { min: 0 }) ?? 0; // part of amount, like tax
  const currency = optString(body, 'currency') ?? 'USD';
  if (!/^[A-Za-z]{3}$/.test(currency)) throw invalid('currency must be a 3-letter ISO 4217 code', 'currency');
  const description = optString(body, 'description', { max: 255 });
  const orderId = optString(body, 'order_id', { max: 17 });
  const poNumber = optString(body, 'po_number', { max: 17 });
  const processorId = optString(body, 'processor_id') ?? '';
  const processors = processorsOf(ctx.tenant);
  if (processorId !== '' && processorId !== processors.card.id && processorId !== processors.ach.id) throw invalid('Unknown processor_id', 'processor_id');
  const ip = optString(body, 'ip_address');
  if (ip !== undefined && ip !== '' && isIP(ip) === 0) throw invalid('ip_address must be an IPv4 or IPv6 address', 'ip_address');
  // js and go spell it email_reciept (fluidpay-v2 §1.2); the right spelling wins.
  const emailReceipt = optBool(body, 'email_receipt') ?? optBool(body, 'email_reciept') ?? false;
  const emailAddress = optString(body, 'email_address', { max: 255 }) ?? '';
  const createVaultRecord = optBool(body, 'create_vault_record') ?? false;
  const idempotencyKey = optString(body, 'idempotency_key', { max: 255 }) ?? '';
  const idempotencyTime = optInt(body, 'idempotency_time', { min: 0 });
  const adjustment = optObject(body, 'payment_adjustment');
  const adjustmentType = adjustment ? oneOf(optString(adjustment, 'type', { path: 'payment_adjustment.type' }) || undefined, ['flat', 'percentage'], 'payment_adjustment.type') : undefined;
  const adjustmentValue = adjustment ? (optInt(adjustment, 'value', { min: 0, path: 'payment_adjustment.value' }) ?? 0) : 0;
  optBool(body, 'tax_exempt');
  const billing = parseAddress(body.billing_address, 'billing_address');
  const shippingAddress = parseAddress(body.shipping_address, 'shipping_address');
  const pm = optObject(body, 'payment_method');
  if (!pm) throw invalid('payment_method is required', 'payment_method');
  const parsed = await parseSource(ctx, pm);
  if (parsed.data.payment_method === 'ach' && !billing) throw invalid('billing_address is required for ACH', 'billing_address');
  parsed.data = {
    ...parsed.data,
    tax_amount: tax,
    tax_exempt: body.tax_exempt === true,
    shipping_amount: shipping,
    discount_amount: discount,
    tip_amount: tip,
    payment_adjustment_type: adjustmentType ?? '',
    payment_adjustment_value: adjustmentValue,
    po_number: poNumber ?? '',
    ip_address: ip || request.ip,
    email_receipt: emailReceipt,
    email_address: emailAddress,
    processor_id: processorId,
    idempotency_key: idempotencyKey,
    idempotency_time: idempotencyKey ? idempotencyTime || DEFAULT_IDEMPOTENCY_SECONDS : 0,
    billing_address: pickAddress(parsed, 'billing', billing),
    shipping_address: pickAddress(parsed, 'shipping', shippingAddress),
    user_id: request.fluidpayUser?.id ?? '',
    user_name: request.fluidpayUser?.username ?? '',
    transaction_source: 'api',
  };
  return { type, amount, currency: currency.toUpperCase(), description, orderId, parsed, createVaultRecord };
}

export async function runTransaction(ctx: TenantContext, command: TransactionCommand): Promise<PaymentResult> {
  try {
    const result = await createPayment(ctx, {
      type: command.type,
      amount: command.amount,
      currency: command.currency,
      source: command.parsed.source,
      customerId: command.parsed.customerId ?? null,
      orderId: command.orderId ?? null,
      description: command.description ?? null,
      vendorData: { fluidpay: command.parsed.data },
      processor: { checkExpiry: false, bankDebitLimit: ACH_DEBIT_LIMIT },
    });
    return result;
  } catch (error) {
    // No tokenizer here (G22): a token the server did not issue is a bad request, not a 404.
    if ('token' in command.parsed.source && error instanceof DomainError && error.code === ErrorCode.NOT_FOUND) {
      throw invalid('invalid token', 'payment_method.token');
    }
    throw error;
  }
}

type IdParams = { Params: { id: string } };

/** java's capture and refund models send an unset amount as 0: the default amount (fluidpay-v2 §1.1). */
const orDefault = (amount: number | undefined): number | undefined => (amount === 0 ? undefined : amount);

export async function transactionRoutes(app: FastifyInstance): Promise<void> {
  app.post('/transaction', async (request) => {
    const ctx = tenantOf(request);
    const command = await parseTransaction(ctx, request, bodyOf(request));
    const result = await runTransaction(ctx, command);
    let txn = result.transaction;
    if (command.createVaultRecord && command.parsed.data.payment_method === 'card' && txn.status !== 'declined' && txn.status !== 'error') {
      txn = await vaultFromTransaction(ctx, txn, command);
      return ok(await renderOne(ctx, txn));
    }
    // The method the sale just wrote is rendered as written, not read back.
    return ok(await renderOne(ctx, txn, result.method ? [result.method] : []));
  });

  app.get<IdParams>('/transaction/:id', async (request) => {
    const ctx = tenantOf(request);
    return listed([await renderOne(ctx, await findTransaction(ctx, request.params.id))], 1);
  });

  app.post<IdParams>('/transaction/:id/capture', async (request) => {
    const ctx = tenantOf(request);
    const body = bodyOf(request);
    const txn = await findTransaction(ctx, request.params.id);
    const amount = orDefault(optInt(body, 'amount', { min: 0 }));
    const patch: Partial<FluidPayTxnData> & { order_id?: string } = {};
    const tax = optInt(body, 'tax_amount', { min: 0 });
    const shipping = optInt(body, 'shipping_amount', { min: 0 });
    const exempt = optBool(body, 'tax_exempt');
    const orderId = optString(body, 'order_id', { max: 17 });
    const po = optString(body, 'po_number', { max: 17 });
    const ip = optString(body, 'ip_address');
    if (ip !== undefined && ip !== '' && isIP(ip) === 0) throw invalid('ip_address must be an IPv4 or IPv6 address', 'ip_address');
    if (tax !== undefined) patch.tax_amount = tax;
    if (shipping !== undefined) patch.shipping_amount = shipping;
    if (exempt !== undefined) patch.tax_exempt = exempt;
    if (orderId !== undefined) patch.order_id = orderId;
    if (po !== undefined) patch.po_number = po;
    if (ip) patch.ip_address = ip;
    await capture(ctx, txn.id, amount === undefined ? {} : { amount }).catch((error: unknown) => {
      if (reasonOf(error)) throw invalid(`Transaction cannot be captured in status ${wireStatus(txn)}`);
      throw error;
    });
    if (Object.keys(patch).length > 0) await annotateTransaction(ctx, txn.id, 'fluidpay', patch);
    return ok(null);
  });

  const voidHandler = async (request: FastifyRequest<IdParams>) => {
    const ctx = tenantOf(request);
    const txn = await findTransaction(ctx, request.params.id);
    await voidTransaction(ctx, txn.id).catch((error: unknown) => {
      if (reasonOf(error) === IllegalReason.ALREADY_SETTLED) throw invalid('A settled transaction cannot be voided; refund it instead');
      throw error;
    });
    return ok(null);
  };
  app.post<IdParams>('/transaction/:id/void', voidHandler);
  app.get<IdParams>('/transaction/:id/void', voidHandler); // G8: the doc's curl sends GET

  app.post<IdParams>('/transaction/:id/refund', async (request) => {
    const ctx = tenantOf(request);
    const body = bodyOf(request);
    const txn = await findTransaction(ctx, request.params.id);
    const amount = orDefault(optInt(body, 'amount', { min: 0 }));
    const data = fluidPayData(txn);
    await refund(ctx, txn.id, {
      amount,
      requireSettled: true,
      vendorData: { fluidpay: { ...data, idempotency_key: '', idempotency_time: 0, tax_amount: 0, shipping_amount: 0, discount_amount: 0 } },
    });
    return ok(null);
  });
}
