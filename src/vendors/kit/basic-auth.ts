// Basic auth with an API key as the user name and an empty (or ignored) password — how ChargeDesk,
// AffiniPay and Invoiced clients authenticate. Resolves the key to its tenant (and mode) and
// attaches the tenant context, or answers the door's 401.
import type { FastifyRequest } from 'fastify';
import type { CoreServices } from '../../core/context.ts';
import { authenticateKey, CredentialKind, type Authenticated, type Vendor } from '../../core/tenants/credentials.ts';
import { attachTenant, parseBasic } from '../../http/auth.ts';
import { unauthorized } from '../../http/failures.ts';

export interface BasicKeyOptions {
  vendor: Vendor;
  /** The credential kinds accepted as the user name, in order (a secret key; a public key for tokenising). */
  kinds?: readonly CredentialKind[];
  /** What the 401 says. */
  message?: string;
  /** Some clients send the key as the password instead (or a Bearer token): accept those too. */
  alsoPassword?: boolean;
}

export async function resolveBasicKey(services: CoreServices, request: FastifyRequest, options: BasicKeyOptions): Promise<Authenticated | null> {
  const basic = parseBasic(request.headers.authorization);
  const candidates = basic ? [basic.user, ...(options.alsoPassword && basic.password ? [basic.password] : [])] : [];
  for (const key of candidates) {
    for (const kind of options.kinds ?? [CredentialKind.API_KEY]) {
      const found = await authenticateKey(services, options.vendor, key, kind);
      if (found) return found;
    }
  }
  return null;
}

/** An onRequest hook: the tenant of the key in the Basic user name, else the door's 401. */
export function basicKeyAuth(services: CoreServices, options: BasicKeyOptions) {
  return async (request: FastifyRequest): Promise<void> => {
    const found = await resolveBasicKey(services, request, options);
    if (!found) throw unauthorized(options.message ?? 'Invalid API key');
    attachTenant(request, services, found);
  };
}
