// Vendor fields a front door keeps on a transaction (FluidPay's tax_amount, po_number, addresses ...)
// that change after the money moved, e.g. capture overrides. No money moves here; the change is
// recorded as an event.
import type { TransactionRow } from '../database.ts';
import { forUpdate } from '../db.ts';
import type { TenantContext } from '../context.ts';
import { notFound } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { inWork } from '../work.ts';
import { mergeVendorData } from '../vendor-data.ts';

/** Merges patch into vendor_data[vendor] of a transaction. */
export async function annotateTransaction(ctx: TenantContext, id: number, vendor: string, patch: Record<string, unknown>): Promise<TransactionRow> {
  return inWork(ctx, async (ctx) => {
    const row = await forUpdate(ctx.db.selectFrom('transactions').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', id), ctx.dialect).executeTakeFirst();
    if (!row) throw notFound('transaction', id);
    const updated = await ctx.db
      .updateTable('transactions')
      .set({ vendor_data: mergeVendorData(row.vendor_data, vendor, patch), updated_at: ctx.clock.now() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordEvent(ctx, 'transaction.annotated', 'transaction', id, { vendor, patch });
    return updated;
  });
}
