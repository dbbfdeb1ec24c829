// DDL shared by every migration.
import { sql, type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

// SQLite wants INTEGER PRIMARY KEY AUTOINCREMENT, PostgreSQL a bigserial: the only DDL that differs.
export function table(db: Kysely<unknown>, dialect: Dialect, name: string): CreateTableBuilder<string, 'id'> {
  const builder = db.schema.createTable(name);
  return dialect === 'postgres' ? builder.addColumn('id', sql`bigserial`, (c) => c.primaryKey()) : builder.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}

export const tenantRef = (c: ColumnDefinitionBuilder) => c.notNull().references('tenants.id').onDelete('cascade');
