// Payments scheduled on an invoice: stored now, charged when their date comes by the recurring
// engine (a later issue). Schedules append; unscheduling cancels them all; voiding clears them.
import type { ScheduledPaymentsTable } from '../../store/schema.ts';
import type { Selectable } from 'kysely';
import { inTransaction } from '../../store/tx.ts';
import type { TenantContext } from '../context.ts';
import { isIsoDate } from '../clock/clock.ts';
import { DomainError, ErrorCode, invalid, notFound } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { InvoiceState } from './status.ts';

export type ScheduledPayment = Selectable<ScheduledPaymentsTable>;

export interface ScheduleInput {
  amount: number;
  date: string;
  /** any stored method, any card, any bank account, or one specific method. */
  method: { kind: 'any' | 'card' | 'bank' } | { kind: 'method'; paymentMethodId: number };
}

export async function schedulePayments(ctx: TenantContext, invoiceId: number, schedule: ScheduleInput[]): Promise<ScheduledPayment[]> {
  if (schedule.length === 0) throw invalid('schedule must list at least one payment', 'schedule');
  return inTransaction(ctx.db, async (tx) => {
    const invoice = await tx.selectFrom('invoices').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', invoiceId).executeTakeFirst();
    if (!invoice) throw notFound('invoice', invoiceId);
    if (invoice.status !== InvoiceState.OPEN) throw new DomainError(ErrorCode.ILLEGAL_TRANSITION, 'Only an open invoice can have payments scheduled');
    const existing = await tx.selectFrom('scheduled_payments').select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount'), eb.lit(0)).as('total')).where('invoice_id', '=', invoiceId).where('status', '=', 'scheduled').executeTakeFirst();
    let total = Number(existing?.total ?? 0);
    const now = ctx.clock.now();
    const rows: ScheduledPayment[] = [];
    for (const [i, entry] of schedule.entries()) {
      if (!Number.isSafeInteger(entry.amount) || entry.amount <= 0) throw invalid(`schedule[${i}].amount must be positive`, 'amount');
      if (!isIsoDate(entry.date)) throw invalid(`schedule[${i}].date must be YYYY-MM-DD`, 'date');
      if (entry.method.kind === 'method') {
        const method = await tx.selectFrom('payment_methods').select(['customer_id', 'status']).where('tenant_id', '=', ctx.tenant.id).where('id', '=', entry.method.paymentMethodId).executeTakeFirst();
        if (!method || method.status !== 'active' || method.customer_id !== invoice.customer_id) throw invalid(`Payment method ${entry.method.paymentMethodId} does not belong to the invoice's customer`, 'paymethod');
      }
      total += entry.amount;
      if (total > invoice.balance) throw new DomainError(ErrorCode.AMOUNT_EXCEEDS_BALANCE, 'Scheduled payments exceed the invoice balance', { field: 'amount' });
      rows.push(
        await tx
          .insertInto('scheduled_payments')
          .values({
            tenant_id: ctx.tenant.id, invoice_id: invoiceId, customer_id: invoice.customer_id, amount: entry.amount, currency: invoice.currency, due_date: entry.date,
            method_kind: entry.method.kind, payment_method_id: entry.method.kind === 'method' ? entry.method.paymentMethodId : null, status: 'scheduled', created_at: now, updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
    }
    await recordEvent(tx, ctx, 'invoice.payments_scheduled', 'invoice', invoiceId, rows);
    return rows;
  });
}

export async function unschedulePayments(ctx: TenantContext, invoiceId: number): Promise<number> {
  return inTransaction(ctx.db, async (tx) => {
    const invoice = await tx.selectFrom('invoices').select('id').where('tenant_id', '=', ctx.tenant.id).where('id', '=', invoiceId).executeTakeFirst();
    if (!invoice) throw notFound('invoice', invoiceId);
    const result = await tx.updateTable('scheduled_payments').set({ status: 'cancelled', updated_at: ctx.clock.now() }).where('invoice_id', '=', invoiceId).where('status', '=', 'scheduled').executeTakeFirst();
    const n = Number(result.numUpdatedRows);
    if (n > 0) await recordEvent(tx, ctx, 'invoice.payments_unscheduled', 'invoice', invoiceId, { cancelled: n });
    return n;
  });
}

export async function scheduledPayments(ctx: TenantContext, invoiceId: number): Promise<ScheduledPayment[]> {
  return ctx.db.selectFrom('scheduled_payments').selectAll().where('tenant_id', '=', ctx.tenant.id).where('invoice_id', '=', invoiceId).where('status', '=', 'scheduled').orderBy('due_date').orderBy('id').execute();
}
