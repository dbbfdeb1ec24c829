// The customer vault (spec #23-37, §4.4) and its v2 shape (fluidpay-v2 §2): customers with default
// payment method and addresses, address tokens, and payment methods of five types (card, ach, token,
// applepay, googlepay), at /customer… and at the current clients' /vault/customer… and /vault/{id}
// paths, onto the same handlers. `null` is absent everywhere (§1.1).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TenantContext } from '../../core/context.ts';
import { invalid, notFound } from '../../core/errors/domain-error.ts';
import { getCustomer, updateCustomer } from '../../core/customers/customers.ts';
import { createAddress, deleteAddress, getAddress, listAddresses, updateAddress } from '../../core/customers/addresses.ts';
import { deletePaymentMethod, getPaymentMethod, listPaymentMethods, storeBank, storeCard, storeFromToken } from '../../core/vault/vault.ts';
import { storeWallet } from '../../core/vault/wallets.ts';
import { updateBank, updateCard, updateFromToken } from '../../core/vault/card-update.ts';
import { DomainError, ErrorCode } from '../../core/errors/domain-error.ts';
import type { VaultPayment } from '../../core/flows/vault-customer.ts';
import { cleanCardNumber, isValidCardNumber } from '../../core/processor/cards.ts';
import { closeVaultCustomer, openVaultCustomer } from '../../core/flows/vault-customer.ts';
import type { AddressRow, CustomerRow, PaymentMethodRow } from '../../core/database.ts';
import { tenantOf } from '../../http/auth.ts';
import { decodeId, encodeId, sameSecond } from './ids.ts';
import { METHOD_TYPES, methodType, renderAddress, renderCard, renderCustomers, toCoreAddress, type MethodType } from './vault-wire.ts';
import { bodyOf, counted, isObject, ok, oneOf, optString, parseAddress, parseExpiration, sentAddressFields, type Body, type WireAddress } from './wire.ts';
import { vaultSearch } from './vault-search.ts';

export async function findCustomer(ctx: TenantContext, idText: string): Promise<CustomerRow> {
  const decoded = decodeId('customer', idText);
  if (!decoded) throw notFound('customer', idText);
  const customer = await getCustomer(ctx, decoded.id);
  if (!sameSecond(decoded, customer.created_at)) throw notFound('customer', idText);
  return customer;
}

async function findAddress(ctx: TenantContext, customer: CustomerRow, idText: string): Promise<AddressRow> {
  const decoded = decodeId('address', idText);
  if (!decoded) throw notFound('address', idText);
  const row = await getAddress(ctx, customer.id, decoded.id);
  if (!sameSecond(decoded, row.created_at)) throw notFound('address', idText);
  return row;
}

export async function findCard(ctx: TenantContext, customer: CustomerRow, idText: string): Promise<PaymentMethodRow> {
  const row = await findMethod(ctx, customer, idText);
  if (row.kind !== 'card') throw notFound('payment method', idText);
  return row;
}

/** One of the customer's active payment methods of any type, by its FluidPay id (of the given type, when one is named). */
export async function findMethod(ctx: TenantContext, customer: CustomerRow, idText: string, type?: MethodType): Promise<PaymentMethodRow> {
  const decoded = decodeId('card', idText);
  if (!decoded) throw notFound('payment method', idText);
  const row = await getPaymentMethod(ctx, decoded.id).catch(() => {
    throw notFound('payment method', idText);
  });
  if (row.customer_id !== customer.id || row.status !== 'active' || !sameSecond(decoded, row.created_at)) throw notFound('payment method', idText);
  if (type !== undefined && methodType(row) !== type) throw notFound('payment method', idText);
  return row;
}

export interface CardFields {
  number: string;
  month: number;
  year: number;
}

export function parseVaultCard(value: Body, path: string, required: boolean): Partial<CardFields> {
  const raw = optString(value, 'card_number', { path: `${path}.card_number` }) ?? optString(value, 'number', { path: `${path}.number` });
  const out: Partial<CardFields> = {};
  if (raw !== undefined || required) {
    const number = cleanCardNumber(raw ?? '');
    if (!number) throw invalid(`${path}.card_number is required`, `${path}.card_number`);
    if (!isValidCardNumber(number)) throw invalid(`${path}.card_number is not a valid card number`, `${path}.card_number`);
    out.number = number;
  }
  if (value.expiration_date !== undefined || required) {
    const expiry = parseExpiration(value.expiration_date, `${path}.expiration_date`);
    out.month = expiry.month;
    out.year = expiry.year;
  }
  return out;
}

function sameAddress(a: WireAddress, b: WireAddress): boolean {
  return (Object.keys(a) as (keyof WireAddress)[]).every((key) => a[key] === b[key]);
}

export interface NewVaultCustomer {
  description?: string;
  notes?: string;
  flags?: string[];
  card?: CardFields;
  /** Instead of `card`: the v2 default_payment of any type, with what the door keeps on it. */
  payment?: ParsedMethod;
  billing?: WireAddress;
  shipping?: WireAddress;
}

/** Customer, then payment method, then address tokens (one when billing equals shipping), as one write. */
export async function createVaultCustomer(ctx: TenantContext, input: NewVaultCustomer): Promise<CustomerRow> {
  const billing = input.billing;
  const payment: ParsedMethod | undefined = input.payment ?? (input.card ? cardMethod(input.card) : undefined);
  const data: Record<string, unknown> = { description: input.description ?? '' };
  if (input.notes !== undefined) data.notes = input.notes;
  if (input.flags !== undefined) data.flags = input.flags;
  return openVaultCustomer(ctx, {
    customer: {
      firstName: billing?.first_name || null,
      lastName: billing?.last_name || null,
      company: billing?.company || null,
      email: billing?.email || null,
      phone: billing?.phone || null,
      vendor: 'fluidpay',
      vendorData: data,
    },
    payment: payment?.payment,
    cardOptions: payment ? { vendorData: { fluidpay: payment.data } } : undefined,
    billing: billing ? toCoreAddress(billing) : undefined,
    shipping: input.shipping ? (billing && sameAddress(billing, input.shipping) ? 'same' : toCoreAddress(input.shipping)) : undefined,
  });
}

async function renderCustomer(ctx: TenantContext, customer: CustomerRow) {
  return (await renderCustomers(ctx, [customer]))[0];
}

// ---- payment methods of the v2 vault (fluidpay-v2 §2.2, §2.7) -----------------------------------

/** A payment method to store: what the core stores, and what the door keeps on it (its type, masking). */
export interface ParsedMethod {
  type: MethodType;
  payment: VaultPayment;
  data: Record<string, unknown>;
}

function cardMethod(card: CardFields, type: MethodType = 'card'): ParsedMethod {
  return { type, payment: { card: { number: card.number, expMonth: card.month, expYear: card.year } }, data: { type, number_length: card.number.length } };
}

const SEC_CODES = ['web', 'ccd', 'ppd', 'tel'] as const;

function achFields(body: Body, path: string, required: boolean): { routing?: string; account?: string; accountType?: string; sec?: string } {
  const routing = optString(body, 'routing_number', { path: `${path}.routing_number` });
  const account = optString(body, 'account_number', { path: `${path}.account_number` });
  if (required && !routing) throw invalid(`${path}.routing_number is required`, `${path}.routing_number`);
  if (required && !account) throw invalid(`${path}.account_number is required`, `${path}.account_number`);
  if (routing !== undefined && !/^\d{9}$/.test(routing)) throw invalid(`${path}.routing_number must be 9 digits`, `${path}.routing_number`);
  if (account !== undefined && !/^\d{4,17}$/.test(account)) throw invalid(`${path}.account_number must be 4 to 17 digits`, `${path}.account_number`);
  const accountType = oneOf(optString(body, 'account_type', { path: `${path}.account_type` }) || undefined, ['checking', 'savings'], `${path}.account_type`);
  const sec = oneOf(optString(body, 'sec_code', { path: `${path}.sec_code` }) || undefined, SEC_CODES, `${path}.sec_code`);
  return { routing, account, accountType, sec };
}

function achMethod(body: Body, path: string): ParsedMethod {
  const f = achFields(body, path, true);
  const account = f.account as string;
  return {
    type: 'ach',
    payment: { bank: { routingNumber: f.routing as string, accountNumber: account, accountType: f.accountType ?? 'checking' } },
    data: { type: 'ach', sec_code: f.sec ?? 'web', number_length: account.length, account_first2: account.slice(0, 2) },
  };
}

function tokenMethod(token: unknown, path: string): ParsedMethod {
  if (typeof token !== 'string' || !token) throw invalid(`${path} must be a token string`, path);
  return { type: 'token', payment: { token }, data: { type: 'token' } };
}

/** Apple Pay data: {key_id, processor_id, temporary_token}, {pkpaymenttoken: {...}}, or under apple_pay. */
function applePayMethod(body: Body, path: string): ParsedMethod {
  const inner = isObject(body.apple_pay) ? body.apple_pay : body;
  const token = inner.pkpaymenttoken ?? inner.temporary_token ?? inner.payment_data ?? (Object.keys(inner).length ? inner : undefined);
  if (token === undefined || token === null || token === '') throw invalid(`${path} needs the Apple Pay token data`, path);
  const network = isObject(inner.pkpaymenttoken) && isObject(inner.pkpaymenttoken.paymentMethod) ? inner.pkpaymenttoken.paymentMethod.network : inner.network;
  return { type: 'applepay', payment: { wallet: { wallet: 'apple_pay', payload: JSON.stringify(token), network: typeof network === 'string' ? network : null } }, data: { type: 'applepay' } };
}

function googlePayMethod(body: Body, path: string): ParsedMethod {
  const token = body.google_pay_token ?? body.googlePayToken;
  if (typeof token !== 'string' || !token) throw invalid(`${path}.google_pay_token is required`, `${path}.google_pay_token`);
  return { type: 'googlepay', payment: { wallet: { wallet: 'google_pay', payload: token } }, data: { type: 'googlepay' } };
}

/** The body of POST /vault/customer/{id}/{type}. */
function methodFromRoute(type: MethodType, body: Body): ParsedMethod {
  switch (type) {
    case 'card':
      return cardMethod(parseVaultCard(isObject(body.card) ? body.card : body, 'card', true) as CardFields);
    case 'ach':
      return achMethod(isObject(body.ach) ? body.ach : body, 'ach');
    case 'token':
      return tokenMethod(body.token, 'token');
    case 'applepay':
      return applePayMethod(body, 'apple_pay');
    case 'googlepay':
      return googlePayMethod(body, 'google_pay');
  }
}

/** default_payment on create: exactly one non-null member (none: no payment method). */
function parseDefaultPayment(value: unknown): ParsedMethod | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalid('default_payment must be an object', 'default_payment');
  const given = ['card', 'ach', 'token', 'apple_pay', 'google_pay_token'].filter((k) => value[k] !== undefined && value[k] !== null);
  if (given.length > 1) throw invalid('default_payment must contain only one of card, ach, token, apple_pay, google_pay_token', 'default_payment');
  const [kind] = given;
  if (kind === undefined) return undefined;
  const inner = value[kind];
  if (kind === 'token') return tokenMethod(inner, 'default_payment.token');
  if (kind === 'google_pay_token') return googlePayMethod({ google_pay_token: inner }, 'default_payment');
  if (!isObject(inner)) throw invalid(`default_payment.${kind} must be an object`, `default_payment.${kind}`);
  if (kind === 'card') return cardMethod(parseVaultCard(inner, 'default_payment.card', true) as CardFields);
  if (kind === 'ach') return achMethod(inner, 'default_payment.ach');
  return applePayMethod({ apple_pay: inner }, 'default_payment.apple_pay');
}

/** A token Bursar did not issue is a bad request, as in transactions (fluidpay-v2 §2.7). */
function tokenRefusal(error: unknown): never {
  if (error instanceof DomainError && error.code === ErrorCode.NOT_FOUND && error.details.object === 'token') throw invalid('invalid token', 'token');
  throw error;
}

async function storeMethod(ctx: TenantContext, customer: CustomerRow, parsed: ParsedMethod) {
  const options = { customerId: customer.id, vendorData: { fluidpay: parsed.data } };
  const p = parsed.payment;
  if ('card' in p) return storeCard(ctx, p.card, options);
  if ('bank' in p) return storeBank(ctx, p.bank, options);
  if ('token' in p) return storeFromToken(ctx, p.token, options).catch(tokenRefusal);
  return storeWallet(ctx, p.wallet, options);
}

function flagsOf(body: Body): string[] | undefined {
  const value = body.flags;
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((f) => typeof f !== 'string' || f.length > 64)) throw invalid('flags must be an array of strings', 'flags');
  return [...new Set(value as string[])];
}

const ID_TEXT = /^[A-Za-z0-9_-]{1,64}$/;

// ---- customers ----------------------------------------------------------------------------------

/** Resolves a default pointer from an update body: "" clears, an id must belong to the customer (else 400). */
async function pointer(ctx: TenantContext, customer: CustomerRow, body: Body, field: string, kind: 'method' | 'address', path = field): Promise<number | null | undefined> {
  const value = optString(body, field, { path });
  if (value === undefined) return undefined;
  if (value === '') return null;
  try {
    return kind === 'method' ? (await findMethod(ctx, customer, value)).id : (await findAddress(ctx, customer, value)).id;
  } catch {
    throw invalid(`${path} does not belong to this customer`, path);
  }
}

type CustomerParams = { Params: { id: string } };
type AddressParams = { Params: { id: string; address: string } };
type CardParams = { Params: { id: string; type: string; pm: string } };
type MethodParams = { Params: { id: string; type: string; pm?: string } };

const getCustomerHandler = async (request: FastifyRequest<CustomerParams>) => {
  const ctx = tenantOf(request);
  return ok(await renderCustomer(ctx, await findCustomer(ctx, request.params.id)));
};

/** Partial update (fluidpay-v2 §2.5): description, notes, flags, and the defaults, nested (winning) or flat (seed). */
const updateCustomerHandler = async (request: FastifyRequest<CustomerParams>) => {
  const ctx = tenantOf(request);
  const body = bodyOf(request);
  const customer = await findCustomer(ctx, request.params.id);
  const description = optString(body, 'description', { max: 255 });
  const notes = optString(body, 'notes', { max: 1000 });
  const flags = flagsOf(body);
  const type = optString(body, 'payment_method');
  if (type !== undefined && type !== '' && type !== 'card' && type !== 'credit_card') throw invalid('payment_method must be card', 'payment_method');
  const nested = body.defaults === undefined || body.defaults === null ? undefined : body.defaults;
  if (nested !== undefined && !isObject(nested)) throw invalid('defaults must be an object', 'defaults');
  const from = (key: string) => (nested && nested[key] !== undefined && nested[key] !== null ? { source: nested, path: `defaults.${key}` } : { source: body, path: key });
  const pm = from('payment_method_id');
  const billing = from('billing_address_id');
  const shipping = from('shipping_address_id');
  const defaults = {
    paymentMethodId: await pointer(ctx, customer, pm.source, 'payment_method_id', 'method', pm.path),
    billingAddressId: await pointer(ctx, customer, billing.source, 'billing_address_id', 'address', billing.path),
    shippingAddressId: await pointer(ctx, customer, shipping.source, 'shipping_address_id', 'address', shipping.path),
  };
  const wantedType = nested ? oneOf(optString(nested, 'payment_method_type', { path: 'defaults.payment_method_type' }) || undefined, METHOD_TYPES, 'defaults.payment_method_type') : undefined;
  if (wantedType && defaults.paymentMethodId) {
    const method = await findMethod(ctx, customer, optString(pm.source, 'payment_method_id') as string);
    if (methodType(method) !== wantedType) throw invalid('defaults.payment_method_type does not match payment_method_id', 'defaults.payment_method_type');
  }
  const data: Record<string, unknown> = {};
  if (description !== undefined) data.description = description;
  if (notes !== undefined) data.notes = notes;
  if (flags !== undefined) data.flags = flags;
  await updateCustomer(ctx, customer.id, { defaults, ...(Object.keys(data).length ? { vendor: 'fluidpay', vendorData: data } : {}) });
  return ok(null);
};

const deleteCustomerHandler = async (request: FastifyRequest<CustomerParams>) => {
  const ctx = tenantOf(request);
  const customer = await findCustomer(ctx, request.params.id);
  await closeVaultCustomer(ctx, customer.id);
  return ok(null);
};

async function customerRoutes(app: FastifyInstance): Promise<void> {
  // The seed's body (payment_method.card, billing_address, shipping_address) and v2's
  // (default_payment, default_billing_address, default_shipping_address, notes, flags); v2 wins.
  app.post('/customer', async (request) => {
    const ctx = tenantOf(request);
    const body = bodyOf(request);
    const description = optString(body, 'description', { max: 255 });
    const notes = optString(body, 'notes', { max: 1000 });
    const flags = flagsOf(body);
    const chosen = optString(body, 'id');
    if (chosen !== undefined && chosen !== '') {
      if (!ID_TEXT.test(chosen)) throw invalid('id must be 1-64 characters of A-Z a-z 0-9 _ -', 'id');
      throw invalid('Choosing a customer id is not supported here: leave id null for a generated one', 'id');
    }
    optString(body, 'id_format');
    let payment = parseDefaultPayment(body.default_payment);
    const pm = body.payment_method;
    if (!payment && pm !== undefined && pm !== null) {
      if (!isObject(pm)) throw invalid('payment_method must be an object', 'payment_method');
      if (pm.card !== undefined && pm.card !== null) {
        if (!isObject(pm.card)) throw invalid('payment_method.card must be an object', 'payment_method.card');
        payment = cardMethod(parseVaultCard(pm.card, 'payment_method.card', true) as CardFields);
      }
    }
    const billing = parseAddress(body.default_billing_address ?? body.billing_address, body.default_billing_address ? 'default_billing_address' : 'billing_address');
    const shipping = parseAddress(body.default_shipping_address ?? body.shipping_address, body.default_shipping_address ? 'default_shipping_address' : 'shipping_address');
    const customer = await createVaultCustomer(ctx, { description, notes, flags, payment, billing, shipping }).catch(tokenRefusal);
    return ok(await renderCustomer(ctx, customer));
  });

  app.post('/customer/search', vaultSearch);

  app.get<CustomerParams>('/customer/:id', getCustomerHandler);
  app.post<CustomerParams>('/customer/:id', updateCustomerHandler);
  app.delete<CustomerParams>('/customer/:id', deleteCustomerHandler);

  // ---- address tokens ----
  // The answer is the address (java reads data.id) with the v2 context beside it (fluidpay-v2 §2.6).
  app.post<CustomerParams>('/customer/:id/address', async (request) => {
    const ctx = tenantOf(request);
    const customer = await findCustomer(ctx, request.params.id);
    const address = parseAddress(bodyOf(request), 'address') as WireAddress;
    const row = await createAddress(ctx, customer.id, toCoreAddress(address), { defaultIfNone: true });
    const rendered = renderAddress(row, customer);
    const record = await renderCustomer(ctx, await findCustomer(ctx, request.params.id));
    return ok({ ...rendered, created_address_id: rendered.id, data: record.data });
  });
  const listAddressTokens = async (request: FastifyRequest<CustomerParams>) => {
    const ctx = tenantOf(request);
    const customer = await findCustomer(ctx, request.params.id);
    return counted((await listAddresses(ctx, customer.id)).map((row) => renderAddress(row, customer)));
  };
  app.get<CustomerParams>('/customer/:id/addresses', listAddressTokens);
  app.get<CustomerParams>('/customer/:id/address', listAddressTokens); // v2 singular (fluidpay-v2 §2.6)
  app.get<AddressParams>('/customer/:id/address/:address', async (request) => {
    const ctx = tenantOf(request);
    const customer = await findCustomer(ctx, request.params.id);
    return counted([renderAddress(await findAddress(ctx, customer, request.params.address), customer)]);
  });
  app.post<AddressParams>('/customer/:id/address/:address', async (request) => {
    const ctx = tenantOf(request);
    const customer = await findCustomer(ctx, request.params.id);
    const row = await findAddress(ctx, customer, request.params.address);
    const body = bodyOf(request);
    const parsed = parseAddress(body, 'address') as WireAddress;
    // Only the fields sent change (parseAddress fills the rest with ""); line_1/line_2 count as sent.
    const sent = sentAddressFields(body);
    const given = Object.fromEntries(Object.entries(parsed).filter(([key]) => sent.has(key as keyof WireAddress))) as Partial<WireAddress>;
    await updateAddress(ctx, customer.id, row.id, toCoreAddress(given));
    return ok(null);
  });
  app.delete<AddressParams>('/customer/:id/address/:address', async (request) => {
    const ctx = tenantOf(request);
    const customer = await findCustomer(ctx, request.params.id);
    const row = await findAddress(ctx, customer, request.params.address);
    // The core clears the customer's defaults that pointed at it.
    await deleteAddress(ctx, customer.id, row.id);
    return ok(null);
  });

  // ---- card tokens (seed) ----
  const cardType = (type: string) => {
    if (type !== 'card') throw invalid('Currently card is all that is supported', 'type');
  };
  app.post<CardParams>('/customer/:id/paymentmethod/:type', async (request) => {
    const ctx = tenantOf(request);
    cardType(request.params.type);
    const customer = await findCustomer(ctx, request.params.id);
    const body = bodyOf(request);
    const card = parseVaultCard(isObject(body.card) ? body.card : body, 'card', true) as CardFields;
    const row = await storeMethod(ctx, customer, cardMethod(card));
    return ok({ card: renderCard(row) });
  });
  app.get<CardParams>('/customer/:id/paymentmethod/:type', async (request) => {
    const ctx = tenantOf(request);
    cardType(request.params.type);
    const customer = await findCustomer(ctx, request.params.id);
    return counted((await listPaymentMethods(ctx, customer.id)).filter((m) => m.kind === 'card').map(renderCard));
  });
  app.get<CardParams>('/customer/:id/paymentmethod/:type/:pm', async (request) => {
    const ctx = tenantOf(request);
    cardType(request.params.type);
    const customer = await findCustomer(ctx, request.params.id);
    return counted([renderCard(await findCard(ctx, customer, request.params.pm))]);
  });
  app.post<CardParams>('/customer/:id/paymentmethod/:type/:pm', async (request) => {
    const ctx = tenantOf(request);
    cardType(request.params.type);
    const customer = await findCustomer(ctx, request.params.id);
    const row = await findCard(ctx, customer, request.params.pm);
    const body = bodyOf(request);
    await changeCard(ctx, row, parseVaultCard(isObject(body.card) ? body.card : body, 'card', false)); // G34: flat or wrapped
    return ok(null);
  });
  app.delete<CardParams>('/customer/:id/paymentmethod/:type/:pm', async (request) => {
    const ctx = tenantOf(request);
    cardType(request.params.type);
    const customer = await findCustomer(ctx, request.params.id);
    const row = await findCard(ctx, customer, request.params.pm);
    await deletePaymentMethod(ctx, row.id);
    return ok(null);
  });

  // ---- payment methods (v2: /card, /ach, /token, /applepay, /googlepay) ----
  const routeType = (type: string): MethodType => {
    if (!(METHOD_TYPES as readonly string[]).includes(type)) throw notFound('route', type);
    return type as MethodType;
  };
  // java reads data.card.id; dart the customer record: both are here (fluidpay-v2 §2.7). Never an ach object.
  app.post<MethodParams>('/customer/:id/:type', async (request) => {
    const ctx = tenantOf(request);
    const type = routeType(request.params.type);
    const customer = await findCustomer(ctx, request.params.id);
    const row = await storeMethod(ctx, customer, methodFromRoute(type, bodyOf(request)));
    const record = await renderCustomer(ctx, await findCustomer(ctx, request.params.id));
    return ok({ id: record.id, ...(type === 'card' ? { card: renderCard(row) } : {}), created_payment_method_id: encodeId('card', row.id, row.created_at), data: record.data });
  });
  app.post<MethodParams>('/customer/:id/:type/:pm', async (request) => {
    const ctx = tenantOf(request);
    const type = routeType(request.params.type);
    if (type !== 'card' && type !== 'ach' && type !== 'token') throw notFound('route', type);
    const customer = await findCustomer(ctx, request.params.id);
    const row = await findMethod(ctx, customer, request.params.pm ?? '', type);
    const body = bodyOf(request);
    if (type === 'card') await changeCard(ctx, row, parseVaultCard(isObject(body.card) ? body.card : body, 'card', false));
    else if (type === 'ach') {
      const f = achFields(isObject(body.ach) ? body.ach : body, 'ach', false);
      const data: Record<string, unknown> = { updated_at: ctx.clock.now() };
      if (f.sec) data.sec_code = f.sec;
      if (f.account) Object.assign(data, { number_length: f.account.length, account_first2: f.account.slice(0, 2) });
      await updateBank(ctx, row.id, { routingNumber: f.routing, accountNumber: f.account, accountType: f.accountType, vendor: 'fluidpay', vendorData: data });
    } else {
      const token = body.token;
      if (typeof token !== 'string' || !token) throw invalid('token must be a token string', 'token');
      await updateFromToken(ctx, row.id, token, { vendor: 'fluidpay', fields: { updated_at: ctx.clock.now() } }).catch(tokenRefusal);
    }
    return ok(null);
  });
  app.delete<MethodParams>('/customer/:id/:type/:pm', async (request) => {
    const ctx = tenantOf(request);
    const type = routeType(request.params.type);
    const customer = await findCustomer(ctx, request.params.id);
    const row = await findMethod(ctx, customer, request.params.pm ?? '', type);
    // The core clears the default that pointed at it.
    await deletePaymentMethod(ctx, row.id);
    return ok(null);
  });
}

async function changeCard(ctx: TenantContext, row: PaymentMethodRow, card: Partial<CardFields>): Promise<void> {
  await updateCard(ctx, row.id, {
    number: card.number,
    expMonth: card.month,
    expYear: card.year,
    vendor: 'fluidpay',
    vendorData: { updated_at: ctx.clock.now(), ...(card.number ? { number_length: card.number.length } : {}) },
  });
}

export async function vaultRoutes(app: FastifyInstance): Promise<void> {
  await app.register(customerRoutes);
  // The current clients' paths: /vault/customer… and /vault/{id} for the customer itself.
  await app.register(customerRoutes, { prefix: '/vault' });
  app.get<CustomerParams>('/vault/:id', getCustomerHandler);
  app.post<CustomerParams>('/vault/:id', updateCustomerHandler);
  app.delete<CustomerParams>('/vault/:id', deleteCustomerHandler);
}
