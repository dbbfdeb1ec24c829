// Planner statistics. SQLite plans from sqlite_stat1, which nothing fills unless asked: the server
// runs `PRAGMA optimize=0x10002` when it opens the database (SQLite's advice for long-lived
// connections: analyse every table whose size changed a lot since it was last analysed, with a
// sampling limit so it stays cheap on a big file) and plain `PRAGMA optimize` now and then after.
// PostgreSQL's autovacuum analyses tables by itself; nothing to do there.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../core/database.ts';

export async function refreshPlannerStats(db: Kysely<Database>, dialect: 'sqlite' | 'postgres', options: { opening: boolean }): Promise<void> {
  if (dialect !== 'sqlite') return;
  await sql.raw(options.opening ? 'pragma optimize=0x10002' : 'pragma optimize').execute(db);
}

/** How often a running server refreshes them (SQLite's optimize is a no-op when nothing changed much). */
export const PLANNER_STATS_INTERVAL_MS = 60 * 60 * 1000;
