// Webhook endpoints: where a tenant wants events, which ones, in which vendor's format, enabled or
// not, with a signing secret (sealed at rest, shown to the tenant's operator and to the door that
// made it). Doors' own webhook routes (ChargeDesk /webhooks, ChargeOver _resthook, AffiniPay's event
// URLs) call createEndpoint / deleteEndpoint / listEndpoints with their format; the admin API and
// CLI do the same for any format.
import type { TenantContext } from '../context.ts';
import { invalid, notFound } from '../errors/domain-error.ts';
import { inWork, type TxContext } from '../work.ts';
import type { WebhookEndpointRow } from './schema.ts';
import type { WebhookFormat } from './format.ts';
import { formatOf, runtimeOf } from './runtime.ts';
import { standardSecretOf } from './signing.ts';
import { checkTarget } from './targets.ts';

export interface Endpoint {
  id: number;
  format: string;
  url: string;
  /** The format's event names, or ["*"] for every event. */
  events: string[];
  mode: 'test' | 'live' | null;
  enabled: boolean;
  /** The vendor's shared secret (ChargeOver's key, FluidPay's signing key ...). */
  secret: string;
  /** The same secret as Standard Webhooks libraries take it (whsec_...). */
  standardSecret: string;
  options: Record<string, unknown>;
  description: string;
  disabledReason: string | null;
  createdAt: number;
  updatedAt: number;
  deletedAt: number | null;
}

export interface EndpointInput {
  format: string;
  url: string;
  /** Default: every event. */
  events?: readonly string[];
  mode?: 'test' | 'live' | null;
  enabled?: boolean;
  description?: string;
  options?: Record<string, unknown>;
  /** A secret of the caller's choosing; otherwise one in the format's own form. */
  secret?: string;
}

export interface EndpointChanges {
  url?: string;
  events?: readonly string[];
  enabled?: boolean;
  description?: string;
  options?: Record<string, unknown>;
  mode?: 'test' | 'live' | null;
}

export function toEndpoint(ctx: TenantContext, row: WebhookEndpointRow): Endpoint {
  const secret = ctx.secrets.decrypt(row.secret_enc);
  return {
    id: Number(row.id),
    format: row.format,
    url: row.url,
    events: JSON.parse(row.events) as string[],
    mode: row.mode as Endpoint['mode'],
    enabled: Number(row.enabled) === 1,
    secret,
    standardSecret: standardSecretOf(secret),
    options: JSON.parse(row.options) as Record<string, unknown>,
    description: row.description,
    disabledReason: row.disabled_reason,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    deletedAt: row.deleted_at === null ? null : Number(row.deleted_at),
  };
}

function formatNamed(ctx: TenantContext, name: string): WebhookFormat {
  const runtime = runtimeOf(ctx);
  const format = formatOf(runtime, name);
  if (!format) throw invalid(`format must be one of ${[...runtime.formats.keys()].join(', ')}`, 'format');
  return format;
}

function checkEvents(format: WebhookFormat, events: readonly string[] | undefined): string[] {
  if (events === undefined) return ['*'];
  if (!Array.isArray(events) || events.length === 0) throw invalid('events must be a non-empty list of event names (or ["*"] for every event)', 'events');
  const unique = [...new Set(events)];
  for (const name of unique) {
    if (typeof name !== 'string' || (name !== '*' && !format.events.includes(name) && !format.accepts?.(name))) throw invalid(`unknown ${format.name} event: ${String(name)}`, 'events');
  }
  return unique.includes('*') ? ['*'] : unique;
}

function checkOptions(format: WebhookFormat, options: Record<string, unknown> | undefined): Record<string, unknown> {
  if (options === undefined) return {};
  if (!options || typeof options !== 'object' || Array.isArray(options)) throw invalid('options must be an object', 'options');
  for (const key of Object.keys(options)) if (!(format.options ?? []).includes(key)) throw invalid(`the ${format.name} format has no option ${key}`, 'options');
  return options;
}

function checkMode(mode: unknown): 'test' | 'live' | null {
  if (mode === undefined || mode === null) return null;
  if (mode !== 'test' && mode !== 'live') throw invalid('mode must be test, live or null', 'mode');
  return mode;
}

export async function createEndpoint(ctx: TenantContext, input: EndpointInput): Promise<Endpoint> {
  const format = formatNamed(ctx, input.format);
  const url = checkTarget(String(input.url ?? ''), runtimeOf(ctx).settings.allow);
  const events = checkEvents(format, input.events);
  const options = checkOptions(format, input.options);
  const mode = checkMode(input.mode);
  if (input.secret !== undefined && (typeof input.secret !== 'string' || input.secret.length < 8)) throw invalid('secret must be at least 8 characters', 'secret');
  const secret = input.secret ?? format.newSecret();
  const now = ctx.clock.now();
  const row = await inWork(ctx, (tx) =>
    tx.db
      .insertInto('webhook_endpoints')
      .values({
        tenant_id: ctx.tenant.id,
        format: format.name,
        url,
        events: JSON.stringify(events),
        mode,
        enabled: input.enabled === false ? 0 : 1,
        secret_enc: ctx.secrets.encrypt(secret),
        options: JSON.stringify(options),
        description: input.description ?? '',
        disabled_reason: input.enabled === false ? 'created disabled' : null,
        created_at: now,
        updated_at: now,
        deleted_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
  return toEndpoint(ctx, row);
}

async function endpointRow(ctx: TenantContext, id: number, format?: string): Promise<WebhookEndpointRow> {
  let query = ctx.db.selectFrom('webhook_endpoints').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', id).where('deleted_at', 'is', null);
  if (format) query = query.where('format', '=', format);
  const row = await query.executeTakeFirst();
  if (!row) throw notFound('webhook endpoint', id);
  return row;
}

/** One endpoint; `format` limits it to a door's own (a door never sees another door's endpoints). */
export async function getEndpoint(ctx: TenantContext, id: number, options: { format?: string } = {}): Promise<Endpoint> {
  return toEndpoint(ctx, await endpointRow(ctx, id, options.format));
}

export async function listEndpoints(ctx: TenantContext, options: { format?: string } = {}): Promise<Endpoint[]> {
  let query = ctx.db.selectFrom('webhook_endpoints').selectAll().where('tenant_id', '=', ctx.tenant.id).where('deleted_at', 'is', null);
  if (options.format) query = query.where('format', '=', options.format);
  return (await query.orderBy('id').execute()).map((row) => toEndpoint(ctx, row));
}

/** Changes an endpoint; disabling pauses its queue (pending deliveries wait), enabling resumes it. */
export async function updateEndpoint(ctx: TenantContext, id: number, changes: EndpointChanges, options: { format?: string } = {}): Promise<Endpoint> {
  const current = await endpointRow(ctx, id, options.format);
  const format = formatNamed(ctx, current.format);
  const set: Record<string, unknown> = { updated_at: ctx.clock.now() };
  if (changes.url !== undefined) set.url = checkTarget(String(changes.url), runtimeOf(ctx).settings.allow);
  if (changes.events !== undefined) set.events = JSON.stringify(checkEvents(format, changes.events));
  if (changes.options !== undefined) set.options = JSON.stringify(checkOptions(format, changes.options));
  if (changes.description !== undefined) set.description = String(changes.description);
  if (changes.mode !== undefined) set.mode = checkMode(changes.mode);
  if (changes.enabled !== undefined) {
    set.enabled = changes.enabled ? 1 : 0;
    set.disabled_reason = changes.enabled ? null : 'disabled by an operator';
  }
  const row = await inWork(ctx, (tx) => tx.db.updateTable('webhook_endpoints').set(set).where('id', '=', current.id).returningAll().executeTakeFirstOrThrow());
  return toEndpoint(ctx, row);
}

/** Deletes an endpoint: deliveries stop at once and its queued ones are dropped (kept in the log as cancelled). */
export async function deleteEndpoint(ctx: TenantContext, id: number, options: { format?: string } = {}): Promise<Endpoint> {
  const current = await endpointRow(ctx, id, options.format);
  const now = ctx.clock.now();
  const row = await inWork(ctx, async (tx) => {
    await tx.db
      .updateTable('webhook_deliveries')
      .set({ status: 'cancelled', completed_at: now, last_error: 'endpoint deleted' })
      .where('endpoint_id', '=', current.id)
      .where('status', '=', 'pending')
      .execute();
    return tx.db.updateTable('webhook_endpoints').set({ deleted_at: now, enabled: 0, updated_at: now }).where('id', '=', current.id).returningAll().executeTakeFirstOrThrow();
  });
  return toEndpoint(ctx, row);
}

/** Disables an endpoint from the worker (a 410 to a format that disables on it). */
export async function disableWithin(ctx: TxContext, id: number, reason: string): Promise<void> {
  await ctx.db.updateTable('webhook_endpoints').set({ enabled: 0, disabled_reason: reason, updated_at: ctx.clock.now() }).where('id', '=', id).execute();
}
