// JSON schemas of the admin API, one per route (attached as the routes are declared), from which
// @fastify/swagger builds the OpenAPI document at /_admin/openapi.json. They describe; the handlers
// validate input themselves (with the admin API's own error messages), and a test checks real
// answers against the response schemas, so the document cannot drift from what the API does.
import { VENDOR_NAMES as VENDORS } from '../vendors/index.ts';
import { FORCE_DECLINE_VALUES } from './validate.ts';

type Schema = Record<string, unknown>;

const str = { type: 'string' };
const int = { type: 'integer' };
const bool = { type: 'boolean' };
const nullable = (schema: Schema): Schema => ({ ...schema, type: [schema.type as string, 'null'] });
const obj = (properties: Record<string, Schema>, required: string[] = Object.keys(properties), extra = false): Schema => ({ type: 'object', properties, required, additionalProperties: extra });
const anyObject: Schema = { type: 'object', additionalProperties: true };

const clock = obj({ now: { ...int, description: 'epoch ms on the tenant clock' }, iso: str, frozen: bool, offset_ms: int });
const ran = { type: 'object', additionalProperties: int, description: 'due work done on the way, per kind (renewal, dunning, settlement, …)' };
const settings = obj({
  timezone: { ...str, description: 'IANA zone: bill dates, retry days and cut-offs are days and times there' },
  dunning_days: { type: 'array', items: int, description: 'days after a failed renewal on which it is retried' },
  dunning_final: { type: 'string', enum: ['cancel', 'unpaid'] },
  notice_days: { ...int, description: 'days ahead a coming payment or trial end is noticed, and an unpaid payment request reminded (0: never)' },
  authorization_expiry_days: { type: ['integer', 'null'] },
  settlement_cutoff: { ...str, pattern: '^\\d{2}:\\d{2}$' },
});
const dueItem = obj({ kind: str, due_at: { ...str, format: 'date-time' }, object_type: str, object_id: int, detail: anyObject });
const faults = obj({ latency_ms: { ...int, minimum: 0, maximum: 60000 }, force_decline: { type: ['string', 'null'], enum: [...FORCE_DECLINE_VALUES, null] }, processor_error: bool }, []);
const tenant = obj({ id: int, name: str, slug: str, is_test: bool, is_demo: bool, clock, settlement_cutoff: str, faults, created_at: { ...str, format: 'date-time' } });
const credential = obj({ id: int, vendor: str, kind: str, mode: str, label: str, public_id: nullable(str), secret: nullable(str), created_at: int, revoked_at: nullable(int) });
const issued = obj({ id: int, vendor: str, kind: str, mode: str, label: str, public_id: nullable(str), secret: str });
const error = obj({ error: obj({ type: str, message: str, field: str }, ['type', 'message']) });
const report = obj({ ok: bool, checked: { type: 'object', additionalProperties: int }, violation: nullable(str) });
const journalEntry = obj({
  id: int,
  at: { ...str, format: 'date-time' },
  door: str,
  tenant: nullable(str),
  request_id: str,
  method: str,
  path: str,
  query: nullable(str),
  status: int,
  duration_ms: { type: 'number' },
  request: obj({ headers: { type: 'object', additionalProperties: str }, body: { description: 'parsed JSON or form fields with card data and secrets redacted, else masked text' } }),
  response: obj({ body: { description: 'as the request body' } }),
  error: nullable(obj({ kind: str, message: str })),
});
const journal = obj({ size: { ...int, description: 'requests kept per tenant' }, requests: { type: 'array', items: journalEntry } });

const tenantParam = obj({ tenant: { ...str, description: 'tenant id or slug' } });
const idParams = obj({ tenant: str, id: str });
const endpoint = obj({
  id: int,
  format: { ...str, description: 'standard, or a door’s: chargedesk, affinipay, affinipay_partner, chargeover, fluidpay' },
  url: str,
  events: { type: 'array', items: str, description: 'the format’s event names, or ["*"] for every event' },
  mode: { type: ['string', 'null'], enum: ['test', 'live', null], description: 'only test or only live tenants’ events (AffiniPay’s test and live URLs)' },
  enabled: bool,
  disabled_reason: nullable(str),
  secret: { ...str, description: 'the vendor’s shared secret (signs its own header)' },
  standard_webhooks_secret: { ...str, description: 'the same secret for Standard Webhooks libraries (whsec_…)' },
  options: anyObject,
  description: str,
  created_at: { ...str, format: 'date-time' },
  updated_at: { ...str, format: 'date-time' },
});
const endpointInput = (required: string[]) =>
  obj(
    {
      format: { ...str, default: 'standard' },
      url: { ...str, description: 'http or https; the deployment’s BURSAR_WEBHOOK_ALLOW applies' },
      events: { type: 'array', items: str },
      mode: { type: ['string', 'null'], enum: ['test', 'live', null] },
      enabled: bool,
      description: str,
      options: { ...anyObject, description: 'chargeover: {"encrypt": true}' },
      secret: str,
    },
    required,
  );
const attempt = obj({
  attempt: int,
  due_at: { ...str, format: 'date-time' },
  started_at: { ...str, format: 'date-time' },
  url: str,
  request_headers: { type: 'object', additionalProperties: str },
  outcome: { type: 'string', enum: ['sending', 'succeeded', 'failed'] },
  response_status: nullable(int),
  response_excerpt: nullable(str),
  error: nullable(str),
  duration_ms: nullable(int),
});
const delivery = obj(
  {
    id: int,
    endpoint_id: int,
    event_id: int,
    event_type: str,
    object_type: str,
    object_id: int,
    message_id: { ...str, description: 'webhook-id: the same on every attempt' },
    status: { type: 'string', enum: ['pending', 'delivered', 'failed', 'cancelled'] },
    attempts: int,
    next_attempt_at: nullable({ ...str, format: 'date-time' }),
    replay_of: nullable(int),
    last_status: nullable(int),
    last_error: nullable(str),
    created_at: { ...str, format: 'date-time' },
    completed_at: nullable({ ...str, format: 'date-time' }),
    payload: nullable(str),
    log: { type: 'array', items: attempt },
  },
  ['id', 'endpoint_id', 'event_type', 'message_id', 'status', 'attempts'],
);
const webhookFormat = obj({
  name: str,
  title: str,
  events: { type: 'array', items: str },
  retries: str,
  timeout_ms: int,
  disables_on: { type: 'array', items: int },
  options: { type: 'array', items: str },
});
const journalQuery = obj(
  {
    door: { type: 'string', enum: [...VENDORS] },
    status: { ...str, pattern: '^(\\d{3}|[1-5]xx)$', description: '404, or a class: 4xx' },
    path: { ...str, description: 'part of the path' },
    limit: { ...str, pattern: '^\\d+$' },
  },
  [],
);

const ok = (schema: Schema, status = 200) => ({ [status]: schema, 400: error, 401: error, 404: error });
const route = (summary: string, parts: Schema) => ({ summary, tags: [String(summary.split(':')[0])], security: [{ adminToken: [] }], ...parts });

/** Route schemas by "METHOD /path" as Fastify sees the path (with the /_admin prefix). */
export const ADMIN_SCHEMAS: Record<string, Schema> = {
  'GET /_admin/tenants': route('tenants: list', { response: ok(obj({ tenants: { type: 'array', items: tenant } })) }),
  'POST /_admin/tenants': route('tenants: create', { body: obj({ name: str, slug: str, is_test: { ...bool, default: true } }, ['name']), response: ok(obj({ tenant }), 201) }),
  'GET /_admin/tenants/:tenant': route('tenants: one', { params: tenantParam, response: ok(obj({ tenant })) }),
  'GET /_admin/tenants/:tenant/credentials': route('credentials: list', {
    params: tenantParam,
    querystring: obj({ vendor: { type: 'string', enum: [...VENDORS] } }, []),
    response: ok(obj({ credentials: { type: 'array', items: credential } })),
  }),
  'POST /_admin/tenants/:tenant/credentials': route('credentials: issue (the secret is shown once)', {
    params: tenantParam,
    body: obj(
      {
        vendor: { type: 'string', enum: [...VENDORS] },
        kind: { ...str, description: 'default per door; chargeover key_pair; fluidpay api_key or password; affinipay api_key, public_key or oauth_client' },
        mode: { type: 'string', enum: ['test', 'live'] },
        label: str,
        public_id: str,
        secret: str,
      },
      ['vendor'],
    ),
    response: ok(obj({ credential: issued }), 201),
  }),
  'DELETE /_admin/tenants/:tenant/credentials/:id': route('credentials: revoke', { params: obj({ tenant: str, id: str }), response: { 204: { type: 'null' }, 401: error, 404: error } }),
  'GET /_admin/tenants/:tenant/clock': route('clock: read', { params: tenantParam, response: ok(obj({ clock })) }),
  'POST /_admin/tenants/:tenant/clock': route('clock: set (forward only; due jobs run before the answer)', {
    params: tenantParam,
    body: obj({ to: { type: ['string', 'integer'], description: 'ISO 8601 or epoch ms' }, freeze: bool }, ['to']),
    response: ok(obj({ clock, ran })),
  }),
  'POST /_admin/tenants/:tenant/clock/advance': route('clock: advance (due work runs before the answer, each item as of its own moment)', {
    params: tenantParam,
    body: obj({ by: { ...str, examples: ['3d', '2h'] }, ms: int }, []),
    response: ok(obj({ clock, ran })),
  }),
  'GET /_admin/tenants/:tenant/settings': route('settings: time zone, dunning ladder, authorization window', { params: tenantParam, response: ok(obj({ settings })) }),
  'PUT /_admin/tenants/:tenant/settings': route('settings: change some (the others keep their values)', {
    params: tenantParam,
    body: obj(
      {
        timezone: str,
        dunning_days: { type: 'array', items: int },
        dunning_final: { type: 'string', enum: ['cancel', 'unpaid'] },
        authorization_expiry_days: { type: ['integer', 'null'] },
        settlement_cutoff: str,
        notice_days: int,
      },
      [],
    ),
    response: ok(obj({ settings })),
  }),
  'GET /_admin/tenants/:tenant/due-work': route('due work: what falls due by a time (default now), per kind and item', {
    params: tenantParam,
    querystring: obj({ until: { ...str, description: 'ISO 8601 or epoch ms' }, limit: str }, []),
    response: ok(obj({ until: { ...str, format: 'date-time' }, counts: ran, items: { type: 'array', items: dueItem } })),
  }),
  'POST /_admin/tenants/:tenant/due-work/run': route('due work: run what is due now', { params: tenantParam, response: ok(obj({ ran, moments: int })) }),
  'GET /_admin/tenants/:tenant/subscriptions': route('subscriptions: list (any door’s), newest first', {
    params: tenantParam,
    querystring: obj({ status: str, limit: str, offset: str }, []),
    response: ok(obj({ total: int, subscriptions: { type: 'array', items: anyObject } })),
  }),
  'GET /_admin/tenants/:tenant/subscriptions/:id': route('subscriptions: one, with its lines and renewals', { params: obj({ tenant: str, id: str }), response: ok(obj({ subscription: anyObject })) }),
  'GET /_admin/tenants/:tenant/faults': route('faults: read', { params: tenantParam, response: ok(obj({ faults })) }),
  'PUT /_admin/tenants/:tenant/faults': route('faults: set (replaces all knobs)', { params: tenantParam, body: faults, response: ok(obj({ faults })) }),
  'PUT /_admin/tenants/:tenant/rate-limits': route('rate limits: requests a minute per door (0 none, null the vendor’s)', {
    params: tenantParam,
    body: { type: 'object', additionalProperties: { type: ['integer', 'null'] } },
    response: ok(obj({ rate_limits: { type: 'object', additionalProperties: int } })),
  }),
  'POST /_admin/tenants/:tenant/reset': route('tenants: reset a test tenant (credentials stay)', { params: tenantParam, response: ok(obj({ tenant })) }),
  'GET /_admin/verify': route('verify: ledger invariants (409 names the first violation)', { querystring: obj({ tenant: str }, []), response: { 200: report, 409: report, 401: error, 404: error } }),
  'GET /_admin/tenants/:tenant/events': route('events: the event log', {
    params: tenantParam,
    querystring: obj({ after: str, limit: str, type: str }, []),
    response: ok(obj({ events: { type: 'array', items: anyObject } })),
  }),
  'GET /_admin/tenants/:tenant/outbox': route('outbox: emails the tenant would have sent', { params: tenantParam, response: ok(obj({ messages: { type: 'array', items: anyObject } })) }),
  'GET /_admin/tenants/:tenant/settlements': route('settlements: batches', { params: tenantParam, response: ok(obj({ batches: { type: 'array', items: anyObject } })) }),
  'POST /_admin/tenants/:tenant/customers': route('core: create a customer', {
    params: tenantParam,
    body: obj({ first_name: str, last_name: str, company: str, email: str, currency: str, external_key: str }, []),
    response: ok(obj({ customer: anyObject }), 201),
  }),
  'POST /_admin/tenants/:tenant/payments': route('core: a payment (honours Idempotency-Key)', {
    params: tenantParam,
    body: obj(
      {
        type: { type: 'string', enum: ['sale', 'authorize', 'credit'] },
        amount: { ...int, description: 'minor units' },
        currency: str,
        customer_id: int,
        card: obj({ number: str, exp_month: int, exp_year: int, cvv: str }, ['number', 'exp_month', 'exp_year']),
        bank: obj({ routing_number: str, account_number: str }),
      },
      ['amount'],
    ),
    response: { 200: obj({ transaction: anyObject }), 201: obj({ transaction: anyObject }), 400: error, 401: error, 404: error },
  }),
  'POST /_admin/tenants/:tenant/payments/:id/:action': route('core: capture, void or refund a payment', {
    params: obj({ tenant: str, id: str, action: { type: 'string', enum: ['capture', 'void', 'refund'] } }),
    body: obj({ amount: int }, []),
    response: ok(anyObject),
  }),
  'GET /_admin/requests': route('journal: every tenant’s recent requests and the unauthenticated ones, newest first', { querystring: journalQuery, response: ok(journal) }),
  'DELETE /_admin/requests': route('journal: clear everything', { response: { 204: { type: 'null' }, 401: error } }),
  'GET /_admin/tenants/:tenant/requests': route('journal: a tenant’s recent requests, newest first', { params: tenantParam, querystring: journalQuery, response: ok(journal) }),
  'DELETE /_admin/tenants/:tenant/requests': route('journal: clear a tenant’s', { params: tenantParam, response: { 204: { type: 'null' }, 401: error, 404: error } }),
  'GET /_admin/webhook-formats': route('webhooks: the formats this server speaks (events, retries, timeout) and its allow-list', {
    response: ok(obj({ formats: { type: 'array', items: webhookFormat }, allow_list: { type: ['array', 'null'], items: str } })),
  }),
  'GET /_admin/tenants/:tenant/webhooks': route('webhooks: a tenant’s endpoints', {
    params: tenantParam,
    querystring: obj({ format: str }, []),
    response: ok(obj({ endpoints: { type: 'array', items: endpoint } })),
  }),
  'POST /_admin/tenants/:tenant/webhooks': route('webhooks: add an endpoint', { params: tenantParam, body: endpointInput(['url']), response: ok(obj({ endpoint }), 201) }),
  'GET /_admin/tenants/:tenant/webhooks/:id': route('webhooks: one endpoint', { params: idParams, response: ok(obj({ endpoint })) }),
  'PATCH /_admin/tenants/:tenant/webhooks/:id': route('webhooks: change, enable or disable an endpoint (disabled: its queue waits)', {
    params: idParams,
    body: endpointInput([]),
    response: ok(obj({ endpoint })),
  }),
  'DELETE /_admin/tenants/:tenant/webhooks/:id': route('webhooks: delete an endpoint (its queued deliveries are dropped)', {
    params: idParams,
    response: { 204: { type: 'null' }, 401: error, 404: error },
  }),
  'POST /_admin/tenants/:tenant/webhooks/:id/test': route('webhooks: queue a test delivery', { params: idParams, response: ok(obj({ delivery }), 202) }),
  'POST /_admin/tenants/:tenant/webhooks/:id/replay': route('webhooks: replay every failed delivery of the endpoint not replayed yet', {
    params: idParams,
    response: ok(obj({ deliveries: { type: 'array', items: delivery } }), 202),
  }),
  'GET /_admin/tenants/:tenant/webhook-deliveries': route('webhooks: the delivery log, newest first, with every attempt', {
    params: tenantParam,
    querystring: obj({ endpoint: str, status: { type: 'string', enum: ['pending', 'delivered', 'failed', 'cancelled'] }, before: str, limit: str }, []),
    response: ok(obj({ deliveries: { type: 'array', items: delivery } })),
  }),
  'GET /_admin/tenants/:tenant/webhook-deliveries/:id': route('webhooks: one delivery with its payload and attempts', { params: idParams, response: ok(obj({ delivery })) }),
  'POST /_admin/tenants/:tenant/webhook-deliveries/:id/replay': route('webhooks: replay one delivery (a new delivery of the same body)', { params: idParams, response: ok(obj({ delivery }), 202) }),
};
