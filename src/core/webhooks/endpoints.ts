// MINIMAL, MERGE WITH THE WEBHOOK ISSUE: a tenant's webhook endpoints (subscriptions), stored only.
// Made for ChargeOver's `_resthook` (issue 13) while src/core/webhooks lived on the webhook branch;
// the calls and their shapes are that branch's (createEndpoint / deleteEndpoint / listEndpoints
// with a `format`, an Endpoint with id, format, url, events, secret, createdAt), so at the merge
// this file, schema.ts beside it and the `resthook_endpoints` migration give way to the webhook
// work's and the door needs no change. Delivery, retries and the secret's admin view are theirs.
import type { WebhookEndpointRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { randomAlnum } from '../crypto/secrets.ts';
import { invalid, notFound } from '../errors/domain-error.ts';
import { inWork } from '../work.ts';

export interface Endpoint {
  id: number;
  format: string;
  url: string;
  events: string[];
  secret: string;
  createdAt: number;
  deletedAt: number | null;
}

export interface EndpointInput {
  format: string;
  url: string;
  events?: readonly string[];
}

function toEndpoint(row: WebhookEndpointRow): Endpoint {
  return {
    id: Number(row.id),
    format: row.vendor,
    url: row.url,
    events: JSON.parse(row.events) as string[],
    secret: row.secret,
    createdAt: Number(row.created_at),
    deletedAt: row.deleted_at === null ? null : Number(row.deleted_at),
  };
}

/** An absolute http(s) URL (local receivers on 127.0.0.1 included). */
function checkTarget(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('url must be an absolute http or https URL', 'url');
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || !parsed.hostname) throw invalid('url must be an absolute http or https URL', 'url');
  return url;
}

export async function createEndpoint(ctx: TenantContext, input: EndpointInput): Promise<Endpoint> {
  const url = checkTarget(String(input.url ?? ''));
  const events = input.events === undefined ? ['*'] : [...new Set(input.events)];
  if (events.length === 0) throw invalid('events must be a non-empty list of event names (or ["*"] for every event)', 'events');
  const row = await inWork(ctx, (tx) =>
    tx.db
      .insertInto('webhook_endpoints')
      .values({ tenant_id: ctx.tenant.id, vendor: input.format, url, events: JSON.stringify(events), secret: randomAlnum(32), created_at: ctx.clock.now(), deleted_at: null })
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
  return toEndpoint(row);
}

/** A tenant's live endpoints; `format` limits them to a door's own. */
export async function listEndpoints(ctx: TenantContext, options: { format?: string } = {}): Promise<Endpoint[]> {
  let query = ctx.db.selectFrom('webhook_endpoints').selectAll().where('tenant_id', '=', ctx.tenant.id).where('deleted_at', 'is', null);
  if (options.format) query = query.where('vendor', '=', options.format);
  return (await query.orderBy('id').execute()).map(toEndpoint);
}

export async function deleteEndpoint(ctx: TenantContext, id: number, options: { format?: string } = {}): Promise<Endpoint> {
  return inWork(ctx, async (tx) => {
    let query = tx.db.updateTable('webhook_endpoints').set({ deleted_at: ctx.clock.now() }).where('tenant_id', '=', ctx.tenant.id).where('id', '=', id).where('deleted_at', 'is', null);
    if (options.format) query = query.where('vendor', '=', options.format);
    const row = await query.returningAll().executeTakeFirst();
    if (!row) throw notFound('webhook endpoint', id);
    return toEndpoint(row);
  });
}
