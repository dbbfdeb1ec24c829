// Fresh databases for the benchmark, like test/helpers/store.ts but independent of the test
// environment: a new SQLite file in a temp folder, or a new PostgreSQL schema dropped afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { migrate, openStore, type Store } from '../../src/store/db.ts';
import { createSecretBox } from '../../src/core/crypto/secrets.ts';
import type { CoreServices } from '../../src/core/context.ts';

export type Backend = 'sqlite' | 'postgres';

/** BURSAR_BENCH_DATABASE_URL, else the local PostgreSQL the project's tests use. */
export const PG_URL = process.env.BURSAR_BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

export interface BenchStore {
  store: Store;
  services: CoreServices;
  dispose(): Promise<void>;
}

/** Null when PostgreSQL answers; otherwise why it could not be reached. */
export async function postgresProblem(url = PG_URL): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message || error.name : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function openBenchStore(backend: Backend, pgUrl = PG_URL): Promise<BenchStore> {
  const dir = mkdtempSync(join(tmpdir(), 'bursar-bench-'));
  const pgSchema = backend === 'postgres' ? `bursar_bench_${randomBytes(6).toString('hex')}` : undefined;
  const options = backend === 'postgres' ? { databaseUrl: pgUrl, pgSchema } : { sqliteFile: join(dir, 'bursar.sqlite') };
  const dropSchema = async () => {
    if (!pgSchema) return;
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      await client.query(`drop schema if exists ${pgSchema} cascade`);
    } finally {
      await client.end();
    }
  };
  let store: Store;
  try {
    store = await openStore(options);
    await migrate(store);
  } catch (error) {
    await dropSchema().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const services: CoreServices = {
    db: store.db,
    dialect: store.dialect,
    secrets: createSecretBox(randomBytes(32)),
    log: pino({ level: 'silent' }),
  };
  return {
    store,
    services,
    async dispose() {
      try {
        await store.close();
      } finally {
        await dropSchema();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
