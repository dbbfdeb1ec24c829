// /_resthook (chargeover-extra §4.1-4.3): REST hook subscriptions, stored per tenant through the
// core's webhook endpoints (core/webhooks/endpoints.ts). Deliveries come with the webhook issue.
import { createEndpoint, deleteEndpoint, listEndpoints } from '../../core/webhooks/endpoints.ts';
import { DomainError } from '../../core/errors/domain-error.ts';
import { bad, created, doesNotExist, ok, type CoRequest, type CoResult } from './envelope.ts';
import type { Resource } from './router.ts';
import { asObject, datetime, optString, VENDOR } from './wire.ts';

const VERBS: Record<string, readonly string[]> = {
  customer: ['insert', 'update', 'delete'],
  user: ['insert', 'update', 'delete'],
  invoice: ['insert', 'update', 'delete', 'status'],
  transaction: ['insert', 'update', 'delete'],
  package: ['insert', 'update', 'delete', 'status', 'paycycle', 'upgrade'],
  creditcard: ['insert', 'update', 'delete'],
  ach: ['insert', 'update', 'delete'],
};

const INVALID = 'Missing or invalid parameter.';

async function create(req: CoRequest): Promise<CoResult> {
  const body = asObject(req.body);
  const event = optString(body, 'event');
  const [context, verb, extra] = typeof event === 'string' ? event.split('.') : [];
  if (!context || !verb || extra !== undefined || !VERBS[context]?.includes(verb)) throw bad(INVALID, { field: 'event' });
  const url = optString(body, 'target_url');
  if (!url) throw bad(INVALID, { field: 'target_url' });
  const endpoint = await createEndpoint(req.ctx, { format: VENDOR, url, events: [`${context}.${verb}`] }).catch((error: unknown) => {
    if (error instanceof DomainError) throw bad(INVALID, { field: 'target_url' });
    throw error;
  });
  return created(req, '_resthook', endpoint.id);
}

export const resthooks: Resource = {
  create,
  list: async (req) =>
    ok(
      (await listEndpoints(req.ctx, { format: VENDOR })).map((endpoint) => ({
        resthook_id: endpoint.id,
        target_url: endpoint.url,
        event: endpoint.events[0] ?? '',
        write_datetime: datetime(endpoint.createdAt),
      })),
    ),
  remove: async (req, segment) => {
    const id = /^\d{1,15}$/.test(segment) ? Number(segment) : 0;
    await deleteEndpoint(req.ctx, id, { format: VENDOR }).catch(() => {
      throw doesNotExist('resthook');
    });
    return ok(true);
  },
};
