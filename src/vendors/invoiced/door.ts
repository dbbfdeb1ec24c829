// The Invoiced front door: /invoiced/... on the main port (clients set api_url to
// http://HOST:PORT/invoiced), its paths at the root on BURSAR_INVOICED_PORT. Basic auth with the API
// key as the user and an empty password; POST /tokens also takes a publishable key.
import type { FastifyInstance } from 'fastify';
import { randomAlnum } from '../../core/crypto/secrets.ts';
import { CredentialKind } from '../../core/tenants/credentials.ts';
import type { FrontDoorDeps } from '../../http/front-door.ts';
import { basicKeyAuth } from '../kit/basic-auth.ts';
import type { Door } from '../kit/door.ts';
import { chargeRoutes } from './charges.ts';
import { catalogRoutes } from './catalog.ts';
import { customerRoutes } from './customers.ts';
import { renderInvoicedError } from './errors.ts';
import { eventRoutes } from './events.ts';
import { invoiceRoutes } from './invoices.ts';
import { paymentRoutes } from './payments.ts';
import { subscriptionRoutes } from './subscriptions.ts';
import { tokenRoutes } from './tokens.ts';
import { invoicedRenderers } from './renderers.ts';

export const invoicedDoor: Door = {
  vendor: 'invoiced',
  title: 'Invoiced',
  live: true,
  prefix: '/invoiced',
  clientPath: '',
  readme: 'src/vendors/invoiced/README.md',
  credentials: { kinds: [CredentialKind.API_KEY, CredentialKind.PUBLIC_KEY], secret: () => randomAlnum(40) },
  demo: [{ kind: CredentialKind.API_KEY, label: 'api' }],
  rateLimit: { max: 0, windowMs: 60_000 },
  renderError: renderInvoicedError,
  renderers: invoicedRenderers,
  routes: async (app: FastifyInstance, { services }: FrontDoorDeps) => {
    const secret = basicKeyAuth(services, { vendor: 'invoiced', message: 'Invalid API key. Use your API key as the HTTP Basic username and an empty password.' });
    const tokenizing = basicKeyAuth(services, { vendor: 'invoiced', kinds: [CredentialKind.API_KEY, CredentialKind.PUBLIC_KEY], message: 'Invalid API key' });
    app.addHook('onRequest', async (request) => {
      const path = request.url.split('?')[0];
      return /\/tokens\/?$/.test(path) ? tokenizing(request) : secret(request);
    });
    await app.register(customerRoutes);
    await app.register(tokenRoutes);
    await app.register(chargeRoutes);
    await app.register(paymentRoutes);
    await app.register(invoiceRoutes);
    await app.register(catalogRoutes);
    await app.register(subscriptionRoutes);
    await app.register(eventRoutes);
    // The pdf_url of invoices and payments: no PDFs are rendered yet (as ChargeOver's invoice PDF).
    for (const path of ['/invoices/:id/pdf', '/payments/:id/pdf']) {
      app.get(path, async (_request, reply) => reply.code(501).send({ type: 'api_error', message: 'PDFs are not rendered by this server yet' }));
    }
  },
};
