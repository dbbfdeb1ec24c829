// Test and live mode on the objects a credential's mode must keep apart (AffiniPay: a test key sees
// only test data, a live key only live data; any vendor with test and live keys needs the same).
// Every transaction, payment method and event carries the mode of the credential that made it;
// rows made before this migration were all made with test keys. "purged" marks test rows a
// merchant purged: they stay for the ledger's history but no key sees them.
// Transactions also name the merchant account (card or bank processing account, kept in the
// tenant's settings by core/merchant-accounts) that processed them.
// Documents: what a client attaches to an object and later reads back (AffiniPay signatures and
// invoice attachments, merchant applications), each with the mode it was made in.
import type { Kysely } from 'kysely';
import { table, tenantRef, type Dialect } from './ddl.ts';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  // One column per statement: SQLite's ALTER TABLE adds one at a time.
  for (const name of ['transactions', 'payment_methods', 'events']) {
    await db.schema
      .alterTable(name)
      .addColumn('mode', 'text', (c) => c.notNull().defaultTo('test'))
      .execute();
  }
  await db.schema.alterTable('transactions').addColumn('account_id', 'bigint').execute();
  await db.schema.createIndex('transactions_mode').on('transactions').columns(['tenant_id', 'mode', 'created_at']).execute();
  await db.schema.createIndex('payment_methods_mode').on('payment_methods').columns(['tenant_id', 'mode', 'kind']).execute();
  await db.schema.createIndex('events_mode').on('events').columns(['tenant_id', 'mode', 'id']).execute();

  await table(db, dialect, 'documents')
    .addColumn('tenant_id', 'bigint', tenantRef)
    .addColumn('mode', 'text', (c) => c.notNull().defaultTo('test'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('object_type', 'text')
    .addColumn('object_id', 'bigint')
    .addColumn('name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('vendor_data', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('deleted_at', 'bigint')
    .execute();
  await db.schema.createIndex('documents_object').on('documents').columns(['tenant_id', 'kind', 'object_type', 'object_id']).execute();
}
