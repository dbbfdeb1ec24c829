// FluidPay authentication (spec §1.2): `Authorization: <api key>` with no scheme word. Public (pub)
// keys get 401 on every endpoint here: all of them are server-side. The four public endpoints need
// no credentials.
import type { FastifyRequest } from 'fastify';
import type { CoreServices } from '../../core/context.ts';
import { authenticateKey, type Authenticated } from '../../core/tenants/credentials.ts';
import { attachTenant } from '../../http/auth.ts';
import { unauthorized } from '../../http/failures.ts';

const PUBLIC_PATHS = new Set(['/token-auth', '/forgot-username', '/forgot-password', '/forgot-password/reset']);

declare module 'fastify' {
  interface FastifyRequest {
    /** The FluidPay credential that authenticated the request. */
    fluidpayAuth?: Authenticated;
    /** The FluidPay user acting (the key's owner or the JWT's subject), when there is one. */
    fluidpayUser?: { id: string; username: string };
  }
}

/** The route path without the mount prefix (/fluidpay, /api) and query string. */
export function routeTail(request: FastifyRequest): string {
  const path = (request.url.split('?')[0] ?? '').replace(/\/+$/, '');
  return path.replace(/^(\/fluidpay)?(\/api)?/, '');
}

export function fluidPayAuth(services: CoreServices) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    if (request.method === 'POST' && PUBLIC_PATHS.has(routeTail(request))) return;
    const header = (request.headers.authorization ?? '').trim();
    if (!header) throw unauthorized('Authorization header is required');
    if (/^bearer\s/i.test(header)) throw unauthorized('Invalid or expired token');
    const found = await authenticateKey(services, 'fluidpay', header);
    if (!found || found.credential.label === 'pub') throw unauthorized('Invalid API key');
    request.fluidpayAuth = found;
    attachTenant(request, services, found);
  };
}
