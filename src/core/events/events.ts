// Append-only domain events, each written in the same transaction as the change it records, with a
// snapshot of the object and who caused it (the context's actor; activity logs are views over it).
// The deliveries the event owes to webhook endpoints are queued here too, in the same transaction
// (src/core/webhooks: the transactional outbox).
import type { EventRow } from '../database.ts';
import { modeOf, type TenantContext } from '../context.ts';
import type { TxContext } from '../work.ts';
import { enqueueDeliveries, rememberSubscribers, subscribers, subscribersKnown, subscribersReturning } from '../webhooks/enqueue.ts';
import { insertOne, insertOneReturning, insertOneReturningId, insertRows } from '../bulk.ts';

/**
 * Appends an event about an object, and queues the webhook deliveries it owes, in the caller's
 * transaction. Its mode is the object's: the acting credential's unless given (a job working on an
 * object passes that object's mode); endpoints of one mode get only that mode's events.
 */
export async function recordEvent(ctx: TxContext, type: string, objectType: string, objectId: number, snapshot: unknown, mode?: string): Promise<void> {
  const createdAt = ctx.clock.now();
  const eventMode = mode ?? modeOf(ctx);
  const row = {
    tenant_id: ctx.tenant.id,
    type,
    object_type: objectType,
    object_id: objectId,
    data: JSON.stringify(snapshot),
    mode: eventMode,
    created_at: createdAt,
    actor: ctx.actor ? JSON.stringify(ctx.actor) : null,
  };
  let id: number;
  let endpoints;
  if (!subscribersKnown(ctx)) {
    // The transaction's first event reads the endpoints in its own INSERT.
    const inserted = await insertOneReturning(ctx, 'events', row, `"id", ${subscribersReturning(ctx.dialect)} as "endpoints"`);
    endpoints = rememberSubscribers(ctx, String(inserted.endpoints));
    if (endpoints.length === 0) return;
    id = Number(inserted.id);
  } else {
    endpoints = await subscribers(ctx);
    if (endpoints.length === 0) {
      await insertOne(ctx, 'events', row);
      return;
    }
    id = await insertOneReturningId(ctx, 'events', row);
  }
  await enqueueDeliveries(ctx, endpoints, { id, type, objectType, objectId, data: snapshot, createdAt, mode: eventMode });
}

export interface NewEvent {
  type: string;
  objectType: string;
  objectId: number;
  snapshot: unknown;
  /** The object's mode; the acting credential's when absent (as recordEvent). */
  mode?: string;
}

/**
 * Many events in a few statements (batch work), in the order given, with the deliveries they owe
 * queued in the same transaction as recordEvent queues them.
 */
export async function recordEvents(ctx: TxContext, events: readonly NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  const endpoints = await subscribers(ctx);
  const createdAt = ctx.clock.now();
  const actor = ctx.actor ? JSON.stringify(ctx.actor) : null;
  const rows = events.map((e) => ({
    tenant_id: ctx.tenant.id,
    type: e.type,
    object_type: e.objectType,
    object_id: e.objectId,
    data: JSON.stringify(e.snapshot),
    mode: e.mode ?? modeOf(ctx),
    created_at: createdAt,
    actor,
  }));
  if (endpoints.length === 0) {
    await insertRows(ctx, 'events', rows);
    return;
  }
  // Ids are assigned in the order of the rows; the answer comes back unordered, so events are
  // matched to ids by (type, object) and, for repeats of one, by order.
  const inserted = await insertRows(ctx, 'events', rows, { returning: ['id', 'type', 'object_type', 'object_id'] });
  const key = (type: unknown, objectType: unknown, objectId: unknown) => `${String(type)}|${String(objectType)}|${Number(objectId)}`;
  const ids = new Map<string, number[]>();
  for (const row of [...inserted].sort((a, b) => Number(a.id) - Number(b.id))) {
    const list = ids.get(key(row.type, row.object_type, row.object_id)) ?? [];
    list.push(Number(row.id));
    ids.set(key(row.type, row.object_type, row.object_id), list);
  }
  for (const e of events) {
    const id = ids.get(key(e.type, e.objectType, e.objectId))?.shift();
    if (id === undefined) throw new Error(`recordEvents: no id for ${e.type} ${e.objectType} ${e.objectId}`);
    await enqueueDeliveries(ctx, endpoints, { id, type: e.type, objectType: e.objectType, objectId: e.objectId, data: e.snapshot, createdAt, mode: e.mode ?? modeOf(ctx) });
  }
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

export interface EventFilter {
  /** Event types to include. */
  types: readonly string[];
  objectType?: string;
  objectIds?: readonly number[];
  /** Inclusive bounds on created_at (epoch ms). */
  from?: number;
  to?: number;
  offset?: number;
  limit?: number;
}

/** Events of the given types, newest first (an activity log's page). */
export async function listEventsNewestFirst(ctx: TenantContext, filter: EventFilter): Promise<EventRow[]> {
  if (filter.types.length === 0) return [];
  let query = ctx.db
    .selectFrom('events')
    .selectAll()
    .where('tenant_id', '=', ctx.tenant.id)
    .where('type', 'in', [...filter.types]);
  if (filter.objectType !== undefined) query = query.where('object_type', '=', filter.objectType);
  if (filter.objectIds !== undefined) {
    if (filter.objectIds.length === 0) return [];
    query = query.where('object_id', 'in', [...filter.objectIds]);
  }
  if (filter.from !== undefined) query = query.where('created_at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('created_at', '<=', filter.to);
  return query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .offset(filter.offset ?? 0)
    .limit(filter.limit ?? 20)
    .execute();
}

/** The latest event about an object before a given event (what it looked like before a change). */
export async function previousEvent(ctx: TenantContext, objectType: string, objectId: number, beforeId: number, types?: readonly string[]): Promise<EventRow | undefined> {
  let query = ctx.db.selectFrom('events').selectAll().where('tenant_id', '=', ctx.tenant.id).where('object_type', '=', objectType).where('object_id', '=', objectId).where('id', '<', beforeId);
  if (types) query = query.where('type', 'in', [...types]);
  return query.orderBy('id', 'desc').limit(1).executeTakeFirst();
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
