// Idempotency moves into the business transaction: one record per (scope, key) written in the
// same transaction as the change, naming the object it produced; the answer sent is kept beside it
// when there is one. The old pending-row table and the per-transaction key column go. Transactions
// gain `purpose`, so verify can tell a charge made to pay invoices from a payment on account.
import type { Kysely } from 'kysely';
import { table, type Dialect } from './ddl.ts';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema.dropTable('idempotency_keys').execute();
  await db.schema.dropIndex('transactions_idempotency').execute();
  await db.schema.alterTable('transactions').dropColumn('idempotency_key').execute();
  await db.schema.alterTable('transactions').addColumn('purpose', 'text').execute();

  await table(db, dialect, 'idempotency_records')
    .addColumn('tenant_id', 'bigint')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('result_type', 'text')
    .addColumn('result_id', 'bigint')
    .addColumn('response_status', 'integer')
    .addColumn('response_headers', 'text')
    .addColumn('response_body', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('idempotency_records_scope_key').on('idempotency_records').columns(['scope', 'key']).unique().execute();
  await db.schema.createIndex('idempotency_records_tenant').on('idempotency_records').columns(['tenant_id']).execute();
}
