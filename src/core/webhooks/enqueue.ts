// The transactional outbox: recordEvent calls this in the business transaction, so an event and
// the deliveries it owes are committed together with the change (or not at all). The endpoints are
// read once per transaction (a transaction that records three events reads them once), usually
// within the statement that inserts its first event.
import type { TxContext } from '../work.ts';
import { randomAlnum } from '../crypto/secrets.ts';
import type { Notification, WebhookEvent } from './format.ts';
import { formatOf, runtimeOf } from './runtime.ts';

interface Subscriber {
  id: number;
  format: string;
  events: ReadonlySet<string>;
  mode: string | null;
}

const perTransaction = new WeakMap<object, Promise<Subscriber[]>>();

const toSubscriber = (row: { id: unknown; format: string; events: string; mode: string | null }): Subscriber => ({
  id: Number(row.id),
  format: row.format,
  events: new Set(JSON.parse(row.events) as string[]),
  mode: row.mode,
});

/** Whether this transaction has read its endpoints already. */
export const subscribersKnown = (ctx: TxContext): boolean => perTransaction.has(ctx.db);

/**
 * The same read as a RETURNING column of the transaction's first event INSERT (events.ts): one
 * round trip fewer on PostgreSQL for every business transaction that records an event. A JSON array
 * of [id, format, events, mode], ordered by id; rememberSubscribers parses it.
 */
export function subscribersReturning(dialect: 'sqlite' | 'postgres'): string {
  const where = 'e.tenant_id = "events"."tenant_id" and e.deleted_at is null and e.enabled = 1';
  return dialect === 'postgres'
    ? `(select coalesce(json_agg(json_build_array(e.id, e.format, e.events, e.mode) order by e.id), '[]')::text from webhook_endpoints e where ${where})`
    : `(select json_group_array(json_array(e.id, e.format, e.events, e.mode)) from (select * from webhook_endpoints e where ${where} order by e.id) e)`;
}

/** Keeps what subscribersReturning answered as this transaction's endpoints. */
export function rememberSubscribers(ctx: TxContext, answered: string): Subscriber[] {
  const rows = (JSON.parse(answered) as [number, string, string, string | null][]).map(([id, format, events, mode]) => toSubscriber({ id, format, events, mode }));
  perTransaction.set(ctx.db, Promise.resolve(rows));
  return rows;
}

/** The tenant's enabled endpoints, read once per transaction. */
export function subscribers(ctx: TxContext): Promise<Subscriber[]> {
  let found = perTransaction.get(ctx.db);
  if (!found) {
    found = ctx.db
      .selectFrom('webhook_endpoints')
      .select(['id', 'format', 'events', 'mode'])
      .where('tenant_id', '=', ctx.tenant.id)
      .where('deleted_at', 'is', null)
      .where('enabled', '=', 1)
      .orderBy('id')
      .execute()
      .then((rows) => rows.map(toSubscriber));
    perTransaction.set(ctx.db, found);
  }
  return found;
}

/** A delivery waiting for its first attempt (the outbox row). */
export function pendingDelivery(tenantId: number, endpointId: number, eventId: number, note: Pick<Notification, 'event' | 'objectType' | 'objectId' | 'target'>, now: number) {
  return {
    tenant_id: tenantId,
    endpoint_id: endpointId,
    event_id: eventId,
    event_type: note.event,
    object_type: note.objectType,
    object_id: note.objectId,
    message_id: newMessageId(),
    status: 'pending',
    attempts: 0,
    next_attempt_at: now,
    schedule_start: now,
    lease_until: null,
    payload: null,
    content_type: null,
    target: note.target ?? '',
    replay_of: null,
    last_status: null,
    last_error: null,
    created_at: now,
    completed_at: null,
  };
}

export function newMessageId(): string {
  return `msg_${randomAlnum(24)}`;
}

/** Queues the deliveries one event owes, in the event's transaction. */
export async function enqueueDeliveries(ctx: TxContext, endpoints: readonly Subscriber[], event: WebhookEvent): Promise<void> {
  const runtime = runtimeOf(ctx);
  // The event's own mode (the acting credential's, or its object's); a tenant's when unknown.
  const eventMode = event.mode ?? (ctx.tenant.is_test ? 'test' : 'live');
  const now = ctx.clock.now();
  const rows = [];
  // A format's messages for this event, worked out once however many of its endpoints there are.
  const perFormat = new Map<string, Notification[]>();
  for (const endpoint of endpoints) {
    if (endpoint.mode !== null && endpoint.mode !== eventMode) continue;
    const format = formatOf(runtime, endpoint.format);
    if (!format) {
      ctx.log.error({ endpoint: endpoint.id, format: endpoint.format }, 'webhook endpoint of a format this server does not have: nothing queued');
      continue;
    }
    let notes = perFormat.get(format.name);
    if (!notes) perFormat.set(format.name, (notes = await format.notifications(event, ctx)));
    for (const note of notes) {
      if (!endpoint.events.has('*') && !endpoint.events.has(note.event)) continue;
      rows.push(pendingDelivery(ctx.tenant.id, endpoint.id, event.id, note, now));
    }
  }
  if (rows.length === 0) return;
  await ctx.db.insertInto('webhook_deliveries').values(rows).execute();
  runtime.nudge();
}
