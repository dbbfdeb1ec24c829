// Reading recurring charges and their occurrences (../flows/recurring-charges.ts, ../flows/occurrences.ts):
// a door's own subscriptions of one mode, filtered and paged; each subscription's occurrences (its
// renewals in date order) with the charges made for each (the charge that paid it, the declined
// attempts on its invoice, oldest first); and, for charges, which occurrence they were made for.
import type { RenewalRow, SubscriptionRow, TransactionRow } from '../database.ts';
import type { Mode, TenantContext } from '../context.ts';
import { chunks } from '../bulk.ts';
import { jsonText } from '../query/json.ts';

export interface VendorSubscriptionQuery {
  vendor: string;
  mode: Mode;
  statuses?: readonly string[];
  /** Leave out those with this status reason (a door's deleted ones). */
  exceptReason?: string;
  accountId?: number;
  orderId?: string;
  offset: number;
  limit: number;
  direction: 'asc' | 'desc';
}

export async function listVendorSubscriptions(ctx: TenantContext, q: VendorSubscriptionQuery): Promise<{ rows: SubscriptionRow[]; total: number }> {
  let base = ctx.db.selectFrom('subscriptions').where('tenant_id', '=', ctx.tenant.id).where('vendor', '=', q.vendor).where('mode', '=', q.mode).where('deleted_at', 'is', null);
  if (q.statuses !== undefined) base = base.where('status', 'in', q.statuses.length > 0 ? [...q.statuses] : ['-']);
  if (q.exceptReason !== undefined) base = base.where((eb) => eb.or([eb('status_reason', 'is', null), eb('status_reason', '!=', q.exceptReason as string)]));
  if (q.accountId !== undefined) base = base.where(jsonText(ctx.dialect, 'options', ['charge', 'accountId']), '=', String(q.accountId));
  if (q.orderId !== undefined) base = base.where(jsonText(ctx.dialect, 'options', ['charge', 'orderId']), '=', q.orderId);
  const count = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
  const rows = await base.selectAll().orderBy('created_at', q.direction).orderBy('id', q.direction).offset(q.offset).limit(q.limit).execute();
  return { rows, total: Number(count?.n ?? 0) };
}

/** Occurrences of many subscriptions: their renewals (not skipped periods), oldest date first. */
export async function occurrencesOf(ctx: TenantContext, subscriptionIds: readonly number[]): Promise<Map<number, RenewalRow[]>> {
  const map = new Map<number, RenewalRow[]>();
  for (const part of chunks([...new Set(subscriptionIds)])) {
    const rows = await ctx.db
      .selectFrom('renewals')
      .selectAll()
      .where('tenant_id', '=', ctx.tenant.id)
      .where('subscription_id', 'in', part)
      .where('status', '!=', 'skipped')
      .orderBy('period_start')
      .orderBy('id')
      .execute();
    for (const row of rows) map.set(row.subscription_id, [...(map.get(row.subscription_id) ?? []), row]);
  }
  return map;
}

/** The charges made for each renewal, oldest first: declined attempts on its invoice, the payment applied to it, the charge it was paid by. */
export async function renewalCharges(ctx: TenantContext, renewals: readonly RenewalRow[]): Promise<Map<number, TransactionRow[]>> {
  const idsByRenewal = new Map<number, Set<number>>(renewals.map((r) => [r.id, new Set(r.transaction_id !== null ? [Number(r.transaction_id)] : [])]));
  const byInvoice = new Map(renewals.filter((r) => r.invoice_id !== null).map((r) => [Number(r.invoice_id), r.id]));
  for (const part of chunks([...byInvoice.keys()])) {
    const attempts = await ctx.db.selectFrom('payment_attempts').select(['invoice_id', 'transaction_id']).where('tenant_id', '=', ctx.tenant.id).where('invoice_id', 'in', part).execute();
    const applied = await ctx.db
      .selectFrom('allocations')
      .select(['invoice_id', 'transaction_id'])
      .where('tenant_id', '=', ctx.tenant.id)
      .where('invoice_id', 'in', part)
      .where('kind', '=', 'payment')
      .execute();
    for (const row of [...attempts, ...applied]) {
      if (row.transaction_id !== null) idsByRenewal.get(byInvoice.get(Number(row.invoice_id)) as number)?.add(Number(row.transaction_id));
    }
  }
  const all = [...new Set([...idsByRenewal.values()].flatMap((s) => [...s]))];
  const rows = new Map<number, TransactionRow>();
  for (const part of chunks(all)) for (const row of await ctx.db.selectFrom('transactions').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', 'in', part).execute()) rows.set(row.id, row);
  const out = new Map<number, TransactionRow[]>();
  for (const [renewalId, ids] of idsByRenewal) {
    out.set(
      renewalId,
      [...ids]
        .map((id) => rows.get(id))
        .filter((r): r is TransactionRow => r !== undefined)
        .sort((a, b) => a.created_at - b.created_at || a.id - b.id),
    );
  }
  return out;
}

export interface ChargeOccurrence {
  subscription: SubscriptionRow;
  /** 1-based place of the occurrence among its subscription's. */
  n: number;
}

/** For charges made for subscriptions: the subscription and which occurrence each was made for. */
export async function occurrencesOfCharges(ctx: TenantContext, txns: readonly Pick<TransactionRow, 'id' | 'subscription_id'>[]): Promise<Map<number, ChargeOccurrence>> {
  const out = new Map<number, ChargeOccurrence>();
  const subIds = [...new Set(txns.flatMap((t) => (t.subscription_id === null ? [] : [Number(t.subscription_id)])))];
  if (subIds.length === 0) return out;
  const subs = new Map<number, SubscriptionRow>();
  for (const part of chunks(subIds))
    for (const row of await ctx.db.selectFrom('subscriptions').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', 'in', part).execute()) subs.set(row.id, row);
  const occurrences = await occurrencesOf(ctx, subIds);
  const charges = await renewalCharges(ctx, [...occurrences.values()].flat());
  const wanted = new Set(txns.map((t) => t.id));
  for (const [subId, renewals] of occurrences) {
    renewals.forEach((renewal, i) => {
      for (const txn of charges.get(renewal.id) ?? []) if (wanted.has(txn.id)) out.set(txn.id, { subscription: subs.get(subId) as SubscriptionRow, n: i + 1 });
    });
  }
  return out;
}
