// POST /customer/search and /vault/customer/search (seed §2.3, fluidpay-v2 §2.8): criteria become
// core conditions over the customer, its defaults, and any of its addresses. Operators: = / eq,
// != / ne, % / like (substring, any case), > / gt and < / lt (text order; dates by time). null and
// Go's empty criteria are ignored (§1.1).
import type { FastifyRequest } from 'fastify';
import { invalid } from '../../core/errors/domain-error.ts';
import { listCustomers } from '../../core/customers/queries.ts';
import { all, any, type Condition, type FieldRef } from '../../core/query/conditions.ts';
import { tenantOf } from '../../http/auth.ts';
import { decodeId } from './ids.ts';
import { dateRange, idMatch, negate, paging, rangeMatch } from './search.ts';
import { renderCustomers } from './vault-wire.ts';
import { bodyOf, isObject, listed, type Body } from './wire.ts';

type Op = 'eq' | 'ne' | 'contains' | 'gt' | 'lt';
const OPS: Record<string, Op> = { '=': 'eq', eq: 'eq', '!=': 'ne', ne: 'ne', '%': 'contains', like: 'contains', '>': 'gt', gt: 'gt', '<': 'lt', lt: 'lt' };

interface Criterion {
  op: Op;
  value: string;
}

function criterion(body: Body, field: string): Criterion | undefined {
  const raw = body[field];
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw)) throw invalid(`${field} must be {"operator", "value"}`, field);
  const operator = raw.operator;
  if (operator === '' || ((operator === undefined || operator === null) && (raw.value === undefined || raw.value === null || raw.value === ''))) return undefined;
  const op = OPS[typeof operator === 'string' ? operator.toLowerCase() : '='];
  if (!op) throw invalid(`${field}.operator must be one of = != % > < (or eq ne like gt lt)`, field);
  if (typeof raw.value !== 'string') throw invalid(`${field}.value must be a string`, field);
  return { op, value: raw.value };
}

/** A text comparison; "!=" also matches rows where the field is unset; "=" is exact (seed), "%" any case. */
function textMatch(field: FieldRef, c: Criterion): Condition {
  if (c.op === 'ne') return negate({ field, op: 'eq', value: c.value, as: 'string' }, '!=');
  return { field, op: c.op, value: c.value, as: c.op === 'contains' ? 'text_ci' : 'string' };
}

/** Exact-id criteria (= or != only). */
function idOp(c: Criterion, field: string): '=' | '!=' {
  if (c.op !== 'eq' && c.op !== 'ne') throw invalid(`${field}.operator must be = or !=`, field);
  return c.op === 'eq' ? '=' : '!=';
}

const ADDRESS_FIELDS: Record<string, string> = {
  first_name: 'first_name',
  last_name: 'last_name',
  company: 'company',
  address_line_1: 'line1',
  line_1: 'line1',
  address_line_2: 'line2',
  line_2: 'line2',
  city: 'city',
  state: 'state',
  postal_code: 'postal_code',
  country: 'country',
  email: 'email',
  phone: 'phone',
  fax: 'fax',
};

const FLUIDPAY = (key: string): FieldRef => ({ vendor: 'fluidpay', key });

export async function vaultSearch(request: FastifyRequest) {
  const ctx = tenantOf(request);
  const body = bodyOf(request);
  const page = paging(body);
  const where: Condition[] = [];
  const byId = criterion(body, 'id');
  if (byId) where.push(idMatch('id', decodeId('customer', byId.value)?.id ?? null, idOp(byId, 'id')));
  // The defaults (seed §2.3): payment_method_id (also payment_method), billing and shipping address ids.
  const pointers: Array<[string, 'default_payment_method_id' | 'billing_address_id' | 'shipping_address_id', 'card' | 'address']> = [
    ['payment_method_id', 'default_payment_method_id', 'card'],
    ['payment_method', 'default_payment_method_id', 'card'],
    ['billing_address_id', 'billing_address_id', 'address'],
    ['shipping_address_id', 'shipping_address_id', 'address'],
  ];
  for (const [field, column, kind] of pointers) {
    const c = criterion(body, field);
    if (c) where.push(idMatch(column, decodeId(kind, c.value)?.id ?? null, idOp(c, field)));
  }
  const type = criterion(body, 'payment_method_type');
  if (type) {
    // The default's type: the route it was added through, else its kind (a bank account is "ach").
    const value = type.value.toLowerCase();
    const typed: FieldRef = { related: 'default_payment_method', field: { vendor: 'fluidpay', key: 'type' } };
    const kind: FieldRef = { related: 'default_payment_method', field: 'kind' };
    const byKind = value === 'ach' ? 'bank' : value === 'card' ? 'card' : null;
    const matches = any([
      { field: typed, op: 'eq', value, as: 'text_ci' },
      ...(byKind ? [all([{ not: { field: typed, op: 'not_null' } }, { field: kind, op: 'eq', value: byKind, as: 'text_ci' }])] : []),
    ]);
    where.push(negate(matches, idOp(type, 'payment_method_type')));
  }
  const addressId = criterion(body, 'address_id');
  if (addressId) {
    const id = decodeId('address', addressId.value)?.id ?? null;
    where.push(negate(id === null ? { always: false } : { field: { related: 'addresses', field: 'id' }, op: 'eq', value: id }, idOp(addressId, 'address_id')));
  }
  for (const field of ['description', 'notes']) {
    const c = criterion(body, field);
    if (c) where.push(textMatch(FLUIDPAY(field), c));
  }
  const flag = criterion(body, 'flags');
  if (flag) {
    const has: Condition = { field: FLUIDPAY('flags'), op: 'contains', value: JSON.stringify(flag.value) };
    where.push(negate(has, idOp(flag, 'flags')));
  }
  for (const [wire, core] of Object.entries(ADDRESS_FIELDS)) {
    const c = criterion(body, wire);
    if (!c) continue;
    const field: FieldRef = { related: 'addresses', field: core };
    // "!=": no address has it.
    where.push(c.op === 'ne' ? { not: { field, op: 'eq', value: c.value, as: 'string' } } : { field, op: c.op, value: c.value, as: c.op === 'contains' ? 'text_ci' : 'string' });
  }
  for (const field of ['created_at', 'updated_at']) {
    const range = dateRange(body, field);
    if (range) where.push(rangeMatch(field, range));
  }
  const { rows, total } = await listCustomers(ctx, { where, order: [{ field: 'created_at', direction: 'desc' }], tieBreak: 'desc', ...page, total: true });
  return listed(await renderCustomers(ctx, rows), total ?? 0);
}
