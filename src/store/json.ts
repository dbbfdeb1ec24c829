// Reading one text field out of a JSON column: the SQL differs between SQLite and PostgreSQL.
import { sql, type RawBuilder } from 'kysely';

export function jsonText(dialect: 'sqlite' | 'postgres', column: string, path: readonly string[]): RawBuilder<string | null> {
  if (!path.every((key) => /^[A-Za-z0-9_]+$/.test(key))) throw new Error(`invalid JSON path ${path.join('.')}`);
  if (dialect === 'postgres') return sql<string | null>`(${sql.ref(column)}::jsonb #>> ${sql.lit(`{${path.join(',')}}`)})`;
  return sql<string | null>`json_extract(${sql.ref(column)}, ${sql.lit(`$.${path.join('.')}`)})`;
}
