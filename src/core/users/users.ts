// Users of a merchant with roles (admin | standard), passwords (scrypt), login sessions identified by
// a JWT id that logout revokes, password resets by emailed code (the outbox), and API keys owned by
// a user. Usernames are unique system-wide: login names no merchant.
import { createHash, randomInt } from 'node:crypto';
import type { Credential, Tenant, UserRow } from '../database.ts';
import { isUniqueViolation } from '../db.ts';
import type { CoreServices, TenantContext } from '../context.ts';
import { systemTime } from '../clock/clock.ts';
import { hashPassword, hashPasswordAsync, randomToken, verifyPassword } from '../crypto/secrets.ts';
import { DomainError, ErrorCode, invalid, notFound } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { queueEmail } from '../outbox/outbox.ts';
import { contextFor } from '../tenants/tenants.ts';
import { inWork } from '../work.ts';
import { forgetCredentials } from '../tenants/credential-cache.ts';

export const USER_ROLES = ['admin', 'standard'] as const;
export const USER_STATUSES = ['active', 'disabled'] as const;
export type UserRole = (typeof USER_ROLES)[number];
export type UserStatus = (typeof USER_STATUSES)[number];

export interface UserInput {
  username?: string;
  name?: string;
  phone?: string;
  email?: string;
  timezone?: string;
  password?: string;
  status?: UserStatus;
  role?: UserRole;
}

export const MIN_PASSWORD = 8;
const RESET_TTL_MS = 60 * 60 * 1000;

function checkPassword(password: string, field = 'password'): void {
  if (password.length < MIN_PASSWORD) throw invalid(`${field} must be at least ${MIN_PASSWORD} characters`, field);
}

export async function createUser(ctx: TenantContext, input: UserInput): Promise<UserRow> {
  if (!input.username) throw invalid('username is required', 'username');
  if (!input.password) throw invalid('password is required', 'password');
  checkPassword(input.password);
  // Hashed before the transaction, off the event loop: scrypt's ~70 ms holds no write lock.
  const passwordHash = await hashPasswordAsync(input.password);
  return inWork(ctx, async (ctx) => {
    const now = ctx.clock.now();
    try {
      const row = await ctx.db
        .insertInto('users')
        .values({
          tenant_id: ctx.tenant.id,
          username: input.username as string,
          name: input.name ?? '',
          phone: input.phone ?? '',
          email: input.email ?? '',
          timezone: input.timezone ?? '',
          status: input.status ?? 'active',
          role: input.role ?? 'standard',
          password_hash: passwordHash,
          created_at: now,
          updated_at: now,
          deleted_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordEvent(ctx, 'user.created', 'user', row.id, { ...row, password_hash: undefined });
      return row;
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError(ErrorCode.CONFLICT, 'username already exists', { field: 'username' });
      throw error;
    }
  });
}

export async function getUser(ctx: TenantContext, id: number): Promise<UserRow> {
  const row = await ctx.db.selectFrom('users').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
  if (!row) throw notFound('user', id);
  return row;
}

export async function listUsers(ctx: TenantContext): Promise<UserRow[]> {
  return ctx.db.selectFrom('users').selectAll().where('tenant_id', '=', ctx.tenant.id).where('deleted_at', 'is', null).orderBy('id').execute();
}

export async function updateUser(ctx: TenantContext, id: number, input: Omit<UserInput, 'username' | 'password'>): Promise<UserRow> {
  await getUser(ctx, id);
  const changes: Partial<UserRow> = { updated_at: ctx.clock.now() };
  for (const field of ['name', 'phone', 'email', 'timezone', 'status', 'role'] as const) if (input[field] !== undefined) changes[field] = input[field];
  return inWork(ctx, async (ctx) => {
    const row = await ctx.db.updateTable('users').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await recordEvent(ctx, 'user.updated', 'user', id, { ...row, password_hash: undefined });
    return row;
  });
}

/** Soft delete: the user's keys and sessions stop working. */
export async function deleteUser(ctx: TenantContext, id: number): Promise<void> {
  await getUser(ctx, id);
  forgetCredentials();
  await inWork(ctx, async (ctx) => {
    const now = ctx.clock.now();
    await ctx.db.updateTable('users').set({ deleted_at: now, updated_at: now }).where('id', '=', id).execute();
    await ctx.db.updateTable('credentials').set({ revoked_at: systemTime() }).where('tenant_id', '=', ctx.tenant.id).where('user_id', '=', id).where('revoked_at', 'is', null).execute();
    await ctx.db.updateTable('user_sessions').set({ revoked_at: now }).where('user_id', '=', id).where('revoked_at', 'is', null).execute();
    await recordEvent(ctx, 'user.deleted', 'user', id, { id });
  });
  forgetCredentials();
}

export interface UserLogin {
  tenant: Tenant;
  user: UserRow;
}

/** Username + password → the user and their merchant; disabled, deleted or wrong → null. */
export async function authenticateUser(services: CoreServices, username: string, password: string): Promise<UserLogin | null> {
  if (!username || !password) return null;
  const user = await services.db.selectFrom('users').selectAll().where('username', '=', username).where('deleted_at', 'is', null).executeTakeFirst();
  if (!user || user.status !== 'active' || !verifyPassword(password, user.password_hash)) return null;
  const tenant = await services.db.selectFrom('tenants').selectAll().where('id', '=', user.tenant_id).executeTakeFirstOrThrow();
  return { tenant, user };
}

/** The active user a credential acts as (null when it belongs to no user); a disabled owner → 'disabled'. */
export async function credentialOwner(services: CoreServices, credential: Credential, read?: UserRow | null): Promise<UserRow | null | 'disabled'> {
  if (!credential.user_id) return null;
  // `read`: the row authentication already read with the tenant (credentials.ts), when it did.
  const user = read !== undefined ? read : await services.db.selectFrom('users').selectAll().where('id', '=', credential.user_id).executeTakeFirst();
  if (!user || user.deleted_at !== null || user.status !== 'active') return 'disabled';
  return user;
}

export async function changePassword(ctx: TenantContext, userId: number, current: string, next: string): Promise<void> {
  const user = await getUser(ctx, userId);
  if (!verifyPassword(current, user.password_hash)) throw invalid('current_password is incorrect', 'current_password');
  checkPassword(next, 'new_password');
  await setPassword(ctx, userId, next);
}

async function setPassword(ctx: TenantContext, userId: number, password: string): Promise<void> {
  await inWork(ctx, async (ctx) => {
    await ctx.db
      .updateTable('users')
      .set({ password_hash: hashPassword(password), updated_at: ctx.clock.now() })
      .where('id', '=', userId)
      .execute();
    await recordEvent(ctx, 'user.password_changed', 'user', userId, { id: userId });
  });
}

// ---- sessions ---------------------------------------------------------------------------------------

export async function startSession(ctx: TenantContext, user: UserRow, ttlMs: number): Promise<{ jti: string; expiresAt: number; issuedAt: number }> {
  const jti = randomToken(16);
  const issuedAt = ctx.clock.now();
  const expiresAt = issuedAt + ttlMs;
  await ctx.db.insertInto('user_sessions').values({ tenant_id: ctx.tenant.id, user_id: user.id, jti, expires_at: expiresAt, revoked_at: null, created_at: issuedAt }).execute();
  return { jti, expiresAt, issuedAt };
}

/** A live session: not revoked, not expired on its merchant's clock, its user active. */
export async function findSession(services: CoreServices, jti: string): Promise<(UserLogin & { jti: string }) | null> {
  const session = await services.db.selectFrom('user_sessions').selectAll().where('jti', '=', jti).where('revoked_at', 'is', null).executeTakeFirst();
  if (!session) return null;
  const tenant = await services.db.selectFrom('tenants').selectAll().where('id', '=', session.tenant_id).executeTakeFirstOrThrow();
  if (contextFor(services, tenant).clock.now() >= session.expires_at) return null;
  const user = await services.db.selectFrom('users').selectAll().where('id', '=', session.user_id).executeTakeFirst();
  if (!user || user.deleted_at !== null || user.status !== 'active') return null;
  return { tenant, user, jti };
}

export async function endSession(ctx: TenantContext, jti: string): Promise<void> {
  await ctx.db.updateTable('user_sessions').set({ revoked_at: ctx.clock.now() }).where('tenant_id', '=', ctx.tenant.id).where('jti', '=', jti).execute();
}

// ---- forgotten usernames and passwords (the outbox stands in for email) ------------------------------

const codeHash = (code: string) => createHash('sha256').update(code).digest('hex');

export async function sendUsernames(services: CoreServices, email: string): Promise<void> {
  if (!email) return;
  const users = await services.db.selectFrom('users').selectAll().where('email', '=', email).where('deleted_at', 'is', null).execute();
  for (const user of users) {
    const tenant = await services.db.selectFrom('tenants').selectAll().where('id', '=', user.tenant_id).executeTakeFirstOrThrow();
    await queueEmail(contextFor(services, tenant), { to: email, subject: 'Your username', body: `Your username is ${user.username}`, meta: { kind: 'forgot_username', user_id: user.id } });
  }
}

/** Emails a single-use reset code, valid for an hour on the merchant's clock. Unknown usernames do nothing. */
export async function sendResetCode(services: CoreServices, username: string): Promise<void> {
  const user = await services.db.selectFrom('users').selectAll().where('username', '=', username).where('deleted_at', 'is', null).executeTakeFirst();
  if (!user) return;
  const tenant = await services.db.selectFrom('tenants').selectAll().where('id', '=', user.tenant_id).executeTakeFirstOrThrow();
  const ctx = contextFor(services, tenant);
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await inWork(ctx, async (ctx) => {
    const now = ctx.clock.now();
    await ctx.db
      .insertInto('password_resets')
      .values({ tenant_id: tenant.id, user_id: user.id, code_hash: codeHash(code), expires_at: now + RESET_TTL_MS, used_at: null, created_at: now })
      .execute();
    await queueEmail(ctx, {
      to: user.email || user.username,
      subject: 'Password reset code',
      body: `Your password reset code is ${code}`,
      meta: { kind: 'password_reset', user_id: user.id, username, reset_code: code },
    });
  });
}

export async function resetPassword(services: CoreServices, username: string, code: string, password: string): Promise<void> {
  const user = await services.db.selectFrom('users').selectAll().where('username', '=', username).where('deleted_at', 'is', null).executeTakeFirst();
  if (!user) throw invalid('invalid reset code', 'reset_code');
  const tenant = await services.db.selectFrom('tenants').selectAll().where('id', '=', user.tenant_id).executeTakeFirstOrThrow();
  const ctx = contextFor(services, tenant);
  checkPassword(password);
  await inWork(ctx, async (ctx) => {
    const now = ctx.clock.now();
    const used = await ctx.db
      .updateTable('password_resets')
      .set({ used_at: now })
      .where('user_id', '=', user.id)
      .where('code_hash', '=', codeHash(code))
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning('id')
      .executeTakeFirst();
    if (!used) throw invalid('invalid reset code', 'reset_code');
    await ctx.db
      .updateTable('users')
      .set({ password_hash: hashPassword(password), updated_at: now })
      .where('id', '=', user.id)
      .execute();
    await recordEvent(ctx, 'user.password_reset', 'user', user.id, { id: user.id });
  });
}
