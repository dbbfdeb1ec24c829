// The FluidPay front door. Paths are served under /api (the real service's prefix, which every
// client appends to) and at the root (G1): on the main port /fluidpay/api/transaction, on
// BURSAR_FLUIDPAY_PORT /api/transaction.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FrontDoor, FrontDoorDeps } from '../../http/front-door.ts';
import { renderFluidPayError } from './errors.ts';
import { fluidPayAuth } from './auth.ts';
import { transactionRoutes, DEFAULT_IDEMPOTENCY_SECONDS } from './transactions.ts';
import { transactionSearchRoutes } from './transaction-search.ts';
import { settlementRoutes } from './settlement.ts';
import { vaultRoutes } from './vault.ts';
import { userRoutes } from './users.ts';
import { recurringRoutes } from './recurring.ts';
import { subscriptionRoutes } from './subscriptions.ts';
import { terminalRoutes } from './terminals.ts';
import { invoiceRoutes } from './invoices.ts';
import type { CoreServices } from '../../core/context.ts';

function bodyField(request: FastifyRequest, field: string): unknown {
  const body = request.body as Record<string, unknown> | undefined;
  return body && typeof body === 'object' ? body[field] : undefined;
}

async function resources(app: FastifyInstance, options: { services: CoreServices }): Promise<void> {
  await app.register(userRoutes(options.services));
  await app.register(transactionSearchRoutes);
  await app.register(transactionRoutes);
  await app.register(settlementRoutes);
  await app.register(vaultRoutes);
  await app.register(recurringRoutes);
  await app.register(subscriptionRoutes);
  await app.register(terminalRoutes);
  await app.register(invoiceRoutes);
}

export const fluidPayDoor: FrontDoor = {
  vendor: 'fluidpay',
  prefix: '/fluidpay',
  rateLimit: { max: 0, windowMs: 60_000 },
  renderError: renderFluidPayError,
  // FluidPay clients put the key in the body (§1.9); the shared mechanism handles both.
  idempotencyKeyOf: (request: FastifyRequest) => {
    const key = bodyField(request, 'idempotency_key');
    return typeof key === 'string' && key ? key : undefined;
  },
  // idempotency_time in seconds; 5 minutes when a key comes without one.
  idempotencyTtlMs: (request: FastifyRequest) => {
    const seconds = bodyField(request, 'idempotency_time');
    return (typeof seconds === 'number' && Number.isInteger(seconds) && seconds > 0 ? seconds : DEFAULT_IDEMPOTENCY_SECONDS) * 1000;
  },
  routes: async (app: FastifyInstance, deps: FrontDoorDeps) => {
    app.addHook('onRequest', fluidPayAuth(deps.services));
    await app.register(resources, { prefix: '/api', services: deps.services });
    await app.register(resources, { services: deps.services });
  },
};
