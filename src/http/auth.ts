// Helpers every front door's auth uses: parse the Authorization header, and attach the resolved
// tenant (with its clock) to the request. Each door decides which schemes it accepts.
import type { FastifyRequest } from 'fastify';
import type { CoreServices, TenantContext } from '../core/context.ts';
import type { Authenticated } from '../core/tenants/credentials.ts';
import { contextFor } from '../core/tenants/tenants.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated tenant's context; set by the door's auth hook. */
    tenantCtx?: TenantContext;
  }
}

export interface BasicCredentials {
  user: string;
  password: string;
}

export function parseBasic(header: string | undefined): BasicCredentials | null {
  if (!header) return null;
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? { user: decoded, password: '' } : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function parseBearer(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1] : null;
}

export function attachTenant(request: FastifyRequest, services: CoreServices, auth: Authenticated): TenantContext {
  // The credential's mode goes with the request: objects are made in it (and, where a door keeps
  // the modes apart, only its objects are seen).
  const ctx: TenantContext = { ...contextFor(services, auth.tenant), mode: auth.credential.mode === 'live' ? 'live' : 'test' };
  request.tenantCtx = ctx;
  request.credentialKey = `cred:${auth.credential.id}`;
  return ctx;
}

/** The tenant context of an authenticated request; a door's routes call this after its auth hook. */
export function tenantOf(request: FastifyRequest): TenantContext {
  if (!request.tenantCtx) throw new Error('route reached without authentication');
  return request.tenantCtx;
}
