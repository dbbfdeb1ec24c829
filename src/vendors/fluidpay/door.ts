// The FluidPay front door. Paths are served under /api (the real service's prefix, which every
// client appends to) and at the root (G1): on the main port /fluidpay/api/transaction, on
// BURSAR_FLUIDPAY_PORT /api/transaction. The routes are mounted once, under /api; a path without
// it is routed there (alsoWithoutClientPath, src/http/client-path.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FrontDoorDeps } from '../../http/front-door.ts';
import { randomAlnum } from '../../core/crypto/secrets.ts';
import { CredentialKind } from '../../core/tenants/credentials.ts';
import { createUser } from '../../core/users/users.ts';
import type { Door } from '../kit/door.ts';
import { fluidPayRenderers } from './renderers.ts';
import { fluidPayWebhooks } from './webhooks.ts';
import { FLUIDPAY_SUITE_API_KEY } from './suite-key.ts';

const DEMO_USER_PASSWORD = 'demo-password-1';
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

export const fluidPayDoor: Door = {
  vendor: 'fluidpay',
  title: 'FluidPay (gateway, vault, recurring)',
  live: true,
  prefix: '/fluidpay',
  clientPath: '/api',
  alsoWithoutClientPath: true,
  readme: 'src/vendors/fluidpay/README.md',
  credentials: {
    kinds: [CredentialKind.API_KEY, CredentialKind.PASSWORD],
    secret: (_kind, _mode, label) => `${label === 'pub' ? 'pub' : 'api'}_${randomAlnum(27)}`,
  },
  demo: [
    { kind: CredentialKind.API_KEY, label: 'api' },
    { kind: CredentialKind.API_KEY, label: 'suite', secret: FLUIDPAY_SUITE_API_KEY },
    { kind: CredentialKind.API_KEY, label: 'pub' },
    { kind: CredentialKind.PASSWORD, label: 'user', publicId: 'demo', secret: DEMO_USER_PASSWORD },
  ],
  // The FluidPay user behind the printed demo/demo-password-1, so token-auth works too; it owns the
  // demo keys (the first admin). And the php suite's own login (fluidpay-v2 §3.1, its tests/Data.php).
  seedDemo: async (ctx) => {
    await createUser(ctx, { username: 'demo', password: DEMO_USER_PASSWORD, name: 'Demo Admin', role: 'admin', status: 'active' });
    await createUser(ctx, { username: 'test_merchant', password: 'Fluidpay247!', name: 'Test Merchant', role: 'admin', status: 'active' });
  },
  renderers: fluidPayRenderers,
  webhooks: [fluidPayWebhooks],
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
  },
};
