// Payments scheduled on an invoice: stored now, charged when their date comes by the recurring
// engine (a later issue). Schedules append; unscheduling, voiding or paying the invoice in full
// cancels them (in the same transaction as the change).
import type { ScheduledPaymentsTable } from '../database.ts';
import type { Selectable } from 'kysely';
import type { TenantContext } from '../context.ts';
import { isIsoDate } from '../clock/clock.ts';
import { DomainError, ErrorCode, invalid, notFound } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { InvoiceState } from './status.ts';
import { inWork, type TxContext } from '../work.ts';

export type ScheduledPayment = Selectable<ScheduledPaymentsTable>;

export interface ScheduleInput {
  amount: number;
  date: string;
  /** any stored method, any card, any bank account, or one specific method. */
  method: { kind: 'any' | 'card' | 'bank' } | { kind: 'method'; paymentMethodId: number };
}

export async function schedulePayments(ctx: TenantContext, invoiceId: number, schedule: ScheduleInput[]): Promise<ScheduledPayment[]> {
  if (schedule.length === 0) throw invalid('schedule must list at least one payment', 'schedule');
  return inWork(ctx, async (ctx) => {
    const invoice = await ctx.db.selectFrom('invoices').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', invoiceId).executeTakeFirst();
    if (!invoice) throw notFound('invoice', invoiceId);
    if (invoice.status !== InvoiceState.OPEN) throw new DomainError(ErrorCode.ILLEGAL_TRANSITION, 'Only an open invoice can have payments scheduled');
    const existing = await ctx.db
      .selectFrom('scheduled_payments')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount'), eb.lit(0)).as('total'))
      .where('invoice_id', '=', invoiceId)
      .where('status', '=', 'scheduled')
      .executeTakeFirst();
    let total = Number(existing?.total ?? 0);
    const now = ctx.clock.now();
    const rows: ScheduledPayment[] = [];
    for (const [i, entry] of schedule.entries()) {
      if (!Number.isSafeInteger(entry.amount) || entry.amount <= 0) throw invalid(`schedule[${i}].amount must be positive`, 'amount');
      if (!isIsoDate(entry.date)) throw invalid(`schedule[${i}].date must be YYYY-MM-DD`, 'date');
      if (entry.method.kind === 'method') {
        const method = await ctx.db
          .selectFrom('payment_methods')
          .select(['customer_id', 'status'])
          .where('tenant_id', '=', ctx.tenant.id)
          .where('id', '=', entry.method.paymentMethodId)
          .executeTakeFirst();
        if (!method || method.status !== 'active' || method.customer_id !== invoice.customer_id)
          throw invalid(`Payment method ${entry.method.paymentMethodId} does not belong to the invoice's customer`, 'paymethod');
      }
      total += entry.amount;
      if (total > invoice.balance) throw new DomainError(ErrorCode.AMOUNT_EXCEEDS_BALANCE, 'Scheduled payments exceed the invoice balance', { field: 'amount' });
      rows.push(
        await ctx.db
          .insertInto('scheduled_payments')
          .values({
            tenant_id: ctx.tenant.id,
            invoice_id: invoiceId,
            customer_id: invoice.customer_id,
            amount: entry.amount,
            currency: invoice.currency,
            due_date: entry.date,
            method_kind: entry.method.kind,
            payment_method_id: entry.method.kind === 'method' ? entry.method.paymentMethodId : null,
            status: 'scheduled',
            created_at: now,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
    }
    await recordEvent(ctx, 'invoice.payments_scheduled', 'invoice', invoiceId, rows);
    return rows;
  });
}

/** Cancels an invoice's scheduled payments inside the caller's transaction; returns how many. */
export async function cancelScheduledPayments(ctx: TxContext, invoiceId: number, reason: 'unscheduled' | 'paid' | 'voided'): Promise<number> {
  const result = await ctx.db
    .updateTable('scheduled_payments')
    .set({ status: 'cancelled', updated_at: ctx.clock.now() })
    .where('tenant_id', '=', ctx.tenant.id)
    .where('invoice_id', '=', invoiceId)
    .where('status', '=', 'scheduled')
    .executeTakeFirst();
  const n = Number(result.numUpdatedRows);
  if (n > 0) await recordEvent(ctx, 'invoice.payments_unscheduled', 'invoice', invoiceId, { cancelled: n, reason });
  return n;
}

export async function unschedulePayments(ctx: TenantContext, invoiceId: number): Promise<number> {
  return inWork(ctx, async (ctx) => {
    const invoice = await ctx.db.selectFrom('invoices').select('id').where('tenant_id', '=', ctx.tenant.id).where('id', '=', invoiceId).executeTakeFirst();
    if (!invoice) throw notFound('invoice', invoiceId);
    return cancelScheduledPayments(ctx, invoiceId, 'unscheduled');
  });
}

export async function scheduledPayments(ctx: TenantContext, invoiceId: number): Promise<ScheduledPayment[]> {
  return ctx.db
    .selectFrom('scheduled_payments')
    .selectAll()
    .where('tenant_id', '=', ctx.tenant.id)
    .where('invoice_id', '=', invoiceId)
    .where('status', '=', 'scheduled')
    .orderBy('due_date')
    .orderBy('id')
    .execute();
}
