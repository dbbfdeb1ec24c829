// The database handle as the core sees it, and the few things about transactions that differ by
// engine: running a unit in one transaction (retrying what PostgreSQL aborts for a lost race), the
// row lock of balance-carrying rows, and telling a unique-index violation apart.
import type { SelectQueryBuilder } from 'kysely';
import type { Db, Tx } from './database.ts';

export type { Db, Tx } from './database.ts';

// PostgreSQL may abort a transaction that lost a race (serialization failure, deadlock); such a
// transaction wrote nothing, so it is safe to run again.
const RETRYABLE = new Set(['40001', '40P01']);

function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE.has(code);
}

/** Runs fn in one database transaction: every state change with its ledger entries and events. */
export async function inTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db as Tx);
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(fn);
    } catch (error) {
      if (attempt >= 5 || !isRetryable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, attempt * 10));
    }
  }
}

export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; errcode?: unknown; message?: unknown } | null;
  if (!e) return false;
  if (e.code === '23505') return true;
  return typeof e.message === 'string' && e.message.includes('UNIQUE constraint failed');
}

/**
 * Row lock for balance-carrying rows. PostgreSQL needs FOR UPDATE; SQLite already holds the single
 * writer lock from BEGIN IMMEDIATE and has no such clause.
 */
export function forUpdate<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>, dialect: 'sqlite' | 'postgres'): SelectQueryBuilder<DB, TB, O> {
  return dialect === 'postgres' ? query.forUpdate() : query;
}
