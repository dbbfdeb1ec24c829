// /log/activity and /log/cancellations (spec 2.2 35-36, 3.7, 3.8, 4.12): views over the core event
// log, which records who acted (the actor: source, address, reason, parameters) with each change.
import type { FastifyInstance } from 'fastify';
import type { EventRow } from '../../core/database.ts';
import { listEventsNewestFirst, previousEvent } from '../../core/events/events.ts';
import { customersByIds } from '../../core/customers/queries.ts';
import { subscriptionsNewestFirst } from '../../core/subscriptions/lists.ts';
import type { SubscriptionRow } from '../../core/database.ts';
import { cdRequest, type CdRequest } from './context.ts';
import { badParam } from './errors.ts';
import { customerIdOf, customerWireIds, decodeId, encodeId, objectIdOf, productWireIds, subscriptionWireIds } from './ids.ts';
import { ACTIVITY_EVENTS, activityOf, CORE_OBJECT, SUBSCRIPTION_ROWS } from './notifications.ts';
import { envelope, readPage, readRange } from './lists.ts';
import { subscriptionData, subscriptionStatus } from './views.ts';
import { optText } from './wire.ts';

interface Actor {
  source?: string;
  ip?: string;
  reason?: string;
  params?: Record<string, unknown>;
}

async function wireObjectIds(req: Pick<CdRequest, 'ctx'>, rows: readonly EventRow[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const of = (type: string) => rows.filter((r) => r.object_type === type).map((r) => r.object_id);
  for (const id of of('transaction')) out.set(`transaction:${id}`, encodeId('ch', id));
  const customers = await customersByIds(req.ctx, of('customer'), { includeDeleted: true });
  for (const [id, wire] of await customerWireIds(req.ctx, customers)) out.set(`customer:${id}`, wire);
  for (const [id, wire] of await subscriptionWireIds(
    req.ctx,
    of('subscription').map((id) => ({ id })),
  ))
    out.set(`subscription:${id}`, wire);
  for (const [id, wire] of await productWireIds(
    req.ctx,
    of('product').map((id) => ({ id })),
  ))
    out.set(`product:${id}`, wire);
  return out;
}

/** Activity-log entries (spec 3.7) of events that are actions; the webhook's agent_log payload too. */
export async function activityEntries(req: Pick<CdRequest, 'ctx' | 'company'>, rows: readonly EventRow[]): Promise<Array<Record<string, unknown>>> {
  const ids = await wireObjectIds(req, rows);
  return rows.flatMap((row) => {
    const activity = activityOf(row);
    if (!activity) return [];
    const actor = (row.actor ? JSON.parse(row.actor) : {}) as Actor;
    return [
      {
        action_params: actor.params && Object.keys(actor.params).length > 0 ? actor.params : false,
        action_reason: actor.reason ?? '',
        action_type: activity.action_type,
        company: req.company,
        context: null,
        description: activity.description,
        event: `${activity.object_type}-${activity.action_type}`,
        ip: actor.ip ?? '',
        object_id: ids.get(`${row.object_type}:${row.object_id}`) ?? String(row.object_id),
        object_type: activity.object_type,
        occurred: Math.floor(row.created_at / 1000),
        params: null,
        source: actor.source ?? 'api',
        sub_description: '',
      },
    ];
  });
}

export async function logRoutes(app: FastifyInstance): Promise<void> {
  app.get('/log/activity', async (request) => {
    const req = cdRequest(request);
    const q = req.query;
    const page = readPage(q, 10_000);
    const objectType = optText(q, 'object_type');
    const objectId = optText(q, 'object_id');
    const actionType = optText(q, 'action_type');
    if (objectType !== undefined && !(objectType in ACTIVITY_EVENTS)) throw badParam('object_type must be charge, customer, subscription or product', 'object_type');
    if (objectId !== undefined && objectType === undefined) throw badParam('object_type is required with object_id', 'object_type');
    if (actionType !== undefined && objectType === undefined) throw badParam('object_type is required with action_type', 'object_type');
    const range = readRange(q, 'occurred');
    let types = Object.values(ACTIVITY_EVENTS).flatMap((actions) => Object.values(actions).flat());
    if (objectType) types = Object.values(ACTIVITY_EVENTS[objectType]).flat();
    if (objectType && actionType) types = ACTIVITY_EVENTS[objectType][actionType] ?? [];
    let objectIds: number[] | undefined;
    if (objectType && objectId !== undefined) {
      const id =
        objectType === 'charge'
          ? decodeId('ch', objectId)
          : objectType === 'customer'
            ? await customerIdOf(req.ctx, objectId)
            : await objectIdOf(req.ctx, objectType as 'subscription' | 'product', objectId);
      objectIds = id === null ? [] : [id];
    }
    // Some event types stand for two actions (a capture is a captured event too): filter after mapping.
    const rows = (
      await listEventsNewestFirst(req.ctx, {
        types: [...new Set(types)],
        ...(objectType ? { objectType: CORE_OBJECT[objectType] } : {}),
        ...(objectIds ? { objectIds } : {}),
        ...range,
        offset: 0,
        limit: page.offset + page.limit + 200,
      })
    )
      .filter((row) => {
        const activity = activityOf(row);
        return activity !== null && (!actionType || activity.action_type === actionType) && (!objectType || activity.object_type === objectType);
      })
      .slice(page.offset, page.offset + page.limit);
    const data = await activityEntries(req, rows);
    return envelope(page, data);
  });

  app.get('/log/cancellations', async (request) => {
    const req = cdRequest(request);
    const q = req.query;
    const page = readPage(q, 10_000);
    const action = optText(q, 'action');
    if (action !== undefined && !['support', 'cancel', 'pause', 'reactivate'].includes(action)) throw badParam('action must be support, cancel, pause or reactivate', 'action');
    const range = readRange(q, 'occurred');
    // Cancels, pauses and reactivations asked for through the API (the engine's own moves have no actor).
    const events = (
      await listEventsNewestFirst(req.ctx, {
        types: ['subscription.updated', 'subscription.cancelled', 'subscription.cancel_scheduled'],
        objectType: 'subscription',
        ...range,
        limit: page.offset + page.limit + 500,
      })
    ).filter((row) => row.actor !== null);
    const entries: Array<{ row: EventRow; action: string; method: string; sub: SubscriptionRow }> = [];
    for (const row of events) {
      const sub = JSON.parse(row.data) as SubscriptionRow;
      const previous = await previousEvent(req.ctx, 'subscription', row.object_id, row.id, SUBSCRIPTION_ROWS);
      const before = previous ? subscriptionStatus(JSON.parse(previous.data) as SubscriptionRow) : null;
      const after = subscriptionStatus(sub);
      if (before === after) continue;
      const kind =
        after === 'canceled'
          ? 'cancel'
          : after === 'pending_cancel'
            ? 'cancel'
            : after === 'suspended'
              ? 'pause'
              : (before === 'suspended' || before === 'canceled') && after === 'active'
                ? 'reactivate'
                : null;
      if (!kind || (action && kind !== action)) continue;
      entries.push({
        row,
        action: kind,
        method: kind === 'cancel' ? (after === 'pending_cancel' ? 'at_period_end' : String(subscriptionData(sub).status === 'canceled' ? 'immediately' : 'immediately')) : '',
        sub,
      });
    }
    const slice = entries.slice(page.offset, page.offset + page.limit);
    const customers = await customersByIds(
      req.ctx,
      slice.map((e) => e.sub.customer_id),
      { includeDeleted: true },
    );
    const customerIds = await customerWireIds(req.ctx, customers);
    const subIds = await subscriptionWireIds(
      req.ctx,
      slice.map((e) => e.sub),
    );
    void subscriptionsNewestFirst;
    return envelope(
      page,
      slice.map(({ row, action: kind, method, sub }) => {
        const actor = (row.actor ? JSON.parse(row.actor) : {}) as Actor;
        const customer = customers.find((c) => c.id === sub.customer_id);
        return {
          action: kind,
          customer_id: customerIds.get(sub.customer_id) ?? null,
          email: customer?.email ?? '',
          ip: actor.ip ?? '',
          method,
          occurred: Math.floor(row.created_at / 1000),
          reason: actor.reason ?? '',
          subscription_id: subIds.get(sub.id),
        };
      }),
    );
  });
}
