// Reading transactions: in bulk by id, by public token or external reference, refunds of a payment,
// and lists over the filter language with the fields every door maps its own onto.
import { sql } from 'kysely';
import type { TransactionRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { column, type FieldSet, type ScalarField } from '../query/compile.ts';
import type { ListQuery, Page } from '../query/conditions.ts';
import { countList, inOrder, runList } from '../query/list.ts';
import { jsonText } from '../query/json.ts';

const c = (name: string, type: ScalarField['type']) => column('transactions', name, type);
const methodOfKind = (kind: string): ScalarField => ({ expr: () => sql`(case when transactions.payment_kind = ${kind} then transactions.payment_method_id end)`, type: 'number' });
/** A field of the transaction's payment method (its holder, brand, expiry), for searches by what was paid with. */
const method = (name: string, type: ScalarField['type']): ScalarField => ({
  expr: () => sql`(select pm.${sql.ref(name)} from payment_methods pm where pm.id = transactions.payment_method_id)`,
  type,
});
/** A field of the method's billing address and contact (line1, city, postal_code, email ...). */
const methodAddress = (key: string): ScalarField => ({
  expr: (ctx) => sql`(select ${jsonText(ctx.dialect, 'pm.billing_address', [key])} from payment_methods pm where pm.id = transactions.payment_method_id)`,
  type: 'text_ci',
});

export const TRANSACTION_FIELDS: FieldSet = {
  table: 'transactions',
  objectType: 'transaction',
  fields: {
    id: c('id', 'number'),
    customer_id: c('customer_id', 'number'),
    parent_id: c('parent_id', 'number'),
    type: c('type', 'text_ci'),
    status: c('status', 'text_ci'),
    currency: c('currency', 'text_ci'),
    amount: c('amount', 'number'),
    amount_authorized: c('amount_authorized', 'number'),
    amount_captured: c('amount_captured', 'number'),
    amount_settled: c('amount_settled', 'number'),
    amount_refunded: c('amount_refunded', 'number'),
    payment_kind: c('payment_kind', 'text_ci'),
    payment_method_id: c('payment_method_id', 'number'),
    card_id: methodOfKind('card'),
    bank_account_id: methodOfKind('bank'),
    gateway_token_id: methodOfKind('tokenized'),
    order_id: c('order_id', 'string'),
    description: c('description', 'text_ci'),
    token: c('token', 'text_ci'),
    created_at: c('created_at', 'number'),
    captured_at: c('captured_at', 'number'),
    settled_at: c('settled_at', 'number'),
    settlement_batch_id: c('settlement_batch_id', 'number'),
    mode: c('mode', 'string'),
    account_id: c('account_id', 'number'),
    auth_code: c('auth_code', 'text_ci'),
    decline_reason: c('decline_reason', 'text_ci'),
    'method.holder_name': method('holder_name', 'text_ci'),
    'method.brand': method('brand', 'text_ci'),
    'method.last4': method('last4', 'string'),
    'method.exp_month': method('exp_month', 'number'),
    'method.exp_year': method('exp_year', 'number'),
    'method.routing_number': method('routing_number', 'string'),
    'method.account_type': method('account_type', 'text_ci'),
    'method.fingerprint': method('fingerprint', 'string'),
    ...Object.fromEntries(['line1', 'line2', 'city', 'state', 'postal_code', 'country', 'email', 'phone'].map((key) => [`method.${key}`, methodAddress(key)])),
    subscription_id: c('subscription_id', 'number'),
    gateway_ref: c('gateway_ref', 'string'),
    /** none | partial | full: how much of what was captured has been refunded. */
    refund_state: {
      expr: () => sql`(case when transactions.amount_refunded = 0 then 'none' when transactions.amount_refunded < transactions.amount_captured then 'partial' else 'full' end)`,
      type: 'text_ci',
    },
  },
  related: {
    applied: { from: 'allocations', alias: 'al', join: 'al.transaction_id = transactions.id', fields: { invoice_id: { column: 'invoice_id', type: 'number' } } },
    /** The invoices it is applied to (their subscription: which package a payment paid). */
    applied_invoices: {
      from: 'invoices',
      alias: 'ai',
      join: 'ai.id in (select al2.invoice_id from allocations al2 where al2.transaction_id = transactions.id)',
      fields: { subscription_id: { column: 'subscription_id', type: 'number' } },
    },
  },
};

/** The transaction types a door lists (each door shows its own kinds of money movement). */
const base = (ctx: TenantContext, types: readonly string[]) =>
  ctx.db
    .selectFrom('transactions')
    .selectAll()
    .where('transactions.tenant_id', '=', ctx.tenant.id)
    .where('transactions.type', 'in', [...types]);

export async function listTransactions(ctx: TenantContext, types: readonly string[], query: ListQuery): Promise<Page<TransactionRow>> {
  // An unfiltered total on SQLite comes from the counts its triggers keep (transaction_counts).
  const counted = query.total && !query.where?.length && ctx.dialect === 'sqlite';
  const page = await runList(ctx, TRANSACTION_FIELDS, base(ctx, types), counted ? { ...query, total: false } : query, { field: 'id', direction: query.tieBreak ?? 'asc' });
  return counted ? { ...page, total: await keptCount(ctx, types) } : page;
}

async function keptCount(ctx: TenantContext, types: readonly string[]): Promise<number> {
  const row = await ctx.db
    .selectFrom('transaction_counts')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('n'), eb.lit(0)).as('n'))
    .where('tenant_id', '=', ctx.tenant.id)
    .where('type', 'in', [...types])
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function countTransactions(ctx: TenantContext, types: readonly string[], query: Pick<ListQuery, 'where'>): Promise<number> {
  return countList(ctx, TRANSACTION_FIELDS, base(ctx, types), query);
}

/** Transactions by id, in a map (parents of refunds when rendering a list). */
export async function transactionsByIds(ctx: TenantContext, ids: readonly number[]): Promise<Map<number, TransactionRow>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await ctx.db.selectFrom('transactions').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', 'in', unique).execute();
  return new Map(rows.map((row) => [row.id, row]));
}

export async function transactionsInOrder(ctx: TenantContext, ids: readonly number[]): Promise<TransactionRow[]> {
  return inOrder(ids, [...(await transactionsByIds(ctx, ids)).values()], (row) => row.id);
}

export async function transactionIdByToken(ctx: TenantContext, token: string): Promise<number | null> {
  return (await ctx.db.selectFrom('transactions').select('id').where('tenant_id', '=', ctx.tenant.id).where('token', '=', token).executeTakeFirst())?.id ?? null;
}

/** Refunds of a payment, oldest first. */
export async function refundsOf(ctx: TenantContext, parentId: number): Promise<TransactionRow[]> {
  return ctx.db.selectFrom('transactions').selectAll().where('tenant_id', '=', ctx.tenant.id).where('parent_id', '=', parentId).orderBy('id').execute();
}

/** What of each payment is applied to each invoice (net of unapplications). */
export async function applicationsOf(ctx: TenantContext, transactionIds: readonly number[]): Promise<Map<number, Array<{ invoiceId: number; amount: number }>>> {
  const map = new Map<number, Array<{ invoiceId: number; amount: number }>>();
  const unique = [...new Set(transactionIds)];
  if (unique.length === 0) return map;
  const rows = await ctx.db
    .selectFrom('allocations')
    .select(['transaction_id', 'invoice_id', (eb) => eb.fn.sum<number>('amount').as('amount')])
    .where('tenant_id', '=', ctx.tenant.id)
    .where('transaction_id', 'in', unique)
    .groupBy(['transaction_id', 'invoice_id'])
    .orderBy('invoice_id')
    .execute();
  for (const row of rows) {
    if (Number(row.amount) === 0) continue;
    const list = map.get(Number(row.transaction_id)) ?? [];
    list.push({ invoiceId: Number(row.invoice_id), amount: Number(row.amount) });
    map.set(Number(row.transaction_id), list);
  }
  return map;
}

/**
 * What of each payment (or credit) is still the customer's to apply: captured, less refunded, less
 * what is on invoices; 0 for payments that hold no money (declined, voided, pending answers).
 */
export async function unappliedAmounts(ctx: TenantContext, rows: readonly TransactionRow[]): Promise<Map<number, number>> {
  const map = new Map<number, number>();
  const holding = rows.filter((row) => (row.status === 'captured' || row.status === 'settled') && (row.type === 'sale' || row.type === 'authorize' || row.type === 'credit_memo'));
  for (const row of rows) map.set(row.id, 0);
  if (holding.length === 0) return map;
  const applied = await ctx.db
    .selectFrom('allocations')
    .select(['transaction_id', (eb) => eb.fn.sum<number>('amount').as('total')])
    .where('tenant_id', '=', ctx.tenant.id)
    .where(
      'transaction_id',
      'in',
      holding.map((row) => row.id),
    )
    .groupBy('transaction_id')
    .execute();
  const byId = new Map(applied.map((row) => [Number(row.transaction_id), Number(row.total)]));
  for (const row of holding) map.set(row.id, row.amount_captured - row.amount_refunded - (byId.get(row.id) ?? 0));
  return map;
}
