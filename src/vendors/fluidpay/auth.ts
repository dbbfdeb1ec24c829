// FluidPay authentication (spec §1.2): `Authorization: <api key>` with no scheme word, or
// `Authorization: Bearer <JWT>` from token-auth. Public (pub) keys get 401 on every endpoint here:
// all of them are server-side. A key acts as the user who created it (a key issued outside a user,
// as the merchant's first admin: fluidpay-v2 §3.1); a disabled or deleted owner,
// a revoked key, or a logged-out or expired token is a 401. The four public endpoints need nothing.
import type { FastifyRequest } from 'fastify';
import type { CoreServices } from '../../core/context.ts';
import { authenticateKey, type Authenticated } from '../../core/tenants/credentials.ts';
import { keyMeta, keyOwner } from '../../core/users/api-keys.ts';
import { FLUIDPAY_SUITE_API_KEY, suiteKeyDisabled } from './suite-key.ts';
import { credentialOwner, findSession } from '../../core/users/users.ts';
import { contextFor } from '../../core/tenants/tenants.ts';
import type { UserRow } from '../../core/database.ts';
import { attachTenant } from '../../http/auth.ts';
import { unauthorized } from '../../http/failures.ts';
import { encodeId } from './ids.ts';
import { verifyJwt } from './jwt.ts';

// The seed's public paths and the clients' /user/... spellings of them (fluidpay-v2 §3.5).
const PUBLIC_PATHS = new Set([
  '/token-auth',
  '/forgot-username',
  '/forgot-password',
  '/forgot-password/reset',
  '/user/forgot-username',
  '/user/forgot-password',
  '/user/forgot-password/reset',
  '/user/forgotten-password/reset',
]);
/** The PHP client's health check, called without credentials (fluidpay-v2 §3.6). */
const PUBLIC_GETS = new Set(['/fphc']);

declare module 'fastify' {
  interface FastifyRequest {
    /** The FluidPay API key that authenticated the request (absent with a JWT). */
    fluidpayAuth?: Authenticated;
    /** The FluidPay user acting (the key's owner or the JWT's subject), when there is one. */
    fluidpayUser?: { id: string; username: string; row: UserRow };
    /** The session id of a JWT-authenticated request (logout revokes it). */
    fluidpaySession?: string;
  }
}

/** The route path without the mount prefix (/fluidpay, /api) and query string. */
export function routeTail(request: FastifyRequest): string {
  const path = (request.url.split('?')[0] ?? '').replace(/\/+$/, '');
  return path.replace(/^(\/fluidpay)?(\/api)?/, '');
}

export const userRef = (user: UserRow) => ({ id: encodeId('user', user.id, user.created_at), username: user.username, row: user });

export function fluidPayAuth(services: CoreServices) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    if (request.method === 'POST' && PUBLIC_PATHS.has(routeTail(request))) return;
    if (request.method === 'GET' && PUBLIC_GETS.has(routeTail(request))) return;
    const header = (request.headers.authorization ?? '').trim();
    if (!header) throw unauthorized('Authorization header is required');
    const bearer = /^bearer\s+(\S+)$/i.exec(header);
    if (bearer) {
      const claims = verifyJwt(services.secrets, bearer[1]);
      const session = claims ? await findSession(services, claims.jti) : null;
      if (!session) throw unauthorized('Invalid or expired token');
      request.tenantCtx = contextFor(services, session.tenant);
      request.credentialKey = `fluidpay-user:${session.user.id}`;
      request.fluidpayUser = userRef(session.user);
      request.fluidpaySession = session.jti;
      return;
    }
    // FluidPay's own test-suite key exists only on the demo tenant (keys are unique system-wide);
    // BURSAR_FLUIDPAY_SUITE_KEY=off turns it off there too.
    if (header === FLUIDPAY_SUITE_API_KEY && suiteKeyDisabled()) throw unauthorized('Invalid API key');
    const found = await authenticateKey(services, 'fluidpay', header);
    if (!found || keyMeta(found.credential).type === 'pub') throw unauthorized('Invalid API key');
    const known = await credentialOwner(services, found.credential, found.owner);
    if (known === 'disabled') throw unauthorized('Invalid API key');
    // Every key acts as a user (fluidpay-v2 §3.1): one issued outside a user gets the merchant's first admin.
    const owner = known ?? (await keyOwner(contextFor(services, found.tenant), found.credential.id));
    if (!owner) throw unauthorized('Invalid API key');
    request.fluidpayAuth = found;
    request.fluidpayUser = userRef(owner);
    attachTenant(request, services, found);
  };
}
