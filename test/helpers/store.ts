// A fresh database for each test file: a new SQLite file in a temp folder, or (when
// BURSAR_TEST_DATABASE_URL is set) a new PostgreSQL schema that is dropped afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { migrate, openStore, type Store } from '../../src/store/db.ts';
import { createSecretBox } from '../../src/core/crypto/secrets.ts';
import type { CoreServices } from '../../src/core/context.ts';
import { verify } from '../../src/core/verify/verify.ts';

export const TEST_DATABASE_URL = process.env.BURSAR_TEST_DATABASE_URL;

export interface TestStore {
  store: Store;
  services: CoreServices;
  /** Options that open the same database again (a second server instance). */
  options: { databaseUrl?: string; pgSchema?: string; sqliteFile?: string };
  dispose(): Promise<void>;
}

export async function openTestStore(): Promise<TestStore> {
  const dir = mkdtempSync(join(tmpdir(), 'bursar-test-'));
  const options = TEST_DATABASE_URL
    ? { databaseUrl: TEST_DATABASE_URL, pgSchema: `bursar_t_${randomBytes(6).toString('hex')}` }
    : { sqliteFile: join(dir, 'bursar.sqlite') };
  const store = await openStore(options);
  await migrate(store);
  const services: CoreServices = {
    db: store.db,
    dialect: store.dialect,
    secrets: createSecretBox(randomBytes(32)),
    log: pino({ level: 'silent' }),
  };
  return {
    store,
    services,
    options,
    async dispose() {
      // Whatever a test file did, the ledger invariants must still hold before its database goes.
      const report = await verify(services);
      await store.close();
      if (options.pgSchema && TEST_DATABASE_URL) {
        const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await client.connect();
        await client.query(`drop schema if exists ${options.pgSchema} cascade`);
        await client.end();
      }
      rmSync(dir, { recursive: true, force: true });
      if (!report.ok) throw new Error(`bursar verify failed after this test file: ${report.violation}`);
    },
  };
}
