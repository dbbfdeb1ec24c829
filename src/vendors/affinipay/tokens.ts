// One-time tokens (spec §2.C #43–44, §4.13): card or bank details exchanged for a token that lives
// five minutes and pays once, from a browser (the public key, a form post, CORS, a 303 back to the
// merchant's page) or a server (a secret key, JSON). Tokens have no mode: either secret key may
// redeem one.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CoreServices, TenantContext } from '../../core/context.ts';
import { chooseAccount, missingPaymentFields, type MerchantAccount } from '../../core/merchant-accounts/accounts.ts';
import { authenticateKey, CredentialKind } from '../../core/tenants/credentials.ts';
import { findToken, type TokenView } from '../../core/vault/vault.ts';
import { tokenizeMethod } from '../../core/vault/tokenize.ts';
import { attachTenant, tenantOf } from '../../http/auth.ts';
import { accountsOf } from './accounts.ts';
import { ApError, apError, notFoundError } from './errors.ts';
import { VENDOR, givenFields, methodFields, methodKind, parseBank, parseCard, renderMethod, requiredFieldsError } from './methods.ts';
import { Answer, type Router } from './routing.ts';
import { isObject, readString, timestamp, type Body } from './wire.ts';
import { modeOf } from '../../core/context.ts';

export const TOKEN_TTL_MS = 5 * 60 * 1000;

const FORM_FIELDS = new Set([
  'public_key',
  'redirect_url',
  'type',
  'number',
  'card_type',
  'exp_month',
  'exp_year',
  'cvv',
  'routing_number',
  'account_number',
  'account_type',
  'name',
  'address1',
  'address2',
  'city',
  'state',
  'postal_code',
  'country',
  'email',
  'phone',
  'reference',
  'description',
  'form_data',
  'track1',
  'track2',
]);

const CORS = { 'access-control-allow-origin': '*' };

/** The body of a token request (JSON or a form) and whether it came as a form. */
function tokenBody(request: FastifyRequest): { body: Body; form: boolean } {
  const raw = request.rawBody;
  const empty = raw === undefined || raw.length === 0;
  const type = String(request.headers['content-type'] ?? '').toLowerCase();
  const form = type.startsWith('application/x-www-form-urlencoded');
  const json = /^application\/(.+\+)?json\b/.test(type);
  if (!form && !json && (type || !empty)) throw apError('invalid_request');
  if (empty) throw apError('no_content');
  if (!isObject(request.body)) throw apError(form ? 'invalid_request' : 'malformed_request');
  return { body: request.body, form };
}

/** Form posts keep every parameter the token does not know in form_data (a repeated one as a list). */
function formData(body: Body, form: boolean): unknown {
  if (!form) return body.form_data;
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) if (!FORM_FIELDS.has(key)) extra[key] = value;
  if (isObject(body.form_data)) Object.assign(extra, body.form_data);
  return Object.keys(extra).length > 0 ? extra : undefined;
}

async function authenticateByParameter(services: CoreServices, request: FastifyRequest, body: Body): Promise<TenantContext> {
  if (request.tenantCtx) return request.tenantCtx;
  const key = typeof body.public_key === 'string' ? body.public_key : '';
  const found = key ? await authenticateKey(services, VENDOR, key, CredentialKind.PUBLIC_KEY) : null;
  if (!found) throw apError('not_authorized');
  return attachTenant(request, services, found);
}

function primaryAccount(accounts: readonly MerchantAccount[], mode: 'test' | 'live', kind: 'card' | 'bank'): MerchantAccount | null {
  try {
    return chooseAccount(accounts, { mode, kind });
  } catch {
    return null;
  }
}

export function renderToken(view: TokenView): Record<string, unknown> {
  const own = methodFields(view.method);
  const rendered = renderMethod(view.method);
  if (own.card_type_given === undefined) delete rendered.card_type;
  const out: Record<string, unknown> = { id: view.token, created: timestamp(view.createdAt), modified: timestamp(view.createdAt), ...rendered };
  if (view.hasCvv) out.cvv = '***';
  for (const key of ['reference', 'description', 'form_data'] as const) if (own[key] !== undefined) out[key] = own[key];
  return out;
}

async function createToken(services: CoreServices, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  reply.headers(CORS);
  const { body, form } = tokenBody(request);
  const ctx = await authenticateByParameter(services, request, body);
  const redirect = readString(body.redirect_url, 'redirect_url', 2048);
  const reference = readString(body.reference, 'reference', 64);
  const description = readString(body.description, 'description', 64);
  const kind = methodKind(body, '');
  // The required fields of the primary account of that kind (spec §4.13), when the mode has one.
  const account = primaryAccount(await accountsOf(ctx), modeOf(ctx), kind);
  if (account) {
    const missing = requiredFieldsError(missingPaymentFields(account, givenFields(body)), '');
    if (missing) throw missing;
  }
  const fields: Record<string, unknown> = {};
  if (reference !== undefined) fields.reference = reference;
  if (description !== undefined) fields.description = description;
  const extra = formData(body, form);
  if (extra !== undefined) fields.form_data = extra;
  if (typeof body.card_type === 'string' && body.card_type !== '') fields.card_type_given = body.card_type;
  const options = { ttlMs: TOKEN_TTL_MS, prefix: '', bytes: 16 };
  let made;
  if (kind === 'card') {
    const { card } = parseCard(body, '');
    const { cvv, ...details } = card;
    made = await tokenizeMethod(ctx, { card: { ...details, vendorData: { [VENDOR]: { ...(card.vendorData?.[VENDOR] as object), ...fields } } } }, { ...options, cvv });
  } else {
    const { bank } = parseBank(body, '');
    made = await tokenizeMethod(ctx, { bank: { ...bank, vendorData: { [VENDOR]: { ...(bank.vendorData?.[VENDOR] as object), ...fields } } } }, options);
  }
  if (redirect) {
    const location = `${redirect}${redirect.includes('?') ? '&' : '?'}token_id=${encodeURIComponent(made.token)}`;
    return new Answer(303, null, { ...CORS, location });
  }
  const view = await findToken(ctx, made.token);
  if (!view) throw notFoundError();
  return renderToken(view);
}

export function tokenRoutes(router: Router, app: FastifyInstance, services: CoreServices): void {
  router.post('/v1/tokens', async (request, reply) => {
    try {
      return await createToken(services, request, reply);
    } catch (error) {
      if (error instanceof ApError) reply.headers(CORS);
      throw error;
    }
  });
  router.get('/v1/tokens/:id', async (request) => {
    const ctx = tenantOf(request);
    const view = await findToken(ctx, String((request.params as Body).id));
    if (!view) throw notFoundError();
    return renderToken(view);
  });
  // The preflight of a browser's token request: CORS is allowed here and nowhere else (spec §1.5).
  app.options('/v1/tokens', async (request, reply) =>
    reply
      .code(204)
      .headers({
        ...CORS,
        'access-control-allow-methods': 'POST, OPTIONS',
        'access-control-allow-headers': String(request.headers['access-control-request-headers'] ?? 'Authorization, Content-Type'),
        'access-control-max-age': '600',
      })
      .send(),
  );
}
