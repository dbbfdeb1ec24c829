// The AffiniPay front door: the Payment Gateway API v1 (Basic auth with a secret key, the public key
// for tokens), OAuth and merchant applications (Bearer tokens), and Quick Bill. On the main port its
// paths sit under /affinipay (the PHP client's base is …/affinipay/v1); on BURSAR_AFFINIPAY_PORT at
// the root (the Ruby gem replaces any path of its site with /v1/).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { randomAlnum } from '../../core/crypto/secrets.ts';
import type { CoreServices } from '../../core/context.ts';
import { authenticateKey, CredentialKind, type Authenticated } from '../../core/tenants/credentials.ts';
import { attachTenant, parseBearer } from '../../http/auth.ts';
import { unauthorized } from '../../http/failures.ts';
import type { FrontDoorDeps } from '../../http/front-door.ts';
import { resolveBasicKey } from '../kit/basic-auth.ts';
import type { Door } from '../kit/door.ts';
import { recurringRoutes } from './recurring.ts';
import { chargeRoutes } from './charges.ts';
import { renderAffiniPayError } from './errors.ts';
import { gatewayRoutes } from './gateway.ts';
import { VENDOR } from './methods.ts';
import { Router } from './routing.ts';
import { transactionReadRoutes } from './transactions.ts';
import { tokenRoutes } from './tokens.ts';
import { savedMethodRoutes } from './saved.ts';
import { eventRoutes } from './events.ts';
import { affiniPayRenderers } from './renderers.ts';
import { oauthRoutes, grantOf, type Grant } from './oauth.ts';
import { quickBillRoutes } from './quickbill/routes.ts';
import { seedDemo, DEMO_KEYS } from './demo.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The OAuth grant behind a Bearer token (which client, which flow). */
    affinipayGrant?: Grant;
  }
}

/** The request's path without the main port's prefix and the query string. */
export function tailOf(request: FastifyRequest): string {
  const path = request.url.split('?')[0] ?? '';
  return path.replace(/^\/affinipay(?=\/|$)/, '').replace(/\/+$/, '') || '/';
}

const BEARER_PATHS =
  /^\/(gateway-credentials|merchant_applications|merchant-applications|api\/v1\/merchant_applications|merchants\/|api\/v1\/merchants\/|contacts?(\/|$)|bank-accounts|invoices?(\/|$)|payments)/;

function auth(services: CoreServices) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const tail = tailOf(request);
    if (tail === '/status' || tail.startsWith('/oauth/')) return;
    if (tail === '/v1/tokens' && (request.method === 'POST' || request.method === 'OPTIONS')) {
      // A public or secret key as the Basic user, or (checked once the body is read) a public_key parameter.
      const found = request.method === 'POST' ? await resolveBasicKey(services, request, { vendor: VENDOR, kinds: [CredentialKind.API_KEY, CredentialKind.PUBLIC_KEY] }) : null;
      if (found) attachTenant(request, services, found);
      return;
    }
    if (tail === '/v1' || tail.startsWith('/v1/')) {
      const found = await resolveBasicKey(services, request, { vendor: VENDOR, kinds: [CredentialKind.API_KEY] });
      if (!found) throw unauthorized('Not authorized');
      attachTenant(request, services, found);
      return;
    }
    if (BEARER_PATHS.test(tail)) {
      const token = parseBearer(request.headers.authorization);
      const found: Authenticated | null = token ? await authenticateKey(services, VENDOR, token, CredentialKind.ACCESS_TOKEN) : null;
      if (!found) throw unauthorized('Not authorized');
      request.affinipayGrant = grantOf(found.credential);
      attachTenant(request, services, found);
    }
  };
}
import { affiniPayPartnerWebhooks, affiniPayWebhooks } from './webhooks.ts';

export const affiniPayDoor: Door = {
  vendor: VENDOR,
  title: 'AffiniPay (OAuth, Payment Gateway v1, Quick Bill)',
  live: true,
  prefix: '/affinipay',
  clientPath: '/v1',
  readme: 'src/vendors/affinipay/README.md',
  credentials: {
    kinds: [CredentialKind.API_KEY, CredentialKind.PUBLIC_KEY, CredentialKind.OAUTH_CLIENT],
    // Secret keys carry their mode (m_test_sk_…, m_live_sk_…: the spec does not fix their form and
    // no client checks it); public keys are m_ + 22 (spec §1.5); OAuth client secrets 64 alphanumerics.
    secret: (kind, mode) => (kind === CredentialKind.PUBLIC_KEY ? `m_${randomAlnum(22)}` : kind === CredentialKind.OAUTH_CLIENT ? randomAlnum(64) : `m_${mode}_sk_${randomAlnum(22)}`),
    // The public key is shown again (GET /v1/merchant, /gateway-credentials); secret keys only when
    // issued revealable (the demo tenant's), like every other door's.
    revealable: (kind) => kind === CredentialKind.PUBLIC_KEY,
  },
  demo: DEMO_KEYS,
  seedDemo,
  renderers: affiniPayRenderers,
  rateLimit: { max: 0, windowMs: 60_000 },
  renderError: renderAffiniPayError,
  webhooks: [affiniPayWebhooks(), affiniPayPartnerWebhooks],
  routes: async (app: FastifyInstance, deps: FrontDoorDeps) => {
    app.addHook('onRequest', auth(deps.services));
    const router = new Router(app);
    gatewayRoutes(router);
    chargeRoutes(router);
    recurringRoutes(router);
    transactionReadRoutes(router);
    savedMethodRoutes(router);
    tokenRoutes(router, app, deps.services);
    eventRoutes(router);
    oauthRoutes(router, deps.services);
    quickBillRoutes(router, app);
    router.refuseOtherMethods();
  },
};
