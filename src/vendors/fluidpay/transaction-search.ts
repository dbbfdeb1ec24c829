// POST /transaction/search (spec §2.2): every documented criterion and operator, newest first,
// total_count counted before paging; msg is "" on this endpoint (G16). Criteria translate into the
// core's filter conditions over transactions (core fields and this door's own vendor fields).
import type { FastifyInstance } from 'fastify';
import type { TenantContext } from '../../core/context.ts';
import { invalid } from '../../core/errors/domain-error.ts';
import { all, any, type Condition, type FieldRef } from '../../core/query/conditions.ts';
import { listTransactions } from '../../core/payments/queries.ts';
import { tenantOf } from '../../http/auth.ts';
import { decodeId } from './ids.ts';
import { always, dateRange, idMatch, intCriterion, intMatch, negate, paging, rangeMatch, stringCriterion, stringMatch } from './search.ts';
import { processorsOf, renderTransaction } from './transaction-wire.ts';
import { renderContext } from './transactions.ts';
import { ADDRESS_FIELDS, bodyOf, isObject, listed, type Body } from './wire.ts';

export const FLUIDPAY_TYPES = ['sale', 'authorize', 'credit', 'refund'] as const;
const STATUSES = ['unknown', 'declined', 'authorized', 'pending_settlement', 'settled', 'voided', 'reversed', 'refunded'];
const vendor = (key: string, type?: 'number'): FieldRef => ({ vendor: 'fluidpay', key, ...(type ? { type } : {}) });

/** FluidPay's status words over the core's states (see transaction-wire.ts wireStatus). */
function statusCondition(value: string): Condition {
  switch (value) {
    case 'declined':
      return { field: 'status', op: 'in', value: ['declined', 'error'] };
    case 'authorized':
      return { field: 'status', op: 'eq', value: 'authorized' };
    case 'pending_settlement':
      return { field: 'status', op: 'in', value: ['captured', 'pending'] };
    case 'unknown':
      return { field: 'status', op: 'eq', value: 'unknown' };
    case 'settled':
      return all([
        { field: 'status', op: 'eq', value: 'settled' },
        any([
          { field: 'amount_refunded', op: 'eq', value: 0 },
          { field: 'type', op: 'eq', value: 'refund' },
        ]),
      ]);
    case 'refunded':
      return all([
        { field: 'status', op: 'eq', value: 'settled' },
        { field: 'amount_refunded', op: 'gt', value: 0 },
        { field: 'type', op: 'ne', value: 'refund' },
      ]);
    case 'voided':
      return { field: 'status', op: 'eq', value: 'voided' };
    default:
      if (!STATUSES.includes(value)) throw invalid(`Unknown status ${value}`, 'status');
      return always(false); // reversed: never produced
  }
}

export function transactionConditions(ctx: TenantContext, body: Body): Condition[] {
  const conditions: Condition[] = [];
  const str = (field: string) => stringCriterion(body, field);

  const txnId = str('transaction_id');
  if (txnId) conditions.push(idMatch('id', decodeId('transaction', txnId.value)?.id ?? null, txnId.operator));
  const customer = str('customer_id');
  if (customer) {
    const decoded = decodeId('customer', customer.value)?.id ?? null;
    const byColumn = decoded === null ? always(false) : ({ field: 'customer_id', op: 'eq', value: decoded } as Condition);
    conditions.push(negate(any([byColumn, stringMatch(vendor('vault_customer_id'), { operator: '=', value: customer.value })]), customer.operator));
  }
  const type = str('type');
  if (type) conditions.push(stringMatch('type', type));
  for (const field of ['user_id', 'ip_address', 'po_number', 'payment_method'] as const) {
    const c = str(field);
    if (c) conditions.push(stringMatch(vendor(field), c));
  }
  const order = str('order_id');
  if (order) conditions.push(stringMatch({ vendor: 'fluidpay', key: 'order_id', otherwise: { field: 'order_id' } }, order));
  const paymentType = str('payment_type');
  if (paymentType) {
    const kind = ({ card: 'card', ach: 'bank', echeck: 'bank' } as Record<string, string>)[paymentType.value];
    conditions.push(negate(kind ? { field: 'payment_kind', op: 'eq', value: kind } : always(false), paymentType.operator));
  }
  const processor = str('processor_id');
  if (processor) {
    const processors = processorsOf(ctx.tenant);
    const kind = processor.value === processors.card.id ? 'card' : processor.value === processors.ach.id ? 'bank' : null;
    conditions.push(negate(kind ? { field: 'payment_kind', op: 'eq', value: kind } : always(false), processor.operator));
  }
  const status = str('status');
  if (status) conditions.push(negate(statusCondition(status.value), status.operator));

  for (const field of ['amount', 'amount_authorized', 'amount_captured', 'amount_settled'] as const) {
    const c = intCriterion(body, field);
    if (c) conditions.push(intMatch(field, c));
  }
  const tax = intCriterion(body, 'tax_amount');
  if (tax) conditions.push(intMatch(vendor('tax_amount', 'number'), tax));

  for (const field of ['created_at', 'captured_at', 'settled_at'] as const) {
    const range = dateRange(body, field);
    if (range) conditions.push(rangeMatch(field, range));
  }

  for (const which of ['billing_address', 'shipping_address'] as const) {
    const nested = body[which];
    if (nested === undefined || nested === null) continue;
    if (!isObject(nested)) throw invalid(`${which} must be an object of criteria`, which);
    const addressId = stringCriterion(nested, 'address_id', `${which}.address_id`);
    if (addressId) conditions.push(stringMatch(vendor(`${which}_id`), addressId));
    for (const field of ADDRESS_FIELDS) {
      const c = stringCriterion(nested, field, `${which}.${field}`);
      if (c) conditions.push(stringMatch(vendor(`${which}.${field}`), c));
    }
  }
  return conditions;
}

export async function transactionSearchRoutes(app: FastifyInstance): Promise<void> {
  app.post('/transaction/search', async (request) => {
    const ctx = tenantOf(request);
    const body = bodyOf(request);
    const page = paging(body);
    const where = transactionConditions(ctx, body);
    const { rows, total } = await listTransactions(ctx, FLUIDPAY_TYPES, { where, order: [{ field: 'created_at', direction: 'desc' }], tieBreak: 'desc', ...page, total: true });
    const rc = await renderContext(ctx, rows);
    return listed(
      rows.map((row) => renderTransaction(row, rc)),
      total ?? 0,
      '',
    );
  });
}
