// Notices of what is coming (core/jobs kind `notices`: a payment due in X days, a trial ending, a
// payment request still unpaid): one row per notice given, unique per object and the date it is
// about, so each is given once, whichever runner gets there first.
import type { Kysely } from 'kysely';
import { table, tenantRef, type Dialect } from './ddl.ts';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await table(db, dialect, 'due_notices')
    .addColumn('tenant_id', 'bigint', tenantRef)
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('object_type', 'text', (c) => c.notNull())
    .addColumn('object_id', 'bigint', (c) => c.notNull())
    .addColumn('due_for', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('due_notices_once').on('due_notices').columns(['tenant_id', 'object_type', 'object_id', 'kind', 'due_for']).unique().execute();
}
