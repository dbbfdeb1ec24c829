import type { SelectQueryBuilder } from 'kysely';

/**
 * Row lock for balance-carrying rows. PostgreSQL needs FOR UPDATE; SQLite already holds the single
 * writer lock from BEGIN IMMEDIATE and has no such clause.
 */
export function forUpdate<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  dialect: 'sqlite' | 'postgres',
): SelectQueryBuilder<DB, TB, O> {
  return dialect === 'postgres' ? query.forUpdate() : query;
}
