// The delivery worker: runDueDeliveries(ctx) sends every delivery of the tenant that is due on its
// clock, endpoint by endpoint, each endpoint's queue strictly in order (the head must be delivered,
// or have used up its retries, before the next is tried). The due-work runner calls it whenever due
// work runs (a test clock moved: the attempts that fell due run before the call returns) and the
// background loop calls it as deliveries are queued.
//
// Each attempt is made once, however many workers share the database: claiming it is one
// transaction that bumps the delivery's attempt count from the value read (a compare-and-set),
// takes a real-time lease while the request is in flight, and inserts the attempt's log row under a
// unique (delivery, attempt) index; only then is the request sent. The outcome is written in the
// transaction that claims the endpoint's next delivery. A worker that dies mid-attempt leaves a
// pending delivery whose lease runs out: the next attempt falls due as if this one had failed
// (at least once). Nothing here runs inside an API request.
import type { TenantContext } from '../context.ts';
import { inTransaction, type Tx } from '../db.ts';
import { systemTime } from '../clock/clock.ts';
import type { TxContext } from '../work.ts';
import { disableWithin } from './endpoints.ts';
import { type EndpointView, type RenderedPayload, type WebhookEvent, type WebhookFormat } from './format.ts';
import { formatOf, runtimeOf, timeoutOf, type WebhookRuntime } from './runtime.ts';
import type { WebhookDeliveryRow, WebhookEndpointRow } from './schema.ts';
import { nextDue } from './schedules.ts';
import { standardHeaders } from './signing.ts';
import { targetProblem } from './targets.ts';

/** Kept of a receiver's answer in the delivery log. */
export const EXCERPT_CHARS = 1024;
/** A lease lasts twice the attempt's timeout (at least a second) before another worker may try again. */
const leaseMs = (timeoutMs: number): number => Math.max(2 * timeoutMs, 1000);

interface Outcome {
  deliveryId: number;
  endpointId: number;
  attempt: number;
  url: string;
  headers: Record<string, string>;
  status: number | null;
  excerpt: string | null;
  error: string | null;
  durationMs: number;
  /** delivered, failed (retries used up or disabled), or null (a retry is due later). */
  final: 'delivered' | 'failed' | null;
  disable: string | null;
}

interface Lane {
  ctx: TenantContext;
  runtime: WebhookRuntime;
  endpoint: WebhookEndpointRow;
  view: EndpointView;
  format: WebhookFormat;
}

export interface SendResult {
  status: number | null;
  excerpt: string | null;
  error: string | null;
  durationMs: number;
}

/** POSTs a body; a non-2xx answer, a redirect, a refused connection or the timeout is a failure. */
export async function post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<SendResult> {
  const started = performance.now();
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal });
    let excerpt = '';
    if (response.body) {
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      while (excerpt.length < EXCERPT_CHARS) {
        const { done, value } = await reader.read();
        if (done) break;
        excerpt += decoder.decode(value, { stream: true });
      }
      await reader.cancel().catch(() => undefined);
    }
    return { status: response.status, excerpt: excerpt.slice(0, EXCERPT_CHARS), error: null, durationMs: Math.round(performance.now() - started) };
  } catch (error) {
    const durationMs = Math.round(performance.now() - started);
    if (signal.aborted) return { status: null, excerpt: null, error: `timed out after ${timeoutMs} ms`, durationMs };
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { status: null, excerpt: null, error: cause?.code ?? cause?.message ?? (error as Error).message, durationMs };
  }
}

function endpointView(ctx: TenantContext, row: WebhookEndpointRow): EndpointView {
  return { id: Number(row.id), url: row.url, secret: ctx.secrets.decrypt(row.secret_enc), options: JSON.parse(row.options) as Record<string, unknown>, mode: row.mode };
}

function targetUrl(url: string, target: string): string {
  if (!target) return url;
  return url.replace(/\/+$/, '') + (target.startsWith('/') ? target : `/${target}`);
}

async function eventOf(ctx: TenantContext, id: number): Promise<WebhookEvent | null> {
  const row = await ctx.db.selectFrom('events').selectAll().where('id', '=', id).where('tenant_id', '=', ctx.tenant.id).executeTakeFirst();
  if (!row) return null;
  return { id: Number(row.id), type: row.type, objectType: row.object_type, objectId: Number(row.object_id), data: JSON.parse(row.data) as unknown, createdAt: Number(row.created_at) };
}

async function render(lane: Lane, head: WebhookDeliveryRow): Promise<RenderedPayload> {
  const event = await eventOf(lane.ctx, Number(head.event_id));
  if (!event) throw new Error(`event ${head.event_id} is no longer in the log`);
  return lane.format.render(lane.ctx, {
    event,
    notification: { event: head.event_type, objectType: head.object_type, objectId: Number(head.object_id), target: head.target },
    endpoint: lane.view,
    messageId: head.message_id,
    baseUrl: lane.runtime.settings.baseUrl,
  });
}

async function writeOutcome(tx: Tx, ctx: TenantContext, outcome: Outcome): Promise<void> {
  const now = ctx.clock.now();
  await tx
    .updateTable('webhook_attempts')
    .set({
      outcome: outcome.status !== null && outcome.status >= 200 && outcome.status < 300 ? 'succeeded' : 'failed',
      url: outcome.url,
      request_headers: JSON.stringify(outcome.headers),
      response_status: outcome.status,
      response_excerpt: outcome.excerpt,
      error: outcome.error,
      duration_ms: outcome.durationMs,
    })
    .where('delivery_id', '=', outcome.deliveryId)
    .where('attempt', '=', outcome.attempt)
    .execute();
  await tx
    .updateTable('webhook_deliveries')
    .set({
      lease_until: null,
      last_status: outcome.status,
      last_error: outcome.error,
      ...(outcome.final ? { status: outcome.final, completed_at: now } : {}),
    })
    .where('id', '=', outcome.deliveryId)
    .where('status', '=', 'pending')
    .execute();
  if (outcome.disable) await disableWithin({ ...ctx, db: tx } as TxContext, outcome.endpointId, outcome.disable);
}

/** Claims attempt `head.attempts + 1` of the head; null when another worker has it (or it stopped being due). */
async function claim(tx: Tx, lane: Lane, head: WebhookDeliveryRow, payload: RenderedPayload | null, url: string): Promise<number | null> {
  const now = lane.ctx.clock.now();
  const real = systemTime();
  const attempt = Number(head.attempts) + 1;
  const next = nextDue(lane.format.schedule, Number(head.schedule_start), attempt) ?? now;
  const claimed = await tx
    .updateTable('webhook_deliveries')
    .set({
      attempts: attempt,
      next_attempt_at: Math.max(next, Number(head.next_attempt_at)),
      lease_until: real + leaseMs(timeoutOf(lane.runtime, lane.format)),
      ...(head.payload === null && payload ? { payload: payload.body, content_type: payload.contentType ?? null } : {}),
    })
    .where('id', '=', head.id)
    .where('status', '=', 'pending')
    .where('attempts', '=', head.attempts)
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', real)]))
    .where((eb) => eb.exists(eb.selectFrom('webhook_endpoints').select('id').where('id', '=', lane.endpoint.id).where('enabled', '=', 1).where('deleted_at', 'is', null)))
    .returning('id')
    .executeTakeFirst();
  if (!claimed) return null;
  await tx
    .insertInto('webhook_attempts')
    .values({ tenant_id: lane.ctx.tenant.id, delivery_id: head.id, attempt, due_at: Number(head.next_attempt_at), started_at: now, url, request_headers: '{}', outcome: 'sending' })
    .execute();
  return attempt;
}

async function messageIdOf(ctx: TenantContext, deliveryId: number | null): Promise<string | null> {
  if (deliveryId === null) return null;
  const row = await ctx.db.selectFrom('webhook_deliveries').select('message_id').where('id', '=', deliveryId).executeTakeFirst();
  return row?.message_id ?? null;
}

function redact(headers: Record<string, string>, secret: string): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, value.includes(secret) ? '[the endpoint secret]' : value]));
}

async function attempt(lane: Lane, head: WebhookDeliveryRow, attemptNo: number, payload: RenderedPayload | null, renderError: string | null, url: string): Promise<Outcome> {
  const base = { deliveryId: Number(head.id), endpointId: Number(lane.endpoint.id), attempt: attemptNo, url };
  let result: SendResult;
  let headers: Record<string, string> = {};
  const problem = targetProblem(url, lane.runtime.settings.allow);
  if (renderError || !payload) result = { status: null, excerpt: null, error: `payload could not be rendered: ${renderError ?? 'no payload'}`, durationMs: 0 };
  else if (problem) result = { status: null, excerpt: null, error: `not sent: ${problem}`, durationMs: 0 };
  else {
    const replayOf = await messageIdOf(lane.ctx, head.replay_of === null ? null : Number(head.replay_of));
    headers = {
      'content-type': payload.contentType ?? 'application/json',
      'user-agent': 'Bursar-Webhooks',
      ...standardHeaders(lane.view.secret, head.message_id, Math.floor(systemTime() / 1000), payload.body),
      ...(lane.format.headers?.({ body: payload.body, endpoint: lane.view, eventType: head.event_type, messageId: head.message_id, replayOf, baseUrl: lane.runtime.settings.baseUrl }) ?? {}),
    };
    result = await post(url, payload.body, headers, timeoutOf(lane.runtime, lane.format));
  }
  const ok = result.status !== null && result.status >= 200 && result.status < 300;
  const disable = !ok && result.status !== null && lane.format.disableOn?.includes(result.status) ? `the receiver answered ${result.status}` : null;
  const exhausted = nextDue(lane.format.schedule, Number(head.schedule_start), attemptNo) === null;
  return { ...base, ...result, headers: redact(headers, lane.view.secret), final: ok ? 'delivered' : disable || exhausted ? 'failed' : null, disable };
}

/** Delivers one endpoint's due queue, in order, until its head is not due (or is being tried elsewhere). */
async function runLane(ctx: TenantContext, runtime: WebhookRuntime, endpointId: number): Promise<void> {
  const endpoint = await ctx.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', endpointId).where('tenant_id', '=', ctx.tenant.id).executeTakeFirst();
  if (!endpoint || Number(endpoint.enabled) !== 1 || endpoint.deleted_at !== null) return;
  const format = formatOf(runtime, endpoint.format);
  if (!format) return;
  const lane: Lane = { ctx, runtime, endpoint, view: endpointView(ctx, endpoint), format };
  let after = 0;
  let unwritten: Outcome | null = null;
  try {
    for (;;) {
      if (runtime.stopping) break;
      const head = await ctx.db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('endpoint_id', '=', endpointId)
        .where('status', '=', 'pending')
        .where('id', '>', after)
        .orderBy('id')
        .limit(1)
        .executeTakeFirst();
      if (!head || Number(head.next_attempt_at) > ctx.clock.now() || (head.lease_until !== null && Number(head.lease_until) > systemTime())) break;
      let payload: RenderedPayload | null = head.payload === null ? null : { body: head.payload, contentType: head.content_type ?? undefined };
      let renderError: string | null = null;
      if (!payload) {
        try {
          payload = await render(lane, head);
        } catch (error) {
          renderError = (error as Error).message;
          ctx.log.error({ err: error, delivery: head.id }, 'webhook payload could not be rendered');
        }
      }
      const url = targetUrl(endpoint.url, head.target);
      const previous: Outcome | null = unwritten;
      const attemptNo = await inTransaction(ctx.db, async (tx) => {
        if (previous) await writeOutcome(tx, ctx, previous);
        return claim(tx, lane, head, payload, url);
      });
      unwritten = null;
      if (attemptNo === null) break;
      const outcome = await attempt(lane, head, attemptNo, payload, renderError, url);
      unwritten = outcome;
      if (outcome.disable) break;
      if (outcome.final === null) {
        // The head holds the queue until it is delivered or has used up its retries. A clock moved
        // past its next due time (a test clock advanced by days) runs that attempt now.
        const due = nextDue(format.schedule, Number(head.schedule_start), attemptNo);
        if (due === null || due > ctx.clock.now()) break;
        await inTransaction(ctx.db, (tx) => writeOutcome(tx, ctx, outcome));
        unwritten = null;
        continue;
      }
      after = Number(head.id);
    }
  } finally {
    const last: Outcome | null = unwritten;
    if (last) await inTransaction(ctx.db, (tx) => writeOutcome(tx, ctx, last));
  }
}

/** One lane per endpoint in this process; a caller arriving while one runs waits for a fresh pass after it. */
function laneFor(ctx: TenantContext, runtime: WebhookRuntime, endpointId: number): Promise<void> {
  const start = (): Promise<void> => {
    const running = runLane(ctx, runtime, endpointId).catch((error: unknown) => ctx.log.error({ err: error, endpoint: endpointId }, 'webhook delivery lane failed'));
    void running.finally(() => {
      const entry = runtime.lanes.get(endpointId);
      if (entry && entry.running === running && !entry.queued) runtime.lanes.delete(endpointId);
    });
    return running;
  };
  const entry = runtime.lanes.get(endpointId);
  if (!entry) {
    const running = start();
    runtime.lanes.set(endpointId, { running, queued: null });
    return running;
  }
  if (entry.queued) return entry.queued;
  const queued = entry.running.then(() => {
    entry.queued = null;
    entry.running = start();
    return entry.running;
  });
  entry.queued = queued;
  return queued;
}

/** Endpoints of the tenant with a delivery due now (an index seek per endpoint, whatever the backlog). */
async function dueEndpoints(ctx: TenantContext): Promise<number[]> {
  const now = ctx.clock.now();
  const rows = await ctx.db
    .selectFrom('webhook_endpoints as e')
    .select('e.id')
    .where('e.tenant_id', '=', ctx.tenant.id)
    .where('e.deleted_at', 'is', null)
    .where('e.enabled', '=', 1)
    .where((eb) => eb.exists(eb.selectFrom('webhook_deliveries as d').select('d.id').whereRef('d.endpoint_id', '=', 'e.id').where('d.status', '=', 'pending').where('d.next_attempt_at', '<=', now)))
    .execute();
  return rows.map((row) => Number(row.id));
}

/**
 * Sends every delivery of the tenant that is due on its clock and returns when they have been
 * tried (retries that fall due later wait for the clock). The one entry for the due-work runner.
 */
export async function runDueDeliveries(ctx: TenantContext): Promise<void> {
  const runtime = runtimeOf(ctx);
  const endpoints = await dueEndpoints(ctx);
  const limit = Math.max(1, runtime.settings.maxLanes);
  for (let i = 0; i < endpoints.length; i += limit) {
    await Promise.all(endpoints.slice(i, i + limit).map((id) => laneFor(ctx, runtime, id)));
  }
}
