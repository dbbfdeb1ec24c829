// Payments scheduled on invoices are charged on their date (and retried on the dunning ladder).
import { collectScheduledPayment, scheduledDueAt } from '../../flows/collect-scheduled-payment.ts';
import { tenantDate } from '../../clock/tenant-time.ts';
import type { TenantContext } from '../../context.ts';
import type { DueWorkKind } from '../kind.ts';

async function candidates(ctx: TenantContext, until: number, limit: number) {
  const rows = await ctx.db
    .selectFrom('scheduled_payments')
    .select(['id', 'invoice_id', 'due_date', 'retry_at', 'created_at'])
    .where('tenant_id', '=', ctx.tenant.id)
    .where('status', '=', 'scheduled')
    .where((eb) => eb.or([eb('retry_at', '<=', until), eb.and([eb('retry_at', 'is', null), eb('due_date', '<=', tenantDate(ctx, until))])]))
    .orderBy('due_date')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ ...row, dueAt: scheduledDueAt(ctx, row) })).filter((row) => row.dueAt <= until);
}

export const scheduledPayments: DueWorkKind = {
  name: 'scheduled_payment',
  async nextDue(ctx) {
    const rows = await ctx.db
      .selectFrom('scheduled_payments')
      .select(['due_date', 'retry_at', 'created_at'])
      .where('tenant_id', '=', ctx.tenant.id)
      .where('status', '=', 'scheduled')
      .orderBy('due_date')
      .limit(200)
      .execute();
    const retry = await ctx.db
      .selectFrom('scheduled_payments')
      .select((eb) => eb.fn.min('retry_at').as('at'))
      .where('tenant_id', '=', ctx.tenant.id)
      .where('status', '=', 'scheduled')
      .executeTakeFirst();
    const times = rows.filter((r) => r.retry_at === null).map((r) => scheduledDueAt(ctx, r));
    if (retry?.at !== null && retry?.at !== undefined) times.push(Number(retry.at));
    return times.length ? Math.min(...times) : null;
  },
  async run(ctx, moment) {
    let done = 0;
    for (const row of await candidates(ctx, moment, 1000)) if ((await collectScheduledPayment(ctx, row.id)) !== 'not_due') done++;
    return done;
  },
  async pending(ctx, until, limit) {
    return (await candidates(ctx, until, limit)).map((row) => ({
      kind: 'scheduled_payment',
      dueAt: row.dueAt,
      objectType: 'invoice',
      objectId: row.invoice_id,
      detail: { scheduled_payment_id: row.id },
    }));
  },
};
