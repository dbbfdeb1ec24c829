// The customer vault (spec #23-37, §4.4): customers, address tokens and card tokens, at /customer…
// and at the current clients' /vault/customer… and /vault/{id} paths, onto the same handlers.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TenantContext } from '../../core/context.ts';
import { invalid, notFound } from '../../core/errors/domain-error.ts';
import { getCustomer, updateCustomer } from '../../core/customers/customers.ts';
import { createAddress, deleteAddress, getAddress, listAddresses, updateAddress } from '../../core/customers/addresses.ts';
import { deletePaymentMethod, getPaymentMethod, listPaymentMethods, storeCard } from '../../core/vault/vault.ts';
import { updateCard } from '../../core/vault/card-update.ts';
import { cleanCardNumber, isValidCardNumber } from '../../core/processor/cards.ts';
import type { Condition } from '../../core/query/conditions.ts';
import { listCustomers } from '../../core/customers/queries.ts';
import { closeVaultCustomer, openVaultCustomer } from '../../core/flows/vault-customer.ts';
import type { AddressRow, CustomerRow, PaymentMethodRow } from '../../core/database.ts';
import { tenantOf } from '../../http/auth.ts';
import { decodeId, sameSecond } from './ids.ts';
import { dateRange, idMatch, paging, rangeMatch, stringCriterion } from './search.ts';
import { renderAddress, renderCard, renderCustomers, toCoreAddress } from './vault-wire.ts';
import { bodyOf, counted, isObject, listed, ok, optString, parseAddress, parseExpiration, type Body, type WireAddress } from './wire.ts';

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
  const decoded = decodeId('card', idText);
  if (!decoded) throw notFound('payment method', idText);
  const row = await getPaymentMethod(ctx, decoded.id);
  if (row.customer_id !== customer.id || row.kind !== 'card' || row.status !== 'active' || !sameSecond(decoded, row.created_at)) throw notFound('payment method', idText);
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
  card?: CardFields;
  billing?: WireAddress;
  shipping?: WireAddress;
}

/** Customer, then card token, then address tokens (one when billing equals shipping), as one write. */
export async function createVaultCustomer(ctx: TenantContext, input: NewVaultCustomer): Promise<CustomerRow> {
  const billing = input.billing;
  return openVaultCustomer(ctx, {
    customer: {
      firstName: billing?.first_name || null,
      lastName: billing?.last_name || null,
      company: billing?.company || null,
      email: billing?.email || null,
      phone: billing?.phone || null,
      vendor: 'fluidpay',
      vendorData: { description: input.description ?? '' },
    },
    card: input.card ? { number: input.card.number, expMonth: input.card.month, expYear: input.card.year } : undefined,
    cardOptions: input.card ? { vendorData: { fluidpay: { number_length: input.card.number.length } } } : undefined,
    billing: billing ? toCoreAddress(billing) : undefined,
    shipping: input.shipping ? (billing && sameAddress(billing, input.shipping) ? 'same' : toCoreAddress(input.shipping)) : undefined,
  });
}

async function renderCustomer(ctx: TenantContext, customer: CustomerRow) {
  return (await renderCustomers(ctx, [customer]))[0];
}

/** Resolves a default pointer from an update body: "" clears, an id must belong to the customer (else 400). */
async function pointer(ctx: TenantContext, customer: CustomerRow, body: Body, field: string, kind: 'card' | 'address'): Promise<number | null | undefined> {
  const value = optString(body, field);
  if (value === undefined) return undefined;
  if (value === '') return null;
  try {
    return kind === 'card' ? (await findCard(ctx, customer, value)).id : (await findAddress(ctx, customer, value)).id;
  } catch {
    throw invalid(`${field} does not belong to this customer`, field);
  }
}

type CustomerParams = { Params: { id: string } };
type AddressParams = { Params: { id: string; address: string } };
type CardParams = { Params: { id: string; type: string; pm: string } };

const getCustomerHandler = async (request: FastifyRequest<CustomerParams>) => {
  const ctx = tenantOf(request);
  return ok(await renderCustomer(ctx, await findCustomer(ctx, request.params.id)));
};

const updateCustomerHandler = async (request: FastifyRequest<CustomerParams>) => {
  const ctx = tenantOf(request);
  const body = bodyOf(request);
  const customer = await findCustomer(ctx, request.params.id);
  const description = optString(body, 'description', { max: 255 });
  const type = optString(body, 'payment_method');
  if (type !== undefined && type !== '' && type !== 'card' && type !== 'credit_card') throw invalid('payment_method must be card', 'payment_method');
  const defaults = {
    paymentMethodId: await pointer(ctx, customer, body, 'payment_method_id', 'card'),
    billingAddressId: await pointer(ctx, customer, body, 'billing_address_id', 'address'),
    shippingAddressId: await pointer(ctx, customer, body, 'shipping_address_id', 'address'),
  };
  await updateCustomer(ctx, customer.id, { defaults, ...(description === undefined ? {} : { vendor: 'fluidpay', vendorData: { description } }) });
  return ok(null);
};

const deleteCustomerHandler = async (request: FastifyRequest<CustomerParams>) => {
  const ctx = tenantOf(request);
  const customer = await findCustomer(ctx, request.params.id);
  await closeVaultCustomer(ctx, customer.id);
  return ok(null);
};

async function customerRoutes(app: FastifyInstance): Promise<void> {
  app.post('/customer', async (request) => {
    const ctx = tenantOf(request);
    const body = bodyOf(request);
    const description = optString(body, 'description', { max: 255 });
    const pm = body.payment_method;
    let card: CardFields | undefined;
    if (pm !== undefined && pm !== null) {
      if (!isObject(pm)) throw invalid('payment_method must be an object', 'payment_method');
      if (pm.card !== undefined && pm.card !== null) {
        if (!isObject(pm.card)) throw invalid('payment_method.card must be an object', 'payment_method.card');
        card = parseVaultCard(pm.card, 'payment_method.card', true) as CardFields;
      }
    }
    const billing = parseAddress(body.billing_address, 'billing_address');
    const shipping = parseAddress(body.shipping_address, 'shipping_address');
    const customer = await createVaultCustomer(ctx, { description, card, billing, shipping });
    return ok(await renderCustomer(ctx, customer));
  });

  app.post('/customer/search', async (request) => {
    const ctx = tenantOf(request);
    const body = bodyOf(request);
    const page = paging(body);
    const where: Condition[] = [];
    const byId = stringCriterion(body, 'id');
    if (byId) where.push(idMatch('id', decodeId('customer', byId.value)?.id ?? null, byId.operator));
    const pointers: Array<[string, 'default_payment_method_id' | 'billing_address_id' | 'shipping_address_id', 'card' | 'address']> = [
      ['payment_method_id', 'default_payment_method_id', 'card'],
      ['payment_method', 'default_payment_method_id', 'card'],
      ['billing_address_id', 'billing_address_id', 'address'],
      ['shipping_address_id', 'shipping_address_id', 'address'],
    ];
    for (const [field, column, kind] of pointers) {
      const c = stringCriterion(body, field);
      if (c) where.push(idMatch(column, decodeId(kind, c.value)?.id ?? null, c.operator));
    }
    const created = dateRange(body, 'created_at');
    if (created) where.push(rangeMatch('created_at', created));
    const { rows, total } = await listCustomers(ctx, { where, order: [{ field: 'created_at', direction: 'desc' }], tieBreak: 'desc', ...page, total: true });
    return listed(await renderCustomers(ctx, rows), total ?? 0);
  });

  app.get<CustomerParams>('/customer/:id', getCustomerHandler);
  app.post<CustomerParams>('/customer/:id', updateCustomerHandler);
  app.delete<CustomerParams>('/customer/:id', deleteCustomerHandler);

  // ---- address tokens ----
  app.post<CustomerParams>('/customer/:id/address', async (request) => {
    const ctx = tenantOf(request);
    const customer = await findCustomer(ctx, request.params.id);
    const address = parseAddress(bodyOf(request), 'address') as WireAddress;
    return ok(renderAddress(await createAddress(ctx, customer.id, toCoreAddress(address)), customer));
  });
  app.get<CustomerParams>('/customer/:id/addresses', async (request) => {
    const ctx = tenantOf(request);
    const customer = await findCustomer(ctx, request.params.id);
    return counted((await listAddresses(ctx, customer.id)).map((row) => renderAddress(row, customer)));
  });
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
    // Only the fields sent change (parseAddress fills the rest with "").
    const given = Object.fromEntries(Object.entries(parsed).filter(([key]) => body[key] !== undefined && body[key] !== null)) as Partial<WireAddress>;
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

  // ---- card tokens ----
  const cardType = (type: string) => {
    if (type !== 'card') throw invalid('Currently card is all that is supported', 'type');
  };
  app.post<CardParams>('/customer/:id/paymentmethod/:type', async (request) => {
    const ctx = tenantOf(request);
    cardType(request.params.type);
    const customer = await findCustomer(ctx, request.params.id);
    const body = bodyOf(request);
    const card = parseVaultCard(isObject(body.card) ? body.card : body, 'card', true) as CardFields;
    const row = await storeCard(ctx, { number: card.number, expMonth: card.month, expYear: card.year }, { customerId: customer.id, vendorData: { fluidpay: { number_length: card.number.length } } });
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
    const card = parseVaultCard(isObject(body.card) ? body.card : body, 'card', false); // G34: flat or wrapped
    await updateCard(ctx, row.id, {
      number: card.number,
      expMonth: card.month,
      expYear: card.year,
      vendor: 'fluidpay',
      vendorData: { updated_at: ctx.clock.now(), ...(card.number ? { number_length: card.number.length } : {}) },
    });
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
}

export async function vaultRoutes(app: FastifyInstance): Promise<void> {
  await app.register(customerRoutes);
  // The current clients' paths: /vault/customer… and /vault/{id} for the customer itself.
  await app.register(customerRoutes, { prefix: '/vault' });
  app.get<CustomerParams>('/vault/:id', getCustomerHandler);
  app.post<CustomerParams>('/vault/:id', updateCustomerHandler);
  app.delete<CustomerParams>('/vault/:id', deleteCustomerHandler);
}
