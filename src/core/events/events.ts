// Append-only domain events, each written in the same transaction as the change it records, with a
// snapshot of the object. Webhook delivery reads from here (a later issue).
import type { EventRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import type { TxContext } from '../work.ts';
import { insertRows } from '../bulk.ts';

export async function recordEvent(ctx: TxContext, type: string, objectType: string, objectId: number, snapshot: unknown): Promise<void> {
  await ctx.db
    .insertInto('events')
    .values({
      tenant_id: ctx.tenant.id,
      type,
      object_type: objectType,
      object_id: objectId,
      data: JSON.stringify(snapshot),
      created_at: ctx.clock.now(),
    })
    .execute();
}

export interface NewEvent {
  type: string;
  objectType: string;
  objectId: number;
  snapshot: unknown;
}

/** Many events in a few statements (batch work), in the order given. */
export async function recordEvents(ctx: TxContext, events: readonly NewEvent[]): Promise<void> {
  const now = ctx.clock.now();
  await insertRows(
    ctx,
    'events',
    events.map((e) => ({ tenant_id: ctx.tenant.id, type: e.type, object_type: e.objectType, object_id: e.objectId, data: JSON.stringify(e.snapshot), created_at: now })),
  );
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
