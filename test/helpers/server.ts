// Starts the real app in-process on an ephemeral port over a fresh database (see store.ts), with an
// admin token and a test tenant, and speaks HTTP to it like a client would.
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app.ts';
import { ensureAdminToken } from '../../src/core/tenants/bootstrap.ts';
import { createTenant } from '../../src/core/tenants/tenants.ts';
import type { Tenant } from '../../src/core/database.ts';
import { openTestStore, type TestStore } from './store.ts';

export interface TestServer {
  url: string;
  app: FastifyInstance;
  store: TestStore;
  adminToken: string;
  tenant: Tenant;
  /** fetch against the server with the admin token. */

  admin(path: string, init?: { method?: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  const store = await openTestStore();
  const adminToken = await ensureAdminToken(store.services, 'test-admin-token');
  const tenant = await createTenant(store.services, { name: 'Test Merchant', slug: 'acme' });
  const app = await buildApp({ services: store.services, logLevel: 'silent' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url,
    app,
    store,
    adminToken,
    tenant,
    async admin(path, init = {}) {
      const response = await fetch(url + path, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers: {
          authorization: `Bearer ${adminToken}`,
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...init.headers,
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
    },
    async close() {
      await app.close();
      await store.dispose();
    },
  };
}
