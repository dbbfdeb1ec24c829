// /user, ChargeOver's contacts (spec 2.3, 4.6, 4.7): add, update, get, list/query/count, delete,
// password (reset link or set), getLoginURL. Passwords are write-only and stored hashed.
import { sql, type ExpressionBuilder } from 'kysely';
import { createContact } from '../../core/customers/customers.ts';
import { deleteContact, getContact, issueLoginToken, loginsFor, setLogin, updateContact } from '../../core/customers/contacts.ts';
import { DomainError, ErrorCode } from '../../core/errors/domain-error.ts';
import { inWork } from '../../core/work.ts';
import { queueEmail } from '../../core/outbox/outbox.ts';
import { expressionCondition, type FieldMap, type FieldType, type Filter } from '../../core/query/filters.ts';
import type { ContactRow, Database } from '../../store/schema.ts';
import { jsonInt, jsonText } from '../../store/json.ts';
import { accepted, bad, created, duplicateKey, ok, type CoRequest, type CoResult } from './envelope.ts';
import { countIds, inOrder, listIds } from './lists.ts';
import { payloadRef, target } from './refs.ts';
import type { Resource } from './router.ts';
import { fullName, splitName } from './customer-view.ts';
import { asObject, datetime, optInt, optString, VENDOR, vendorData } from './wire.ts';

const USER_TYPES: Record<number, string> = { 1: 'Billing', 2: 'Technical', 3: 'Other' };

const expr = (build: () => ReturnType<typeof sql>, type: FieldType) => ({
  condition: (_eb: ExpressionBuilder<Database, 'contacts'>, filter: Filter) => expressionCondition(build(), type, filter),
});

function fields(req: CoRequest): FieldMap<Database, 'contacts'> {
  const d = req.ctx.dialect;
  return {
    user_id: { column: 'id', type: 'number' },
    external_key: { column: 'external_key', type: 'text_ci' },
    token: { column: 'token', type: 'text_ci' },
    first_name: { column: 'first_name', type: 'text_ci' },
    last_name: { column: 'last_name', type: 'text_ci' },
    email: { column: 'email', type: 'text_ci' },
    phone: { column: 'phone', type: 'text_ci' },
    title: { column: 'title', type: 'text_ci' },
    customer_id: { column: 'customer_id', type: 'number' },
    'customers.customer_id': { column: 'customer_id', type: 'number' },
    username: expr(() => sql`(select l.username from contact_logins l where l.contact_id = contacts.id)`, 'text_ci'),
    user_type_id: expr(() => sql`coalesce(${jsonInt(d, 'vendor_data', [VENDOR, 'user_type_id'])}, 1)`, 'number'),
    ...Object.fromEntries([1, 2, 3, 4, 5].map((i) => [`custom_${i}`, expr(() => jsonText(d, 'vendor_data', [VENDOR, `custom_${i}`]), 'text_ci')])),
  };
}

async function render(req: CoRequest, rows: ContactRow[]): Promise<Record<string, unknown>[]> {
  const logins = await loginsFor(req.ctx, rows.map((r) => r.id));
  const customerIds = [...new Set(rows.map((r) => r.customer_id))];
  const customers = customerIds.length ? await req.ctx.db.selectFrom('customers').select(['id', 'company']).where('id', 'in', customerIds).execute() : [];
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
      external_key: row.external_key,
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
  const pairs: Array<[keyof Parsed, string]> = [['firstName', 'first_name'], ['lastName', 'last_name'], ['email', 'email'], ['phone', 'phone'], ['title', 'title'], ['externalKey', 'external_key'], ['username', 'username'], ['password', 'password']];
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
  if (error instanceof DomainError && error.code === ErrorCode.CONFLICT) {
    if (error.field === 'external_key') throw duplicateKey('contact', String(key));
    throw bad(error.message);
  }
  throw error;
}

async function create(req: CoRequest): Promise<CoResult> {
  const body = asObject(req.body);
  const customerId = (await payloadRef(req.ctx, 'customer', body, 'customer', true)) as number;
  const p = parse(body);
  const contact = await inWork(req.ctx, async (ctx) => {
    const row = await createContact(ctx, { customerId, firstName: p.firstName, lastName: p.lastName, email: p.email, phone: p.phone, title: p.title ?? '', externalKey: p.externalKey, vendor: VENDOR, vendorData: p.vendorData });
    await setLogin(ctx, row.id, { username: p.username, password: p.password });
    return row;
  }).catch((e: unknown) => mapConflict(e, p.externalKey));
  return created(req, 'user', contact.id);
}

async function update(req: CoRequest, segment: string): Promise<CoResult> {
  const id = await target(req.ctx, 'user', segment);
  const body = asObject(req.body);
  const customerId = await payloadRef(req.ctx, 'customer', body, 'customer', false);
  const p = parse(body);
  await inWork(req.ctx, async (ctx) => {
    await updateContact(ctx, id, { customerId, firstName: p.firstName, lastName: p.lastName, email: p.email, phone: p.phone, title: p.title, externalKey: p.externalKey, vendor: VENDOR, vendorData: p.vendorData });
    if (p.username !== undefined || p.password !== undefined) await setLogin(ctx, id, { username: p.username, password: p.password });
  }).catch((e: unknown) => mapConflict(e, p.externalKey));
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
    if (req.emails) await queueEmail(req.ctx, { to: contact.email as string, subject: 'Your new password', body: `Your password has been set to: ${given}`, meta: { vendor: VENDOR, kind: 'password_set', user_id: id } });
  } else if (req.emails) {
    const token = await issueLoginToken(req.ctx, id);
    await queueEmail(req.ctx, { to: contact.email as string, subject: 'Reset your password', body: `Reset your password: ${req.siteBase}/signup/r/logintoken/${token}`, meta: { vendor: VENDOR, kind: 'password_reset', user_id: id } });
  }
  return ok(true);
}

const base = (req: CoRequest) => req.ctx.db.selectFrom('contacts').select('id').where('tenant_id', '=', req.ctx.tenant.id).where('deleted_at', 'is', null);

async function load(req: CoRequest, ids: number[]): Promise<Record<string, unknown>[]> {
  if (ids.length === 0) return [];
  const rows = await req.ctx.db.selectFrom('contacts').selectAll().where('tenant_id', '=', req.ctx.tenant.id).where('id', 'in', ids).execute();
  return render(req, inOrder(ids, rows, (r) => r.id));
}

export const users: Resource = {
  list: async (req) => ok(await load(req, await listIds(req, base(req), fields(req), 'user_id'))),
  count: async (req) => ok(await countIds(req, base(req), fields(req))),
  create,
  get: async (req, segment) => ok((await load(req, [await target(req.ctx, 'user', segment)]))[0]),
  update,
  remove: async (req, segment) => {
    await deleteContact(req.ctx, await target(req.ctx, 'user', segment));
    return ok(true);
  },
  actions: {
    password,
    getLoginURL: async (req, segment) => ok(`${req.siteBase}/signup/r/logintoken/${await issueLoginToken(req.ctx, await target(req.ctx, 'user', segment))}`),
  },
};
