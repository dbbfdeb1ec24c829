// The delivery log and the operator's tools: deliveries of an endpoint with their attempts
// (request, response status, body excerpt, duration, attempt number), replaying one delivery or
// every failed one of an endpoint, and a test delivery. A replay is a new delivery of the same body
// (a new webhook-id, naming the one it replays), queued behind the endpoint's pending ones.
import type { TenantContext } from '../context.ts';
import { invalid, notFound } from '../errors/domain-error.ts';
import { inWork, type TxContext } from '../work.ts';
import { pendingDelivery } from './enqueue.ts';
import { getEndpoint } from './endpoints.ts';
import { TEST_EVENT } from './format.ts';
import { runtimeOf } from './runtime.ts';
import type { WebhookAttemptRow, WebhookDeliveryRow } from './schema.ts';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'cancelled'] as const;

export interface DeliveryView {
  id: number;
  endpoint_id: number;
  event_id: number;
  event_type: string;
  object_type: string;
  object_id: number;
  message_id: string;
  status: string;
  attempts: number;
  next_attempt_at: string | null;
  replay_of: number | null;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  completed_at: string | null;
  payload?: string | null;
  log?: AttemptView[];
}

export interface AttemptView {
  attempt: number;
  due_at: string;
  started_at: string;
  url: string;
  request_headers: Record<string, string>;
  outcome: string;
  response_status: number | null;
  response_excerpt: string | null;
  error: string | null;
  duration_ms: number | null;
}

const iso = (ms: number | string | null): string | null => (ms === null ? null : new Date(Number(ms)).toISOString());

function attemptView(row: WebhookAttemptRow): AttemptView {
  return {
    attempt: Number(row.attempt),
    due_at: iso(row.due_at)!,
    started_at: iso(row.started_at)!,
    url: row.url,
    request_headers: JSON.parse(row.request_headers) as Record<string, string>,
    outcome: row.outcome,
    response_status: row.response_status,
    response_excerpt: row.response_excerpt,
    error: row.error,
    duration_ms: row.duration_ms,
  };
}

export function deliveryView(row: WebhookDeliveryRow, attempts?: WebhookAttemptRow[], withPayload = false): DeliveryView {
  return {
    id: Number(row.id),
    endpoint_id: Number(row.endpoint_id),
    event_id: Number(row.event_id),
    event_type: row.event_type,
    object_type: row.object_type,
    object_id: Number(row.object_id),
    message_id: row.message_id,
    status: row.status,
    attempts: Number(row.attempts),
    next_attempt_at: row.status === 'pending' ? iso(row.next_attempt_at) : null,
    replay_of: row.replay_of === null ? null : Number(row.replay_of),
    last_status: row.last_status,
    last_error: row.last_error,
    created_at: iso(row.created_at)!,
    completed_at: iso(row.completed_at),
    ...(withPayload ? { payload: row.payload } : {}),
    ...(attempts ? { log: attempts.map(attemptView) } : {}),
  };
}

export interface DeliveryFilter {
  endpointId?: number;
  status?: string;
  /** Only deliveries with an id below this (paging newest first). */
  before?: number;
  limit?: number;
}

/** The delivery log, newest first, each delivery with its attempts. */
export async function listDeliveries(ctx: TenantContext, filter: DeliveryFilter = {}): Promise<DeliveryView[]> {
  if (filter.status !== undefined && !(DELIVERY_STATUSES as readonly string[]).includes(filter.status)) throw invalid(`status must be one of ${DELIVERY_STATUSES.join(', ')}`, 'status');
  let query = ctx.db.selectFrom('webhook_deliveries').selectAll().where('tenant_id', '=', ctx.tenant.id);
  if (filter.endpointId !== undefined) query = query.where('endpoint_id', '=', filter.endpointId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.before !== undefined) query = query.where('id', '<', filter.before);
  const rows = await query
    .orderBy('id', 'desc')
    .limit(Math.min(Math.max(filter.limit ?? 50, 1), 500))
    .execute();
  if (rows.length === 0) return [];
  const attempts = await ctx.db
    .selectFrom('webhook_attempts')
    .selectAll()
    .where(
      'delivery_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('attempt')
    .execute();
  const byDelivery = new Map<number, WebhookAttemptRow[]>();
  for (const a of attempts) byDelivery.set(Number(a.delivery_id), [...(byDelivery.get(Number(a.delivery_id)) ?? []), a]);
  return rows.map((row) => deliveryView(row, byDelivery.get(Number(row.id)) ?? []));
}

async function deliveryRow(ctx: TenantContext, id: number): Promise<WebhookDeliveryRow> {
  const row = await ctx.db.selectFrom('webhook_deliveries').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('webhook delivery', id);
  return row;
}

export async function getDelivery(ctx: TenantContext, id: number): Promise<DeliveryView> {
  const row = await deliveryRow(ctx, id);
  const attempts = await ctx.db.selectFrom('webhook_attempts').selectAll().where('delivery_id', '=', row.id).orderBy('attempt').execute();
  return deliveryView(row, attempts, true);
}

async function queueReplay(ctx: TxContext, original: WebhookDeliveryRow): Promise<WebhookDeliveryRow> {
  const note = { event: original.event_type, objectType: original.object_type, objectId: original.object_id, target: original.target };
  // The original's own bytes go out again, marked as its replay.
  const row = {
    ...pendingDelivery(ctx.tenant.id, original.endpoint_id, original.event_id, note, ctx.clock.now()),
    payload: original.payload,
    content_type: original.content_type,
    replay_of: original.id,
  };
  return ctx.db.insertInto('webhook_deliveries').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Sends one delivery again (whatever its status) as a new delivery at the end of its endpoint's queue. */
export async function replayDelivery(ctx: TenantContext, id: number): Promise<DeliveryView> {
  const original = await deliveryRow(ctx, id);
  await getEndpoint(ctx, Number(original.endpoint_id));
  const row = await inWork(ctx, (tx) => queueReplay(tx, original));
  runtimeOf(ctx).nudge();
  return deliveryView(row, []);
}

/** Replays every failed delivery of an endpoint not replayed before, oldest first. */
export async function replayFailed(ctx: TenantContext, endpointId: number): Promise<DeliveryView[]> {
  await getEndpoint(ctx, endpointId);
  const rows = await inWork(ctx, async (tx) => {
    const failed = await tx.db
      .selectFrom('webhook_deliveries as d')
      .selectAll('d')
      .where('d.tenant_id', '=', ctx.tenant.id)
      .where('d.endpoint_id', '=', endpointId)
      .where('d.status', '=', 'failed')
      .where((eb) => eb.not(eb.exists(eb.selectFrom('webhook_deliveries as r').select('r.id').whereRef('r.replay_of', '=', 'd.id'))))
      .orderBy('d.id')
      .execute();
    const queued: WebhookDeliveryRow[] = [];
    for (const original of failed) queued.push(await queueReplay(tx, original));
    return queued;
  });
  if (rows.length) runtimeOf(ctx).nudge();
  return rows.map((row) => deliveryView(row, []));
}

/** Queues a test delivery to one endpoint (the format's test payload), logged as event webhook.test. */
export async function sendTestDelivery(ctx: TenantContext, endpointId: number): Promise<DeliveryView> {
  const endpoint = await getEndpoint(ctx, endpointId);
  const row = await inWork(ctx, async (tx) => {
    const now = ctx.clock.now();
    const event = await tx.db
      .insertInto('events')
      .values({
        tenant_id: ctx.tenant.id,
        type: 'webhook.test',
        object_type: 'webhook_endpoint',
        object_id: endpoint.id,
        data: JSON.stringify({ endpoint_id: endpoint.id, url: endpoint.url }),
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return tx.db
      .insertInto('webhook_deliveries')
      .values(pendingDelivery(ctx.tenant.id, endpoint.id, Number(event.id), { event: TEST_EVENT, objectType: 'webhook_endpoint', objectId: endpoint.id }, now))
      .returningAll()
      .executeTakeFirstOrThrow();
  });
  runtimeOf(ctx).nudge();
  return deliveryView(row, []);
}
