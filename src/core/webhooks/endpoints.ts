// MINIMAL, MERGE WITH THE WEBHOOK ISSUE: a tenant's webhook endpoints (subscriptions), stored only.
// Created here for ChargeOver's `_resthook` (issue 13) before src/core/webhooks existed; delivery,
// retries and the admin view of the secret belong to the webhook-delivery work, whose endpoint API
// should take these calls' place (createEndpoint / deleteEndpoint / listEndpoints, same meanings).
import type { WebhookEndpointRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { randomAlnum } from '../crypto/secrets.ts';
import { invalid, notFound } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { inWork } from '../work.ts';

export interface EndpointInput {
  vendor: string;
  url: string;
  events: string[];
}

/** An absolute http(s) URL (local receivers on 127.0.0.1 included). */
export function checkEndpointUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('The target URL must be an absolute http or https URL', 'url');
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || !parsed.hostname) throw invalid('The target URL must be an absolute http or https URL', 'url');
}

export async function createEndpoint(ctx: TenantContext, input: EndpointInput): Promise<WebhookEndpointRow> {
  checkEndpointUrl(input.url);
  if (input.events.length === 0) throw invalid('An endpoint needs at least one event', 'events');
  return inWork(ctx, async (ctx) => {
    const row = await ctx.db
      .insertInto('webhook_endpoints')
      .values({ tenant_id: ctx.tenant.id, vendor: input.vendor, url: input.url, events: JSON.stringify(input.events), secret: randomAlnum(32), created_at: ctx.clock.now(), deleted_at: null })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordEvent(ctx, 'webhook_endpoint.created', 'webhook_endpoint', row.id, { ...row, secret: undefined });
    return row;
  });
}

export async function listEndpoints(ctx: TenantContext, vendor: string): Promise<WebhookEndpointRow[]> {
  return ctx.db.selectFrom('webhook_endpoints').selectAll().where('tenant_id', '=', ctx.tenant.id).where('vendor', '=', vendor).where('deleted_at', 'is', null).orderBy('id').execute();
}

export async function deleteEndpoint(ctx: TenantContext, vendor: string, id: number): Promise<void> {
  await inWork(ctx, async (ctx) => {
    const row = await ctx.db
      .updateTable('webhook_endpoints')
      .set({ deleted_at: ctx.clock.now() })
      .where('tenant_id', '=', ctx.tenant.id)
      .where('vendor', '=', vendor)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (!row) throw notFound('webhook endpoint', id);
    await recordEvent(ctx, 'webhook_endpoint.deleted', 'webhook_endpoint', id, { id });
  });
}
