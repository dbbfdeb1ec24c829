// Configuration from the environment; every setting has a default that works on a fresh machine.
import { resolve } from 'node:path';
import { VENDOR_NAMES } from './vendors/index.ts';
import { journalSize } from './http/journal.ts';
import { StartupError } from './startup/startup-error.ts';
import { parseAllowList, type AllowList } from './core/webhooks/targets.ts';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  pgSchema: string | undefined;
  secretKey: string | undefined;
  logLevel: string;
  /** Vendor → its own port, where its paths sit at the root. */
  vendorPorts: Partial<Record<string, number>>;
  /** Seconds between background job runs for tenants on real clocks. */
  jobIntervalSeconds: number;
  /** Requests kept per tenant in the in-memory request journal (0 turns it off). */
  journalSize: number;
  /** How long to keep retrying an unreachable PostgreSQL at start. */
  dbWaitSeconds: number;
  /** Webhook delivery: hosts deliveries may go to (null: any http(s) URL), a cap on the per-attempt timeout, the loop's interval, the public base URL for links. */
  webhooks: { allow: AllowList; timeoutMs: number | null; intervalMs: number; publicUrl: string | undefined };
}

function port(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new StartupError(`${name} must be a port number (0 to 65535), got ${value}`);
  return n;
}

function milliseconds(value: string | undefined, name: string): number | null {
  if (value === undefined || value === '') return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new StartupError(`${name} must be a whole number of milliseconds above 0, got ${value}`);
  return n;
}

function publicUrl(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^https?:\/\/[^/]+/.test(value)) throw new StartupError(`BURSAR_PUBLIC_URL must be an http(s) URL such as https://bursar.example.com, got ${value}`);
  return value.replace(/\/+$/, '');
}

function seconds(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new StartupError(`${name} must be a number of seconds, got ${value}`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const vendorPorts: Partial<Record<string, number>> = {};
  for (const vendor of VENDOR_NAMES) {
    const name = `BURSAR_${vendor.toUpperCase()}_PORT`;
    const value = port(env[name], name);
    if (value !== undefined) vendorPorts[vendor] = value;
  }
  return {
    port: port(env.PORT, 'PORT') ?? 8080,
    // Loopback only (127.0.0.1 and ::1) unless HOST says otherwise: a test payment server should
    // not be reachable from the network by accident. Containers set HOST=::.
    host: env.HOST || 'localhost',
    dataDir: resolve(env.BURSAR_DATA_DIR ?? './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    pgSchema: env.BURSAR_PG_SCHEMA || undefined,
    secretKey: env.BURSAR_SECRET_KEY || undefined,
    logLevel: env.LOG_LEVEL ?? 'info',
    vendorPorts,
    jobIntervalSeconds: seconds(env.BURSAR_JOB_INTERVAL_SECONDS, 'BURSAR_JOB_INTERVAL_SECONDS', 30),
    journalSize: journalSize(env),
    dbWaitSeconds: seconds(env.BURSAR_DB_WAIT_SECONDS, 'BURSAR_DB_WAIT_SECONDS', 15),
    webhooks: {
      allow: parseAllowList(env.BURSAR_WEBHOOK_ALLOW),
      timeoutMs: milliseconds(env.BURSAR_WEBHOOK_TIMEOUT_MS, 'BURSAR_WEBHOOK_TIMEOUT_MS'),
      intervalMs: milliseconds(env.BURSAR_WEBHOOK_INTERVAL_MS, 'BURSAR_WEBHOOK_INTERVAL_MS') ?? 1000,
      publicUrl: publicUrl(env.BURSAR_PUBLIC_URL),
    },
  };
}
