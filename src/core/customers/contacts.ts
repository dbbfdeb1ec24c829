// Contact changes beyond create/list: update, move between customers, delete (promoting the next
// contact to primary), choose the primary contact, and customer-portal logins (username, hashed
// password, one-time login tokens).
import { createHash } from 'node:crypto';
import type { ContactRow } from '../database.ts';
import { isUniqueViolation } from '../db.ts';
import type { TenantContext } from '../context.ts';
import { hashPassword, randomAlnum, randomToken } from '../crypto/secrets.ts';
import { DomainError, ErrorCode, invalid, notFound } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { inWork, type TxContext } from '../work.ts';
import { setRefs, type RefChange } from '../refs/refs.ts';

export interface ContactUpdate {
  customerId?: number;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  title?: string | null;
  refs?: RefChange[];
  vendor?: string;
  vendorData?: Record<string, unknown>;
}

export async function getContact(ctx: TenantContext, id: number): Promise<ContactRow> {
  const row = await ctx.db.selectFrom('contacts').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
  if (!row) throw notFound('contact', id);
  return row;
}

/** Makes the lowest-id remaining contact of a customer primary when it has none. */
async function promoteNext(ctx: TxContext, customerId: number): Promise<void> {
  const primary = await ctx.db.selectFrom('contacts').select('id').where('customer_id', '=', customerId).where('is_primary', '=', 1).where('deleted_at', 'is', null).executeTakeFirst();
  if (primary) return;
  const next = await ctx.db
    .selectFrom('contacts')
    .select('id')
    .where('tenant_id', '=', ctx.tenant.id)
    .where('customer_id', '=', customerId)
    .where('deleted_at', 'is', null)
    .orderBy('id')
    .executeTakeFirst();
  if (next) await ctx.db.updateTable('contacts').set({ is_primary: 1 }).where('id', '=', next.id).execute();
}

export async function updateContact(ctx: TenantContext, id: number, update: ContactUpdate): Promise<ContactRow> {
  const existing = await getContact(ctx, id);
  if (update.customerId !== undefined && update.customerId !== existing.customer_id) {
    const customer = await ctx.db.selectFrom('customers').select('id').where('tenant_id', '=', ctx.tenant.id).where('id', '=', update.customerId).where('deleted_at', 'is', null).executeTakeFirst();
    if (!customer) throw invalid(`Customer ${update.customerId} does not exist`, 'customer_id');
  }
  return inWork(ctx, async (ctx) => {
    const changes: Partial<ContactRow> = { updated_at: ctx.clock.now() };
    if (update.firstName !== undefined) changes.first_name = update.firstName;
    if (update.lastName !== undefined) changes.last_name = update.lastName;
    if (update.email !== undefined) changes.email = update.email;
    if (update.phone !== undefined) changes.phone = update.phone;
    if (update.title !== undefined) changes.title = update.title;
    if (update.vendor && update.vendorData) {
      const all = JSON.parse(existing.vendor_data) as Record<string, Record<string, unknown>>;
      all[update.vendor] = { ...(all[update.vendor] ?? {}), ...update.vendorData };
      changes.vendor_data = JSON.stringify(all);
    }
    const moving = update.customerId !== undefined && update.customerId !== existing.customer_id;
    if (moving) {
      changes.customer_id = update.customerId;
      const target = await ctx.db
        .selectFrom('contacts')
        .select('id')
        .where('customer_id', '=', update.customerId as number)
        .where('is_primary', '=', 1)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      changes.is_primary = target ? 0 : 1;
    }
    const row = await ctx.db.updateTable('contacts').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await setRefs(ctx, 'contact', id, update.refs);
    if (moving) await promoteNext(ctx, existing.customer_id);
    await recordEvent(ctx, 'contact.updated', 'contact', id, row);
    return row;
  });
}

/** Soft delete (the external key stays retired); a primary contact's customer gets its next contact as primary. */
export async function deleteContact(ctx: TenantContext, id: number): Promise<void> {
  const existing = await getContact(ctx, id);
  await inWork(ctx, async (ctx) => {
    const now = ctx.clock.now();
    const row = await ctx.db.updateTable('contacts').set({ deleted_at: now, updated_at: now, is_primary: 0 }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await ctx.db.deleteFrom('contact_logins').where('contact_id', '=', id).execute();
    await promoteNext(ctx, existing.customer_id);
    await recordEvent(ctx, 'contact.deleted', 'contact', id, row);
  });
}

/** Makes a contact of the customer its primary contact. */
export async function setPrimaryContact(ctx: TenantContext, customerId: number, contactId: number): Promise<void> {
  const contact = await ctx.db.selectFrom('contacts').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', contactId).where('deleted_at', 'is', null).executeTakeFirst();
  if (!contact) throw invalid(`User ${contactId} does not exist`, 'user_id');
  if (contact.customer_id !== customerId) throw invalid(`User ${contactId} belongs to another customer`, 'user_id');
  await inWork(ctx, async (ctx) => {
    await ctx.db.updateTable('contacts').set({ is_primary: 0 }).where('customer_id', '=', customerId).where('id', '!=', contactId).execute();
    await ctx.db.updateTable('contacts').set({ is_primary: 1, updated_at: ctx.clock.now() }).where('id', '=', contactId).execute();
    await recordEvent(ctx, 'customer.primary_contact_changed', 'customer', customerId, { contact_id: contactId });
  });
}

// ---- portal logins ------------------------------------------------------------------------------

export interface ContactLogin {
  username: string;
  hasPassword: boolean;
}

export async function loginsFor(ctx: TenantContext, contactIds: number[]): Promise<Map<number, ContactLogin>> {
  const map = new Map<number, ContactLogin>();
  if (contactIds.length === 0) return map;
  const rows = await ctx.db.selectFrom('contact_logins').select(['contact_id', 'username', 'password_hash']).where('tenant_id', '=', ctx.tenant.id).where('contact_id', 'in', contactIds).execute();
  for (const row of rows) map.set(Number(row.contact_id), { username: row.username, hasPassword: row.password_hash !== null });
  return map;
}

/** Sets a contact's username (generated when absent) and, when given, its password (stored hashed). */
export async function setLogin(ctx: TenantContext, contactId: number, input: { username?: string | null; password?: string | null }): Promise<ContactLogin> {
  if (input.password !== undefined && input.password !== null && (typeof input.password !== 'string' || input.password === '')) throw invalid('Password must be a non-empty string', 'password');
  if (input.username !== undefined && input.username !== null && (typeof input.username !== 'string' || !input.username.trim())) throw invalid('Username must be a non-empty string', 'username');
  return inWork(ctx, async (ctx) => {
    const now = ctx.clock.now();
    const existing = await ctx.db.selectFrom('contact_logins').selectAll().where('contact_id', '=', contactId).executeTakeFirst();
    const username = input.username ?? existing?.username ?? randomAlnum(12);
    const passwordHash = input.password ? hashPassword(input.password) : (existing?.password_hash ?? null);
    try {
      if (existing) {
        await ctx.db.updateTable('contact_logins').set({ username, password_hash: passwordHash, updated_at: now }).where('id', '=', existing.id).execute();
      } else {
        await ctx.db
          .insertInto('contact_logins')
          .values({ tenant_id: ctx.tenant.id, contact_id: contactId, username, password_hash: passwordHash, login_token_hash: null, login_token_expires_at: null, updated_at: now })
          .execute();
      }
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError(ErrorCode.CONFLICT, `The username "${username}" is already in use`, { field: 'username' });
      throw error;
    }
    if (input.password) await recordEvent(ctx, 'contact.password_set', 'contact', contactId, { contact_id: contactId });
    return { username, hasPassword: passwordHash !== null };
  });
}

export const LOGIN_TOKEN_TTL_MS = 5 * 60 * 1000;

/** A fresh one-time portal login token (32 hex), valid for five minutes; only its hash is kept. */
export async function issueLoginToken(ctx: TenantContext, contactId: number): Promise<string> {
  await getContact(ctx, contactId);
  await setLogin(ctx, contactId, {});
  const token = createHash('sha256').update(randomToken(24)).digest('hex').slice(0, 32);
  await ctx.db
    .updateTable('contact_logins')
    .set({ login_token_hash: createHash('sha256').update(token).digest('hex'), login_token_expires_at: ctx.clock.now() + LOGIN_TOKEN_TTL_MS })
    .where('contact_id', '=', contactId)
    .execute();
  return token;
}

/**
 * Uses a portal login token (once, before it expires). Tokens are found by their hash across
 * tenants, since the link carries no tenant; null when unknown, used or expired.
 */
export async function consumeLoginToken(services: { db: TenantContext['db'] }, token: string, now: (tenantId: number) => Promise<number>): Promise<{ tenantId: number; contactId: number } | null> {
  if (!/^[0-9a-f]{32}$/.test(token)) return null;
  const hash = createHash('sha256').update(token).digest('hex');
  const row = await services.db.selectFrom('contact_logins').select(['id', 'tenant_id', 'contact_id', 'login_token_expires_at']).where('login_token_hash', '=', hash).executeTakeFirst();
  if (!row || row.login_token_expires_at === null || row.login_token_expires_at < (await now(Number(row.tenant_id)))) return null;
  const used = await services.db
    .updateTable('contact_logins')
    .set({ login_token_hash: null, login_token_expires_at: null })
    .where('id', '=', row.id)
    .where('login_token_hash', '=', hash)
    .executeTakeFirst();
  return Number(used.numUpdatedRows) === 1 ? { tenantId: Number(row.tenant_id), contactId: Number(row.contact_id) } : null;
}
