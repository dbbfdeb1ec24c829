// A payment scheduled on an invoice (ChargeOver's ?action=schedule) is charged on its date (one
// use-case, one transaction): what is scheduled, at most what the invoice still owes, from the
// method it names (one method, any card, any bank account, or any method, default first), applied to
// that invoice. A decline is noted on the invoice and retried on the tenant's dunning ladder (days
// after the scheduled date); after the last step the scheduled payment is failed.
import type { TenantContext } from '../context.ts';
import { addDaysTo } from '../clock/zone.ts';
import { dayStart } from '../clock/tenant-time.ts';
import { recordEvent } from '../events/events.ts';
import { lockInvoice } from '../invoices/allocations.ts';
import { noteAttempts } from '../invoices/attempts.ts';
import { InvoiceState } from '../invoices/status.ts';
import { recurringSettings } from '../tenants/recurring-settings.ts';
import { chargeableMethods } from '../vault/vault.ts';
import { inWork } from '../work.ts';
import { chargeAndApplyWithin } from './charge-and-apply.ts';

export type ScheduledResult = 'paid' | 'retry_scheduled' | 'failed' | 'cancelled' | 'unknown' | 'not_due';

/** When a scheduled payment is due: its retry time, else the start of its date (never before it was made). */
export function scheduledDueAt(ctx: TenantContext, row: { due_date: string; retry_at: number | null; created_at: number }): number {
  return row.retry_at ?? Math.max(dayStart(ctx, row.due_date), Number(row.created_at));
}

export async function collectScheduledPayment(ctx: TenantContext, id: number): Promise<ScheduledResult> {
  return inWork(ctx, async (ctx) => {
    const moment = ctx.clock.now();
    let query = ctx.db.selectFrom('scheduled_payments').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', id);
    if (ctx.dialect === 'postgres') query = query.forUpdate().skipLocked();
    const row = await query.executeTakeFirst();
    if (!row || row.status !== 'scheduled' || scheduledDueAt(ctx, row) > moment) return 'not_due';
    const invoice = await lockInvoice(ctx, row.invoice_id);
    const now = ctx.clock.now();
    if (invoice.status !== InvoiceState.OPEN || invoice.balance <= 0) {
      await ctx.db.updateTable('scheduled_payments').set({ status: 'cancelled', updated_at: now }).where('id', '=', id).execute();
      return 'cancelled';
    }
    let methodIds: number[] = [];
    if (row.method_kind === 'method' && row.payment_method_id !== null) {
      methodIds = await chargeableMethods(ctx, row.customer_id, [row.payment_method_id]).catch(() => []);
    } else {
      const all = await chargeableMethods(ctx, row.customer_id);
      if (row.method_kind === 'card' || row.method_kind === 'bank') {
        const kinds = await ctx.db
          .selectFrom('payment_methods')
          .select(['id', 'kind'])
          .where('id', 'in', all.length ? all : [0])
          .execute();
        const kindOf = new Map(kinds.map((k) => [k.id, k.kind]));
        methodIds = all.filter((m) => kindOf.get(m) === row.method_kind);
      } else methodIds = all;
    }
    let result: 'approved' | 'declined' | 'unknown' = 'declined';
    let transactionId: number | null = null;
    if (methodIds.length > 0) {
      const charged = await chargeAndApplyWithin(
        ctx,
        { customerId: row.customer_id, amount: Math.min(row.amount, invoice.balance), using: { kind: 'saved', methodIds }, applyTo: [{ invoiceId: invoice.id }] },
        undefined,
      );
      result = charged.result;
      transactionId = charged.transaction.id;
    } else await noteAttempts(ctx, [invoice.id], null);
    const attempts = row.attempts + 1;
    if (result === 'approved' || result === 'unknown') {
      // An unknown outcome is resolved (and applied) by the runner's inquiry; it is not charged again.
      await ctx.db.updateTable('scheduled_payments').set({ status: 'done', attempts, transaction_id: transactionId, retry_at: null, updated_at: now }).where('id', '=', id).execute();
      await recordEvent(ctx, 'invoice.scheduled_payment_charged', 'invoice', invoice.id, { scheduled_payment_id: id, transaction_id: transactionId, result });
      return result === 'approved' ? 'paid' : 'unknown';
    }
    const days = recurringSettings(ctx.tenant).dunningDays;
    if (attempts - 1 < days.length) {
      const retryOn = addDaysTo(row.due_date, days[attempts - 1]);
      await ctx.db
        .updateTable('scheduled_payments')
        .set({ attempts, transaction_id: transactionId, retry_at: dayStart(ctx, retryOn), updated_at: now })
        .where('id', '=', id)
        .execute();
      await recordEvent(ctx, 'invoice.scheduled_payment_failed', 'invoice', invoice.id, { scheduled_payment_id: id, transaction_id: transactionId, attempt: attempts, next_retry_on: retryOn });
      return 'retry_scheduled';
    }
    await ctx.db.updateTable('scheduled_payments').set({ status: 'failed', attempts, transaction_id: transactionId, retry_at: null, updated_at: now }).where('id', '=', id).execute();
    await recordEvent(ctx, 'invoice.scheduled_payment_failed', 'invoice', invoice.id, { scheduled_payment_id: id, transaction_id: transactionId, attempt: attempts, next_retry_on: null });
    return 'failed';
  });
}
