// /customer (spec 2.2, 4.1-4.5): create, update, get, list/query/count, delete, setInactive,
// setActive, setSuperUser. superuser_* fields write through to the primary contact; bill_/ship_
// fields are the customer's default billing and shipping address.
import { createCustomerWithContact, updateCustomerAndPrimaryContact } from '../../core/customers/accounts.ts';
import { deleteCustomer, updateCustomer, type CustomerInput } from '../../core/customers/customers.ts';
import { setPrimaryContact } from '../../core/customers/contacts.ts';
import { countCustomers, customersByIds, listCustomers } from '../../core/customers/queries.ts';
import { DomainError, ErrorCode, reasonOf } from '../../core/errors/domain-error.ts';
import { accepted, bad, created, duplicateKey, ok, type CoRequest, type CoResult } from './envelope.ts';
import { CURRENCY_ID, datetimeField, emptyIsNull, EXTERNAL_KEY, vendorNumber, vendorText } from './fields.ts';
import { listing, pageOf, whereOf, type FieldTable } from './lists.ts';
import { payloadRef, target } from './refs.ts';
import type { Resource } from './router.ts';
import { renderCustomers, splitName, toCoreAddress } from './customer-view.ts';
import { addressFrom, asObject, currencyIso, optBool, optInt, optString, TERMS, ADMINS, VENDOR } from './wire.ts';

/** Defaults the customer renders when a vendor_data field is unset (so a filter sees what a GET shows). */
const RENDERED_DEFAULTS: Record<string, number | undefined> = { terms_id: 3, class_id: 0, campaign_id: 0, language_id: 1, brand_id: 1 };

/** where= fields of /customer (README: where fields). */
export const CUSTOMER_FIELDS: FieldTable = (() => {
  const out: Record<string, FieldTable[string]> = {
    customer_id: 'id',
    parent_customer_id: 'parent_id',
    external_key: EXTERNAL_KEY,
    token: 'token',
    company: 'company',
    display_as: 'company',
    currency_iso4217: 'currency',
    currency_id: CURRENCY_ID,
    write_datetime: datetimeField('created_at'),
    superuser_id: 'primary_contact.id',
    superuser_email: 'primary_contact.email',
    superuser_phone: 'primary_contact.phone',
    superuser_token: 'primary_contact.token',
    customer_status_state: { enum: 'standing', values: { a: ['current', 'overdue'], i: ['inactive'] } },
    customer_status_str: { enum: 'standing', values: { 'active-current': 'current', 'active-overdue': 'overdue', 'inactive-manual': 'inactive', 'inactive-activity': [] } },
  };
  const lines: Record<string, string> = { addr1: 'line1', addr2: 'line2', addr3: 'line3', city: 'city', state: 'state', postcode: 'postal_code', country: 'country' };
  for (const [prefix, core] of [
    ['bill', 'billing'],
    ['ship', 'shipping'],
  ] as const) {
    for (const [key, line] of Object.entries(lines)) out[`${prefix}_${key}`] = emptyIsNull(`${core}.${line}`);
  }
  for (const key of ['terms_id', 'admin_id', 'class_id', 'campaign_id', 'custtype_id', 'brand_id', 'language_id']) out[key] = vendorNumber(key, RENDERED_DEFAULTS[key]);
  for (let i = 1; i <= 20; i++) out[`custom_${i}`] = vendorText(`custom_${i}`);
  return out;
})();

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
  if (reasonOf(error) === 'duplicate_ref') throw duplicateKey('customer', String(key));
  throw error;
}

const externalKeyOf = (input: CustomerInput): string | null | undefined => input.refs?.find((r) => r.kind === 'external_key')?.value;

function coreInput(req: CoRequest, body: Record<string, unknown>, creating: boolean): CustomerInput {
  const input: CustomerInput = { vendor: VENDOR, vendorData: vendorFields(body, creating, req.ip) };
  const company = optString(body, 'company');
  if (company !== undefined) input.company = company;
  const externalKey = optString(body, 'external_key');
  if (externalKey !== undefined) input.refs = [{ vendor: VENDOR, kind: 'external_key', value: externalKey === '' ? null : externalKey }];
  const bill = addressFrom(body, 'bill');
  const ship = addressFrom(body, 'ship');
  if (bill) input.billingAddress = toCoreAddress(bill);
  if (ship) input.shippingAddress = toCoreAddress(ship);
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
  const customer = await createCustomerWithContact(req.ctx, input, su ?? undefined).catch((error: unknown) => conflictAsDuplicate(error, externalKeyOf(input)));
  return created(req, 'customer', customer.id);
}

async function update(req: CoRequest, segment: string): Promise<CoResult> {
  const id = await target(req.ctx, 'customer', segment);
  const body = asObject(req.body);
  const su = superuserFrom(body, false);
  const input = coreInput(req, body, false);
  await updateCustomerAndPrimaryContact(req.ctx, id, input, su ?? undefined).catch((error: unknown) => conflictAsDuplicate(error, externalKeyOf(input)));
  return accepted(req, 'customer', id);
}

async function setStatus(req: CoRequest, segment: string, status: 'active' | 'inactive'): Promise<CoResult> {
  const id = await target(req.ctx, 'customer', segment);
  await updateCustomer(req.ctx, id, { status, vendor: VENDOR, vendorData: { mod_ipaddr: req.ip } });
  return ok(true);
}

export const customers: Resource = {
  list: async (req) => ok(await renderCustomers(req, (await listing(listCustomers(req.ctx, pageOf(req, CUSTOMER_FIELDS)))).rows)),
  count: async (req) => ok(await listing(countCustomers(req.ctx, { where: whereOf(req, CUSTOMER_FIELDS) }))),
  create,
  get: async (req, segment) => ok((await renderCustomers(req, await customersByIds(req.ctx, [await target(req.ctx, 'customer', segment)])))[0]),
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
