// Webhook delivery (issue 11): endpoints per tenant (URL, wanted events, the vendor format it
// speaks, enabled, a signing secret sealed at rest), the transactional outbox of deliveries (written
// in the business transaction with the event that caused them) and the delivery log (one row per
// attempt, unique per delivery and attempt number, so an attempt is made once).
import type { Kysely } from 'kysely';
import { table, tenantRef, type Dialect } from './ddl.ts';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await table(db, dialect, 'webhook_endpoints')
    .addColumn('tenant_id', 'bigint', tenantRef)
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('mode', 'text')
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('secret_enc', 'text', (c) => c.notNull())
    .addColumn('options', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('disabled_reason', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('deleted_at', 'bigint')
    .execute();
  await db.schema.createIndex('webhook_endpoints_tenant').on('webhook_endpoints').columns(['tenant_id', 'deleted_at', 'enabled']).execute();

  await table(db, dialect, 'webhook_deliveries')
    .addColumn('tenant_id', 'bigint', tenantRef)
    .addColumn('endpoint_id', 'bigint', (c) => c.notNull().references('webhook_endpoints.id').onDelete('cascade'))
    .addColumn('event_id', 'bigint', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('object_type', 'text', (c) => c.notNull())
    .addColumn('object_id', 'bigint', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('schedule_start', 'bigint', (c) => c.notNull())
    .addColumn('lease_until', 'bigint')
    .addColumn('payload', 'text')
    .addColumn('content_type', 'text')
    .addColumn('target', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('replay_of', 'bigint')
    .addColumn('last_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('completed_at', 'bigint')
    .execute();
  await db.schema.createIndex('webhook_deliveries_message').on('webhook_deliveries').column('message_id').unique().execute();
  // The head of an endpoint's queue (its lowest pending id), and the tenants with pending work.
  await db.schema.createIndex('webhook_deliveries_queue').on('webhook_deliveries').columns(['endpoint_id', 'status', 'id']).execute();
  await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['status', 'tenant_id', 'next_attempt_at']).execute();
  await db.schema.createIndex('webhook_deliveries_replay').on('webhook_deliveries').column('replay_of').execute();

  await table(db, dialect, 'webhook_attempts')
    .addColumn('tenant_id', 'bigint', tenantRef)
    .addColumn('delivery_id', 'bigint', (c) => c.notNull().references('webhook_deliveries.id').onDelete('cascade'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('request_headers', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('response_status', 'integer')
    .addColumn('response_excerpt', 'text')
    .addColumn('error', 'text')
    .addColumn('duration_ms', 'integer')
    .execute();
  await db.schema.createIndex('webhook_attempts_once').on('webhook_attempts').columns(['delivery_id', 'attempt']).unique().execute();
}
