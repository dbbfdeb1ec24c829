// Fresh databases for the benchmark (src/store/scratch.ts), independent of the test environment,
// and a check that PostgreSQL can be reached at all.
import pg from 'pg';
import { openScratchStore, type ScratchStore } from '../../src/store/scratch.ts';

export type Backend = 'sqlite' | 'postgres';

/** BURSAR_BENCH_DATABASE_URL, else the local PostgreSQL the project's tests use. */
export const PG_URL = process.env.BURSAR_BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

export type BenchStore = ScratchStore;

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
  return openScratchStore(backend === 'postgres' ? pgUrl : undefined, 'bursar_bench');
}
