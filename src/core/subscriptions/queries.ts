// Reading subscriptions: in bulk by id, by token, lists over the filter language with the fields
// every door maps its own onto (including any line's item or key, the customer's contacts, the
// state on the tenant's clock), their renewals, and the money figures of what they invoiced.
import { sql } from 'kysely';
import type { RenewalRow, SubscriptionRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { tenantToday } from '../clock/tenant-time.ts';
import { jsonText } from '../query/json.ts';
import { column, type FieldSet, type ScalarField } from '../query/compile.ts';
import type { ListQuery, Page } from '../query/conditions.ts';
import { countList, inOrder, runList } from '../query/list.ts';
import { chunks } from '../bulk.ts';

const c = (name: string, type: ScalarField['type']) => column('subscriptions', name, type);

/** Has an open invoice past its due date (in the tenant's zone). */
const overdue = (ctx: TenantContext) =>
  sql`exists (select 1 from invoices oi where oi.subscription_id = subscriptions.id and oi.status = 'open' and oi.balance > 0 and oi.due_date < ${tenantToday(ctx)})`;
const paused = (ctx: TenantContext) =>
  sql`(subscriptions.pause_from is not null and subscriptions.pause_from <= ${ctx.clock.now()} and (subscriptions.pause_until is null or subscriptions.pause_until > ${ctx.clock.now()}))`;

/**
 * The state a door shows, on the tenant's clock: cancelled | cancelled_nonpayment | completed |
 * paused (a pause window covers now, or paused outright) | trialing | overdue (an invoice past due,
 * or past due/unpaid) | active.
 */
export const subscriptionState = (ctx: TenantContext) =>
  sql<string>`(case
    when subscriptions.status = 'cancelled' and subscriptions.status_reason = 'nonpayment' then 'cancelled_nonpayment'
    when subscriptions.status = 'cancelled' then 'cancelled'
    when subscriptions.status = 'completed' then 'completed'
    when subscriptions.status = 'paused' or ${paused(ctx)} then 'paused'
    when subscriptions.status = 'trialing' then 'trialing'
    when subscriptions.status in ('past_due', 'unpaid') or ${overdue(ctx)} then 'overdue'
    else 'active' end)`;

/** How the subscription collects: invoice (only invoiced) | any (the customer's methods) | card | bank | tokenized (the method's kind). */
const collectsBy: ScalarField['expr'] = () =>
  sql`(case when subscriptions.payment_method_id is not null then (select pm.kind from payment_methods pm where pm.id = subscriptions.payment_method_id) when subscriptions.collection = 'invoice' then 'invoice' else 'any' end)`;

const primary =
  (name: string): ScalarField['expr'] =>
  () =>
    sql`(select pc.${sql.ref(name)} from contacts pc where pc.customer_id = subscriptions.customer_id and pc.is_primary = 1 and pc.deleted_at is null)`;

export const SUBSCRIPTION_FIELDS: FieldSet = {
  table: 'subscriptions',
  objectType: 'subscription',
  fields: {
    id: c('id', 'number'),
    customer_id: c('customer_id', 'number'),
    plan_id: c('plan_id', 'number'),
    token: c('token', 'text_ci'),
    status: c('status', 'text_ci'),
    currency: c('currency', 'text_ci'),
    amount: c('amount', 'number'),
    description: c('description', 'text_ci'),
    next_bill_date: c('next_bill_date', 'string'),
    created_at: c('created_at', 'number'),
    updated_at: c('updated_at', 'number'),
    cancelled_at: c('cancelled_at', 'number'),
    state: { expr: (ctx) => subscriptionState(ctx), type: 'text_ci' },
    collects_by: { expr: collectsBy, type: 'text_ci' },
    /** unit:interval:number of anchors ("month:1:0"), for matching a door's cycle words. */
    cadence: {
      expr: (ctx) =>
        ctx.dialect === 'postgres'
          ? sql`(${jsonText(ctx.dialect, 'subscriptions.schedule', ['unit'])} || ':' || ${jsonText(ctx.dialect, 'subscriptions.schedule', ['interval'])} || ':' || jsonb_array_length(cast(subscriptions.schedule as jsonb) -> 'anchors'))`
          : sql`(${jsonText(ctx.dialect, 'subscriptions.schedule', ['unit'])} || ':' || ${jsonText(ctx.dialect, 'subscriptions.schedule', ['interval'])} || ':' || json_array_length(subscriptions.schedule, '$.anchors'))`,
      type: 'text_ci',
    },
    'customer.primary_email': { expr: primary('email'), type: 'text_ci' },
  },
  related: {
    lines: {
      from: 'subscription_lines',
      alias: 'sl',
      join: 'sl.subscription_id = subscriptions.id and sl.cancelled_at is null',
      objectType: 'subscription_line',
      fields: { item_id: { column: 'item_id', type: 'number' }, id: { column: 'id', type: 'number' } },
    },
    contacts: {
      from: 'contacts',
      alias: 'sc',
      join: 'sc.customer_id = subscriptions.customer_id and sc.deleted_at is null',
      fields: { email: { column: 'email', type: 'text_ci' } },
    },
  },
};

const base = (ctx: TenantContext) => ctx.db.selectFrom('subscriptions').selectAll().where('subscriptions.tenant_id', '=', ctx.tenant.id).where('subscriptions.deleted_at', 'is', null);

export async function querySubscriptions(ctx: TenantContext, query: ListQuery): Promise<Page<SubscriptionRow>> {
  return runList(ctx, SUBSCRIPTION_FIELDS, base(ctx), query, { field: 'id', direction: query.tieBreak ?? 'asc' });
}

export async function countSubscriptions(ctx: TenantContext, query: Pick<ListQuery, 'where'>): Promise<number> {
  return countList(ctx, SUBSCRIPTION_FIELDS, base(ctx), query);
}

export async function subscriptionsByIds(ctx: TenantContext, ids: readonly number[], options: { includeDeleted?: boolean } = {}): Promise<SubscriptionRow[]> {
  if (ids.length === 0) return [];
  const query = options.includeDeleted ? ctx.db.selectFrom('subscriptions').selectAll().where('subscriptions.tenant_id', '=', ctx.tenant.id) : base(ctx);
  return inOrder(ids, await query.where('subscriptions.id', 'in', [...new Set(ids)]).execute(), (row) => row.id);
}

export async function subscriptionIdByToken(ctx: TenantContext, token: string): Promise<number | null> {
  return (await base(ctx).select('subscriptions.id').where('subscriptions.token', '=', token).executeTakeFirst())?.id ?? null;
}

/** Each subscription's state as doors show it (see subscriptionState), on the tenant's clock. */
export async function subscriptionStates(ctx: TenantContext, ids: readonly number[]): Promise<Map<number, string>> {
  const map = new Map<number, string>();
  for (const part of chunks([...new Set(ids)])) {
    const rows = await ctx.db
      .selectFrom('subscriptions')
      .select(['id', subscriptionState(ctx).as('state')])
      .where('tenant_id', '=', ctx.tenant.id)
      .where('id', 'in', part)
      .execute();
    for (const row of rows) map.set(row.id, String(row.state));
  }
  return map;
}

export interface SubscriptionFigures {
  /** Σ totals of its invoices (not void), minor units. */
  invoiced: number;
  /** Σ paid and credited on them. */
  collected: number;
  /** Σ balances. */
  due: number;
}

/** What each subscription has invoiced, collected and is owed (its invoices, any door's). */
export async function subscriptionFigures(ctx: TenantContext, ids: readonly number[]): Promise<Map<number, SubscriptionFigures>> {
  const map = new Map<number, SubscriptionFigures>();
  for (const part of chunks([...new Set(ids)])) {
    const rows = await ctx.db
      .selectFrom('invoices')
      .select([
        'subscription_id',
        (eb) => eb.fn.sum<number>('total').as('invoiced'),
        (eb) => eb.fn.sum<number>(eb('amount_paid', '+', eb.ref('amount_credited'))).as('collected'),
        (eb) => eb.fn.sum<number>('balance').as('due'),
      ])
      .where('tenant_id', '=', ctx.tenant.id)
      .where('subscription_id', 'in', part)
      .where('status', '=', 'open')
      .groupBy('subscription_id')
      .execute();
    for (const row of rows) map.set(Number(row.subscription_id), { invoiced: Number(row.invoiced ?? 0), collected: Number(row.collected ?? 0), due: Number(row.due ?? 0) });
  }
  return map;
}

/** A subscription's renewals, newest period first. */
export async function renewalsOf(ctx: TenantContext, subscriptionId: number, limit = 100): Promise<RenewalRow[]> {
  return ctx.db.selectFrom('renewals').selectAll().where('tenant_id', '=', ctx.tenant.id).where('subscription_id', '=', subscriptionId).orderBy('period_start', 'desc').limit(limit).execute();
}

/** The subscriptions of a tenant (operators' view), newest first, optionally of one status. */
export async function listForOperators(ctx: TenantContext, options: { status?: string; offset: number; limit: number }): Promise<{ rows: SubscriptionRow[]; total: number }> {
  let query = base(ctx);
  if (options.status) query = query.where('subscriptions.status', '=', options.status);
  const total = await query
    .clearSelect()
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  const rows = await query.orderBy('subscriptions.id', 'desc').offset(options.offset).limit(options.limit).execute();
  return { rows, total: Number(total?.n ?? 0) };
}
