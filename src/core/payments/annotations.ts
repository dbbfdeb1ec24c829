// Vendor fields a front door keeps on a transaction (FluidPay's tax_amount, po_number, addresses ...)
// that change after the money moved, e.g. capture overrides. No money moves here; the change is
// recorded as an event. Also a batch read of payment methods for rendering lists without N+1.
import type { PaymentMethodRow, TransactionRow } from '../../store/schema.ts';
import { forUpdate } from '../../store/locks.ts';
import type { TenantContext } from '../context.ts';
import { notFound } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { inWork } from '../work.ts';

/** Merges patch into vendor_data[vendor] of a transaction. */
export async function annotateTransaction(ctx: TenantContext, id: number, vendor: string, patch: Record<string, unknown>): Promise<TransactionRow> {
  return inWork(ctx, async (ctx) => {
    const row = await forUpdate(ctx.db.selectFrom('transactions').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', id), ctx.dialect).executeTakeFirst();
    if (!row) throw notFound('transaction', id);
    const all = JSON.parse(row.vendor_data) as Record<string, Record<string, unknown>>;
    all[vendor] = { ...(all[vendor] ?? {}), ...patch };
    const updated = await ctx.db
      .updateTable('transactions')
      .set({ vendor_data: JSON.stringify(all), updated_at: ctx.clock.now() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordEvent(ctx, 'transaction.annotated', 'transaction', id, { vendor, patch });
    return updated;
  });
}

/** Payment methods by id (deleted ones included: old transactions still show their card). */
export async function paymentMethodsByIds(ctx: TenantContext, ids: readonly number[]): Promise<Map<number, PaymentMethodRow>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await ctx.db.selectFrom('payment_methods').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', 'in', unique).execute();
  return new Map(rows.map((row) => [row.id, row]));
}

/** Refund children of the given transactions, oldest first. */
export async function refundsOf(ctx: TenantContext, parentId: number): Promise<TransactionRow[]> {
  return ctx.db.selectFrom('transactions').selectAll().where('tenant_id', '=', ctx.tenant.id).where('parent_id', '=', parentId).orderBy('id').execute();
}

/** Transactions by id (parents of refunds when rendering a list). */
export async function transactionsByIds(ctx: TenantContext, ids: readonly number[]): Promise<Map<number, TransactionRow>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await ctx.db.selectFrom('transactions').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', 'in', unique).execute();
  return new Map(rows.map((row) => [row.id, row]));
}

/** Creation times of customers by id (front doors whose ids embed the creation time). */
export async function customerCreationTimes(ctx: TenantContext, ids: readonly number[]): Promise<Map<number, number>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await ctx.db.selectFrom('customers').select(['id', 'created_at']).where('tenant_id', '=', ctx.tenant.id).where('id', 'in', unique).execute();
  return new Map(rows.map((row) => [row.id, Number(row.created_at)]));
}
