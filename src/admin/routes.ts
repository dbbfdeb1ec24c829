// Operator API under /_admin (bearer admin token): tenants, credentials, the clock, fault knobs,
// verify, reset, and a few core operations for seeding data and checking behaviour over HTTP.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CoreServices } from '../core/context.ts';
import { sha256Hex, safeEqual } from '../core/crypto/secrets.ts';
import { DomainError, ErrorCode, invalid } from '../core/errors/domain-error.ts';
import { clockState, moveClockBy, moveClockTo, parseDuration } from '../core/clock/tenant-clock.ts';
import { listCredentials, revokeCredential } from '../core/tenants/credentials.ts';
import { issueDoorCredential, VENDOR_NAMES } from '../vendors/index.ts';
import { contextFor, createTenant, faultsOf, getTenant, listTenants, resetTenant, setFaults, setRateLimit } from '../core/tenants/tenants.ts';
import { adminTokenHash } from '../core/tenants/bootstrap.ts';
import { verify } from '../core/verify/verify.ts';
import { listEvents } from '../core/events/events.ts';
import { capture, createPayment, getTransaction, refund, voidTransaction, type PaymentSource } from '../core/payments/payments.ts';
import { createCustomer } from '../core/customers/customers.ts';
import { resolvePayment } from '../core/flows/resolve-payment.ts';
import { listBatches } from '../core/settlement/settlement.ts';
import type { Tenant } from '../core/database.ts';
import { FailureKind, type FrontDoor, type HttpFailure } from '../http/front-door.ts';
import { unauthorized } from '../http/failures.ts';
import type { Journal } from '../http/journal.ts';
import { journalRoutes } from './journal-routes.ts';
import { recurringRoutes } from './recurring-routes.ts';
import { webhookRoutes } from './webhook-routes.ts';
import { checkFaults, checkKind } from './validate.ts';
import { OPENAPI_PATH, registerOpenApi } from './openapi.ts';

type Body = Record<string, unknown>;
type TenantParams = { tenant: string };

function body(request: FastifyRequest): Body {
  const value = request.body;
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Body) : {};
}

/** A path id: unknown or malformed ids are simply not found. */
function pathId(value: string, what: string): number {
  const id = /^\d{1,15}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(id)) throw new DomainError(ErrorCode.NOT_FOUND, `${what} ${value} not found`);
  return id;
}

function queryInt(value: string | undefined, field: string, fallback: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  if (!/^\d{1,15}$/.test(value)) throw invalid(`${field} must be a non-negative integer`, field);
  return Math.min(max, Number(value));
}

function optionalInt(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalid(`${field} must be an integer`, field);
  return value;
}

export function tenantView(tenant: Tenant) {
  return {
    id: tenant.id,
    name: tenant.name,
    slug: tenant.slug,
    is_test: tenant.is_test === 1,
    is_demo: tenant.is_demo === 1,
    clock: clockState(tenant),
    settlement_cutoff: tenant.settlement_cutoff,
    faults: faultsOf(tenant),
    created_at: new Date(tenant.created_at).toISOString(),
  };
}

/** The admin API's own error envelope. */
export const adminDoorBase: Omit<FrontDoor, 'routes'> = {
  vendor: 'admin',
  prefix: '/_admin',
  rateLimit: { max: 0, windowMs: 60_000 },
  renderError(failure: HttpFailure) {
    return {
      status: failure.kind === FailureKind.ROUTE_NOT_FOUND ? 404 : failure.status,
      body: { error: { type: failure.domain?.code ?? failure.kind, message: failure.message, ...(failure.field ? { field: failure.field } : {}) } },
    };
  },
};

export function adminRoutes(services: CoreServices, journal: Journal) {
  return async function routes(app: FastifyInstance): Promise<void> {
    await registerOpenApi(app);
    app.addHook('onRequest', async (request: FastifyRequest) => {
      if (request.routeOptions.url === `/_admin${OPENAPI_PATH}`) return; // the document is public
      const header = request.headers.authorization ?? '';
      const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
      const expected = await adminTokenHash(services);
      if (!token || !expected || !safeEqual(sha256Hex(token), expected)) throw unauthorized('A valid admin bearer token is required');
      request.credentialKey = 'admin';
    });

    const tenantOf = (request: FastifyRequest<{ Params: TenantParams }>) => getTenant(services, request.params.tenant);
    // The tenant comes from the path here, so the request's idempotency claim joins its context now.
    const requestContext = (request: FastifyRequest, tenant: Tenant) => {
      const ctx = contextFor(services, tenant);
      request.tenantCtx = request.idempotencyClaim ? { ...ctx, idempotency: request.idempotencyClaim } : ctx;
      return request.tenantCtx;
    };

    app.get('/tenants', async () => ({ tenants: (await listTenants(services)).map(tenantView) }));
    app.post('/tenants', async (request, reply) => {
      const input = body(request);
      if (typeof input.name !== 'string') throw invalid('name is required', 'name');
      const tenant = await createTenant(services, {
        name: input.name,
        slug: typeof input.slug === 'string' ? input.slug : undefined,
        isTest: input.is_test !== false,
      });
      reply.code(201);
      return { tenant: tenantView(tenant) };
    });
    app.get<{ Params: TenantParams }>('/tenants/:tenant', async (request) => ({ tenant: tenantView(await tenantOf(request)) }));

    app.get<{ Params: TenantParams; Querystring: { vendor?: string } }>('/tenants/:tenant/credentials', async (request) => {
      const tenant = await tenantOf(request);
      return { credentials: await listCredentials(services, tenant.id, request.query.vendor) };
    });
    app.post<{ Params: TenantParams }>('/tenants/:tenant/credentials', async (request, reply) => {
      const tenant = await tenantOf(request);
      const input = body(request);
      if (typeof input.vendor !== 'string' || !VENDOR_NAMES.includes(input.vendor)) throw invalid(`vendor must be one of ${VENDOR_NAMES.join(', ')}`, 'vendor');
      const issued = await issueDoorCredential(services, tenant.id, {
        vendor: input.vendor,
        kind: checkKind(input.vendor, input.kind),
        mode: input.mode === 'live' ? 'live' : 'test',
        label: typeof input.label === 'string' ? input.label : undefined,
        publicId: typeof input.public_id === 'string' ? input.public_id : undefined,
        secret: typeof input.secret === 'string' ? input.secret : undefined,
      });
      reply.code(201);
      return { credential: { id: issued.id, vendor: issued.vendor, kind: issued.kind, mode: issued.mode, label: issued.label, public_id: issued.publicId, secret: issued.secret } };
    });
    app.delete<{ Params: TenantParams & { id: string } }>('/tenants/:tenant/credentials/:id', async (request, reply) => {
      const tenant = await tenantOf(request);
      await revokeCredential(services, tenant.id, pathId(request.params.id, 'credential'));
      return reply.code(204).send();
    });

    app.get<{ Params: TenantParams }>('/tenants/:tenant/clock', async (request) => ({ clock: clockState(await tenantOf(request)) }));
    app.post<{ Params: TenantParams }>('/tenants/:tenant/clock', async (request) => {
      const input = body(request);
      if (typeof input.to !== 'string' && typeof input.to !== 'number') throw invalid('to is required (ISO 8601 or epoch ms)', 'to');
      const moved = await moveClockTo(services, await tenantOf(request), { to: input.to, freeze: typeof input.freeze === 'boolean' ? input.freeze : undefined });
      return { clock: clockState(moved.tenant), ran: moved.ran };
    });
    app.post<{ Params: TenantParams }>('/tenants/:tenant/clock/advance', async (request) => {
      const input = body(request);
      const ms = typeof input.ms === 'number' ? input.ms : typeof input.by === 'string' ? parseDuration(input.by) : NaN;
      if (!Number.isFinite(ms)) throw invalid('give by ("3d", "2h") or ms', 'by');
      const moved = await moveClockBy(services, await tenantOf(request), ms);
      return { clock: clockState(moved.tenant), ran: moved.ran };
    });

    app.get<{ Params: TenantParams }>('/tenants/:tenant/faults', async (request) => ({ faults: faultsOf(await tenantOf(request)) }));
    app.put<{ Params: TenantParams }>('/tenants/:tenant/faults', async (request) => {
      const tenant = await setFaults(services, await tenantOf(request), checkFaults(body(request)));
      return { faults: faultsOf(tenant) };
    });

    app.put<{ Params: TenantParams }>('/tenants/:tenant/rate-limits', async (request) => {
      let tenant = await tenantOf(request);
      for (const [vendor, value] of Object.entries(body(request))) {
        if (!VENDOR_NAMES.includes(vendor)) throw invalid(`unknown front door ${vendor}`, vendor);
        if (value !== null && typeof value !== 'number') throw invalid('give requests a minute, 0 for none, or null for the vendor default', vendor);
        tenant = await setRateLimit(services, tenant, vendor, value);
      }
      return { rate_limits: (JSON.parse(tenant.settings) as { rate_limits?: Record<string, number> }).rate_limits ?? {} };
    });

    await app.register(journalRoutes(services, journal));
    await app.register(recurringRoutes(services));
    await app.register(webhookRoutes(services));

    app.post<{ Params: TenantParams }>('/tenants/:tenant/reset', async (request) => ({ tenant: tenantView(await resetTenant(services, await tenantOf(request))) }));

    app.get<{ Querystring: { tenant?: string } }>('/verify', async (request, reply: FastifyReply) => {
      const tenantId = request.query.tenant ? (await getTenant(services, request.query.tenant)).id : undefined;
      const report = await verify(services, tenantId);
      reply.code(report.ok ? 200 : 409);
      return report;
    });

    app.get<{ Params: TenantParams; Querystring: { after?: string; limit?: string; type?: string } }>('/tenants/:tenant/events', async (request) => {
      const ctx = requestContext(request, await tenantOf(request));
      const events = await listEvents(ctx, {
        afterId: request.query.after === undefined ? undefined : queryInt(request.query.after, 'after', 0, Number.MAX_SAFE_INTEGER),
        limit: Math.max(1, queryInt(request.query.limit, 'limit', 100, 1000)),
        type: request.query.type,
      });
      return { events: events.map((event) => ({ ...event, data: JSON.parse(event.data) as unknown })) };
    });
    app.get<{ Params: TenantParams }>('/tenants/:tenant/outbox', async (request) => {
      const tenant = await tenantOf(request);
      return { messages: await services.db.selectFrom('outbox').selectAll().where('tenant_id', '=', tenant.id).orderBy('id').execute() };
    });
    app.get<{ Params: TenantParams }>('/tenants/:tenant/settlements', async (request) => ({
      batches: await listBatches(requestContext(request, await tenantOf(request))),
    }));

    // Core operations, for seeding data and for checking idempotency and the ledger over HTTP.
    app.post<{ Params: TenantParams }>('/tenants/:tenant/customers', async (request, reply) => {
      const ctx = requestContext(request, await tenantOf(request));
      const input = body(request);
      const customer = await createCustomer(ctx, {
        firstName: typeof input.first_name === 'string' ? input.first_name : null,
        lastName: typeof input.last_name === 'string' ? input.last_name : null,
        company: typeof input.company === 'string' ? input.company : null,
        email: typeof input.email === 'string' ? input.email : null,
        currency: typeof input.currency === 'string' ? input.currency : undefined,
        refs: typeof input.external_key === 'string' ? [{ vendor: 'admin', kind: 'external_key', value: input.external_key }] : undefined,
      });
      reply.code(201);
      return { customer };
    });
    app.post<{ Params: TenantParams }>('/tenants/:tenant/payments', async (request, reply) => {
      const ctx = requestContext(request, await tenantOf(request));
      const input = body(request);
      const type = input.type ?? 'sale';
      if (type !== 'sale' && type !== 'authorize' && type !== 'credit') throw invalid('type must be sale, authorize or credit', 'type');
      const card = input.card as Body | undefined;
      const bank = input.bank as Body | undefined;
      let source: PaymentSource;
      if (card && typeof card === 'object') {
        source = { card: { number: String(card.number ?? ''), expMonth: Number(card.exp_month), expYear: Number(card.exp_year), cvv: typeof card.cvv === 'string' ? card.cvv : null } };
      } else if (bank && typeof bank === 'object') {
        source = { bank: { routingNumber: String(bank.routing_number ?? ''), accountNumber: String(bank.account_number ?? '') } };
      } else throw invalid('card or bank is required', 'card');
      const result = await createPayment(ctx, {
        type,
        amount: optionalInt(input.amount, 'amount') ?? 0,
        currency: typeof input.currency === 'string' ? input.currency : 'USD',
        customerId: optionalInt(input.customer_id, 'customer_id') ?? null,
        source,
      });
      reply.code(201);
      return { transaction: result.transaction };
    });
    app.post<{ Params: TenantParams & { id: string; action: string } }>('/tenants/:tenant/payments/:id/:action', async (request) => {
      const ctx = requestContext(request, await tenantOf(request));
      const id = pathId(request.params.id, 'transaction');
      const amount = optionalInt(body(request).amount, 'amount');
      switch (request.params.action) {
        case 'capture':
          return { transaction: await capture(ctx, id, { amount }) };
        case 'void':
          return { transaction: await voidTransaction(ctx, id) };
        case 'refund':
          return await refund(ctx, id, { amount });
        case 'inquire':
          return { transaction: await resolvePayment(ctx, id) };
        default:
          await getTransaction(ctx, id);
          throw invalid('action must be capture, void, refund or inquire', 'action');
      }
    });
  };
}
