// Invoices pass their due date: the day after it (in the tenant's zone) an open invoice with a
// balance is noted overdue once, with an event (and one for the subscription that raised it, whose
// status doors show as overdue while it lasts).
import { addDaysTo } from '../../clock/zone.ts';
import { dayStart, tenantDate } from '../../clock/tenant-time.ts';
import { recordEvents, type NewEvent } from '../../events/events.ts';
import { InvoiceState } from '../../invoices/status.ts';
import { chunks } from '../../bulk.ts';
import { inWork } from '../../work.ts';
import type { TenantContext } from '../../context.ts';
import type { DueWorkKind } from '../kind.ts';

// The same predicate as the partial index invoices_overdue_pending, so the question stays cheap.
const pendingInvoices = (ctx: TenantContext) =>
  ctx.db.selectFrom('invoices').where('tenant_id', '=', ctx.tenant.id).where('overdue_at', 'is', null).where('balance', '>', 0).where('status', '=', InvoiceState.OPEN);

export const overdue: DueWorkKind = {
  name: 'overdue',
  async nextDue(ctx) {
    const row = await pendingInvoices(ctx)
      .select((eb) => eb.fn.min('due_date').as('due'))
      .executeTakeFirst();
    return row?.due ? dayStart(ctx, addDaysTo(String(row.due), 1)) : null;
  },
  async run(ctx, moment) {
    const today = tenantDate(ctx, moment);
    return inWork(ctx, async (w) => {
      const rows = await pendingInvoices(w).selectAll().where('due_date', '<', today).orderBy('due_date').orderBy('id').execute();
      const events: NewEvent[] = [];
      for (const part of chunks(rows.map((r) => r.id))) {
        const noted = await w.db.updateTable('invoices').set({ overdue_at: moment }).where('id', 'in', part).where('overdue_at', 'is', null).returningAll().execute();
        // A subscription's invoice is noted in the subscription's mode (the runner has no credential).
        const subIds = [...new Set(noted.flatMap((i) => (i.subscription_id === null ? [] : [i.subscription_id])))];
        const modes = new Map(
          subIds.length === 0
            ? []
            : (await w.db.selectFrom('subscriptions').select(['id', 'mode']).where('id', 'in', subIds).execute()).map((r) => [Number(r.id), r.mode === 'live' ? 'live' : 'test']),
        );
        for (const invoice of noted) {
          const mode = invoice.subscription_id === null ? undefined : modes.get(Number(invoice.subscription_id));
          events.push({ type: 'invoice.overdue', objectType: 'invoice', objectId: invoice.id, snapshot: invoice, mode });
          if (invoice.subscription_id !== null)
            events.push({
              mode,
              type: 'subscription.overdue',
              objectType: 'subscription',
              objectId: invoice.subscription_id,
              snapshot: { subscription_id: invoice.subscription_id, invoice_id: invoice.id, due_date: invoice.due_date },
            });
        }
      }
      await recordEvents(w, events);
      return rows.length;
    });
  },
  async pending(ctx, until, limit) {
    const rows = await pendingInvoices(ctx).select(['id', 'due_date']).where('due_date', '<', tenantDate(ctx, until)).orderBy('due_date').limit(limit).execute();
    return rows.map((r) => ({ kind: 'overdue', dueAt: dayStart(ctx, addDaysTo(r.due_date, 1)), objectType: 'invoice', objectId: r.id }));
  },
};
