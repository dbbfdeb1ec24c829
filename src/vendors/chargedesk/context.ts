// What every ChargeDesk handler receives: the tenant context (with the request's actor, so every
// event it causes says who, from where and why), the query and body, and the bases its links use.
import type { FastifyRequest } from 'fastify';
import type { TenantContext } from '../../core/context.ts';
import { tenantOf } from '../../http/auth.ts';
import { parseForm } from '../../http/body.ts';
import { bodyObject, type Body } from '../kit/fields.ts';
import { VENDOR } from './wire.ts';

export interface CdRequest {
  ctx: TenantContext;
  query: Body;
  body: Body;
  /** The company slug (the tenant's). */
  company: string;
  /** Public base of the door on this server: http://host:port/chargedesk (links and pay pages). */
  base: string;
  ip: string;
}

export function publicBase(request: FastifyRequest): string {
  const proto = String(request.headers['x-forwarded-proto'] ?? request.protocol)
    .split(',')[0]
    .trim();
  const path = request.url.split('?')[0];
  const at = path.indexOf('/v1/');
  const prefix = at >= 0 ? path.slice(0, at) : '';
  return `${proto}://${request.headers.host ?? 'localhost'}${prefix}`;
}

export function cdRequest(request: FastifyRequest, reason?: string, params?: Record<string, unknown>): CdRequest {
  const base = tenantOf(request);
  const body = request.method === 'GET' || request.method === 'DELETE' ? {} : bodyObject(request.body);
  const query = (request.query ?? {}) as Body;
  const ctx: TenantContext = { ...base, actor: { vendor: VENDOR, source: 'api', ip: request.ip, ...(reason ? { reason } : {}), ...(params ? { params } : {}) } };
  return { ctx, query, body, company: base.tenant.slug, base: publicBase(request), ip: request.ip };
}

/** GET and DELETE carry their parameters in the query string; a DELETE may also send a body (spec G34). */
export function params(request: FastifyRequest): Body {
  const query = (request.query ?? {}) as Body;
  if (request.method !== 'DELETE') return query;
  // The shared parser ignores DELETE bodies; ChargeDesk's delete_all may come in one.
  const text = request.rawBody?.toString('utf8').trim() ?? '';
  let body: Body = {};
  if (text.startsWith('{')) {
    try {
      body = bodyObject(JSON.parse(text));
    } catch {
      body = {};
    }
  } else if (text) body = parseForm(text);
  return { ...body, ...query };
}
