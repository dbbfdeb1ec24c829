// Reading payment methods: in bulk by id, each customer's default (its chosen one, else its oldest
// active card or bank account), by token or reference, and lists over the filter language.
import type { PaymentMethodRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { column, type FieldSet, type ScalarField } from '../query/compile.ts';
import type { ListQuery, Page } from '../query/conditions.ts';
import { countList, inOrder, runList } from '../query/list.ts';

const c = (name: string, type: ScalarField['type']) => column('payment_methods', name, type);

export const PAYMENT_METHOD_FIELDS: FieldSet = {
  table: 'payment_methods',
  objectType: 'payment_method',
  fields: {
    id: c('id', 'number'),
    customer_id: c('customer_id', 'number'),
    kind: c('kind', 'text_ci'),
    status: c('status', 'text_ci'),
    brand: c('brand', 'text_ci'),
    last4: c('last4', 'string'),
    token: c('token', 'text_ci'),
    created_at: c('created_at', 'number'),
  },
};

const base = (ctx: TenantContext) => ctx.db.selectFrom('payment_methods').selectAll().where('payment_methods.tenant_id', '=', ctx.tenant.id).where('payment_methods.status', '=', 'active');

export async function listPaymentMethodsBy(ctx: TenantContext, query: ListQuery): Promise<Page<PaymentMethodRow>> {
  return runList(ctx, PAYMENT_METHOD_FIELDS, base(ctx), query, { field: 'id', direction: query.tieBreak ?? 'asc' });
}

export async function countPaymentMethods(ctx: TenantContext, query: Pick<ListQuery, 'where'>): Promise<number> {
  return countList(ctx, PAYMENT_METHOD_FIELDS, base(ctx), query);
}

/** Payment methods by id, deleted ones included (old transactions still show their card). */
export async function paymentMethodsByIds(ctx: TenantContext, ids: readonly number[]): Promise<Map<number, PaymentMethodRow>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await ctx.db.selectFrom('payment_methods').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', 'in', unique).execute();
  return new Map(rows.map((row) => [row.id, row]));
}

export async function activeMethodsInOrder(ctx: TenantContext, ids: readonly number[]): Promise<PaymentMethodRow[]> {
  if (ids.length === 0) return [];
  return inOrder(
    ids,
    await base(ctx)
      .where('payment_methods.id', 'in', [...new Set(ids)])
      .execute(),
    (row) => row.id,
  );
}

export async function paymentMethodIdByToken(ctx: TenantContext, token: string): Promise<number | null> {
  return (await base(ctx).select('payment_methods.id').where('payment_methods.token', '=', token).executeTakeFirst())?.id ?? null;
}

/** Each customer's default payment method: the one it chose, else its oldest active card or bank account. */
export async function defaultPaymentMethods(ctx: TenantContext, customerIds: readonly number[]): Promise<Map<number, PaymentMethodRow>> {
  const unique = [...new Set(customerIds)];
  const map = new Map<number, PaymentMethodRow>();
  if (unique.length === 0) return map;
  const chosen = await ctx.db.selectFrom('customers').select(['id', 'default_payment_method_id']).where('tenant_id', '=', ctx.tenant.id).where('id', 'in', unique).execute();
  const rows = await base(ctx).where('payment_methods.customer_id', 'in', unique).where('payment_methods.kind', 'in', ['card', 'bank']).orderBy('payment_methods.id').execute();
  for (const customer of chosen) {
    const mine = rows.filter((row) => row.customer_id === customer.id);
    const pick = mine.find((row) => row.id === customer.default_payment_method_id) ?? mine[0];
    if (pick) map.set(customer.id, pick);
  }
  return map;
}

/** Each customer's active payment methods, oldest first (renderers listing a customer's whole vault). */
export async function paymentMethodsOfCustomers(ctx: TenantContext, customerIds: readonly number[]): Promise<Map<number, PaymentMethodRow[]>> {
  const unique = [...new Set(customerIds)];
  const map = new Map<number, PaymentMethodRow[]>(unique.map((id) => [id, []]));
  if (unique.length === 0) return map;
  for (const row of await base(ctx).where('payment_methods.customer_id', 'in', unique).orderBy('payment_methods.id').execute()) map.get(row.customer_id as number)?.push(row);
  return map;
}
