// Starts Bursar: database, migrations, demo tenant, the main port with every front door under its
// prefix, each configured vendor port with that vendor's paths at the root, and background jobs.
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import type { CoreServices } from './core/context.ts';
import { createSecretBox, keyFromConfig } from './core/crypto/secrets.ts';
import { ensureAdminToken, type DemoTenant } from './core/tenants/bootstrap.ts';
import { listTenants } from './core/tenants/tenants.ts';
import { runDueWork } from './core/jobs/runner.ts';
import { buildApp } from './http/app.ts';
import { createLogger } from './http/logger.ts';
import { Journal } from './http/journal.ts';
import { migrate, openStore, type Store } from './store/db.ts';
import { ensureDemo, FRONT_DOORS, webhookFormats } from './vendors/index.ts';
import { createWebhookRuntime } from './core/webhooks/runtime.ts';
import { startDeliveryLoop } from './core/webhooks/loop.ts';
import { join } from 'node:path';
import { checkDatabaseUrl, waitForPostgres } from './startup/database.ts';
import { prepareDataDir, SQLITE_FILE } from './startup/data-dir.ts';
import { checkSecretKey } from './startup/secret-key.ts';
import { StartupError } from './startup/startup-error.ts';
import { bindIpv6Loopback } from './startup/loopback.ts';
import { PLANNER_STATS_INTERVAL_MS, refreshPlannerStats } from './startup/planner-stats.ts';
import type { Server } from 'node:http';

export interface OpenedServices {
  store: Store;
  services: CoreServices;
}

/** Checks what an operator can get wrong (see src/startup/), then opens and migrates the database. */
export async function openServices(config: Config): Promise<OpenedServices> {
  checkDatabaseUrl(config.databaseUrl);
  // The data folder holds the SQLite file, and the generated key whenever BURSAR_SECRET_KEY is unset.
  if (!config.databaseUrl || !config.secretKey) prepareDataDir(config.dataDir, { sqlite: !config.databaseUrl });
  if (config.databaseUrl) await waitForPostgres(config.databaseUrl, config.dbWaitSeconds);
  const store = await openStore({ databaseUrl: config.databaseUrl, pgSchema: config.pgSchema, sqliteFile: join(config.dataDir, SQLITE_FILE) });
  try {
    await migrate(store);
    await refreshPlannerStats(store.db, store.dialect, { opening: true });
    let key: Buffer;
    try {
      key = keyFromConfig(config.secretKey, config.dataDir);
    } catch (error) {
      throw new StartupError(
        `cannot read or create the encryption key in ${join(config.dataDir, 'secret.key')} (${(error as { code?: string }).code ?? (error as Error).message}): fix its permissions, or set BURSAR_SECRET_KEY`,
        { cause: error },
      );
    }
    const webhooks = createWebhookRuntime(webhookFormats(), {
      allow: config.webhooks.allow,
      timeoutMs: config.webhooks.timeoutMs,
      intervalMs: config.webhooks.intervalMs,
      baseUrl: config.webhooks.publicUrl ?? `http://localhost:${config.port}`,
    });
    const services: CoreServices = { db: store.db, dialect: store.dialect, secrets: createSecretBox(key), log: createLogger(config.logLevel), webhooks };
    await checkSecretKey(services, { fromEnv: Boolean(config.secretKey), dataDir: config.dataDir });
    return { store, services };
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
}

export interface RunningServer {
  app: FastifyInstance;
  vendorApps: FastifyInstance[];
  services: CoreServices;
  demo: DemoTenant;
  adminToken: string;
  /** The main port's URL for a person on this machine (http://localhost:port on loopback). */
  url: string;
  /** The addresses the main port listens on. */
  addresses: string[];
  /** Vendor → the URL of its own port, where one is configured. */
  vendorUrls: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Runs the due work of every tenant on a running clock (frozen test clocks run theirs when they
 * move). One pass at a time: a pass longer than the interval is not overlapped by the next.
 */
function backgroundRunner(services: CoreServices): () => Promise<void> {
  let running = false;
  return async () => {
    if (running) return;
    running = true;
    try {
      for (const tenant of await listTenants(services)) {
        if (tenant.clock_frozen_at !== null) continue;
        try {
          const report = await runDueWork(services, tenant);
          if (Object.keys(report.ran).length) services.log.info({ tenant: tenant.id, ran: report.ran }, 'due work ran');
        } catch (error) {
          services.log.error({ err: error, tenant: tenant.id }, 'background job failed');
        }
      }
    } finally {
      running = false;
    }
  };
}

/** Listens on host ('localhost': 127.0.0.1 and ::1); '::' falls back to IPv4 on machines without IPv6. */
async function listen(app: FastifyInstance, port: number, host: string, setting: string): Promise<void> {
  try {
    try {
      await app.listen({ port, host });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (host !== '::' || (code !== 'EAFNOSUPPORT' && code !== 'EADDRNOTAVAIL')) throw error;
      await app.listen({ port, host: '0.0.0.0' });
    }
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new StartupError(`port ${port} is already in use on ${host} (another Bursar, or another program): stop it, or set ${setting} to a free port`, { cause: error });
    if (code === 'EACCES') throw new StartupError(`not allowed to listen on port ${port}: set ${setting} to a port above 1023`, { cause: error });
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
      throw new StartupError(`cannot listen on HOST=${host} (${code}): this machine has no such address; unset HOST for loopback, or HOST=:: for every address`, { cause: error });
    throw error;
  }
}

/** The addresses a server actually listens on, e.g. ['127.0.0.1', '::1']. */
function boundAddresses(app: FastifyInstance, extra: Server[]): string[] {
  const more = extra.map((server) => (server.address() as { address: string }).address);
  return [...new Set([...app.addresses().map((a) => (typeof a === 'string' ? a : a.address)), ...more])];
}

/** Listens, and on the loopback default also on ::1 (see src/startup/loopback.ts). */
async function listenAll(app: FastifyInstance, port: number, host: string, setting: string, extra: Server[]): Promise<void> {
  await listen(app, port, host, setting);
  if (host !== 'localhost') return;
  try {
    const v6 = await bindIpv6Loopback(app, (app.server.address() as { port: number }).port);
    if (v6) extra.push(v6);
  } catch (error) {
    if ((error as { code?: string }).code === 'EADDRINUSE')
      throw new StartupError(`port ${port} is already in use on ::1 (another Bursar, or another program): stop it, or set ${setting} to a free port`, { cause: error });
    throw error;
  }
}

/** The URL a person on this machine uses: localhost for loopback and wildcard binds. */
function baseUrl(host: string, port: number): string {
  if (host === 'localhost' || host === '::' || host === '0.0.0.0') return `http://localhost:${port}`;
  return host.includes(':') ? `http://[${host}]:${port}` : `http://${host}:${port}`;
}

export async function startServer(config: Config, options: { adminToken?: string } = {}): Promise<RunningServer> {
  const { store, services } = await openServices(config);
  const adminToken = await ensureAdminToken(services, options.adminToken ?? process.env.BURSAR_ADMIN_TOKEN);
  const journal = new Journal(config.journalSize);
  // A first start seeds the demo tenant (password hashes on the thread pool) while the routes are
  // built on the main thread.
  const [demo, app] = await Promise.all([ensureDemo(services), buildApp({ services, logger: services.log, journal })]);
  const vendorApps: FastifyInstance[] = [];
  const vendorUrls: Record<string, string> = {};
  const extraMain: Server[] = [];
  const extraOther: Server[] = [];
  const closeExtra = () =>
    Promise.all(
      [...extraMain, ...extraOther].map(
        (server) =>
          new Promise((resolve) => {
            server.close(resolve);
            server.closeIdleConnections();
          }),
      ),
    );
  try {
    await listenAll(app, config.port, config.host, 'PORT', extraMain);
    for (const door of FRONT_DOORS) {
      const port = config.vendorPorts[door.vendor as keyof typeof config.vendorPorts];
      if (port === undefined) continue;
      const vendorApp = await buildApp({ services, logger: services.log, journal, only: door });
      vendorApps.push(vendorApp);
      await listenAll(vendorApp, port, config.host, `BURSAR_${door.vendor.toUpperCase()}_PORT`, extraOther);
      vendorUrls[door.vendor] = baseUrl(config.host, (vendorApp.server.address() as { port: number }).port);
    }
  } catch (error) {
    await closeExtra();
    for (const opened of [app, ...vendorApps]) await opened.close().catch(() => undefined);
    await store.close();
    throw error;
  }
  const runBackground = backgroundRunner(services);
  const timer = setInterval(() => void runBackground(), Math.max(1, config.jobIntervalSeconds) * 1000);
  timer.unref();
  const stats = setInterval(
    () => void refreshPlannerStats(services.db, services.dialect, { opening: false }).catch((error: unknown) => services.log.warn({ err: error }, 'planner statistics not refreshed')),
    PLANNER_STATS_INTERVAL_MS,
  );
  stats.unref();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  // Webhook deliveries go out in the background, woken as they are queued (never inside a request).
  if (services.webhooks && !config.webhooks.publicUrl) services.webhooks.settings.baseUrl = baseUrl(config.host, port);
  const deliveries = startDeliveryLoop(services);
  return {
    app,
    vendorApps,
    services,
    demo,
    adminToken,
    url: baseUrl(config.host, port),
    addresses: boundAddresses(app, extraMain),
    vendorUrls,
    async close() {
      clearInterval(timer);
      clearInterval(stats);
      await deliveries.stop();
      await closeExtra();
      for (const vendorApp of vendorApps) await vendorApp.close();
      await app.close();
      await store.close();
    },
  };
}
