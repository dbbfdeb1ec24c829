// OAuth 2.0, gateway credentials and merchant applications (spec §1.2–1.4, §2.A, §2.B, §4.17,
// §4.19). A partner app is an OAuth client credential of the merchant (tenant) that issued it. An
// authorization code is single use (the core's nonces), bound to its client and redirect URI, and
// self-checking (a nonce and a keyed digest of client, redirect URI and nonce), so none is stored
// before it is used; GET /oauth/authorize hands one out (the user's consent step, which the spec
// leaves undocumented, approves at once). Access tokens are credentials of the merchant labelled
// with their grant and client, revoked by deauthorize. Errors of /oauth/token are RFC 6749's.
import type { FastifyRequest } from 'fastify';
import type { CoreServices, TenantContext } from '../../core/context.ts';
import type { Credential } from '../../core/database.ts';
import { randomAlnum } from '../../core/crypto/secrets.ts';
import { storeDocument } from '../../core/documents/documents.ts';
import { useNonce } from '../../core/tenants/nonces.ts';
import { authenticatePair, CredentialKind, findByPublicId, issueCredential, listCredentials, revokeCredentialsByLabel } from '../../core/tenants/credentials.ts';
import { contextFor } from '../../core/tenants/tenants.ts';
import { tenantOf } from '../../http/auth.ts';
import { accountId, accountsOf } from './accounts.ts';
import { ApError, apError, notFoundError } from './errors.ts';
import { merchantProfile, publicKeyOf } from './gateway.ts';
import { VENDOR } from './methods.ts';
import { Answer, type Router } from './routing.ts';
import { isObject, type Body } from './wire.ts';

export type GrantType = 'authorization_code' | 'client_credentials';

export interface Grant {
  grant: GrantType;
  clientId: string;
}

const labelOf = (grant: GrantType, clientId: string) => `oauth:${grant}:${clientId}`;

/** The grant an access token credential was issued for. */
export function grantOf(credential: Pick<Credential, 'label'>): Grant {
  const [, grant, clientId] = credential.label.split(':');
  return { grant: grant === 'client_credentials' ? 'client_credentials' : 'authorization_code', clientId: clientId ?? '' };
}

/** The demo merchant's partner app redirect URI (spec §5 seed). */
export const DEFAULT_REDIRECT = 'http://localhost:9292/callback';

function codeDigest(services: CoreServices, clientId: string, redirect: string, nonce: string): string {
  return Buffer.from(services.secrets.fingerprint(`affinipay-code|${clientId}|${redirect}|${nonce}`), 'base64url')
    .toString('hex')
    .slice(0, 32);
}

/** A fresh authorization code for a client and redirect URI: 64 alphanumerics. */
export function authorizationCode(services: CoreServices, clientId: string, redirect: string): string {
  const nonce = randomAlnum(32);
  return nonce + codeDigest(services, clientId, redirect, nonce);
}

function codeIsFor(services: CoreServices, code: string, clientId: string, redirect: string): boolean {
  if (!/^[a-z0-9]{32}[0-9a-f]{32}$/.test(code)) return false;
  return codeDigest(services, clientId, redirect, code.slice(0, 32)) === code.slice(32);
}

function oauthError(status: number, error: string, description: string): Answer {
  return new Answer(status, { error, error_description: description });
}

function field(body: Body, key: string): string {
  const value = body[key];
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

async function token(services: CoreServices, request: FastifyRequest): Promise<unknown> {
  const body = isObject(request.body) ? request.body : {};
  const clientId = field(body, 'client_id');
  const clientSecret = field(body, 'client_secret');
  const grantType = field(body, 'grant_type');
  if (!clientId || !clientSecret) return oauthError(400, 'invalid_request', 'client_id and client_secret are required');
  const client = await authenticatePair(services, VENDOR, CredentialKind.OAUTH_CLIENT, clientId, clientSecret);
  if (!client) return oauthError(401, 'invalid_client', 'Client authentication failed');
  if (!grantType) return oauthError(400, 'invalid_request', 'grant_type is required');
  if (grantType !== 'authorization_code' && grantType !== 'client_credentials') return oauthError(400, 'unsupported_grant_type', `grant_type ${grantType} is not supported`);
  const scope = field(body, 'scope') || 'payments';
  if (scope !== 'payments') return oauthError(400, 'invalid_scope', 'scope must be payments');
  const ctx = contextFor(services, client.tenant);
  if (grantType === 'authorization_code') {
    const code = field(body, 'code');
    const redirect = field(body, 'redirect_uri');
    if (!code || !redirect) return oauthError(400, 'invalid_request', 'code and redirect_uri are required');
    if (!codeIsFor(services, code, clientId, redirect)) return oauthError(400, 'invalid_grant', 'The authorization code is invalid or was issued to another client or redirect URI');
    const fresh = await useNonce(services, `affinipay-code:${clientId}`, code, ctx.clock.now() + 10 * 365 * 86_400_000, ctx.clock.now());
    if (!fresh) return oauthError(400, 'invalid_grant', 'The authorization code was already used');
  }
  const accessToken = randomAlnum(64);
  await issueCredential(services, client.tenant.id, { vendor: VENDOR, kind: CredentialKind.ACCESS_TOKEN, label: labelOf(grantType, clientId), secret: accessToken });
  return { access_token: accessToken, token_type: 'bearer', scope: 'payments', created_at: Math.floor(ctx.clock.now() / 1000) };
}

async function authorize(services: CoreServices, request: FastifyRequest): Promise<unknown> {
  const query = request.query as Body;
  const clientId = field(query, 'client_id');
  const redirect = field(query, 'redirect_uri') || DEFAULT_REDIRECT;
  const client = clientId ? await findByPublicId(services, VENDOR, CredentialKind.OAUTH_CLIENT, clientId) : null;
  if (!client) return oauthError(400, 'invalid_client', 'Unknown client_id');
  let target: URL;
  try {
    target = new URL(redirect);
  } catch {
    return oauthError(400, 'invalid_request', 'redirect_uri is not a URL');
  }
  const scope = field(query, 'scope') || 'payments';
  if (scope !== 'payments') return oauthError(400, 'invalid_scope', 'scope must be payments');
  target.searchParams.set('code', authorizationCode(services, clientId, redirect));
  const state = field(query, 'state');
  if (state) target.searchParams.set('state', state);
  if (field(query, 'response_type') === 'json') return { code: target.searchParams.get('code'), redirect_uri: redirect };
  return new Answer(302, null, { location: target.toString() });
}

const RAILS_ZONES: Record<string, string> = {
  'America/New_York': 'Eastern Time (US & Canada)',
  'America/Chicago': 'Central Time (US & Canada)',
  'America/Denver': 'Mountain Time (US & Canada)',
  'America/Phoenix': 'Arizona',
  'America/Los_Angeles': 'Pacific Time (US & Canada)',
  'America/Anchorage': 'Alaska',
  'Pacific/Honolulu': 'Hawaii',
  'Etc/UTC': 'UTC',
  UTC: 'UTC',
};

async function gatewayCredentials(request: FastifyRequest): Promise<unknown> {
  const ctx = tenantOf(request);
  if (request.affinipayGrant?.grant !== 'authorization_code') throw apError('not_authorized');
  const profile = merchantProfile(ctx.tenant);
  const keys = await listCredentials(ctx, ctx.tenant.id, VENDOR);
  const secretOf = (mode: string) => keys.filter((k) => k.kind === CredentialKind.API_KEY && k.mode === mode && k.revoked_at === null && k.secret).pop()?.secret ?? null;
  const publicKey = await publicKeyOf(ctx);
  const client = keys.find((k) => k.kind === CredentialKind.OAUTH_CLIENT && k.public_id === request.affinipayGrant?.clientId);
  const accounts = (await accountsOf(ctx)).filter((a) => a.status !== 'deleted');
  const entry = (mode: 'test' | 'live') =>
    accounts
      .filter((a) => a.mode === mode)
      .map((a) => ({
        name: a.name,
        type: a.kind === 'bank' ? 'AchAccount' : 'MerchantAccount',
        currency: a.currency,
        recurring_charges_enabled: true,
        id: accountId(a),
        public_key: publicKey,
        secret_key: secretOf(mode),
        trust_account: String(a.trust),
      }));
  const text = (key: string) => (typeof profile[key] === 'string' ? (profile[key] as string) : '');
  const timezone = text('timezone');
  return {
    application: client?.label || 'Example App',
    user: {
      first_name: 'Demo',
      last_name: 'Owner',
      email: text('contact_email') || 'owner@example.com',
      owner: true,
      abilities: ['admin', 'charge', 'schedule_charge', 'refund', 'tag_transactions', 'view_reports'],
    },
    merchant: {
      name: ctx.tenant.name,
      address: text('address1'),
      additional_address: text('address2'),
      city: text('city'),
      state: text('state'),
      postal_code: text('postal_code'),
      country: text('country') || 'US',
      phone: text('contact_phone'),
      timezone: RAILS_ZONES[timezone] ?? (timezone || 'UTC'),
      website: '',
      support_email: text('contact_email'),
      support_phone: text('contact_phone'),
      email_success_to: text('contact_email'),
      email_failure_to: text('contact_email'),
      reference_required: false,
      reference_label: 'Reference',
    },
    test_accounts: entry('test'),
    live_accounts: entry('live'),
  };
}

// ---- merchant applications (spec §3.B1) ---------------------------------------------------------

const STRUCTURES = ['SO', 'AE', 'G', 'CP', 'CU', 'P', 'TE', 'SM', 'MM', 'CA', 'LP', 'PO'];
const BUSINESS_TYPES = ['R', 'I', 'M', 'H', 'F'];
const OWNER_TITLES = ['President', 'V.President', 'Owner', 'Partner', 'Manager', 'Treasurer', 'Secretary', 'Exec.Director'];
const REQUIRED = [
  'reference',
  'plan',
  'first_name',
  'last_name',
  'email',
  'business_name',
  'business_address1',
  'business_city',
  'business_state',
  'business_zip_code',
  'business_phone',
  'industry_code',
  'goods_and_services',
  'structure',
  'federal_tax_id',
  'years_in_business',
  'owner_first_name',
  'owner_last_name',
  'owner_title',
  'owner_date_of_birth',
  'owner_social_security_number',
  'owner_address1',
  'owner_city',
  'owner_state',
  'owner_zip_code',
  'owner_phone_number',
  'owner_email',
  'owner_years_in_residence',
  'owner_drivers_license_number',
  'owner_drivers_license_state',
  'owner_drivers_license_expiration',
  'operating_account_routing_number',
  'operating_account_bank_name',
  'operating_account_number',
  'signature',
];
const DBA_REQUIRED = ['dba_name', 'dba_address1', 'dba_city', 'dba_state', 'dba_zip_code', 'dba_phone'];
const TRUST_REQUIRED = ['trust_account_routing_number', 'trust_account_bank_name', 'trust_account_number', 'signed_by'];
const DATES = ['owner_date_of_birth', 'owner_drivers_license_expiration', 'bankruptcy_date'];
const INTEGERS = ['industry_code', 'owner_percentage_of_ownership', 'owner_years_in_residence'];

function applicationError(context: string, message: string): ApError {
  return new ApError(422, [{ code: 'invalid_data', context, level: 'error', message }]);
}

const present = (value: unknown) => value !== undefined && value !== null && String(value).trim() !== '';
const human = (key: string) => key.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

function checkApplication(app: Body): void {
  for (const [key, value] of Object.entries(app)) {
    if (value !== null && typeof value === 'object') throw applicationError(key, `${human(key)} is invalid`);
  }
  for (const key of REQUIRED) if (!present(app[key])) throw applicationError(key, `${human(key)} can't be blank`);
  const bool = (key: string) => app[key] === true || app[key] === 'true';
  if (app.has_dba !== undefined && !['true', 'false', true, false].includes(app.has_dba as string | boolean)) throw applicationError('has_dba', 'Has dba is invalid');
  if (bool('has_dba')) for (const key of DBA_REQUIRED) if (!present(app[key])) throw applicationError(key, `${human(key)} can't be blank`);
  if (/trust/i.test(String(app.plan))) for (const key of TRUST_REQUIRED) if (!present(app[key])) throw applicationError(key, `${human(key)} can't be blank`);
  if (!STRUCTURES.includes(String(app.structure))) throw applicationError('structure', 'Structure is invalid');
  if (present(app.business_type) && !BUSINESS_TYPES.includes(String(app.business_type))) throw applicationError('business_type', 'Business type is invalid');
  if (!OWNER_TITLES.includes(String(app.owner_title))) throw applicationError('owner_title', 'Owner title is invalid');
  for (const key of DATES) if (present(app[key]) && !/^\d{4}-\d{2}-\d{2}$/.test(String(app[key]))) throw applicationError(key, `${human(key)} is invalid`);
  for (const key of INTEGERS) if (present(app[key]) && !/^\d+$/.test(String(app[key]).trim())) throw applicationError(key, `${human(key)} is invalid`);
  for (const key of ['dba_state', 'owner_drivers_license_state']) if (present(app[key]) && !/^[A-Za-z]{2}$/.test(String(app[key]))) throw applicationError(key, `${human(key)} is invalid`);
  for (const key of ['email', 'owner_email']) if (!/^[^@\s]+@[^@\s]+$/.test(String(app[key]))) throw applicationError(key, `${human(key)} is invalid`);
  for (const key of ['operating_account_routing_number', 'trust_account_routing_number']) {
    if (present(app[key]) && !/^\d{9}$/.test(String(app[key]))) throw applicationError(key, `${human(key)} is invalid`);
  }
  for (const key of ['operating_account_number', 'trust_account_number']) if (present(app[key]) && !/^\d{4,17}$/.test(String(app[key]))) throw applicationError(key, `${human(key)} is invalid`);
}

async function submitApplication(request: FastifyRequest): Promise<unknown> {
  const ctx = tenantOf(request);
  const body = isObject(request.body) ? request.body : null;
  const app = body && isObject(body.merchant_application) ? body.merchant_application : null;
  if (!app) throw applicationError('merchant_application', 'Merchant application is required');
  checkApplication(app);
  if (app.test === 'validate') return { merchant_application: { id: '0' } };
  const doc = await storeDocument(ctx, {
    kind: 'merchant_application',
    contentType: 'application/json',
    content: JSON.stringify(app),
    vendor: VENDOR,
    vendorData: { status: 'pending', reference: app.reference },
  });
  return { merchant_application: { id: String(doc.id) } };
}

async function deauthorize(services: CoreServices, request: FastifyRequest): Promise<unknown> {
  const ctx: TenantContext = tenantOf(request);
  const grant = request.affinipayGrant;
  if (grant?.grant !== 'client_credentials') throw apError('not_authorized');
  const publicKey = String((request.params as Body).key ?? '');
  const keys = await listCredentials(ctx, ctx.tenant.id, VENDOR);
  const ours = /^m_[A-Za-z0-9_-]{22}$/.test(publicKey) && keys.some((k) => k.kind === CredentialKind.PUBLIC_KEY && k.secret === publicKey);
  if (!ours) throw notFoundError();
  await revokeCredentialsByLabel(services, ctx.tenant.id, { vendor: VENDOR, kind: CredentialKind.ACCESS_TOKEN, label: labelOf('authorization_code', grant.clientId) });
  return new Answer(200, null);
}

export function oauthRoutes(router: Router, services: CoreServices): void {
  router.post('/oauth/token', (request) => token(services, request));
  router.get('/oauth/authorize', (request) => authorize(services, request));
  router.get('/gateway-credentials', gatewayCredentials);
  for (const path of ['/merchant_applications', '/merchant-applications', '/api/v1/merchant_applications']) router.post(path, submitApplication);
  for (const path of ['/merchants/:key/deauthorize_application', '/api/v1/merchants/:key/deauthorize_application']) router.delete(path, (request) => deauthorize(services, request));
}
