// POST /transaction/search (spec §2.2): every documented criterion and operator, newest first,
// total_count counted before paging; msg is "" on this endpoint (G16).
import { sql, type Expression, type SqlBool } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { TenantContext } from '../../core/context.ts';
import { invalid } from '../../core/errors/domain-error.ts';
import { pageWithTotal } from '../../core/query/filters.ts';
import { jsonInt, jsonText } from '../../store/json.ts';
import { tenantOf } from '../../http/auth.ts';
import { decodeId } from './ids.ts';
import { always, dateRange, intCondition, negate, paging, rangeCondition, stringCondition, stringCriterion, intCriterion, type StringCriterion } from './search.ts';
import { processorsOf, renderTransaction } from './transaction-wire.ts';
import { renderContext } from './transactions.ts';
import { ADDRESS_FIELDS, bodyOf, isObject, listed, type Body } from './wire.ts';

const STATUSES = ['unknown', 'declined', 'authorized', 'pending_settlement', 'settled', 'voided', 'reversed', 'refunded'];

function statusCondition(value: string): Expression<SqlBool> {
  const status = sql.ref('status');
  switch (value) {
    case 'declined':
      return sql<SqlBool>`${status} in ('declined', 'error')`;
    case 'authorized':
      return sql<SqlBool>`${status} = 'authorized'`;
    case 'pending_settlement':
      return sql<SqlBool>`${status} = 'captured'`;
    case 'settled':
      return sql<SqlBool>`(${status} = 'settled' and (${sql.ref('amount_refunded')} = 0 or ${sql.ref('type')} = 'refund'))`;
    case 'refunded':
      return sql<SqlBool>`(${status} = 'settled' and ${sql.ref('amount_refunded')} > 0 and ${sql.ref('type')} <> 'refund')`;
    case 'voided':
      return sql<SqlBool>`${status} = 'voided'`;
    default:
      if (!STATUSES.includes(value)) throw invalid(`Unknown status ${value}`, 'status');
      return always(false); // unknown, reversed: never produced
  }
}

function idCondition(column: string, kind: 'transaction' | 'customer', c: StringCriterion): Expression<SqlBool> {
  const decoded = decodeId(kind, c.value);
  const matches = decoded ? sql<SqlBool>`${sql.ref(column)} = ${decoded.id}` : always(false);
  return c.operator === '=' ? matches : sql<SqlBool>`(not (${matches}) or ${sql.ref(column)} is null)`;
}

export function transactionConditions(ctx: TenantContext, body: Body): Expression<SqlBool>[] {
  const conditions: Expression<SqlBool>[] = [];
  const vendor = (...path: string[]) => jsonText(ctx.dialect, 'vendor_data', ['fluidpay', ...path]);
  const str = (field: string) => stringCriterion(body, field);

  const txnId = str('transaction_id');
  if (txnId) conditions.push(idCondition('id', 'transaction', txnId));
  const customer = str('customer_id');
  if (customer) {
    const vaulted = stringCondition(vendor('vault_customer_id'), { operator: '=', value: customer.value });
    const byColumn = idCondition('customer_id', 'customer', { operator: '=', value: customer.value });
    conditions.push(negate(sql<SqlBool>`(${byColumn} or ${vaulted})`, customer.operator));
  }
  const type = str('type');
  if (type) conditions.push(stringCondition(sql.ref('type'), type));
  for (const field of ['user_id', 'ip_address', 'po_number', 'payment_method'] as const) {
    const c = str(field);
    if (c) conditions.push(stringCondition(vendor(field), c));
  }
  const order = str('order_id');
  if (order) conditions.push(stringCondition(sql`coalesce(${vendor('order_id')}, ${sql.ref('order_id')}, '')`, order));
  const paymentType = str('payment_type');
  if (paymentType) {
    const kind = { card: 'card', ach: 'bank', echeck: 'bank' }[paymentType.value];
    conditions.push(negate(kind ? sql<SqlBool>`${sql.ref('payment_kind')} = ${kind}` : always(false), paymentType.operator));
  }
  const processor = str('processor_id');
  if (processor) {
    const processors = processorsOf(ctx.tenant);
    const kind = processor.value === processors.card.id ? 'card' : processor.value === processors.ach.id ? 'bank' : null;
    conditions.push(negate(kind ? sql<SqlBool>`${sql.ref('payment_kind')} = ${kind}` : always(false), processor.operator));
  }
  const status = str('status');
  if (status) conditions.push(negate(statusCondition(status.value), status.operator));

  for (const field of ['amount', 'amount_authorized', 'amount_captured', 'amount_settled'] as const) {
    const c = intCriterion(body, field);
    if (c) conditions.push(intCondition(sql.ref(field), c));
  }
  const tax = intCriterion(body, 'tax_amount');
  if (tax) conditions.push(intCondition(jsonInt(ctx.dialect, 'vendor_data', ['fluidpay', 'tax_amount']), tax));

  for (const field of ['created_at', 'captured_at', 'settled_at'] as const) {
    const range = dateRange(body, field);
    if (range) conditions.push(rangeCondition(sql.ref(field), range));
  }

  for (const which of ['billing_address', 'shipping_address'] as const) {
    const nested = body[which];
    if (nested === undefined || nested === null) continue;
    if (!isObject(nested)) throw invalid(`${which} must be an object of criteria`, which);
    const addressId = stringCriterion(nested, 'address_id', `${which}.address_id`);
    if (addressId) conditions.push(stringCondition(vendor(`${which}_id`), addressId));
    for (const field of ADDRESS_FIELDS) {
      const c = stringCriterion(nested, field, `${which}.${field}`);
      if (c) conditions.push(stringCondition(vendor(which, field), c));
    }
  }
  return conditions;
}

const ORDER_FIELDS = { created_at: { column: 'created_at', type: 'number' as const }, id: { column: 'id', type: 'number' as const } };

export async function transactionSearchRoutes(app: FastifyInstance): Promise<void> {
  app.post('/transaction/search', async (request) => {
    const ctx = tenantOf(request);
    const body = bodyOf(request);
    const page = paging(body);
    const conditions = transactionConditions(ctx, body);
    let query = ctx.db.selectFrom('transactions').selectAll().where('tenant_id', '=', ctx.tenant.id).where('type', 'in', ['sale', 'authorize', 'credit', 'refund']);
    for (const condition of conditions) query = query.where(() => condition);
    const { rows, total } = await pageWithTotal(query, { order: [{ field: 'created_at', direction: 'desc' }], ...page }, ORDER_FIELDS, { field: 'id', direction: 'desc' });
    const rc = await renderContext(ctx, rows);
    return listed(rows.map((row) => renderTransaction(row, rc)), total, '');
  });
}
