// Mounts a front door: its error envelope for every failure (including unknown routes and
// malformed bodies), rate limiting per credential, idempotent POSTs, then the door's own routes.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { CoreServices } from '../core/context.ts';
import { FailureKind, type FrontDoor, type HttpFailure } from './front-door.ts';
import { toFailure } from './failures.ts';
import { refuseUnstorableInput } from './hygiene.ts';
import { answerKeyAlreadyUsed, callerKey, idempotencyHooks } from './idempotency.ts';
import { KeyAlreadyUsedError } from '../core/idempotency/keyed.ts';
import { rateLimitOverride } from '../core/tenants/tenants.ts';
import { blockingLimit } from './blocking-limit.ts';

export function send(door: Pick<FrontDoor, 'renderError'>, failure: HttpFailure, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const rendered = door.renderError(failure, request);
  if (failure.retryAfterSeconds !== undefined) reply.header('retry-after', String(failure.retryAfterSeconds));
  return reply
    .code(rendered.status)
    .headers(rendered.headers ?? {})
    .type('application/json; charset=utf-8')
    .send(JSON.stringify(rendered.body));
}

export async function mountDoor(app: FastifyInstance, door: FrontDoor, services: CoreServices, prefix: string): Promise<void> {
  await app.register(
    async (scope) => {
      scope.setErrorHandler(async (error, request, reply) => {
        if (error instanceof KeyAlreadyUsedError) {
          try {
            if (await answerKeyAlreadyUsed(services.db, request, reply)) return reply;
          } catch (waitError) {
            return send(door, toFailure(waitError, request), request, reply);
          }
        }
        const failure = toFailure(error, request);
        if (failure.kind === FailureKind.INTERNAL) request.log.error({ err: error }, 'unhandled error');
        return send(door, failure, request, reply);
      });
      const blocking = door.rateLimit.blockMs !== undefined ? blockingLimit(door, door.rateLimit.blockMs) : null;
      if (blocking) scope.addHook('preHandler', blocking);
      const limited = !blocking && door.rateLimit.max > 0;
      if (limited) {
        await scope.register(rateLimit, {
          global: true,
          // A tenant may set its own limit (0 = none); the door's is the vendor's documented one.
          max: (request) => {
            const own = request.tenantCtx ? rateLimitOverride(request.tenantCtx.tenant, door.vendor) : undefined;
            return own === undefined ? door.rateLimit.max : own === 0 ? Number.MAX_SAFE_INTEGER : own;
          },
          timeWindow: door.rateLimit.windowMs,
          hook: 'preHandler',
          keyGenerator: (request) => `${door.vendor}:${callerKey(request)}`,
          errorResponseBuilder: (_request, context) => Object.assign(new Error('Rate limit exceeded'), { statusCode: 429, after: context.after }),
          addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
          addHeaders: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false, 'retry-after': true },
        });
      }
      // Unknown routes count against the rate limit too (the plugin only hooks registered routes).
      scope.setNotFoundHandler(limited ? { preHandler: scope.rateLimit() } : {}, (request, reply) =>
        send(door, { kind: FailureKind.ROUTE_NOT_FOUND, status: 404, message: `No route for ${request.method} ${request.originalUrl.split('?')[0]}`, requestId: String(request.id) }, request, reply),
      );
      // Before the door's own hooks (ChargeOver authenticates in preValidation) and every handler.
      scope.addHook('preValidation', refuseUnstorableInput);
      const hooks = idempotencyHooks({ db: services.db, vendor: door.vendor, keyOf: door.idempotencyKeyOf, ttlMs: door.idempotencyTtlMs });
      scope.addHook('preHandler', hooks.preHandler);
      scope.addHook('onSend', hooks.onSend);
      await scope.register(door.routes, { services });
    },
    { prefix },
  );
}
