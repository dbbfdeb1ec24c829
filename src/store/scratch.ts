// A throwaway database for tests and the benchmark: a new SQLite file in a temp folder, or a new
// PostgreSQL schema, migrated, with its core services; dispose() closes it and removes every trace.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { createSecretBox } from '../core/crypto/secrets.ts';
import type { CoreServices } from '../core/context.ts';
import { migrate, openStore, type Store, type StoreOptions } from './db.ts';

export interface ScratchStore {
  store: Store;
  services: CoreServices;
  /** Options that open the same database again (a second server instance). */
  options: StoreOptions;
  dispose(): Promise<void>;
}

/** Drops a PostgreSQL schema and everything in it (a scratch database, a test's schema). */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}

/** postgresUrl set: a fresh schema named `<prefix>_<random>` there; otherwise a fresh SQLite file. */
export async function openScratchStore(postgresUrl: string | undefined, prefix: string): Promise<ScratchStore> {
  const dir = mkdtempSync(join(tmpdir(), `${prefix.replace(/_/g, '-')}-`));
  const pgSchema = postgresUrl ? `${prefix}_${randomBytes(6).toString('hex')}` : undefined;
  const options: StoreOptions = postgresUrl ? { databaseUrl: postgresUrl, pgSchema } : { sqliteFile: join(dir, 'bursar.sqlite') };
  const cleanUp = async () => {
    try {
      if (postgresUrl && pgSchema) await dropSchema(postgresUrl, pgSchema);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  let store: Store;
  try {
    store = await openStore(options);
    await migrate(store);
  } catch (error) {
    await cleanUp().catch(() => undefined);
    throw error;
  }
  const services: CoreServices = { db: store.db, dialect: store.dialect, secrets: createSecretBox(randomBytes(32)), log: pino({ level: 'silent' }) };
  return {
    store,
    services,
    options,
    async dispose() {
      try {
        await store.close();
      } finally {
        await cleanUp();
      }
    },
  };
}
