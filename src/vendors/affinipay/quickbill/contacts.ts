// Quick Bill contacts (spec §2.E #47–50, §3.E, §4.20): people and organizations are the core's
// customers, so a customer made through any door is a contact here and the other way round. The
// core keeps names, the company (an organization's name), the preferred e-mail and phone, the
// currency, the parent organization and the addresses (rows; the preferred one is the billing
// default); the rest — middle name, prefixes, every other e-mail and phone with their ids, contact
// code, time zone, number pattern, test_mode — lives in this door's namespace of the customer.
import type { FastifyRequest } from 'fastify';
import type { TenantContext } from '../../../core/context.ts';
import type { AddressRow, CustomerRow } from '../../../core/database.ts';
import { createCustomer, updateCustomer, type CustomerInput } from '../../../core/customers/customers.ts';
import { addressesOfCustomers, type AddressSetEntry } from '../../../core/customers/addresses.ts';
import { customersByIds, listCustomers } from '../../../core/customers/queries.ts';
import { refsOf } from '../../../core/refs/refs.ts';
import { reasonOf } from '../../../core/errors/domain-error.ts';
import { parseVendorData } from '../../../core/vendor-data.ts';
import type { Condition } from '../../../core/query/conditions.ts';
import { tenantOf } from '../../../http/auth.ts';
import { decodeXid, encodeXid, randomXid, sameSecond } from '../ids.ts';
import { VENDOR } from '../methods.ts';
import { isObject, type Body } from '../wire.ts';
import { auditTrace, orgId, qbBody, qbBool, qbConflict, qbInvalid, qbNotFound, qbOrder, qbPage, qbResults, qbString, qfConditions, type QbField } from './wire.ts';

interface EmailEntry {
  id: string;
  address: string;
  preferred: boolean;
  created: number;
  modified: number;
}

interface PhoneEntry {
  id: string;
  number: string;
  extension?: string;
  preferred: boolean;
  created: number;
  modified: number;
}

interface ContactFields {
  type?: 'person' | 'organization';
  name?: string;
  middle_name?: string;
  name_prefix?: string;
  name_suffix?: string;
  contact_code?: string;
  time_zone?: string;
  invoice_number_pattern?: string;
  test_mode?: boolean;
  emails?: EmailEntry[];
  phones?: PhoneEntry[];
}

const fieldsOf = (row: Pick<CustomerRow, 'vendor_data'>): ContactFields => (parseVendorData(row.vendor_data)[VENDOR] ?? {}) as ContactFields;

/** A customer made elsewhere is an organization when it has a company and no person's name. */
export function contactType(row: CustomerRow): 'person' | 'organization' {
  const own = fieldsOf(row).type;
  if (own) return own;
  return row.company && !row.first_name && !row.last_name ? 'organization' : 'person';
}

export function contactId(row: CustomerRow): string {
  return encodeXid(contactType(row) === 'organization' ? 'org_' : 'p_', 'customer', row.id, row.created_at);
}

/** The customer a contact id names (p_ or org_), or null. */
export async function findContact(ctx: TenantContext, text: unknown): Promise<CustomerRow | null> {
  const decoded = decodeXid('p_', 'customer', text) ?? decodeXid('org_', 'customer', text);
  if (!decoded) return null;
  const [row] = await customersByIds(ctx, [decoded.id]);
  if (!row || !sameSecond(decoded, row.created_at) || contactId(row) !== text) return null;
  return row;
}

function emailsOf(row: CustomerRow): EmailEntry[] {
  const list = [...(fieldsOf(row).emails ?? [])];
  if (list.length === 0)
    return row.email ? [{ id: encodeXid('eml_', 'customer', row.id, row.created_at), address: row.email, preferred: false, created: row.created_at, modified: row.updated_at }] : [];
  // The core's e-mail is the one home of the main address (another door may have changed it).
  const main = Math.max(
    0,
    list.findIndex((e) => e.preferred),
  );
  if (row.email) list[main] = { ...list[main], address: row.email };
  return list;
}

function phonesOf(row: CustomerRow): PhoneEntry[] {
  const list = [...(fieldsOf(row).phones ?? [])];
  if (list.length === 0)
    return row.phone ? [{ id: encodeXid('phn_', 'customer', row.id, row.created_at), number: row.phone, preferred: false, created: row.created_at, modified: row.updated_at }] : [];
  const main = Math.max(
    0,
    list.findIndex((p) => p.preferred),
  );
  if (row.phone) list[main] = { ...list[main], number: row.phone };
  return list;
}

function nameOf(row: CustomerRow): string {
  if (contactType(row) === 'organization') return row.company ?? '';
  const own = fieldsOf(row).name;
  return own ?? [row.first_name, row.last_name].filter(Boolean).join(' ');
}

function preferredEmail(row: CustomerRow): string | undefined {
  const emails = emailsOf(row);
  return (emails.find((e) => e.preferred) ?? emails[0])?.address;
}

function sortName(row: CustomerRow): string {
  if (contactType(row) === 'organization') return nameOf(row);
  const own = fieldsOf(row);
  return [row.last_name, row.first_name, own.middle_name, own.name_suffix].filter(Boolean).join(' ') || nameOf(row);
}

/** The short form of a contact inside an invoice or a payment (spec §6 #97). */
export function sparseContact(row: CustomerRow, owner: string): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: contactId(row),
    test_mode: fieldsOf(row).test_mode ?? false,
    owner_id: owner,
    preferred_email: preferredEmail(row),
    name: nameOf(row),
    type: contactType(row),
    sort_name: sortName(row),
    display_name: nameOf(row) || preferredEmail(row) || contactId(row),
  };
  if (contactType(row) === 'person') Object.assign(out, { first_name: row.first_name ?? undefined, last_name: row.last_name ?? undefined });
  return out;
}

/** The merchant's organization in its short form. */
export function ownerOrg(ctx: TenantContext): Record<string, unknown> {
  const id = orgId(ctx.tenant);
  return { id, test_mode: false, owner_id: id, name: ctx.tenant.name, sort_name: ctx.tenant.name, type: 'organization', display_name: ctx.tenant.name };
}

function renderAddress(row: AddressRow, owner: string): Record<string, unknown> {
  const preferred = (parseVendorData(row.vendor_data)[VENDOR] ?? {}).preferred === true;
  return {
    id: encodeXid('addr_', 'address', row.id, row.created_at),
    type: 'address',
    created: auditTrace(owner, row.created_at),
    modified: auditTrace(owner, row.updated_at),
    line1: row.line1,
    ...(row.line2 ? { line2: row.line2 } : {}),
    city: row.city,
    ...(row.state ? { state_or_province: row.state } : {}),
    ...(row.postal_code ? { postal_code: row.postal_code } : {}),
    country_code: row.country,
    preferred,
  };
}

export async function renderContacts(ctx: TenantContext, rows: readonly CustomerRow[]): Promise<Record<string, unknown>[]> {
  const ids = rows.map((r) => r.id);
  const owner = orgId(ctx.tenant);
  const [addresses, sources, members, parents] = await Promise.all([
    addressesOfCustomers(ctx, ids),
    refsOf(ctx, { vendor: VENDOR, objectType: 'customer', kind: 'source_id' }, ids),
    ids.length ? listCustomers(ctx, { where: [{ field: 'parent_id', op: 'in', value: ids }], limit: 1000 }) : Promise.resolve({ rows: [], total: null }),
    customersByIds(
      ctx,
      rows.flatMap((r) => (r.parent_id === null ? [] : [r.parent_id])),
    ),
  ]);
  return rows.map((row) => {
    const own = fieldsOf(row);
    const type = contactType(row);
    const out: Record<string, unknown> = {
      ...sparseContact(row, owner),
      created: auditTrace(owner, row.created_at),
      modified: auditTrace(owner, row.updated_at),
      owner: ownerOrg(ctx),
      deleted: false,
      contact_code: own.contact_code ?? String(row.id).padStart(4, '0'),
      preferred_currency: row.currency,
      addresses: (addresses.get(row.id) ?? []).map((a) => renderAddress(a, owner)),
      phone_numbers: phonesOf(row).map((p) => ({
        id: p.id,
        type: 'phone_number',
        created: auditTrace(owner, p.created),
        modified: auditTrace(owner, p.modified),
        number: p.number,
        ...(p.extension ? { extension: p.extension } : {}),
        preferred: p.preferred,
      })),
      email_addresses: emailsOf(row).map((e) => ({
        id: e.id,
        type: 'email_address',
        created: auditTrace(owner, e.created),
        modified: auditTrace(owner, e.modified),
        address: e.address,
        preferred: e.preferred,
      })),
    };
    const source = sources.get(row.id);
    if (source) out.source_id = source;
    for (const key of ['time_zone', 'invoice_number_pattern'] as const) if (own[key] !== undefined) out[key] = own[key];
    if (type === 'person') {
      for (const key of ['middle_name', 'name_prefix', 'name_suffix'] as const) if (own[key] !== undefined) out[key] = own[key];
    }
    const parent = row.parent_id === null ? undefined : parents.find((p) => p.id === row.parent_id);
    if (parent) {
      out.organization_id = contactId(parent);
      out.organization = [sparseContact(parent, owner)];
    }
    if (type === 'organization') out.members = members.rows.filter((m) => m.parent_id === row.id).map((m) => sparseContact(m, owner));
    return out;
  });
}

// ---- writes -------------------------------------------------------------------------------------

function readEmails(value: unknown, previous: EmailEntry[], now: number): EmailEntry[] {
  if (!Array.isArray(value)) throw qbInvalid('email_addresses', 'email_addresses must be a list');
  return value.map((item, i) => {
    if (!isObject(item)) throw qbInvalid(`email_addresses[${i}]`, 'An e-mail address is an object');
    const address = qbString(item, 'address', { min: 1, max: 254, context: `email_addresses[${i}].address`, required: true }) as string;
    if (!/^[^@\s]+@[^@\s]+$/.test(address)) throw qbInvalid(`email_addresses[${i}].address`, 'address is not an e-mail address');
    const known = typeof item.id === 'string' ? previous.find((e) => e.id === item.id) : undefined;
    return { id: known?.id ?? randomXid('eml_'), address, preferred: qbBool(item, 'preferred') ?? false, created: known?.created ?? now, modified: now };
  });
}

function readPhones(value: unknown, previous: PhoneEntry[], now: number): PhoneEntry[] {
  if (!Array.isArray(value)) throw qbInvalid('phone_numbers', 'phone_numbers must be a list');
  return value.map((item, i) => {
    if (!isObject(item)) throw qbInvalid(`phone_numbers[${i}]`, 'A phone number is an object');
    const number = qbString(item, 'number', { min: 5, max: 15, context: `phone_numbers[${i}].number`, required: true }) as string;
    const extension = qbString(item, 'extension', { max: 5, context: `phone_numbers[${i}].extension` });
    const known = typeof item.id === 'string' ? previous.find((p) => p.id === item.id) : undefined;
    return { id: known?.id ?? randomXid('phn_'), number, ...(extension ? { extension } : {}), preferred: qbBool(item, 'preferred') ?? false, created: known?.created ?? now, modified: now };
  });
}

function readAddresses(value: unknown): AddressSetEntry[] {
  if (!Array.isArray(value)) throw qbInvalid('addresses', 'addresses must be a list');
  return value.map((item, i) => {
    if (!isObject(item)) throw qbInvalid(`addresses[${i}]`, 'An address is an object');
    const at = (key: string) => `addresses[${i}].${key}`;
    const line1 = qbString(item, 'line1', { min: 1, max: 64, context: at('line1'), required: true }) as string;
    const line2 = qbString(item, 'line2', { max: 64, context: at('line2') });
    const city = qbString(item, 'city', { min: 1, max: 64, context: at('city'), required: true }) as string;
    const state = qbString(item, 'state_or_province', { max: 64, context: at('state_or_province') });
    const postal = qbString(item, 'postal_code', { min: 1, max: 10, context: at('postal_code') });
    if (postal !== undefined && !/^[0-9A-Za-z -]+$/.test(postal)) throw qbInvalid(at('postal_code'), 'postal_code must match ^[0-9A-Za-z -]+$');
    const country = qbString(item, 'country_code', { min: 2, max: 2, context: at('country_code'), required: true }) as string;
    if (!/^[A-Za-z]{2}$/.test(country)) throw qbInvalid(at('country_code'), 'country_code is an ISO 3166 alpha-2 code');
    if ((country.toUpperCase() === 'US' || country.toUpperCase() === 'CA') && state !== undefined && !/^[A-Za-z]{2}$/.test(state))
      throw qbInvalid(at('state_or_province'), 'A US or Canadian state is two letters');
    const preferred = qbBool(item, 'preferred') ?? false;
    const decoded = decodeXid('addr_', 'address', item.id);
    return {
      ...(decoded ? { id: decoded.id } : {}),
      isDefault: preferred,
      fields: { line1, line2: line2 ?? '', city, state: state ?? '', postal_code: postal ?? '', country: country.toUpperCase(), vendor: { vendor: VENDOR, fields: { preferred } } },
    };
  });
}

const main = <T extends { preferred: boolean }>(list: T[]): T | undefined => list.find((e) => e.preferred) ?? list[0];

function isSourceId(text: string): boolean {
  return /^tag:[^,]+,\d{4}(-\d{2}(-\d{2})?)?:.+$/i.test(text) || /^urn:[a-z0-9][a-z0-9-]{0,31}:.+$/i.test(text) || /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text);
}

async function contactInput(ctx: TenantContext, body: Body, existing: CustomerRow | null): Promise<CustomerInput> {
  const now = ctx.clock.now();
  const previous = existing ? fieldsOf(existing) : {};
  const typeText = body.type;
  const currentType = existing ? contactType(existing) : undefined;
  if (existing) {
    if (typeText !== undefined && typeText !== currentType) throw qbInvalid('type', 'type cannot be changed');
    if (body.test_mode !== undefined && qbBool(body, 'test_mode') !== (previous.test_mode ?? false)) throw qbInvalid('test_mode', 'test_mode cannot be changed');
  } else if (typeText !== 'person' && typeText !== 'organization') throw qbInvalid('type', 'type must be person or organization');
  const type = (currentType ?? typeText) as 'person' | 'organization';
  const fields: ContactFields = { type };
  const input: CustomerInput = { vendor: VENDOR };
  const name = qbString(body, 'name', { max: 128 });
  if (type === 'person') {
    const first = qbString(body, 'first_name', { max: 64 });
    const last = qbString(body, 'last_name', { max: 64 });
    if (first !== undefined) input.firstName = first || null;
    if (last !== undefined) input.lastName = last || null;
    for (const [key, max] of [
      ['middle_name', 64],
      ['name_prefix', 20],
      ['name_suffix', 20],
    ] as const) {
      const value = qbString(body, key, { max });
      if (value !== undefined) fields[key] = value;
    }
    if (name !== undefined) fields.name = name;
  } else if (name !== undefined) input.company = name;
  let emails = previous.emails ?? (existing ? emailsOf(existing) : []);
  if (body.email_addresses !== undefined) emails = readEmails(body.email_addresses, emails, now);
  if (typeof body.email_address === 'string' && body.email_address) emails = [...emails, ...readEmails([{ address: body.email_address, preferred: emails.length === 0 }], [], now)];
  if (body.email_addresses !== undefined || body.email_address !== undefined) {
    fields.emails = emails;
    input.email = main(emails)?.address ?? null;
  }
  if (body.phone_numbers !== undefined) {
    const phones = readPhones(body.phone_numbers, previous.phones ?? (existing ? phonesOf(existing) : []), now);
    fields.phones = phones;
    input.phone = main(phones)?.number ?? null;
  }
  if (body.addresses !== undefined) input.addresses = readAddresses(body.addresses);
  const code = qbString(body, 'contact_code', { min: 1, max: 10 });
  if (code !== undefined) fields.contact_code = code;
  const zone = qbString(body, 'time_zone', { max: 64 });
  if (zone !== undefined) fields.time_zone = zone;
  const pattern = qbString(body, 'invoice_number_pattern', { max: 256 });
  if (pattern !== undefined) fields.invoice_number_pattern = pattern;
  const currency = qbString(body, 'preferred_currency', { max: 3 });
  if (currency) input.currency = currency.toUpperCase();
  if (!existing) fields.test_mode = qbBool(body, 'test_mode') ?? false;
  const source = qbString(body, 'source_id', { max: 256 });
  if (source !== undefined) {
    if (source !== '' && !isSourceId(source)) throw qbInvalid('source_id', 'source_id is a tag:, urn: or UUID URI');
    input.refs = [{ vendor: VENDOR, kind: 'source_id', value: source || null }];
  }
  if (body.organization_id !== undefined) {
    if (body.organization_id === null || body.organization_id === '') input.parentId = null;
    else {
      const org = await findContact(ctx, body.organization_id);
      if (!org || contactType(org) !== 'organization') throw qbInvalid('organization_id', 'organization_id names no organization');
      if (existing && org.id === existing.id) throw qbInvalid('organization_id', 'A contact cannot belong to itself');
      input.parentId = org.id;
    }
  }
  if (!existing) {
    const hasEmail = emails.length > 0;
    if (type === 'person' && !input.firstName && !input.lastName && !hasEmail) throw qbInvalid('first_name', 'A person needs a first name, a last name or an e-mail address');
    if (type === 'organization' && !input.company && !hasEmail) throw qbInvalid('name', 'An organization needs a name or an e-mail address');
  }
  input.vendorData = fields as Record<string, unknown>;
  return input;
}

function writeRefusal(error: unknown): unknown {
  if (reasonOf(error) === 'duplicate_ref') return qbConflict('A contact with that source_id already exists');
  return error;
}

async function create(request: FastifyRequest): Promise<unknown> {
  const ctx = tenantOf(request);
  const input = await contactInput(ctx, qbBody(request), null);
  let row: CustomerRow;
  try {
    row = await createCustomer(ctx, input);
  } catch (error) {
    throw writeRefusal(error);
  }
  return (await renderContacts(ctx, [row]))[0];
}

async function patch(request: FastifyRequest): Promise<unknown> {
  const ctx = tenantOf(request);
  const existing = await findContact(ctx, (request.params as Body).id);
  if (!existing) throw qbNotFound();
  const input = await contactInput(ctx, qbBody(request), existing);
  let row: CustomerRow;
  try {
    row = await updateCustomer(ctx, existing.id, input);
  } catch (error) {
    throw writeRefusal(error);
  }
  return (await renderContacts(ctx, [row]))[0];
}

const CONTACT_FIELDS: Record<string, QbField> = {
  first_name: { field: 'first_name', kind: 'text' },
  last_name: { field: 'last_name', kind: 'text' },
  middle_name: { field: { vendor: VENDOR, key: 'middle_name' }, kind: 'text' },
  name: { build: (_op, value) => ({ any: (['first_name', 'last_name', 'company'] as const).map((field) => ({ field, op: 'contains', value }) as Condition) }) },
  email: { field: 'email', kind: 'text' },
  preferred_email: { field: 'email', kind: 'text' },
  contact_code: { field: { vendor: VENDOR, key: 'contact_code', type: 'string' }, kind: 'exact' },
  source_id: { field: { ref: { vendor: VENDOR, kind: 'source_id' } }, kind: 'exact' },
  preferred_currency: { field: 'currency', kind: 'exact' },
  type: {
    build: (_op, value) =>
      value === 'organization'
        ? {
            any: [
              { field: { vendor: VENDOR, key: 'type', type: 'string' }, op: 'eq', value },
              {
                all: [
                  { field: { vendor: VENDOR, key: 'type' }, op: 'is_null' },
                  { field: 'company', op: 'not_null' },
                  { field: 'first_name', op: 'is_null' },
                  { field: 'last_name', op: 'is_null' },
                ],
              },
            ],
          }
        : { not: { field: { vendor: VENDOR, key: 'type', type: 'string' }, op: 'eq', value: 'organization' } },
  },
  'created.timestamp': { field: 'created_at', kind: 'time' },
  'modified.timestamp': { field: 'updated_at', kind: 'time' },
};

async function search(request: FastifyRequest): Promise<unknown> {
  const ctx = tenantOf(request);
  const query = request.query as Body;
  const page = qbPage(query);
  const where: Condition[] = qfConditions(query.qf, CONTACT_FIELDS);
  const q = typeof query.q === 'string' ? query.q.trim() : '';
  if (q) where.push({ any: (['first_name', 'last_name', 'company', 'email', 'phone'] as const).map((field) => ({ field, op: 'contains', value: q }) as Condition) });
  const order = qbOrder(
    query.order_by,
    { created: 'created_at', modified: 'updated_at', first_name: 'first_name', last_name: 'last_name', name: 'last_name', sort_name: 'last_name' },
    { field: 'created_at', direction: 'asc' },
  );
  const result = await listCustomers(ctx, { where, order, offset: page.offset, limit: page.pageSize, total: true });
  return qbResults(page, result.total ?? 0, await renderContacts(ctx, result.rows));
}

export { create as createContact, patch as patchContact, search as searchContacts };

export async function getContact(request: FastifyRequest): Promise<unknown> {
  const ctx = tenantOf(request);
  const row = await findContact(ctx, (request.params as Body).id);
  if (!row) throw qbNotFound();
  return (await renderContacts(ctx, [row]))[0];
}
