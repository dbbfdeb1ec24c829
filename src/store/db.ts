import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import { Migrator, type MigrationProvider } from 'kysely/migration';
import { NodeSqliteDialect } from './sqlite-dialect.ts';
import type { Database } from '../core/database.ts';
import { migrations } from './migrations/index.ts';

export type DialectName = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  dialect: DialectName;
  /** The PostgreSQL schema in use, if one was chosen. */
  pgSchema?: string;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** postgres://… selects PostgreSQL; otherwise sqliteFile is used. */
  databaseUrl?: string;
  /** PostgreSQL schema to use (created when missing); tests give each run its own. */
  pgSchema?: string;
  sqliteFile?: string;
}

/** pg loads where PostgreSQL is used: a SQLite start skips it and the TLS and DNS modules it pulls in. */
async function loadPg(): Promise<typeof import('pg').default> {
  const pg = (await import('pg')).default;
  // bigint (int8) and numeric come back from pg as strings; every one of ours fits a safe integer.
  pg.types.setTypeParser(20, (value) => Number(value));
  return pg;
}

function provider(dialect: DialectName): MigrationProvider {
  return {
    async getMigrations() {
      return Object.fromEntries(migrations().map(([name, up]) => [name, { up: (db: Kysely<unknown>) => up(db, dialect) }]));
    },
  };
}

export async function openStore(options: StoreOptions): Promise<Store> {
  if (options.databaseUrl) {
    const pg = await loadPg();
    const schema = options.pgSchema;
    if (schema && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid PostgreSQL schema name: ${schema}`);
    if (schema) {
      const admin = new pg.Client({ connectionString: options.databaseUrl });
      await admin.connect();
      await admin.query(`create schema if not exists ${schema}`);
      await admin.end();
    }
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: 10,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', pgSchema: schema, close: () => db.destroy() };
  }
  const file = options.sqliteFile ?? ':memory:';
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Kysely<Database>({ dialect: new NodeSqliteDialect(file) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

// Kysely's migrator looks for its own tables by introspecting every schema of the database: with
// several schemas in one PostgreSQL database (parallel test runs) it found another run's
// kysely_migration_lock and skipped creating its own, and a schema dropped meanwhile made the
// introspection itself fail. Naming the schema fixes the first; a retry (the migration runs in one
// transaction, so a failed attempt leaves nothing) covers the second.
export async function migrate(store: Store): Promise<void> {
  // Kysely's bookkeeping tables live in our schema, or another schema's would be taken for ours.
  const migrator = new Migrator({
    db: store.db,
    provider: provider(store.dialect),
    ...(store.pgSchema ? { migrationTableSchema: store.pgSchema } : {}),
  });
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    const failed = results?.find((r) => r.status === 'Error');
    if (!error && !failed) return;
    // SQLite has no migration lock: two processes starting on a new file race, and the loser
    // finds the winner's tables; PostgreSQL's introspection can trip over a schema dropped meanwhile
    // ("does not exist", or "cache lookup failed for namespace" when the drop lands mid-query).
    // Its second look sees the migration done.
    const retryable = store.dialect === 'sqlite' || (!failed && /does not exist|cache lookup failed/.test(String(error)));
    if (retryable && attempt < 5) {
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      continue;
    }
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}
