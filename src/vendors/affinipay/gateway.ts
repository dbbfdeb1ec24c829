// The gateway's merchant-level routes (spec §2.C #5–11, #19–20, §4.14, §4.18): status, the merchant
// and its accounts of the key's mode, ACH account updates (and, as an extension, card account
// updates: spec §6 #76), the purge of test data, and signatures on transactions.
import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';
import { modeOf, type TenantContext } from '../../core/context.ts';
import type { Tenant } from '../../core/database.ts';
import { reasonOf } from '../../core/errors/domain-error.ts';
import { PAYMENT_FIELDS, updateMerchantAccount, type AccountChanges, type MerchantAccount, type PaymentField } from '../../core/merchant-accounts/accounts.ts';
import { purgeTestData } from '../../core/modes.ts';
import { getDocument, storeDocument } from '../../core/documents/documents.ts';
import { merchantFields, updateMerchantProfile } from '../../core/tenants/profile.ts';
import { listEndpoints } from '../../core/webhooks/endpoints.ts';
import { listCredentials, CredentialKind } from '../../core/tenants/credentials.ts';
import type { CardBrand } from '../../core/processor/cards.ts';
import { tenantOf } from '../../http/auth.ts';
import { accountsOf, brandOf, findAccount, parseAvsPolicy, parseCvvPolicy, renderAchAccount, renderMerchantAccount } from './accounts.ts';
import { invalidData, notFoundError } from './errors.ts';
import { decodeId, encodeId, sameSecond } from './ids.ts';
import { VENDOR } from './methods.ts';

/** The webhook format of the merchant's event URLs (webhooks.ts). */
export const WEBHOOK_FORMAT = 'affinipay';
import { Answer, type Router } from './routing.ts';
import { findTransaction } from './transactions.ts';
import { blankError, invalidError, jsonBody, lengthError, readBoolean, readString, timestamp, type Body } from './wire.ts';

/** The merchant's own fields (spec §3.C1), kept in the door's namespace of the tenant's settings. */
const PROFILE_FIELDS = ['contact_name', 'contact_email', 'contact_phone', 'address1', 'address2', 'city', 'state', 'postal_code', 'country', 'timezone', 'api_allowed_ip_address_ranges'] as const;
/** The event URLs: the core's webhook endpoints of this door's format, one per URL, of their mode. */
const URL_FIELDS = { test_events_urls: 'test', live_events_urls: 'live' } as const;
type ProfileField = (typeof PROFILE_FIELDS)[number] | keyof typeof URL_FIELDS;

/** The merchant's public key (shown in GET /v1/merchant): the newest live one. */
export async function publicKeyOf(ctx: TenantContext): Promise<string | null> {
  const keys = await listCredentials(ctx, ctx.tenant.id, VENDOR);
  const key = keys.filter((k) => k.kind === CredentialKind.PUBLIC_KEY && k.revoked_at === null).pop();
  return key?.secret ?? null;
}

export function merchantProfile(tenant: Tenant): Record<string, unknown> {
  return merchantFields(tenant, VENDOR);
}

export async function renderMerchant(ctx: TenantContext, tenant: Tenant = ctx.tenant): Promise<Record<string, unknown>> {
  const accounts = (await accountsOf({ ...ctx, tenant })).filter((a) => a.mode === modeOf(ctx) && a.status !== 'deleted');
  const profile = merchantProfile(tenant);
  const out: Record<string, unknown> = {
    id: encodeId('merchant', tenant.id, tenant.created_at),
    created: timestamp(tenant.created_at),
    modified: timestamp(typeof profile.modified === 'number' ? profile.modified : tenant.created_at),
    name: tenant.name,
    public_key: await publicKeyOf(ctx),
  };
  for (const field of PROFILE_FIELDS) {
    const value = profile[field];
    if (typeof value === 'string') out[field] = value;
  }
  if (out.timezone === undefined) out.timezone = tenant.timezone === 'UTC' ? 'Etc/UTC' : tenant.timezone;
  const endpoints = await listEndpoints({ ...ctx, tenant }, { format: WEBHOOK_FORMAT });
  for (const [field, mode] of Object.entries(URL_FIELDS)) {
    const urls = endpoints.filter((e) => e.mode === mode).map((e) => e.url);
    if (urls.length > 0) out[field] = urls.join(',');
  }
  out.merchant_accounts = accounts.filter((a) => a.kind === 'card').map(renderMerchantAccount);
  out.ach_accounts = accounts.filter((a) => a.kind === 'bank').map(renderAchAccount);
  return out;
}

function validTimezone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function validCidr(text: string): boolean {
  const [address, prefix, ...rest] = text.trim().split('/');
  const family = isIP(address ?? '');
  if (!family || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

function validUrlList(text: string): boolean {
  return text
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean)
    .every((u) => {
      try {
        const url = new URL(u);
        return url.protocol === 'http:' || url.protocol === 'https:';
      } catch {
        return false;
      }
    });
}

/** One profile field checked (spec §3.C1, §4.18); '' clears it. */
function readProfileField(body: Body, field: ProfileField): string | undefined {
  const value = readString(body[field], field);
  if (value === undefined || value === '') return value;
  const text = value.trim();
  const check: Partial<Record<ProfileField, () => boolean>> = {
    contact_phone: () => /^\+?[0-9]{6,15}$/.test(text.replace(/[\s()-]/g, '')),
    contact_email: () => /^[^@\s]+@[^@\s]+$/.test(text) && text.length <= 254,
    state: () => text.length <= 64,
    postal_code: () => /^[A-Za-z0-9 -]{3,10}$/.test(text),
    country: () => /^[A-Za-z]{2}$/.test(text),
    timezone: () => validTimezone(text),
    api_allowed_ip_address_ranges: () => text.split(',').every((part) => part.trim() === '' || validCidr(part)),
  };
  if (field === 'live_events_urls' || field === 'test_events_urls') {
    if (text.length > 1024) throw lengthError(field);
    if (!validUrlList(text)) throw invalidError(field);
    return text;
  }
  if (text.length > 255) throw lengthError(field);
  if (check[field] && !check[field]()) throw invalidError(field);
  return field === 'country' ? text.toUpperCase() : text;
}

async function updateMerchant(request: FastifyRequest, replace: boolean): Promise<Record<string, unknown>> {
  const ctx = tenantOf(request);
  const body = jsonBody(request);
  const name = readString(body.name, 'name', 255);
  if (replace && (name === undefined || name.trim() === '')) throw invalidData('name', 'not_null', 'Name cannot be blank');
  if (name !== undefined && name.trim() === '') throw blankError('name');
  const fields: Record<string, unknown> = { modified: ctx.clock.now() };
  for (const field of PROFILE_FIELDS) {
    const value = readProfileField(body, field);
    if (value !== undefined) fields[field] = value;
    else if (replace) fields[field] = null;
  }
  const lists: Array<{ mode: 'test' | 'live'; urls: string[] }> = [];
  for (const [field, mode] of Object.entries(URL_FIELDS)) {
    const value = readProfileField(body, field as ProfileField);
    if (value !== undefined || replace) lists.push({ mode, urls: (value ?? '').split(',') });
  }
  const tenant = await updateMerchantProfile(ctx, { ...(name !== undefined ? { name: name.trim() } : {}), vendor: VENDOR, fields, endpoints: { format: WEBHOOK_FORMAT, lists } });
  return renderMerchant(ctx, tenant);
}

// ---- accounts -----------------------------------------------------------------------------------

const ACH_FIELDS: readonly string[] = ['name', 'address1', 'city', 'state', 'postal_code', 'country', 'email', 'phone'];

function readFieldList(value: unknown, context: string, allowed: readonly string[]): PaymentField[] | undefined {
  const text = readString(value, context);
  if (text === undefined) return undefined;
  const fields = text
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  for (const field of fields) if (!allowed.includes(field)) throw invalidError(context);
  return fields as PaymentField[];
}

function readCountries(value: unknown): string[] | undefined {
  const text = readString(value, 'transaction_allowed_countries');
  if (text === undefined) return undefined;
  const codes = text
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  for (const code of codes) if (!/^[A-Za-z]{2}$/.test(code)) throw invalidError('transaction_allowed_countries');
  return codes.map((c) => c.toUpperCase());
}

function accountChanges(body: Body, replace: boolean, account: MerchantAccount): AccountChanges {
  const changes: AccountChanges = {};
  const name = readString(body.name, 'name', 255);
  if (replace && (name === undefined || name.trim() === '')) throw invalidData('name', 'not_null', 'Name cannot be blank');
  if (name !== undefined) changes.name = name.trim();
  const primary = readBoolean(body.primary, 'primary');
  if (replace && primary === undefined) throw invalidData('primary', 'not_null', 'Primary cannot be blank');
  if (primary !== undefined) changes.primary = primary;
  const allowed = account.kind === 'bank' ? ACH_FIELDS : (PAYMENT_FIELDS as readonly string[]);
  const required = readFieldList(body.required_payment_fields, 'required_payment_fields', allowed);
  if (replace && required === undefined) throw invalidData('required_payment_fields', 'not_null', 'Required payment fields cannot be blank');
  if (required !== undefined) changes.requiredFields = required;
  const countries = readCountries(body.transaction_allowed_countries);
  if (countries !== undefined) changes.allowedCountries = countries;
  if (account.kind === 'card') {
    const current = account.verification ?? { cvv: 'require_match_lenient', avs: 'addr_or_postal_code_lenient' };
    const cvvText = readString(body.cvv_policy, 'cvv_policy');
    const avsText = readString(body.avs_policy, 'avs_policy');
    const ignore = readBoolean(body.ignore_avs_failure_if_cvv_match, 'ignore_avs_failure_if_cvv_match');
    const cvv = cvvText ? parseCvvPolicy(cvvText) : current.cvv;
    const avs = avsText ? parseAvsPolicy(avsText) : current.avs;
    if (!cvv) throw invalidError('cvv_policy');
    if (!avs) throw invalidError('avs_policy');
    if (cvvText || avsText || ignore !== undefined) changes.verification = { cvv, avs, ignoreAvsFailureIfCvvMatch: ignore ?? current.ignoreAvsFailureIfCvvMatch ?? false };
    const types = readString(body.accepted_card_types, 'accepted_card_types');
    if (types !== undefined) {
      if (types.trim() === '*' || types.trim() === '') changes.acceptedBrands = null;
      else {
        const brands = types.split(',').map((t) => brandOf(t.trim()));
        if (brands.some((b) => b === null)) throw invalidError('accepted_card_types');
        changes.acceptedBrands = brands as CardBrand[];
      }
    }
    const credits = readBoolean(body.credits_enabled, 'credits_enabled');
    if (credits !== undefined) changes.creditsEnabled = credits;
  }
  return changes;
}

async function updateAccount(request: FastifyRequest, kind: 'card' | 'bank', replace: boolean): Promise<Record<string, unknown>> {
  const ctx = tenantOf(request);
  const idText = (request.params as Body).id;
  const accounts = await accountsOf(ctx);
  const account = findAccount(accounts, idText);
  if (!account || account.kind !== kind || account.mode !== modeOf(ctx)) throw notFoundError(`Account[${String(idText)}]`);
  const body = jsonBody(request);
  const changes = accountChanges(body, replace, account);
  try {
    const updated = await updateMerchantAccount(ctx, account.id, kind, changes, modeOf(ctx));
    return kind === 'bank' ? renderAchAccount(updated) : renderMerchantAccount(updated);
  } catch (error) {
    if (reasonOf(error) === 'one_primary') throw invalidData('primary', 'invalid', 'Exactly one account must be primary');
    throw error;
  }
}

// ---- signatures ---------------------------------------------------------------------------------

const SIGNATURE_TYPE = 'chargeio/jsignature';

async function sign(request: FastifyRequest): Promise<Record<string, unknown>> {
  const ctx = tenantOf(request);
  const row = await findTransaction(ctx, (request.params as Body).id);
  const body = jsonBody(request);
  const mimeType = readString(body.mime_type, 'mime_type', 64);
  if (mimeType === undefined || mimeType === '') throw invalidData('mime_type', 'not_blank', 'Mime type cannot be blank');
  if (mimeType !== SIGNATURE_TYPE) throw invalidError('mime_type');
  const data = readString(body.data, 'data', 8192);
  if (data === undefined || data.trim() === '') throw invalidData('data', 'not_blank', 'Data cannot be blank');
  const doc = await storeDocument(ctx, { kind: 'signature', object: { type: 'transaction', id: row.id }, contentType: mimeType, content: data });
  return { signature_id: encodeId('signature', doc.id, doc.created_at), signature: { mime_type: mimeType, data } };
}

async function signature(request: FastifyRequest): Promise<Record<string, unknown>> {
  const ctx = tenantOf(request);
  const idText = (request.params as Body).id;
  const decoded = decodeId('signature', idText);
  const doc = decoded ? await getDocument(ctx, decoded.id, 'signature') : null;
  if (!decoded || !doc || !sameSecond(decoded, doc.created_at)) throw notFoundError();
  return { id: idText, created: timestamp(doc.created_at), signature: { mime_type: doc.content_type, data: doc.content } };
}

export function gatewayRoutes(router: Router): void {
  router.get('/status', async () => ({ status: 'NORMAL' }));
  router.get('/v1/merchant', async (request) => renderMerchant(tenantOf(request)));
  router.put('/v1/merchant', (request) => updateMerchant(request, true));
  router.patch('/v1/merchant', (request) => updateMerchant(request, false));
  router.post('/v1/merchant/purge-test-data', async (request) => {
    await purgeTestData(tenantOf(request));
    return new Answer(204, null);
  });
  router.put('/v1/ach-accounts/:id', (request) => updateAccount(request, 'bank', true));
  router.patch('/v1/ach-accounts/:id', (request) => updateAccount(request, 'bank', false));
  router.put('/v1/merchant-accounts/:id', (request) => updateAccount(request, 'card', true));
  router.patch('/v1/merchant-accounts/:id', (request) => updateAccount(request, 'card', false));
  router.post('/v1/transactions/:id/sign', sign);
  router.get('/v1/signatures/:id', signature);
}
