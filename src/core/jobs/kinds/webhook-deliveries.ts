// Webhook deliveries (../../webhooks/worker.ts): each enabled endpoint's queue is sent in order, so
// what falls due is the head of each queue (its lowest pending delivery) at its next attempt time.
// Run at a moment, the worker sends every head due by then, and retries that fall due later are
// their own moments: a test clock moved three days runs each retry on its hour. A head this
// process's delivery loop is sending is waited for (the worker's lanes join); one another instance
// holds is that instance's to finish.
import { sql } from 'kysely';
import type { TenantContext } from '../../context.ts';
import { runDueDeliveries } from '../../webhooks/worker.ts';
import type { DueItem, DueWorkKind } from '../kind.ts';

interface Head {
  endpointId: number;
  deliveryId: number;
  dueAt: number;
}

/** The head of each enabled endpoint's queue. */
async function heads(ctx: TenantContext): Promise<Head[]> {
  const rows = await ctx.db
    .selectFrom('webhook_endpoints as e')
    .innerJoin('webhook_deliveries as d', 'd.endpoint_id', 'e.id')
    .select(['e.id as endpoint_id', 'd.id as delivery_id', 'd.next_attempt_at'])
    .where('e.tenant_id', '=', ctx.tenant.id)
    .where('e.deleted_at', 'is', null)
    .where('e.enabled', '=', 1)
    .where('d.status', '=', 'pending')
    // The queue index (endpoint, status, id) finds each head with one seek.
    .where('d.id', '=', (eb) =>
      eb
        .selectFrom('webhook_deliveries as h')
        .select(sql<number>`min(h.id)`.as('id'))
        .whereRef('h.endpoint_id', '=', 'e.id')
        .where('h.status', '=', 'pending'),
    )
    .execute();
  return rows.map((row) => ({ endpointId: Number(row.endpoint_id), deliveryId: Number(row.delivery_id), dueAt: Number(row.next_attempt_at) }));
}

async function attemptsSoFar(ctx: TenantContext): Promise<number> {
  const row = await ctx.db
    .selectFrom('webhook_attempts')
    .select(sql<number>`count(*)`.as('n'))
    .where('tenant_id', '=', ctx.tenant.id)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export const webhookDeliveries: DueWorkKind = {
  name: 'webhook_delivery',
  async nextDue(ctx) {
    const due = (await heads(ctx)).map((head) => head.dueAt);
    return due.length ? Math.min(...due) : null;
  },
  /** Counts the attempts made (by this call, or by this process's delivery loop it waited for). */
  async run(ctx) {
    const before = await attemptsSoFar(ctx);
    await runDueDeliveries(ctx);
    return (await attemptsSoFar(ctx)) - before;
  },
  async pending(ctx, until, limit) {
    const items: DueItem[] = (await heads(ctx))
      .filter((head) => head.dueAt <= until)
      .map((head) => ({ kind: 'webhook_delivery', dueAt: head.dueAt, objectType: 'webhook_delivery', objectId: head.deliveryId, detail: { endpoint_id: head.endpointId } }));
    return items.sort((a, b) => a.dueAt - b.dueAt).slice(0, limit);
  },
};
