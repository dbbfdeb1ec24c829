// Append-only domain events, each written in the same transaction as the change it records, with a
// snapshot of the object. The deliveries the event owes to webhook endpoints are queued here too, in
// the same transaction (src/core/webhooks: the transactional outbox).
import type { EventRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import type { TxContext } from '../work.ts';
import { enqueueDeliveries, subscribers } from '../webhooks/enqueue.ts';

export async function recordEvent(ctx: TxContext, type: string, objectType: string, objectId: number, snapshot: unknown): Promise<void> {
  const endpoints = await subscribers(ctx);
  const createdAt = ctx.clock.now();
  const insert = ctx.db.insertInto('events').values({
    tenant_id: ctx.tenant.id,
    type,
    object_type: objectType,
    object_id: objectId,
    data: JSON.stringify(snapshot),
    created_at: createdAt,
  });
  if (endpoints.length === 0) {
    await insert.execute();
    return;
  }
  const { id } = await insert.returning('id').executeTakeFirstOrThrow();
  await enqueueDeliveries(ctx, endpoints, { id: Number(id), type, objectType, objectId, data: snapshot, createdAt });
}

export async function listEvents(ctx: TenantContext, options: { afterId?: number; limit?: number; type?: string } = {}): Promise<EventRow[]> {
  let query = ctx.db.selectFrom('events').selectAll().where('tenant_id', '=', ctx.tenant.id);
  if (options.afterId !== undefined) query = query.where('id', '>', options.afterId);
  if (options.type) query = query.where('type', '=', options.type);
  return query
    .orderBy('id')
    .limit(options.limit ?? 100)
    .execute();
}

/** One page of the tenant's events, newest first, with the total (lists that show a count). */
export async function listEventsPage(
  ctx: TenantContext,
  options: { offset: number; limit: number; type?: string; objectType?: string; objectId?: number },
): Promise<{ rows: EventRow[]; total: number }> {
  let query = ctx.db.selectFrom('events').where('tenant_id', '=', ctx.tenant.id);
  if (options.type) query = query.where('type', '=', options.type);
  if (options.objectType) query = query.where('object_type', '=', options.objectType);
  if (options.objectId !== undefined) query = query.where('object_id', '=', options.objectId);
  const count = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
  const rows = await query.selectAll().orderBy('id', 'desc').offset(options.offset).limit(options.limit).execute();
  return { rows, total: Number(count?.n ?? 0) };
}

/** One event by id. */
export async function getEvent(ctx: TenantContext, id: number): Promise<EventRow | undefined> {
  return ctx.db.selectFrom('events').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', id).executeTakeFirst();
}
