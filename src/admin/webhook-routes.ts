// Webhooks over the admin API: the formats this server speaks, a tenant's endpoints (list, create,
// change, enable/disable, delete, send a test), the delivery log, and replays of one delivery or of
// every failed delivery of an endpoint. Deliveries themselves run in the background, never here.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CoreServices } from '../core/context.ts';
import { DomainError, ErrorCode, invalid } from '../core/errors/domain-error.ts';
import { contextFor, getTenant } from '../core/tenants/tenants.ts';
import { createEndpoint, deleteEndpoint, getEndpoint, listEndpoints, updateEndpoint, type Endpoint, type EndpointChanges } from '../core/webhooks/endpoints.ts';
import { getDelivery, listDeliveries, replayDelivery, replayFailed, sendTestDelivery } from '../core/webhooks/deliveries.ts';
import { runtimeOf, timeoutOf } from '../core/webhooks/runtime.ts';

type Body = Record<string, unknown>;
type Params = { tenant: string; id: string };

function body(request: FastifyRequest): Body {
  const value = request.body;
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Body) : {};
}

function pathId(value: string, what: string): number {
  const id = /^\d{1,15}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(id)) throw new DomainError(ErrorCode.NOT_FOUND, `${what} ${value} not found`);
  return id;
}

function queryInt(value: string | undefined, field: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d{1,15}$/.test(value)) throw invalid(`${field} must be a non-negative integer`, field);
  return Number(value);
}

function optional<T>(input: Body, field: string, check: (value: unknown) => value is T, what: string): T | undefined {
  const value = input[field];
  if (value === undefined) return undefined;
  if (!check(value)) throw invalid(`${field} must be ${what}`, field);
  return value;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
const isList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isMode = (v: unknown): v is 'test' | 'live' | null => v === null || v === 'test' || v === 'live';

export function endpointView(endpoint: Endpoint) {
  return {
    id: endpoint.id,
    format: endpoint.format,
    url: endpoint.url,
    events: endpoint.events,
    mode: endpoint.mode,
    enabled: endpoint.enabled,
    disabled_reason: endpoint.disabledReason,
    secret: endpoint.secret,
    standard_webhooks_secret: endpoint.standardSecret,
    options: endpoint.options,
    description: endpoint.description,
    created_at: new Date(endpoint.createdAt).toISOString(),
    updated_at: new Date(endpoint.updatedAt).toISOString(),
  };
}

function changesOf(input: Body): EndpointChanges {
  return {
    url: optional(input, 'url', isString, 'a URL'),
    events: optional(input, 'events', isList, 'a list of event names'),
    enabled: optional(input, 'enabled', isBool, 'true or false'),
    description: optional(input, 'description', isString, 'text'),
    options: optional(input, 'options', isObject, 'an object'),
    mode: optional(input, 'mode', isMode, 'test, live or null'),
  };
}

export function webhookRoutes(services: CoreServices) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const ctxOf = async (request: FastifyRequest<{ Params: { tenant: string } }>) => contextFor(services, await getTenant(services, request.params.tenant));

    app.get('/webhook-formats', async () => {
      const runtime = runtimeOf(services);
      return {
        formats: [...runtime.formats.values()].map((format) => ({
          name: format.name,
          title: format.title,
          events: [...format.events],
          retries: format.schedule.describe,
          timeout_ms: timeoutOf(runtime, format),
          disables_on: [...(format.disableOn ?? [])],
          options: [...(format.options ?? [])],
        })),
        allow_list: runtime.settings.allow,
      };
    });

    app.get<{ Params: { tenant: string }; Querystring: { format?: string } }>('/tenants/:tenant/webhooks', async (request) => ({
      endpoints: (await listEndpoints(await ctxOf(request), { format: request.query.format || undefined })).map(endpointView),
    }));
    app.post<{ Params: { tenant: string } }>('/tenants/:tenant/webhooks', async (request, reply) => {
      const input = body(request);
      const changes = changesOf(input);
      if (typeof input.format !== 'string' && input.format !== undefined) throw invalid('format must be a format name', 'format');
      if (typeof input.url !== 'string') throw invalid('url is required', 'url');
      const endpoint = await createEndpoint(await ctxOf(request), {
        format: (input.format as string | undefined) ?? 'standard',
        url: input.url,
        events: changes.events,
        mode: changes.mode,
        enabled: changes.enabled,
        description: changes.description,
        options: changes.options,
        secret: optional(input, 'secret', isString, 'text'),
      });
      reply.code(201);
      return { endpoint: endpointView(endpoint) };
    });
    app.get<{ Params: Params }>('/tenants/:tenant/webhooks/:id', async (request) => ({
      endpoint: endpointView(await getEndpoint(await ctxOf(request), pathId(request.params.id, 'webhook endpoint'))),
    }));
    app.patch<{ Params: Params }>('/tenants/:tenant/webhooks/:id', async (request) => ({
      endpoint: endpointView(await updateEndpoint(await ctxOf(request), pathId(request.params.id, 'webhook endpoint'), changesOf(body(request)))),
    }));
    app.delete<{ Params: Params }>('/tenants/:tenant/webhooks/:id', async (request, reply: FastifyReply) => {
      await deleteEndpoint(await ctxOf(request), pathId(request.params.id, 'webhook endpoint'));
      return reply.code(204).send();
    });
    app.post<{ Params: Params }>('/tenants/:tenant/webhooks/:id/test', async (request, reply) => {
      reply.code(202);
      return { delivery: await sendTestDelivery(await ctxOf(request), pathId(request.params.id, 'webhook endpoint')) };
    });
    app.post<{ Params: Params }>('/tenants/:tenant/webhooks/:id/replay', async (request, reply) => {
      reply.code(202);
      return { deliveries: await replayFailed(await ctxOf(request), pathId(request.params.id, 'webhook endpoint')) };
    });

    app.get<{ Params: { tenant: string }; Querystring: { endpoint?: string; status?: string; before?: string; limit?: string } }>('/tenants/:tenant/webhook-deliveries', async (request) => ({
      deliveries: await listDeliveries(await ctxOf(request), {
        endpointId: queryInt(request.query.endpoint, 'endpoint'),
        status: request.query.status || undefined,
        before: queryInt(request.query.before, 'before'),
        limit: queryInt(request.query.limit, 'limit'),
      }),
    }));
    app.get<{ Params: Params }>('/tenants/:tenant/webhook-deliveries/:id', async (request) => ({ delivery: await getDelivery(await ctxOf(request), pathId(request.params.id, 'webhook delivery')) }));
    app.post<{ Params: Params }>('/tenants/:tenant/webhook-deliveries/:id/replay', async (request, reply) => {
      reply.code(202);
      return { delivery: await replayDelivery(await ctxOf(request), pathId(request.params.id, 'webhook delivery')) };
    });
  };
}
