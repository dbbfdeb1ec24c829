// Reading a field out of a JSON text column (vendor_data): the one expression that differs
// between SQLite and PostgreSQL, kept here so queries elsewhere stay dialect-free.
import { sql, type RawBuilder } from 'kysely';
type DialectName = 'sqlite' | 'postgres';

function checkPath(path: readonly string[]): void {
  for (const part of path) if (!/^[A-Za-z0-9_]+$/.test(part)) throw new Error(`bad JSON path segment ${part}`);
}

/** The value at path as text (null when absent). */
export function jsonText(dialect: DialectName, column: string, path: readonly string[]): RawBuilder<string | null> {
  checkPath(path);
  return dialect === 'postgres'
    ? sql<string | null>`(cast(${sql.ref(column)} as jsonb) #>> ${sql.lit(`{${path.join(',')}}`)})`
    : sql<string | null>`cast(json_extract(${sql.ref(column)}, ${sql.lit(`$.${path.join('.')}`)}) as text)`;
}

/** The value at path as an integer (null when absent). */
export function jsonInt(dialect: DialectName, column: string, path: readonly string[]): RawBuilder<number | null> {
  return sql<number | null>`cast(${jsonText(dialect, column, path)} as bigint)`;
}
