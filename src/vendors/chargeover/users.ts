// /user, ChargeOver's contacts (spec 2.3, 4.6, 4.7): add, update, get, list/query/count, delete,
// password (reset link or set), getLoginURL. Passwords are write-only and stored hashed.
import { createContactWithLogin, updateContactAndLogin } from '../../core/customers/accounts.ts';
import { deleteContact, getContact, issueLoginToken, loginsFor, setLogin } from '../../core/customers/contacts.ts';
import { contactsByIds, countContacts, listContacts } from '../../core/customers/contact-queries.ts';
import { customersByIds } from '../../core/customers/queries.ts';
import { DomainError, ErrorCode, reasonOf } from '../../core/errors/domain-error.ts';
import { queueEmail } from '../../core/outbox/outbox.ts';
import { refsOf, type RefChange } from '../../core/refs/refs.ts';
import type { ContactRow } from '../../core/database.ts';
import { accepted, bad, created, duplicateKey, ok, type CoRequest, type CoResult } from './envelope.ts';
import { EXTERNAL_KEY, vendorNumber, vendorText } from './fields.ts';
import { listing, pageOf, whereOf, type FieldTable } from './lists.ts';
import { payloadRef, target } from './refs.ts';
import type { Resource } from './router.ts';
import { fullName, splitName } from './customer-view.ts';
import { asObject, datetime, optInt, optString, VENDOR, vendorData } from './wire.ts';

const USER_TYPES: Record<number, string> = { 1: 'Billing', 2: 'Technical', 3: 'Other' };

/** where= fields of /user (README: where fields). */
export const USER_FIELDS: FieldTable = {
  user_id: 'id',
  external_key: EXTERNAL_KEY,
  token: 'token',
  first_name: 'first_name',
  last_name: 'last_name',
  email: 'email',
  phone: 'phone',
  title: 'title',
  customer_id: 'customer_id',
  'customers.customer_id': 'customer_id',
  username: 'username',
  user_type_id: vendorNumber('user_type_id', 1),
  ...Object.fromEntries([1, 2, 3, 4, 5].map((i) => [`custom_${i}`, vendorText(`custom_${i}`)])),
};

export async function renderUsers(req: CoRequest, rows: ContactRow[]): Promise<Record<string, unknown>[]> {
  const ids = rows.map((r) => r.id);
  const [logins, customers, keys] = await Promise.all([
    loginsFor(req.ctx, ids),
    customersByIds(
      req.ctx,
      rows.map((r) => r.customer_id),
      { includeDeleted: true },
    ),
    refsOf(req.ctx, { vendor: VENDOR, objectType: 'contact', kind: 'external_key' }, ids),
  ]);
  const companies = new Map(customers.map((c) => [c.id, c.company]));
  return rows.map((row) => {
    const v = vendorData(row.vendor_data);
    const middle = (v.middle_name_glob as string | null | undefined) ?? null;
    const name = fullName(row.first_name, row.last_name, middle);
    const typeId = Number(v.user_type_id ?? 1);
    const custom: Record<string, unknown> = {};
    for (let i = 1; i <= 5; i++) custom[`custom_${i}`] = v[`custom_${i}`] ?? null;
    return {
      user_id: row.id,
      external_key: keys.get(row.id) ?? null,
      first_name: row.first_name,
      middle_name_glob: middle,
      last_name: row.last_name,
      name_suffix: v.name_suffix ?? null,
      title: row.title ?? '',
      email: row.email,
      token: row.token,
      phone: row.phone ?? '',
      user_type_id: typeId,
      user_type_name: USER_TYPES[typeId] ?? '',
      ...custom,
      write_datetime: datetime(row.created_at),
      mod_datetime: datetime(row.updated_at),
      name,
      display_as: name,
      username: logins.get(row.id)?.username ?? null,
      customer_id: row.customer_id,
      url_self: `${req.siteBase}/admin/r/user/view/${row.id}`,
      customers: [{ customer_id: row.customer_id, company: companies.get(row.customer_id) ?? null }],
    };
  });
}

interface Parsed {
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  title?: string | null;
  externalKey?: string | null;
  vendorData: Record<string, unknown>;
  username?: string | null;
  password?: string | null;
}

function parse(body: Record<string, unknown>): Parsed {
  const out: Parsed = { vendorData: {} };
  const name = optString(body, 'name');
  if (name) {
    const { first, last } = splitName(name);
    out.firstName = first;
    out.lastName = last;
  }
  const pairs: Array<[keyof Parsed, string]> = [
    ['firstName', 'first_name'],
    ['lastName', 'last_name'],
    ['email', 'email'],
    ['phone', 'phone'],
    ['title', 'title'],
    ['externalKey', 'external_key'],
    ['username', 'username'],
    ['password', 'password'],
  ];
  for (const [key, wire] of pairs) {
    const value = optString(body, wire);
    if (value !== undefined) (out as unknown as Record<string, unknown>)[key] = key === 'externalKey' && value === '' ? null : value;
  }
  for (const key of ['middle_name_glob', 'name_suffix', 'custom_1', 'custom_2', 'custom_3', 'custom_4', 'custom_5']) {
    const value = optString(body, key);
    if (value !== undefined) out.vendorData[key] = value;
  }
  const typeId = optInt(body, 'user_type_id');
  if (typeId !== undefined && typeId !== null) {
    if (!USER_TYPES[typeId]) throw bad(`Unknown user_type_id ${typeId}`);
    out.vendorData.user_type_id = typeId;
  }
  if (out.password !== undefined && (out.password === null || out.password === '')) throw bad('password must be a non-empty string');
  if (out.username !== undefined && (out.username === null || out.username === '')) throw bad('username must be a non-empty string');
  return out;
}

function mapConflict(error: unknown, key: string | null | undefined): never {
  if (reasonOf(error) === 'duplicate_ref') throw duplicateKey('contact', String(key));
  if (error instanceof DomainError && error.code === ErrorCode.CONFLICT) throw bad(error.message);
  throw error;
}

const externalKeyRefs = (p: Parsed): RefChange[] | undefined => (p.externalKey === undefined ? undefined : [{ vendor: VENDOR, kind: 'external_key', value: p.externalKey }]);

async function create(req: CoRequest): Promise<CoResult> {
  const body = asObject(req.body);
  const customerId = (await payloadRef(req.ctx, 'customer', body, 'customer', true)) as number;
  const p = parse(body);
  const contact = await createContactWithLogin(
    req.ctx,
    { customerId, firstName: p.firstName, lastName: p.lastName, email: p.email, phone: p.phone, title: p.title ?? '', refs: externalKeyRefs(p), vendor: VENDOR, vendorData: p.vendorData },
    { username: p.username, password: p.password },
  ).catch((e: unknown) => mapConflict(e, p.externalKey));
  return created(req, 'user', contact.id);
}

async function update(req: CoRequest, segment: string): Promise<CoResult> {
  const id = await target(req.ctx, 'user', segment);
  const body = asObject(req.body);
  const customerId = await payloadRef(req.ctx, 'customer', body, 'customer', false);
  const p = parse(body);
  await updateContactAndLogin(
    req.ctx,
    id,
    { customerId, firstName: p.firstName, lastName: p.lastName, email: p.email, phone: p.phone, title: p.title, refs: externalKeyRefs(p), vendor: VENDOR, vendorData: p.vendorData },
    { username: p.username, password: p.password },
  ).catch((e: unknown) => mapConflict(e, p.externalKey));
  return accepted(req, 'user', id);
}

async function password(req: CoRequest, segment: string): Promise<CoResult> {
  const id = await target(req.ctx, 'user', segment);
  const body = asObject(req.body);
  const contact = await getContact(req.ctx, id);
  const given = body.password;
  if (given !== undefined && (typeof given !== 'string' || given === '')) throw bad('password must be a non-empty string');
  if (req.emails && !contact.email) throw bad('This user has no e-mail address');
  if (typeof given === 'string') {
    await setLogin(req.ctx, id, { password: given });
    if (req.emails)
      await queueEmail(req.ctx, {
        to: contact.email as string,
        subject: 'Your new password',
        body: `Your password has been set to: ${given}`,
        meta: { vendor: VENDOR, kind: 'password_set', user_id: id },
      });
  } else if (req.emails) {
    const token = await issueLoginToken(req.ctx, id);
    await queueEmail(req.ctx, {
      to: contact.email as string,
      subject: 'Reset your password',
      body: `Reset your password: ${req.siteBase}/signup/r/logintoken/${token}`,
      meta: { vendor: VENDOR, kind: 'password_reset', user_id: id },
    });
  }
  return ok(true);
}

async function loginUrl(req: CoRequest, segment: string): Promise<CoResult> {
  return ok(`${req.siteBase}/signup/r/logintoken/${await issueLoginToken(req.ctx, await target(req.ctx, 'user', segment))}`);
}

export const users: Resource = {
  list: async (req) => ok(await renderUsers(req, (await listing(listContacts(req.ctx, pageOf(req, USER_FIELDS)))).rows)),
  count: async (req) => ok(await listing(countContacts(req.ctx, { where: whereOf(req, USER_FIELDS) }))),
  create,
  get: async (req, segment) => ok((await renderUsers(req, await contactsByIds(req.ctx, [await target(req.ctx, 'user', segment)])))[0]),
  update,
  remove: async (req, segment) => {
    await deleteContact(req.ctx, await target(req.ctx, 'user', segment));
    return ok(true);
  },
  actions: {
    password,
    // extra §7: reset_password is the seed's password action, login its getLoginURL.
    reset_password: password,
    getLoginURL: loginUrl,
    login: loginUrl,
  },
};
