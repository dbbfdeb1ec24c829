// Auth and users (spec #1-15, §4.8): token-auth with a signed JWT, logout revoking it, forgotten
// usernames and passwords through the outbox, change-password, users with roles, and API keys.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CoreServices, TenantContext } from '../../core/context.ts';
import { invalid, notFound } from '../../core/errors/domain-error.ts';
import { createUserKey, deleteKey, keyMeta, listUserKeys } from '../../core/users/api-keys.ts';
import {
  authenticateUser,
  changePassword,
  createUser,
  deleteUser,
  endSession,
  getUser,
  listUsers,
  resetPassword,
  sendResetCode,
  sendUsernames,
  startSession,
  updateUser,
  USER_ROLES,
  USER_STATUSES,
  type UserInput,
} from '../../core/users/users.ts';
import { contextFor } from '../../core/tenants/tenants.ts';
import { revealSecret } from '../../core/tenants/credentials.ts';
import type { Credential, UserRow } from '../../core/database.ts';
import { tenantOf } from '../../http/auth.ts';
import { HttpFailureError, unauthorized } from '../../http/failures.ts';
import { FailureKind } from '../../http/front-door.ts';
import { decodeId, encodeId, sameSecond } from './ids.ts';
import { JWT_TTL_MS, signJwt } from './jwt.ts';
import { merchantId } from './transaction-wire.ts';
import { bodyOf, listed, ok, oneOf, optString, phoneDigits, processed, reqString, ts, type Body } from './wire.ts';

const forbidden = (message: string) => new HttpFailureError({ kind: FailureKind.UNAUTHORIZED, status: 403, message });

function renderUser(ctx: TenantContext, user: UserRow) {
  return {
    id: encodeId('user', user.id, user.created_at),
    username: user.username,
    name: user.name,
    phone: user.phone,
    email: user.email,
    timezone: user.timezone,
    status: user.status,
    role: user.role,
    account_type: 'merchant',
    account_type_id: merchantId(ctx.tenant),
    created_at: ts(user.created_at),
    updated_at: ts(user.updated_at),
  };
}

function renderKey(ctx: TenantContext, services: CoreServices, credential: Credential, owner: { id: string } | undefined) {
  const meta = keyMeta(credential);
  return {
    id: encodeId('apikey', credential.id, credential.created_at),
    api_key: revealSecret(services, credential) ?? '',
    name: meta.name,
    type: meta.type,
    user_id: owner?.id ?? '',
    account_type: 'merchant',
    account_type_id: merchantId(ctx.tenant),
    created_at: ts(credential.created_at),
    updated_at: ts(credential.created_at),
  };
}

async function findUser(ctx: TenantContext, idText: string): Promise<UserRow> {
  const decoded = decodeId('user', idText);
  if (!decoded) throw notFound('user', idText);
  const user = await getUser(ctx, decoded.id);
  if (!sameSecond(decoded, user.created_at)) throw notFound('user', idText);
  return user;
}

/** Only admins manage users (§1.2); every key acts as a user (fluidpay-v2 §3.1). */
function requireAdmin(request: FastifyRequest): void {
  const user = request.fluidpayUser;
  if (user && user.row.role !== 'admin') throw forbidden('Only an admin user may do this');
}

function userFields(body: Body, creating: boolean): UserInput {
  const phone = phoneDigits(optString(body, 'phone', { max: 40 }), 'phone');
  const input: UserInput = {
    name: optString(body, 'name', { max: 255 }),
    phone,
    email: optString(body, 'email', { max: 255 }),
    timezone: optString(body, 'timezone', { max: 64 }),
    status: oneOf(optString(body, 'status'), USER_STATUSES, 'status'),
    role: oneOf(optString(body, 'role'), USER_ROLES, 'role'),
  };
  if (creating) {
    input.username = reqString(body, 'username', { max: 255 });
    input.password = reqString(body, 'password', { max: 255 });
  }
  return input;
}

/** 27 characters of [0-9A-Za-z], like the vendor's keys. */
function newKeyValue(): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  return [...randomBytes(27)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

export function userRoutes(services: CoreServices) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.post('/token-auth', async (request) => {
      const body = bodyOf(request);
      const username = reqString(body, 'username');
      const password = reqString(body, 'password');
      const login = await authenticateUser(services, username, password);
      if (!login) throw unauthorized('Invalid username or password');
      const ctx = contextFor(services, login.tenant);
      const session = await startSession(ctx, login.user, JWT_TTL_MS);
      const token = signJwt(services.secrets, {
        sub: encodeId('user', login.user.id, login.user.created_at),
        mid: merchantId(login.tenant),
        jti: session.jti,
        iat: Math.floor(session.issuedAt / 1000),
        exp: Math.floor(session.expiresAt / 1000),
      });
      // The seed's answer, plus what the current clients read (fluidpay-v2 §3.5): msg, sid, data.token.
      return { status: 'successful', msg: 'success', token, sid: session.jti, data: { token, sid: session.jti } };
    });

    // The seed's paths and the clients' /user/... spellings of them (fluidpay-v2 §3.5), all public.
    const forgotUsername = async (request: FastifyRequest) => {
      await sendUsernames(services, reqString(bodyOf(request), 'email'));
      return processed();
    };
    const forgotPassword = async (request: FastifyRequest) => {
      await sendResetCode(services, reqString(bodyOf(request), 'username'));
      return processed();
    };
    const reset = async (request: FastifyRequest) => {
      const body = bodyOf(request);
      await resetPassword(services, reqString(body, 'username'), reqString(body, 'reset_code'), reqString(body, 'password'));
      return processed();
    };
    for (const prefix of ['', '/user']) {
      app.post(`${prefix}/forgot-username`, forgotUsername);
      app.post(`${prefix}/forgot-password`, forgotPassword);
      app.post(`${prefix}/forgot-password/reset`, reset);
    }
    app.post('/user/forgotten-password/reset', reset);

    app.get('/fphc', async () => ({ status: 'success', msg: 'success', data: null }));

    app.get('/logout', async (request) => {
      if (!request.fluidpaySession) throw unauthorized('Logout needs a Bearer token');
      await endSession(tenantOf(request), request.fluidpaySession);
      return processed();
    });

    app.post('/user/change-password', async (request) => {
      const ctx = tenantOf(request);
      const body = bodyOf(request);
      const username = reqString(body, 'username');
      const current = reqString(body, 'current_password');
      const next = reqString(body, 'new_password');
      const user = request.fluidpayUser;
      if (!user || user.username !== username) throw forbidden('You may only change your own password');
      await changePassword(ctx, user.row.id, current, next);
      return processed();
    });

    // ---- API keys (before /user/:id so the static paths win) ----
    app.post('/user/apikey', async (request) => {
      const ctx = tenantOf(request);
      const body = bodyOf(request);
      const type = oneOf(optString(body, 'type') || undefined, ['api', 'pub'], 'type') ?? 'api';
      const name = optString(body, 'name', { max: 255 }) ?? '';
      const credential = await createUserKey(ctx, 'fluidpay', request.fluidpayUser?.row.id ?? null, { type, name }, newKeyValue());
      return ok(renderKey(ctx, services, credential, request.fluidpayUser));
    });
    // Oldest first (java deletes the last one listed as the key it just made).
    const listKeys = async (request: FastifyRequest) => {
      const ctx = tenantOf(request);
      const keys = await listUserKeys(ctx, 'fluidpay', request.fluidpayUser?.row.id ?? null);
      const rendered = keys.filter((k) => k.secret_enc).map((k) => renderKey(ctx, services, k, request.fluidpayUser));
      return listed(rendered, rendered.length);
    };
    app.get('/user/apikeys', listKeys);
    app.get('/user/apikey', listKeys); // G43: the PHP SDK lists here
    // By the key's id (java) or its value (js, go): fluidpay-v2 §3.2, msg "success" (overrides seed case 17).
    app.delete<{ Params: { key: string } }>('/user/apikey/:key', async (request) => {
      const ctx = tenantOf(request);
      const decoded = decodeId('apikey', request.params.key);
      await deleteKey(ctx, 'fluidpay', decoded ? { id: decoded.id } : { value: request.params.key }).catch(async (error: unknown) => {
        if (!decoded) throw error;
        await deleteKey(ctx, 'fluidpay', { value: request.params.key });
      });
      return ok(null);
    });

    // ---- users ----
    app.post('/user', async (request) => {
      const ctx = tenantOf(request);
      requireAdmin(request);
      return ok(renderUser(ctx, await createUser(ctx, userFields(bodyOf(request), true))));
    });
    // The key's owner, or the token's user (fluidpay-v2 §3.1).
    app.get('/user', async (request) => {
      const ctx = tenantOf(request);
      if (!request.fluidpayUser) throw notFound('user');
      return ok(renderUser(ctx, await getUser(ctx, request.fluidpayUser.row.id)));
    });
    app.get('/users', async (request) => {
      const ctx = tenantOf(request);
      const users = await listUsers(ctx);
      return listed(
        users.map((u) => renderUser(ctx, u)),
        users.length,
      );
    });
    app.get<{ Params: { id: string } }>('/user/:id', async (request) => {
      const ctx = tenantOf(request);
      return ok(renderUser(ctx, await findUser(ctx, request.params.id)));
    });
    app.post<{ Params: { id: string } }>('/user/:id', async (request) => {
      const ctx = tenantOf(request);
      requireAdmin(request);
      const user = await findUser(ctx, request.params.id);
      const input = userFields(bodyOf(request), false);
      if (request.fluidpayUser?.row.id === user.id && input.status === 'disabled') throw invalid('You cannot disable yourself', 'status');
      return ok(renderUser(ctx, await updateUser(ctx, user.id, input)));
    });
    app.delete<{ Params: { id: string } }>('/user/:id', async (request) => {
      const ctx = tenantOf(request);
      requireAdmin(request);
      const user = await findUser(ctx, request.params.id);
      // A suite that failed half-way deletes "the current user": never the key's own (fluidpay-v2 §3.3).
      if (request.fluidpayUser?.row.id === user.id) throw invalid('cannot delete yourself');
      await deleteUser(ctx, user.id);
      return ok(null); // msg "success" (overrides seed case 14)
    });
  };
}
