// Notes on a tenant's objects (core/notes; ChargeOver's /note).
import type { Kysely } from 'kysely';
import { table, tenantRef, type Dialect } from './ddl.ts';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await table(db, dialect, 'notes')
    .addColumn('tenant_id', 'bigint', tenantRef)
    .addColumn('object_type', 'text', (c) => c.notNull())
    .addColumn('object_id', 'bigint', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('pinned', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('vendor_data', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('deleted_at', 'bigint')
    .execute();
  await db.schema.createIndex('notes_object').on('notes').columns(['tenant_id', 'object_type', 'object_id']).execute();
}
