// API keys a user creates for themselves: credentials of the merchant that act as that user.
import type { Credential, UserRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { forUpdate } from '../db.ts';
import { hashPassword, randomAlnum, sha256Hex } from '../crypto/secrets.ts';
import { notFound } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { CredentialKind, issueCredential, revokeCredential, type Vendor } from '../tenants/credentials.ts';
import { inWork } from '../work.ts';
import { forgetCredentials } from '../tenants/credential-cache.ts';

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
  await deleteKey(ctx, vendor, { value: secret });
}

/** Revokes a key of this merchant by its id or by its value (whichever is given). */
export async function deleteKey(ctx: TenantContext, vendor: Vendor, which: { id?: number; value?: string }): Promise<void> {
  let query = ctx.db
    .selectFrom('credentials')
    .select('id')
    .where('tenant_id', '=', ctx.tenant.id)
    .where('vendor', '=', vendor)
    .where('kind', '=', CredentialKind.API_KEY)
    .where('revoked_at', 'is', null);
  if (which.id !== undefined) query = query.where('id', '=', which.id);
  else if (which.value !== undefined) query = query.where('lookup', '=', sha256Hex(which.value));
  else throw notFound('api key');
  const row = await query.executeTakeFirst();
  if (!row) throw notFound('api key');
  await revokeCredential(ctx, ctx.tenant.id, row.id);
}

/**
 * The user an API key acts as. Every key has one: a key issued outside a user (the admin API, the
 * demo tenant's keys) is given the merchant's first admin user, made (with an unusable password)
 * when the merchant has none. Null when the key's own user is disabled or deleted.
 */
export async function keyOwner(ctx: TenantContext, credentialId: number): Promise<UserRow | null> {
  return inWork(ctx, async (ctx) => {
    const credential = await forUpdate(ctx.db.selectFrom('credentials').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', credentialId), ctx.dialect).executeTakeFirst();
    if (!credential) throw notFound('api key');
    if (credential.user_id) {
      const user = await ctx.db.selectFrom('users').selectAll().where('id', '=', credential.user_id).executeTakeFirst();
      return user && user.deleted_at === null && user.status === 'active' ? user : null;
    }
    let owner = await ctx.db
      .selectFrom('users')
      .selectAll()
      .where('tenant_id', '=', ctx.tenant.id)
      .where('role', '=', 'admin')
      .where('status', '=', 'active')
      .where('deleted_at', 'is', null)
      .orderBy('id')
      .executeTakeFirst();
    if (!owner) {
      const now = ctx.clock.now();
      // Usernames are unique system-wide: the slug's name, else one with a random suffix.
      let username = `${ctx.tenant.slug}-admin`;
      while (await ctx.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst()) username = `${ctx.tenant.slug}-admin-${randomAlnum(6).toLowerCase()}`;
      owner = await ctx.db
        .insertInto('users')
        .values({
          tenant_id: ctx.tenant.id,
          username,
          name: `${ctx.tenant.name} admin`,
          phone: '',
          email: '',
          timezone: '',
          status: 'active',
          role: 'admin',
          password_hash: hashPassword(randomAlnum(32)),
          created_at: now,
          updated_at: now,
          deleted_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordEvent(ctx, 'user.created', 'user', owner.id, { ...owner, password_hash: undefined });
    }
    await ctx.db.updateTable('credentials').set({ user_id: owner.id }).where('id', '=', credential.id).execute();
    // Cached copies still name no owner; they are forgotten so the next request sees this one.
    forgetCredentials();
    return owner;
  });
}
