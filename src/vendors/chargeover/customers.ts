// /customer (spec 2.2, 4.1-4.5): create, update, get, list/query/count, delete, setInactive,
// setActive, setSuperUser. superuser_* fields write through to the primary contact.
import { sql, type ExpressionBuilder } from 'kysely';
import { isoDate } from '../../core/clock/clock.ts';
import { createContact, createCustomer, deleteCustomer, updateCustomer, getCustomer, type CustomerInput } from '../../core/customers/customers.ts';
import { setLogin, setPrimaryContact, updateContact } from '../../core/customers/contacts.ts';
import { DomainError, ErrorCode } from '../../core/errors/domain-error.ts';
import { inWork } from '../../core/work.ts';
import { expressionCondition, type FieldMap, type FieldType, type Filter } from '../../core/query/filters.ts';
import type { Address } from '../../core/vault/vault.ts';
import type { Database } from '../../store/schema.ts';
import { jsonInt, jsonText } from '../../store/json.ts';
import { accepted, bad, created, duplicateKey, ok, type CoRequest, type CoResult } from './envelope.ts';
import { countIds, inOrder, listIds } from './lists.ts';
import { payloadRef, target } from './refs.ts';
import type { Resource } from './router.ts';
import { primaryContacts, renderCustomers, splitName, toCoreAddress } from './customer-view.ts';
import { addressFrom, asObject, currencyIso, optBool, optInt, optString, TERMS, ADMINS, VENDOR } from './wire.ts';

type CustomerFields = FieldMap<Database, 'customers'>;

const expr = (build: (req: CoRequest) => ReturnType<typeof sql>, type: FieldType, req: CoRequest) => ({
  condition: (_eb: ExpressionBuilder<Database, 'customers'>, filter: Filter) => expressionCondition(build(req), type, filter),
});

function fields(req: CoRequest): CustomerFields {
  const d = req.ctx.dialect;
  const today = isoDate(req.ctx.clock.now());
  const primary = (column: string) => sql`(select c.${sql.ref(column)} from contacts c where c.customer_id = customers.id and c.is_primary = 1 and c.deleted_at is null)`;
  const overdue = sql`exists (select 1 from invoices i where i.customer_id = customers.id and i.status = 'open' and i.balance > 0 and i.due_date < ${today})`;
  const out: CustomerFields = {
    customer_id: { column: 'id', type: 'number' },
    parent_customer_id: { column: 'parent_id', type: 'number' },
    external_key: { column: 'external_key', type: 'text_ci' },
    token: { column: 'token', type: 'text_ci' },
    company: { column: 'company', type: 'text_ci' },
    display_as: { column: 'company', type: 'text_ci' },
    currency_iso4217: { column: 'currency', type: 'text_ci' },
    write_datetime: { column: 'created_at', type: 'number' },
    superuser_id: expr(() => primary('id'), 'number', req),
    superuser_email: expr(() => primary('email'), 'text_ci', req),
    superuser_phone: expr(() => primary('phone'), 'text_ci', req),
    superuser_token: expr(() => primary('token'), 'text_ci', req),
    customer_status_state: expr(() => sql`(case when customers.status = 'inactive' then 'i' else 'a' end)`, 'text_ci', req),
    customer_status_str: expr(() => sql`(case when customers.status = 'inactive' then 'inactive-manual' when ${overdue} then 'active-overdue' else 'active-current' end)`, 'text_ci', req),
    currency_id: expr(() => sql`(case customers.currency when 'USD' then 1 when 'CAD' then 2 when 'GBP' then 3 when 'EUR' then 4 when 'AUD' then 6 else 0 end)`, 'number', req),
  };
  const addressKeys: Record<string, string> = { addr1: 'line1', addr2: 'line2', addr3: 'line3', city: 'city', state: 'state', postcode: 'postal_code', country: 'country' };
  for (const [prefix, column] of [['bill', 'billing_address'], ['ship', 'shipping_address']] as const) {
    for (const [key, jsonKey] of Object.entries(addressKeys)) out[`${prefix}_${key}`] = expr(() => jsonText(d, column, [jsonKey]), 'text_ci', req);
  }
  for (const key of ['terms_id', 'admin_id', 'class_id', 'campaign_id', 'custtype_id', 'brand_id', 'language_id']) out[key] = expr(() => jsonInt(d, 'vendor_data', [VENDOR, key]), 'number', req);
  for (let i = 1; i <= 20; i++) out[`custom_${i}`] = expr(() => jsonText(d, 'vendor_data', [VENDOR, `custom_${i}`]), 'text_ci', req);
  return out;
}

const VENDOR_INT_KEYS = ['terms_id', 'admin_id', 'class_id', 'campaign_id', 'custtype_id', 'language_id', 'brand_id'] as const;
const VENDOR_STRING_KEYS = ['tax_ident', 'campaign_details'];
const CREATE_ONLY = new Set(['campaign_details', 'brand_id']);

function vendorFields(body: Record<string, unknown>, creating: boolean, ip: string): Record<string, unknown> {
  const v: Record<string, unknown> = { mod_ipaddr: ip };
  if (creating) v.write_ipaddr = ip;
  for (const key of VENDOR_INT_KEYS) {
    if (!creating && CREATE_ONLY.has(key)) continue;
    const value = optInt(body, key);
    if (value !== undefined) v[key] = value;
  }
  if (v.terms_id !== undefined && v.terms_id !== null && !TERMS[v.terms_id as number]) throw bad(`Unknown terms_id ${String(v.terms_id)}`);
  if (v.admin_id && !ADMINS[v.admin_id as number]) throw bad(`Unknown admin_id ${String(v.admin_id)}`);
  for (const key of VENDOR_STRING_KEYS) {
    if (!creating && CREATE_ONLY.has(key)) continue;
    const value = optString(body, key);
    if (value !== undefined) v[key] = value;
  }
  for (let i = 1; i <= 20; i++) {
    const value = optString(body, `custom_${i}`);
    if (value !== undefined) v[`custom_${i}`] = value;
  }
  for (const key of ['no_taxes', 'no_dunning']) {
    const value = optBool(body, key);
    if (value !== undefined) v[key] = value;
  }
  for (const key of ['invoice_delivery', 'dunning_delivery']) {
    const value = optString(body, key);
    if (value === undefined || value === null) continue;
    if (value !== 'email' && value !== 'print') throw bad(`${key} must be email or print`);
    v[key] = value;
  }
  return v;
}

interface Superuser {
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  username?: string | null;
}

function superuserFrom(body: Record<string, unknown>, creating: boolean): Superuser | null {
  const su: Superuser = {};
  const name = optString(body, 'superuser_name');
  if (name) Object.assign(su, (({ first, last }) => ({ firstName: first, lastName: last }))(splitName(name)));
  const first = optString(body, 'superuser_first_name');
  const last = optString(body, 'superuser_last_name');
  if (first !== undefined) su.firstName = first;
  if (last !== undefined) su.lastName = last;
  const email = optString(body, 'superuser_email');
  const phone = optString(body, 'superuser_phone');
  if (email !== undefined) su.email = email;
  if (phone !== undefined) su.phone = phone;
  if (creating) {
    const username = optString(body, 'superuser_username');
    if (username) su.username = username;
  }
  return Object.keys(su).length > 0 ? su : null;
}

function conflictAsDuplicate(error: unknown, key: string | null | undefined): never {
  if (error instanceof DomainError && error.code === ErrorCode.CONFLICT && error.field === 'external_key') throw duplicateKey('customer', String(key));
  throw error;
}

function coreInput(req: CoRequest, body: Record<string, unknown>, creating: boolean): CustomerInput {
  const input: CustomerInput = { vendor: VENDOR, vendorData: vendorFields(body, creating, req.ip) };
  const company = optString(body, 'company');
  if (company !== undefined) input.company = company;
  const externalKey = optString(body, 'external_key');
  if (externalKey !== undefined) input.externalKey = externalKey === '' ? null : externalKey;
  const bill = addressFrom(body, 'bill');
  const ship = addressFrom(body, 'ship');
  if (bill) input.billingAddress = toCoreAddress(bill) as Address;
  if (ship) input.shippingAddress = toCoreAddress(ship) as Address;
  if (creating) {
    if (body.currency_id !== undefined && body.currency_id !== null) input.currency = currencyIso(optInt(body, 'currency_id'));
    const email = optString(body, 'email');
    if (email !== undefined) input.email = email;
  }
  return input;
}

async function create(req: CoRequest): Promise<CoResult> {
  const body = asObject(req.body);
  const su = superuserFrom(body, true);
  const input = coreInput(req, body, true);
  const parent = await payloadRef(req.ctx, 'customer', body, 'parent_customer', false);
  if (parent !== undefined) input.parentId = parent;
  // A user always belongs to a customer, so an existing user can never become a new customer's
  // primary contact (spec 4.1: not another customer's contact).
  const superuserId = await payloadRef(req.ctx, 'user', body, 'superuser', false);
  if (superuserId !== undefined) throw bad(`User ${superuserId} is another customer's contact`);
  if (!input.company && !su) throw bad('A company name or a superuser (primary contact) is required');
  const customer = await inWork(req.ctx, async (ctx) => {
    const row = await createCustomer(ctx, input);
    if (su) {
      const contact = await createContact(ctx, { customerId: row.id, firstName: su.firstName, lastName: su.lastName, email: su.email, phone: su.phone, isPrimary: true });
      await setLogin(ctx, contact.id, { username: su.username });
    }
    return row;
  }).catch((error: unknown) => conflictAsDuplicate(error, input.externalKey));
  return created(req, 'customer', customer.id);
}

async function update(req: CoRequest, segment: string): Promise<CoResult> {
  const id = await target(req.ctx, 'customer', segment);
  const body = asObject(req.body);
  const su = superuserFrom(body, false);
  const input = coreInput(req, body, false);
  const existing = await getCustomer(req.ctx, id);
  if (input.billingAddress) input.billingAddress = { ...(JSON.parse(existing.billing_address) as Address), ...input.billingAddress };
  await inWork(req.ctx, async (ctx) => {
    await updateCustomer(ctx, id, input);
    if (!su) return;
    const primary = (await primaryContacts(ctx, [id])).get(id);
    if (primary) await updateContact(ctx, primary.id, { firstName: su.firstName, lastName: su.lastName, email: su.email, phone: su.phone });
    else {
      const contact = await createContact(ctx, { customerId: id, firstName: su.firstName, lastName: su.lastName, email: su.email, phone: su.phone, isPrimary: true });
      await setLogin(ctx, contact.id, {});
    }
  }).catch((error: unknown) => conflictAsDuplicate(error, input.externalKey));
  return accepted(req, 'customer', id);
}

const base = (req: CoRequest) => req.ctx.db.selectFrom('customers').select('id').where('tenant_id', '=', req.ctx.tenant.id).where('deleted_at', 'is', null);

async function load(req: CoRequest, ids: number[]): Promise<Record<string, unknown>[]> {
  if (ids.length === 0) return [];
  const rows = await req.ctx.db.selectFrom('customers').selectAll().where('tenant_id', '=', req.ctx.tenant.id).where('id', 'in', ids).execute();
  return renderCustomers(req, inOrder(ids, rows, (r) => r.id));
}

async function setStatus(req: CoRequest, segment: string, status: 'active' | 'inactive'): Promise<CoResult> {
  const id = await target(req.ctx, 'customer', segment);
  await updateCustomer(req.ctx, id, { status, vendor: VENDOR, vendorData: { mod_ipaddr: req.ip } });
  return ok(true);
}

export const customers: Resource = {
  list: async (req) => ok(await load(req, await listIds(req, base(req), fields(req), 'customer_id'))),
  count: async (req) => ok(await countIds(req, base(req), fields(req))),
  create,
  get: async (req, segment) => ok((await load(req, [await target(req.ctx, 'customer', segment)]))[0]),
  update,
  remove: async (req, segment) => {
    const id = await target(req.ctx, 'customer', segment);
    await deleteCustomer(req.ctx, id, { keepHistory: true }).catch((error: unknown) => {
      if (error instanceof DomainError && error.code === ErrorCode.ILLEGAL_TRANSITION) throw bad(`Customer ${id} has open invoices and cannot be deleted`);
      throw error;
    });
    return ok(true);
  },
  actions: {
    setInactive: (req, segment) => setStatus(req, segment, 'inactive'),
    setActive: (req, segment) => setStatus(req, segment, 'active'),
    setSuperUser: async (req, segment) => {
      const id = await target(req.ctx, 'customer', segment);
      const userId = await payloadRef(req.ctx, 'user', asObject(req.body), 'user', true);
      await setPrimaryContact(req.ctx, id, userId as number);
      return ok(true);
    },
  },
};
