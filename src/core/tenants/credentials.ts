// Credentials per tenant and front door. High-entropy secrets are stored as SHA-256 lookups;
// passwords with scrypt; a secret that must be used or shown again (ChargeOver's HMAC private key,
// the demo tenant's keys) is also kept encrypted.
import { inTransaction } from '../db.ts';
import { sql } from 'kysely';
import type { Credential, Tenant, UserRow } from '../database.ts';
import type { CoreServices } from '../context.ts';
import { systemTime } from '../clock/clock.ts';
import { hashPasswordAsync, randomAlnum, sha256Hex, verifyPassword } from '../crypto/secrets.ts';
import { DomainError, ErrorCode, notFound } from '../errors/domain-error.ts';
import { cachedCredential, credentialGeneration, forgetCredentials, rememberCredential } from './credential-cache.ts';

/** A door's name: the core keeps credentials per door but knows none of them (src/vendors/index.ts does). */
export type Vendor = string;

export const CredentialKind = {
  KEY_PAIR: 'key_pair', // ChargeOver: public key looked up, private key verified
  API_KEY: 'api_key', // FluidPay api_/pub_, ChargeDesk, AffiniPay secret/public, Invoiced
  PUBLIC_KEY: 'public_key', // AffiniPay public key (tokenisation only)
  PASSWORD: 'password', // FluidPay users
  OAUTH_CLIENT: 'oauth_client', // AffiniPay OAuth clients
  ACCESS_TOKEN: 'access_token', // OAuth access tokens a door issued (AffiniPay); the label says for what
} as const;
export type CredentialKind = (typeof CredentialKind)[keyof typeof CredentialKind];

export interface IssuedCredential {
  id: number;
  vendor: Vendor;
  kind: CredentialKind;
  mode: string;
  label: string;
  /** Public part (ChargeOver public key, username, OAuth client id); null for plain API keys. */
  publicId: string | null;
  /** The secret, shown once (or again for revealable credentials). */
  secret: string;
}

export interface IssueOptions {
  vendor: Vendor;
  kind?: CredentialKind;
  mode?: 'test' | 'live';
  label?: string;
  /** The secret, in the door's own format (see the door's credential format), or a given one. */
  secret?: string;
  publicId?: string;
  /** Keep the secret encrypted so it can be shown again (demo tenant) or used (HMAC). */
  revealable?: boolean;
}

function lookupFor(kind: CredentialKind, publicId: string | null, secret: string): string {
  return kind === CredentialKind.KEY_PAIR || kind === CredentialKind.PASSWORD || kind === CredentialKind.OAUTH_CLIENT ? (publicId as string) : sha256Hex(secret);
}

export async function issueCredential(services: CoreServices, tenantId: number, options: IssueOptions): Promise<IssuedCredential> {
  const kind = options.kind ?? CredentialKind.API_KEY;
  const mode = options.mode ?? 'test';
  const label = options.label ?? '';
  // Without a door's format, a plain high-entropy secret.
  const secret = options.secret ?? randomAlnum(32);
  const needsPublic = kind === CredentialKind.KEY_PAIR || kind === CredentialKind.PASSWORD || kind === CredentialKind.OAUTH_CLIENT;
  const publicId = needsPublic ? (options.publicId ?? randomAlnum(kind === CredentialKind.KEY_PAIR ? 32 : 20)) : null;
  const revealable = options.revealable === true || kind === CredentialKind.KEY_PAIR;
  const secretHash = kind === CredentialKind.PASSWORD ? await hashPasswordAsync(secret) : sha256Hex(secret);
  const row = await services.db
    .insertInto('credentials')
    .values({
      tenant_id: tenantId,
      vendor: options.vendor,
      kind,
      mode,
      label,
      lookup: lookupFor(kind, publicId, secret),
      secret_hash: secretHash,
      secret_enc: revealable ? services.secrets.encrypt(secret) : null,
      created_at: systemTime(),
      revoked_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
    .catch((error: unknown) => {
      throw new DomainError(ErrorCode.CONFLICT, `credential already exists: ${String((error as Error).message)}`);
    });
  return { id: row.id, vendor: options.vendor, kind, mode, label, publicId, secret };
}

export interface Authenticated {
  tenant: Tenant;
  credential: Credential;
  /** The user the credential acts as (credential.user_id), read with the tenant; null when that row is gone. */
  owner?: UserRow | null;
}

const OWNER_COLUMNS = [
  'id',
  'tenant_id',
  'username',
  'name',
  'phone',
  'email',
  'timezone',
  'status',
  'role',
  'password_hash',
  'created_at',
  'updated_at',
  'deleted_at',
] as const satisfies readonly (keyof UserRow)[];
// Every users column, or typechecking fails here: an owner row must be a whole UserRow.
const OWNER_COLUMNS_COMPLETE: [Exclude<keyof UserRow, (typeof OWNER_COLUMNS)[number]>] extends [never] ? true : never = true;
void OWNER_COLUMNS_COMPLETE;

/**
 * The tenant's row, read every time (its clock, faults and settings must be current), and, for a
 * credential that acts as a user, that user's row in the same statement (one round trip, not two).
 */
async function tenantOf(services: CoreServices, credential: Credential): Promise<Pick<Authenticated, 'tenant' | 'owner'> | null> {
  if (credential.user_id === null) {
    const tenant = await services.db.selectFrom('tenants').selectAll().where('id', '=', credential.tenant_id).executeTakeFirst();
    return tenant ? { tenant } : null;
  }
  const row = await services.db
    .selectFrom('tenants')
    .leftJoin('users', (join) => join.on('users.id', '=', credential.user_id!))
    .selectAll('tenants')
    .select(OWNER_COLUMNS.map((column) => sql.ref<unknown>(`users.${column}`).as(`owner_${column}`)))
    .where('tenants.id', '=', credential.tenant_id)
    .executeTakeFirst();
  if (!row) return null;
  const fields = row as Record<string, unknown>;
  const owner = Object.fromEntries(OWNER_COLUMNS.map((column) => [column, fields[`owner_${column}`]])) as unknown as UserRow;
  const tenant = Object.fromEntries(Object.entries(fields).filter(([name]) => !name.startsWith('owner_'))) as unknown as Tenant;
  return { tenant, owner: owner.id === null ? null : owner };
}

async function activeByLookup(services: CoreServices, vendor: Vendor, kind: CredentialKind, lookup: string): Promise<Authenticated | null> {
  const key = `${vendor}\u0000${kind}\u0000${lookup}`;
  const cached = cachedCredential(services.db, key);
  if (cached) {
    const read = await tenantOf(services, cached);
    return read ? { ...read, credential: cached } : null;
  }
  const seenAt = credentialGeneration();
  const row = await services.db
    .selectFrom('credentials')
    .innerJoin('tenants', 'tenants.id', 'credentials.tenant_id')
    .selectAll('credentials')
    .select(['tenants.id as t_id'])
    .where('credentials.vendor', '=', vendor)
    .where('credentials.kind', '=', kind)
    .where('credentials.lookup', '=', lookup)
    .where('credentials.revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  const { t_id: _ignored, ...credential } = row;
  const read = await tenantOf(services, credential);
  if (!read) return null;
  rememberCredential(services.db, key, credential, seenAt);
  return { ...read, credential };
}

/** Resolves an API key (any high-entropy secret looked up by hash) to its tenant. */
export async function authenticateKey(services: CoreServices, vendor: Vendor, secret: string, kind: CredentialKind = CredentialKind.API_KEY): Promise<Authenticated | null> {
  if (!secret) return null;
  return activeByLookup(services, vendor, kind, sha256Hex(secret));
}

/** Resolves a public id + secret pair (ChargeOver keys, FluidPay users, OAuth clients). */
export async function authenticatePair(services: CoreServices, vendor: Vendor, kind: CredentialKind, publicId: string, secret: string): Promise<Authenticated | null> {
  if (!publicId || !secret) return null;
  const found = await activeByLookup(services, vendor, kind, publicId);
  if (!found || !found.credential.secret_hash) return null;
  const ok = kind === CredentialKind.PASSWORD ? verifyPassword(secret, found.credential.secret_hash) : sha256Hex(secret) === found.credential.secret_hash;
  return ok ? found : null;
}

/** Looks up a key pair by its public part only (HMAC: the caller verifies the signature). */
export async function findByPublicId(services: CoreServices, vendor: Vendor, kind: CredentialKind, publicId: string): Promise<Authenticated | null> {
  return activeByLookup(services, vendor, kind, publicId);
}

export function revealSecret(services: CoreServices, credential: Credential): string | null {
  return credential.secret_enc ? services.secrets.decrypt(credential.secret_enc) : null;
}

export interface CredentialSummary {
  id: number;
  vendor: string;
  kind: string;
  mode: string;
  label: string;
  public_id: string | null;
  secret: string | null;
  created_at: number;
  revoked_at: number | null;
}

export async function listCredentials(services: CoreServices, tenantId: number, vendor?: string): Promise<CredentialSummary[]> {
  let query = services.db.selectFrom('credentials').selectAll().where('tenant_id', '=', tenantId);
  if (vendor) query = query.where('vendor', '=', vendor);
  const rows = await query.orderBy('id').execute();
  return rows.map((row) => ({
    id: row.id,
    vendor: row.vendor,
    kind: row.kind,
    mode: row.mode,
    label: row.label,
    public_id: row.kind === CredentialKind.API_KEY || row.kind === CredentialKind.PUBLIC_KEY ? null : row.lookup,
    // Only revealable secrets come back; the rest exist only as hashes.
    secret: row.secret_enc ? services.secrets.decrypt(row.secret_enc) : null,
    created_at: row.created_at,
    revoked_at: row.revoked_at,
  }));
}

/** Revokes every live credential of a kind with this label (an OAuth client's access tokens); returns how many. */
export async function revokeCredentialsByLabel(services: CoreServices, tenantId: number, filter: { vendor: Vendor; kind: CredentialKind; label: string }): Promise<number> {
  forgetCredentials();
  const result = await services.db
    .updateTable('credentials')
    .set({ revoked_at: systemTime() })
    .where('tenant_id', '=', tenantId)
    .where('vendor', '=', filter.vendor)
    .where('kind', '=', filter.kind)
    .where('label', '=', filter.label)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  forgetCredentials();
  return Number(result.numUpdatedRows);
}

export async function revokeCredential(services: CoreServices, tenantId: number, credentialId: number): Promise<void> {
  forgetCredentials();
  await inTransaction(services.db, async (tx) => {
    const result = await tx
      .updateTable('credentials')
      .set({ revoked_at: systemTime() })
      .where('id', '=', credentialId)
      .where('tenant_id', '=', tenantId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw notFound('credential', credentialId);
  });
  forgetCredentials();
}
