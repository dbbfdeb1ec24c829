// MINIMAL, MERGE WITH THE WEBHOOK ISSUE: the webhook endpoints ChargeOver's `_resthook` stores
// (core/webhooks/endpoints.ts). The webhook-delivery work creates its own webhook_endpoints table;
// at the merge this migration (and its line in index.ts) is dropped in favour of that one.
import type { Kysely } from 'kysely';
import { table, tenantRef, type Dialect } from './ddl.ts';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await table(db, dialect, 'webhook_endpoints')
    .addColumn('tenant_id', 'bigint', tenantRef)
    .addColumn('vendor', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('deleted_at', 'bigint')
    .execute();
  await db.schema.createIndex('webhook_endpoints_tenant').on('webhook_endpoints').columns(['tenant_id', 'vendor']).execute();
}
