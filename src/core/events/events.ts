// Append-only domain events, each written in the same transaction as the change it records, with a
// snapshot of the object. Webhook delivery reads from here (a later issue).
import type { EventRow } from '../database.ts';
import { modeOf, type TenantContext } from '../context.ts';
import type { TxContext } from '../work.ts';

/**
 * Appends an event about an object. Its mode is the object's: the acting credential's unless given
 * (a job working on an object passes that object's mode).
 */
export async function recordEvent(ctx: TxContext, type: string, objectType: string, objectId: number, snapshot: unknown, mode?: string): Promise<void> {
  await ctx.db
    .insertInto('events')
    .values({
      tenant_id: ctx.tenant.id,
      type,
      object_type: objectType,
      object_id: objectId,
      data: JSON.stringify(snapshot),
      mode: mode ?? modeOf(ctx),
      created_at: ctx.clock.now(),
    })
    .execute();
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

export interface ModeEventsQuery {
  mode: string;
  /** The kinds of object whose events are wanted (transaction, payment_method ...). */
  objectTypes: readonly string[];
  /** Only events created strictly after this instant. */
  createdAfter?: number;
  order: 'asc' | 'desc';
}

/** Every event of one mode about the given kinds of object, in order of creation (ties by id). */
export async function eventsOfMode(ctx: TenantContext, query: ModeEventsQuery): Promise<EventRow[]> {
  if (query.objectTypes.length === 0) return [];
  let select = ctx.db
    .selectFrom('events')
    .selectAll()
    .where('tenant_id', '=', ctx.tenant.id)
    .where('mode', '=', query.mode)
    .where('object_type', 'in', [...query.objectTypes]);
  if (query.createdAfter !== undefined) select = select.where('created_at', '>', query.createdAfter);
  return select.orderBy('created_at', query.order).orderBy('id', query.order).execute();
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
