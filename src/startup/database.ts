// Before opening the database: the URL must be one Bursar speaks, and PostgreSQL must answer. A
// server that starts beside its database (docker compose, CI) gets a bounded wait; an answer that
// will not change by waiting (wrong password, no such database) fails at once.
import { safeUrl, StartupError } from './startup-error.ts';

const RETRYABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', '57P03']);

export function checkDatabaseUrl(url: string | undefined): void {
  if (!url) return;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') return;
  throw new StartupError(
    `DATABASE_URL ${scheme ? `${scheme}://…` : `"${safeUrl(url)}"`} is not supported: Bursar runs on PostgreSQL (postgres://user@host:5432/db), or on SQLite in BURSAR_DATA_DIR when DATABASE_URL is unset`,
  );
}

function where(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}`;
  } catch {
    return safeUrl(url);
  }
}

/** Connects once (retrying connection failures for up to waitSeconds); throws a StartupError if it cannot. */
export async function waitForPostgres(url: string, waitSeconds: number): Promise<void> {
  // Loaded here, not at the top: a SQLite start never needs pg.
  const { default: pg } = await import('pg');
  const deadline = Date.now() + Math.max(0, waitSeconds) * 1000;
  for (let attempt = 1; ; attempt++) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      const code = String((error as { code?: unknown }).code ?? '');
      const reason = (error as Error).message || code || 'no answer';
      if (!RETRYABLE.has(code) && !/timeout/i.test(reason)) {
        throw new StartupError(`PostgreSQL at ${where(url)} refused the connection: ${reason}; fix DATABASE_URL (user, password, database name) or the server's settings`, { cause: error });
      }
      if (Date.now() >= deadline) {
        throw new StartupError(
          `cannot reach PostgreSQL at ${where(url)} (${code || reason}) after ${attempt} attempt${attempt === 1 ? '' : 's'} in ${waitSeconds} s: start it, or fix DATABASE_URL (BURSAR_DB_WAIT_SECONDS sets how long to wait)`,
          { cause: error },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 250 * attempt)));
    }
  }
}
