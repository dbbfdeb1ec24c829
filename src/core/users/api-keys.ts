// API keys a user creates for themselves: credentials of the merchant that act as that user.
import type { Credential } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { sha256Hex } from '../crypto/secrets.ts';
import { notFound } from '../errors/domain-error.ts';
import { CredentialKind, issueCredential, revokeCredential, type Vendor } from '../tenants/credentials.ts';

export interface KeyMeta {
  type: string;
  name: string;
}

export function keyMeta(credential: Credential): KeyMeta {
  const meta = JSON.parse(credential.meta || '{}') as Partial<KeyMeta>;
  return { type: meta.type ?? (credential.label === 'pub' ? 'pub' : 'api'), name: meta.name ?? '' };
}

export async function createUserKey(ctx: TenantContext, vendor: Vendor, userId: number | null, meta: KeyMeta, secret: string): Promise<Credential> {
  const issued = await issueCredential(ctx, ctx.tenant.id, { vendor, kind: CredentialKind.API_KEY, label: meta.type, secret, revealable: true });
  return ctx.db
    .updateTable('credentials')
    .set({ user_id: userId, meta: JSON.stringify(meta) })
    .where('id', '=', issued.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listUserKeys(ctx: TenantContext, vendor: Vendor, userId: number | null): Promise<Credential[]> {
  let query = ctx.db
    .selectFrom('credentials')
    .selectAll()
    .where('tenant_id', '=', ctx.tenant.id)
    .where('vendor', '=', vendor)
    .where('kind', '=', CredentialKind.API_KEY)
    .where('revoked_at', 'is', null);
  query = userId === null ? query.where('user_id', 'is', null) : query.where('user_id', '=', userId);
  return query.orderBy('id').execute();
}

/** Revokes a key of this merchant by its value. */
export async function deleteKeyByValue(ctx: TenantContext, vendor: Vendor, secret: string): Promise<void> {
  const row = await ctx.db
    .selectFrom('credentials')
    .select('id')
    .where('tenant_id', '=', ctx.tenant.id)
    .where('vendor', '=', vendor)
    .where('kind', '=', CredentialKind.API_KEY)
    .where('lookup', '=', sha256Hex(secret))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw notFound('api key');
  await revokeCredential(ctx, ctx.tenant.id, row.id);
}
