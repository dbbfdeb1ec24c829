// The ChargeOver v3 front door: /chargeover/api/v3/... on the main port, /api/v3/... on its own.
// Auth (Basic or signature) runs before the rate limit, so unauthenticated calls do not count.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomAlnum } from '../../core/crypto/secrets.ts';
import { CredentialKind } from '../../core/tenants/credentials.ts';
import type { Door } from '../kit/door.ts';
import { chargeOverRenderers } from './renderers.ts';
import { chargeOverWebhooks } from './webhooks.ts';
import { attachTenant, tenantOf } from '../../http/auth.ts';
import { renderChargeOverError } from './errors.ts';
import { authenticateChargeOver } from './auth.ts';
import { CoError, fromDomain, type CoRequest, type CoResult } from './envelope.ts';
import { dispatch } from './router.ts';
import { PUBLIC_LINK, registerLinks } from './links.ts';
import { registerLenientJson } from './lenient-json.ts';

const API = '/api/v3';

export function envelope(result: CoResult): Record<string, unknown> {
  return { code: result.status, status: 'OK', message: '', details: {}, response: result.response };
}

/** Errors answer `response:false`; a GET of something missing answers `response:null`, as recorded (extra §2). */
export function errorEnvelope(error: CoError, method = 'POST'): Record<string, unknown> {
  return { code: error.status, status: 'Error', message: error.message, details: error.details, response: error.status === 404 && method === 'GET' ? null : false };
}

/** Runs a request through the dispatcher; ChargeOver errors become results, anything else is thrown. */
export async function run(req: CoRequest): Promise<{ status: number; body: Record<string, unknown>; location?: string }> {
  try {
    const result = await dispatch(req);
    return { status: result.status, body: envelope(result), location: result.location };
  } catch (error) {
    const co = fromDomain(error);
    if (!co) throw error;
    return { status: co.status, body: errorEnvelope(co, req.method) };
  }
}

export function splitPath(path: string): string[] {
  return path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}

function buildRequest(request: FastifyRequest): CoRequest {
  const raw = request.url;
  const path = raw.split('?')[0];
  const apiAt = path.indexOf(API);
  const at = apiAt >= 0 ? apiAt : path.indexOf('/admin/r/');
  const prefix = path.slice(0, at);
  const proto = String(request.headers['x-forwarded-proto'] ?? request.protocol)
    .split(',')[0]
    .trim();
  const site = `${proto}://${request.headers.host ?? 'localhost'}${prefix}`;
  const query = (request.query ?? {}) as Record<string, unknown>;
  const body = request.body;
  const bodyFlag = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>)._flag_emails : undefined;
  return {
    ctx: tenantOf(request),
    method: request.method,
    segments: splitPath(path.slice(at + API.length)),
    query,
    body,
    apiBase: site + API,
    siteBase: site,
    ip: request.ip,
    emails: String(query._flag_emails ?? bodyFlag ?? '1') !== '0',
  };
}

async function handle(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const out = await run(buildRequest(request));
  if (out.location) reply.header('location', out.location);
  await reply.code(out.status).type('application/json; charset=utf-8').send(JSON.stringify(out.body));
}

export const chargeOverDoor: Door = {
  vendor: 'chargeover',
  title: 'ChargeOver v3',
  live: true,
  prefix: '/chargeover',
  clientPath: API,
  readme: 'src/vendors/chargeover/README.md',
  credentials: { kinds: [CredentialKind.KEY_PAIR], secret: () => randomAlnum(32) },
  demo: [
    { kind: CredentialKind.KEY_PAIR, label: 'demo' },
    // The two key pairs in ChargeOver's own document, so its examples run unchanged against the demo.
    { kind: CredentialKind.KEY_PAIR, label: 'doc-1', publicId: 's27lHT4hxQ3nRCaEBP0dzKetjuiNfLmy', secret: 'Rqz3LDY6cipKbFOTwBE9NoVJnS5sQUrl' },
    { kind: CredentialKind.KEY_PAIR, label: 'doc-2', publicId: '7sutWFEO2zKVYIGmZMJ3Nij5hfLxDRb8', secret: '9vCJbmdZKSieVchyrRItFQw8MBN4lOH3' },
  ],
  renderers: chargeOverRenderers,
  webhooks: [chargeOverWebhooks],
  rateLimit: { max: 250, windowMs: 60_000 },
  renderError: renderChargeOverError,
  routes: async (app, { services }) => {
    registerLenientJson(app);
    app.addHook('preValidation', async (request) => {
      const path = request.url.split('?')[0];
      if (request.method === 'GET' && !path.includes(`${API}/`) && PUBLIC_LINK.test(path)) return;
      const auth = await authenticateChargeOver(services, request);
      attachTenant(request, services, auth);
    });
    for (const url of [API, `${API}/*`]) app.route({ method: ['GET', 'POST', 'PUT', 'DELETE'], url, handler: handle });
    registerLinks(app, services);
    // url_self: the admin view of an object answers its API representation to an authenticated caller.
    app.get('/admin/r/:type/view/:id', async (request, reply) => {
      const { type, id } = request.params as { type: string; id: string };
      const req = buildRequest(request);
      const out = await run({ ...req, method: 'GET', segments: [type, id], query: {} });
      await reply.code(out.status).type('application/json; charset=utf-8').send(JSON.stringify(out.body));
    });
  },
};
