// Reading invoices: in bulk by id, by public token or external reference, lines, and lists over
// the filter language with the fields every door maps its own onto (including any line's item and
// any payment applied).
import { sql } from 'kysely';
import type { InvoiceRow } from '../database.ts';
import { isoDate } from '../clock/clock.ts';
import type { CoreServices, TenantContext } from '../context.ts';
import { column, type FieldSet, type ScalarField } from '../query/compile.ts';
import type { ListQuery, Page } from '../query/conditions.ts';
import { countList, inOrder, runList } from '../query/list.ts';

const c = (name: string, type: ScalarField['type']) => column('invoices', name, type);

export const INVOICE_FIELDS: FieldSet = {
  table: 'invoices',
  objectType: 'invoice',
  fields: {
    id: c('id', 'number'),
    customer_id: c('customer_id', 'number'),
    number: c('number', 'text_ci'),
    token: c('token', 'text_ci'),
    status: c('status', 'text_ci'),
    currency: c('currency', 'text_ci'),
    issue_date: c('issue_date', 'string'),
    due_date: c('due_date', 'string'),
    total: c('total', 'number'),
    balance: c('balance', 'number'),
    amount_paid: c('amount_paid', 'number'),
    created_at: c('created_at', 'number'),
    updated_at: c('updated_at', 'number'),
    /** The subscription whose renewal raised it. */
    subscription_id: c('subscription_id', 'number'),
    'subscription.token': { expr: () => sql`(select s.token from subscriptions s where s.id = invoices.subscription_id)`, type: 'text_ci' },
    /** draft | void | paid | overdue (on the tenant's clock) | open */
    state: {
      expr: (ctx) =>
        sql`(case when invoices.status = 'draft' then 'draft' when invoices.status = 'void' then 'void' when invoices.balance <= 0 then 'paid' when invoices.due_date < ${isoDate(ctx.clock.now())} then 'overdue' else 'open' end)`,
      type: 'text_ci',
    },
    'first_line.item_id': { expr: () => sql`(select min(l.item_id) from invoice_lines l where l.invoice_id = invoices.id)`, type: 'number' },
    'first_payment.transaction_id': { expr: () => sql`(select min(a.transaction_id) from allocations a where a.invoice_id = invoices.id)`, type: 'number' },
  },
  related: {
    lines: {
      from: 'invoice_lines',
      alias: 'li',
      join: 'li.invoice_id = invoices.id',
      fields: { item_id: { column: 'item_id', type: 'number' }, description: { column: 'description', type: 'text_ci' } },
    },
    payments: { from: 'allocations', alias: 'ap', join: 'ap.invoice_id = invoices.id', fields: { transaction_id: { column: 'transaction_id', type: 'number' } } },
  },
};

/** Issued invoices (open or void) unless drafts are asked for too; deleted ones never. */
const base = (ctx: TenantContext, withDrafts: boolean) => {
  const query = ctx.db.selectFrom('invoices').selectAll().where('invoices.tenant_id', '=', ctx.tenant.id);
  return withDrafts ? query.where('invoices.status', '!=', 'deleted') : query.where('invoices.status', 'not in', ['draft', 'deleted']);
};

export interface InvoiceListOptions {
  withDrafts?: boolean;
}

export async function listInvoices(ctx: TenantContext, query: ListQuery, options: InvoiceListOptions = {}): Promise<Page<InvoiceRow>> {
  return runList(ctx, INVOICE_FIELDS, base(ctx, options.withDrafts === true), query, { field: 'id', direction: query.tieBreak ?? 'asc' });
}

export async function countInvoices(ctx: TenantContext, query: Pick<ListQuery, 'where'>, options: InvoiceListOptions = {}): Promise<number> {
  return countList(ctx, INVOICE_FIELDS, base(ctx, options.withDrafts === true), query);
}

export async function invoicesByIds(ctx: TenantContext, ids: readonly number[]): Promise<InvoiceRow[]> {
  if (ids.length === 0) return [];
  return inOrder(
    ids,
    await base(ctx, true)
      .where('invoices.id', 'in', [...new Set(ids)])
      .execute(),
    (row) => row.id,
  );
}

export async function invoiceIdByToken(ctx: TenantContext, token: string): Promise<number | null> {
  return (await base(ctx, true).select('invoices.id').where('invoices.token', '=', token).executeTakeFirst())?.id ?? null;
}

/** An invoice found by its public token, from any tenant (public payment links carry no credential). */
export async function invoiceByPublicToken(db: TenantContext['db'], token: string): Promise<InvoiceRow | undefined> {
  return db.selectFrom('invoices').selectAll().where('token', '=', token).where('status', '!=', 'deleted').executeTakeFirst();
}

/** invoiceByPublicToken for a caller holding the services rather than a tenant (public link pages). */
export async function invoiceForPublicLink(services: Pick<CoreServices, 'db'>, token: string): Promise<InvoiceRow | undefined> {
  return invoiceByPublicToken(services.db, token);
}

/** What is applied to each invoice, per payment (net of unapplications), oldest payment first. */
export async function applicationsToInvoices(ctx: TenantContext, invoiceIds: readonly number[]): Promise<Map<number, Array<{ transactionId: number; amount: number; firstAt: number }>>> {
  const map = new Map<number, Array<{ transactionId: number; amount: number; firstAt: number }>>();
  const unique = [...new Set(invoiceIds)];
  if (unique.length === 0) return map;
  const rows = await ctx.db
    .selectFrom('allocations')
    .select(['invoice_id', 'transaction_id', (eb) => eb.fn.sum<number>('amount').as('amount'), (eb) => eb.fn.min<number>('created_at').as('first_at')])
    .where('tenant_id', '=', ctx.tenant.id)
    .where('invoice_id', 'in', unique)
    .where('transaction_id', 'is not', null)
    .groupBy(['invoice_id', 'transaction_id'])
    .orderBy('transaction_id')
    .execute();
  for (const row of rows) {
    if (Number(row.amount) === 0) continue;
    const list = map.get(Number(row.invoice_id)) ?? [];
    list.push({ transactionId: Number(row.transaction_id), amount: Number(row.amount), firstAt: Number(row.first_at) });
    map.set(Number(row.invoice_id), list);
  }
  return map;
}
