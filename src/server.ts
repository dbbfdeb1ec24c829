// Starts Bursar: database, migrations, demo tenant, the main port with every front door under its
// prefix, each configured vendor port with that vendor's paths at the root, and background jobs.
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import type { CoreServices } from './core/context.ts';
import { createSecretBox, keyFromConfig } from './core/crypto/secrets.ts';
import { ensureAdminToken, ensureDemoTenant, type DemoTenant } from './core/tenants/bootstrap.ts';
import { contextFor, listTenants } from './core/tenants/tenants.ts';
import { runDueJobs } from './core/jobs/jobs.ts';
import { buildApp } from './http/app.ts';
import { createLogger } from './http/logger.ts';
import { Journal } from './http/journal.ts';
import { migrate, openStore, type Store } from './store/db.ts';
import { FRONT_DOORS } from './vendors/index.ts';
import { join } from 'node:path';

export interface OpenedServices {
  store: Store;
  services: CoreServices;
}

export async function openServices(config: Config): Promise<OpenedServices> {
  const store = await openStore({ databaseUrl: config.databaseUrl, pgSchema: config.pgSchema, sqliteFile: join(config.dataDir, 'bursar.sqlite') });
  await migrate(store);
  const secrets = createSecretBox(keyFromConfig(config.secretKey, config.dataDir));
  return { store, services: { db: store.db, dialect: store.dialect, secrets, log: createLogger(config.logLevel) } };
}

export interface RunningServer {
  app: FastifyInstance;
  vendorApps: FastifyInstance[];
  services: CoreServices;
  demo: DemoTenant;
  adminToken: string;
  /** http://host:port of the main port. */
  url: string;
  close(): Promise<void>;
}

/** Runs due jobs for every tenant on a real clock; test clocks run theirs when they move. */
async function runBackgroundJobs(services: CoreServices): Promise<void> {
  for (const tenant of await listTenants(services)) {
    if (tenant.clock_frozen_at !== null) continue;
    try {
      await runDueJobs(contextFor(services, tenant));
    } catch (error) {
      services.log.error({ err: error, tenant: tenant.id }, 'background job failed');
    }
  }
}

/** Listens dual-stack on '::'; falls back to IPv4 on machines without IPv6. */
async function listen(app: FastifyInstance, port: number, host: string): Promise<void> {
  try {
    await app.listen({ port, host });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (host !== '::' || (code !== 'EAFNOSUPPORT' && code !== 'EADDRNOTAVAIL')) throw error;
    await app.listen({ port, host: '0.0.0.0' });
  }
}

export async function startServer(config: Config, options: { adminToken?: string } = {}): Promise<RunningServer> {
  const { store, services } = await openServices(config);
  const adminToken = await ensureAdminToken(services, options.adminToken ?? process.env.BURSAR_ADMIN_TOKEN);
  const demo = await ensureDemoTenant(services);
  const journal = new Journal(config.journalSize);
  const app = await buildApp({ services, logger: services.log, journal });
  await listen(app, config.port, config.host);
  const vendorApps: FastifyInstance[] = [];
  for (const door of FRONT_DOORS) {
    const port = config.vendorPorts[door.vendor as keyof typeof config.vendorPorts];
    if (port === undefined) continue;
    const vendorApp = await buildApp({ services, logger: services.log, journal, only: door });
    await listen(vendorApp, port, config.host);
    vendorApps.push(vendorApp);
  }
  const timer = setInterval(() => void runBackgroundJobs(services), Math.max(1, config.jobIntervalSeconds) * 1000);
  timer.unref();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return {
    app,
    vendorApps,
    services,
    demo,
    adminToken,
    url: `http://127.0.0.1:${port}`,
    async close() {
      clearInterval(timer);
      for (const vendorApp of vendorApps) await vendorApp.close();
      await app.close();
      await store.close();
    },
  };
}
