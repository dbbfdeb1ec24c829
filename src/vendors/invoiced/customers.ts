// Customers (spec §3): CRUD, balance, payment sources. Invoiced's one `name` is the core's company
// (type company) or first and last name (type person); the address fields are the customer's
// default billing address row; `number` is an external reference; payment terms, autopay, notes and
// metadata live in the door's vendor_data namespace. A payment source is a card or bank account of
// the vault; the customer's `payment_source` is its default payment method.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TenantContext } from '../../core/context.ts';
import type { CustomerRow, PaymentMethodRow } from '../../core/database.ts';
import { invalid, notFound } from '../../core/errors/domain-error.ts';
import type { AddressFields } from '../../core/customers/addresses.ts';
import { createCustomer, customerBalances, getCustomer, updateCustomer, type CustomerInput } from '../../core/customers/customers.ts';
import { customerFigures } from '../../core/customers/figures.ts';
import { listCustomers } from '../../core/customers/queries.ts';
import { closeVaultCustomer } from '../../core/flows/vault-customer.ts';
import { getPaymentMethod, deletePaymentMethod, listPaymentMethods } from '../../core/vault/vault.ts';
import { vaultMethod } from '../../core/vault/keep-method.ts';
import { tenantOf } from '../../http/auth.ts';
import type { WireField } from '../kit/filters.ts';
import { readBankDetails, readCardDetails } from './tokens.ts';
import { renderCustomers, renderSource } from './render.ts';
import { bodyOf, idParam, money, readBool, readCurrency, readList, readMetadata, readString, sendList, VENDOR, wireCurrency, type Body } from './wire.ts';

const CUSTOMER_FIELDS: Record<string, WireField> = {
  id: 'id',
  name: 'company',
  email: 'email',
  currency: 'currency',
  phone: 'phone',
  number: { ref: { vendor: VENDOR, kind: 'number' } },
  type: { vendor: VENDOR, key: 'type' },
  created_at: 'created_at',
  updated_at: 'updated_at',
};

const TYPES = ['company', 'person'] as const;

function nameFields(name: string, type: string): Pick<CustomerInput, 'company' | 'firstName' | 'lastName'> {
  if (type === 'company') return { company: name, firstName: null, lastName: null };
  const at = name.indexOf(' ');
  return { company: null, firstName: at < 0 ? name : name.slice(0, at), lastName: at < 0 ? null : name.slice(at + 1) };
}

const ADDRESS: Record<string, keyof AddressFields> = { address1: 'line1', address2: 'line2', city: 'city', state: 'state', postal_code: 'postal_code', country: 'country' };

function customerInput(body: Body, existing: CustomerRow | null): CustomerInput {
  const name = readString(body, 'name', { max: 255 });
  if (!existing && !name) throw invalid('name is required', 'name');
  const type = readString(body, 'type');
  if (type !== undefined && !(TYPES as readonly string[]).includes(type)) throw invalid('type must be company or person', 'type');
  const mine: Record<string, unknown> = {};
  const storedType = existing ? ((JSON.parse(existing.vendor_data) as Record<string, Record<string, unknown>>)[VENDOR]?.type as string | undefined) : undefined;
  const effectiveType = type ?? storedType ?? (existing && !existing.company ? 'person' : 'company');
  if (type !== undefined) mine.type = type;
  const input: CustomerInput = {};
  if (name !== undefined) Object.assign(input, nameFields(name, effectiveType));
  else if (type !== undefined && existing) Object.assign(input, nameFields([existing.company, existing.first_name, existing.last_name].filter(Boolean).join(' '), effectiveType));
  const email = readString(body, 'email', { max: 255 });
  if (email !== undefined) {
    if (email !== '' && !/^[^\s@]+@[^\s@]+$/.test(email)) throw invalid('email is not a valid e-mail address', 'email');
    input.email = email || null;
  }
  const phone = readString(body, 'phone', { max: 50 });
  if (phone !== undefined) input.phone = phone || null;
  const currency = readCurrency(body);
  if (currency) input.currency = currency;
  const number = readString(body, 'number', { max: 64 });
  if (number !== undefined) input.refs = [{ vendor: VENDOR, kind: 'number', value: number || null }];
  const terms = readString(body, 'payment_terms', { max: 64 });
  if (terms !== undefined) mine.payment_terms = terms || null;
  const autopay = readBool(body, 'autopay');
  if (autopay !== undefined) mine.autopay = autopay;
  for (const key of ['attention_to', 'notes'] as const) {
    const value = readString(body, key, { max: 2000 });
    if (value !== undefined) mine[key] = value || null;
  }
  const metadata = readMetadata(body);
  if (metadata) mine.metadata = metadata;
  const address: AddressFields = {};
  for (const [wire, core] of Object.entries(ADDRESS)) {
    const value = readString(body, wire, { max: 255 });
    if (value !== undefined) (address as Record<string, string>)[core] = value;
  }
  if (Object.keys(address).length > 0) input.billingAddress = address;
  if (Object.keys(mine).length > 0) {
    input.vendor = VENDOR;
    input.vendorData = mine;
  }
  return input;
}

export async function findCustomer(ctx: TenantContext, text: unknown): Promise<CustomerRow> {
  return getCustomer(ctx, idParam(text, 'customer'));
}

async function one(ctx: TenantContext, row: CustomerRow) {
  return (await renderCustomers(ctx, [row]))[0];
}

/** A card or bank account of this customer (deleted ones and other customers' are 404). */
async function findSource(ctx: TenantContext, customer: CustomerRow, text: unknown, kind?: 'card' | 'bank'): Promise<PaymentMethodRow> {
  const method = await getPaymentMethod(ctx, idParam(text, 'payment source'));
  if (method.customer_id !== customer.id || method.status !== 'active' || (kind && method.kind !== kind) || (method.kind !== 'card' && method.kind !== 'bank')) throw notFound('payment source', text);
  return method;
}

type Id = { Params: { id: string } };
type SourceId = { Params: { id: string; sid: string } };

export async function customerRoutes(app: FastifyInstance): Promise<void> {
  app.post('/customers', async (request, reply) => {
    const ctx = tenantOf(request);
    const row = await createCustomer(ctx, customerInput(bodyOf(request), null));
    return reply.code(201).send(await one(ctx, row));
  });

  app.get('/customers', async (request, reply) => {
    const ctx = tenantOf(request);
    const list = readList(request, CUSTOMER_FIELDS);
    const page = await listCustomers(ctx, { where: list.where, order: list.order, offset: list.offset, limit: list.perPage, total: true });
    return sendList(request, reply, list, await renderCustomers(ctx, page.rows), page.total ?? 0);
  });

  app.get('/customers/:id', async (request: FastifyRequest<Id>) => {
    const ctx = tenantOf(request);
    return one(ctx, await findCustomer(ctx, request.params.id));
  });

  app.patch('/customers/:id', async (request: FastifyRequest<Id>) => {
    const ctx = tenantOf(request);
    const existing = await findCustomer(ctx, request.params.id);
    return one(ctx, await updateCustomer(ctx, existing.id, customerInput(bodyOf(request), existing)));
  });

  app.delete('/customers/:id', async (request: FastifyRequest<Id>, reply) => {
    const ctx = tenantOf(request);
    const customer = await findCustomer(ctx, request.params.id);
    await closeVaultCustomer(ctx, customer.id);
    return reply.code(204).send();
  });

  app.get('/customers/:id/balance', async (request: FastifyRequest<Id>) => {
    const ctx = tenantOf(request);
    const customer = await findCustomer(ctx, request.params.id);
    const [balances, figures] = await Promise.all([customerBalances(ctx, customer.id), customerFigures(ctx, [customer.id])]);
    const c = customer.currency;
    return {
      available_credits: money(balances.credit, c),
      currency: wireCurrency(c),
      history: [],
      past_due: figures.get(customer.id)?.overdue ?? false,
      total_outstanding: money(balances.balance, c),
    };
  });

  app.get('/customers/:id/payment_sources', async (request: FastifyRequest<Id>, reply) => {
    const ctx = tenantOf(request);
    const customer = await findCustomer(ctx, request.params.id);
    const list = readList(request, {});
    const all = (await listPaymentMethods(ctx, customer.id)).filter((m) => m.kind === 'card' || m.kind === 'bank');
    return sendList(request, reply, list, all.slice(list.offset, list.offset + list.perPage).map(renderSource), all.length);
  });

  app.post('/customers/:id/payment_sources', async (request: FastifyRequest<Id>, reply) => {
    const ctx = tenantOf(request);
    const customer = await findCustomer(ctx, request.params.id);
    const body = bodyOf(request);
    const method = readString(body, 'method');
    if (method !== 'credit_card' && method !== 'ach') throw invalid('method must be credit_card or ach', 'method');
    const token = readString(body, 'invoiced_token', { max: 200 });
    const given = [token ? 'invoiced_token' : null, body.card !== undefined ? 'card' : null, body.bank_account !== undefined ? 'bank_account' : null].filter((x): x is string => x !== null);
    if (body.gateway_token !== undefined) throw invalid('gateway_token cannot be saved here: give invoiced_token (POST /tokens) or card / bank_account details', 'gateway_token');
    if (given.length !== 1) throw invalid(`Exactly one of invoiced_token, card or bank_account is required${given.length > 1 ? ` (got ${given.join(' and ')})` : ''}`, given[1] ?? 'invoiced_token');
    const source = token ? { token } : body.card !== undefined ? { card: readCardDetails(body.card, 'card') } : { bank: readBankDetails(body.bank_account, 'bank_account') };
    const kept = await vaultMethod(ctx, customer.id, source, { makeDefault: readBool(body, 'make_default') ?? false, expectKind: method === 'ach' ? 'bank' : 'card' }).catch(tokenNotFound);
    return reply.code(201).send(renderSource(kept));
  });

  for (const [path, kind] of [
    ['payment_sources', undefined],
    ['cards', 'card'],
    ['bank_accounts', 'bank'],
  ] as const) {
    app.get(`/customers/:id/${path}/:sid`, async (request: FastifyRequest<SourceId>) => {
      const ctx = tenantOf(request);
      return renderSource(await findSource(ctx, await findCustomer(ctx, request.params.id), request.params.sid, kind));
    });
    app.delete(`/customers/:id/${path}/:sid`, async (request: FastifyRequest<SourceId>, reply) => {
      const ctx = tenantOf(request);
      const method = await findSource(ctx, await findCustomer(ctx, request.params.id), request.params.sid, kind);
      await deletePaymentMethod(ctx, method.id);
      return reply.code(204).send();
    });
  }
}

/** An unknown, used or expired one-time token is the client's 400 on invoiced_token, not a 404. */
export function tokenNotFound(error: unknown): never {
  if (error instanceof Error && 'code' in error && error.code === 'not_found' && (error as { details?: { object?: string } }).details?.object === 'token') {
    throw invalid('invoiced_token is unknown, already used or expired', 'invoiced_token');
  }
  throw error;
}
