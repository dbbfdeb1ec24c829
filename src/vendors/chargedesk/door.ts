// The ChargeDesk v1 front door: the client's base URL is http://HOST:PORT/chargedesk and it appends
// /v1/... (chargedesk-php). Basic auth with the secret key as the user (any password); the links
// objects carry (pay pages, invoices) answer under the same prefix without credentials.
import type { FastifyInstance } from 'fastify';
import { randomAlnum } from '../../core/crypto/secrets.ts';
import { CredentialKind } from '../../core/tenants/credentials.ts';
import type { FrontDoorDeps } from '../../http/front-door.ts';
import type { Door } from '../kit/door.ts';
import { basicKeyAuth } from '../kit/basic-auth.ts';
import { renderChargeDeskError } from './errors.ts';
import { chargeDeskWebhooks } from './webhooks.ts';
import { chargeRoutes } from './charges.ts';
import { customerRoutes } from './customers.ts';
import { recordRoutes } from './records.ts';
import { gatewayRoutes } from './gateway.ts';
import { hookRoutes } from './hooks.ts';
import { logRoutes } from './logs.ts';
import { registerPages } from './pages.ts';

export const chargeDeskDoor: Door = {
  vendor: 'chargedesk',
  title: 'ChargeDesk v1',
  live: true,
  prefix: '/chargedesk',
  clientPath: '',
  readme: 'src/vendors/chargedesk/README.md',
  credentials: { kinds: [CredentialKind.API_KEY], secret: (_kind, mode) => `sk_${mode}_${randomAlnum(24)}` },
  demo: [{ kind: CredentialKind.API_KEY, label: 'secret' }],
  // The document's 60 a minute, then a 60 s block (spec 1.3), would break test suites: off unless the
  // tenant switches it on (PUT /_admin/tenants/{t}/rate-limits {"chargedesk": 60}), spec G41. The
  // block runs on the tenant's clock (src/http/blocking-limit.ts).
  rateLimit: { max: 0, windowMs: 60_000, blockMs: 60_000 },
  renderError: renderChargeDeskError,
  webhooks: [chargeDeskWebhooks()],
  routes: async (app: FastifyInstance, deps: FrontDoorDeps) => {
    await app.register(
      async (api) => {
        api.addHook('onRequest', basicKeyAuth(deps.services, { vendor: 'chargedesk', message: 'Invalid API key provided' }));
        await api.register(chargeRoutes);
        await api.register(customerRoutes);
        await api.register(recordRoutes);
        await api.register(gatewayRoutes);
        await api.register(hookRoutes);
        await api.register(logRoutes);
      },
      { prefix: '/v1' },
    );
    registerPages(app, deps.services);
  },
};
