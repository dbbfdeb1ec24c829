// Recurring charges (AffiniPay's, issue 14) on the recurring engine: a subscription gains
// - mode: the test/live mode of the credential that made it (or of its payment method), so a
//   renewal run by the due-work runner (a context without a credential) charges and records its
//   events in that mode;
// - vendor: the door whose object it is (a door whose vendor shows only its own, as AffiniPay's
//   recurring charge list does);
// - options: JSON of how it collects beyond the tenant's defaults: no automatic retries of a failed
//   renewal (it waits to be collected on request), ending as soon as its last occurrence is billed
//   (no period after it), and the fields every charge it makes carries (merchant account, order
//   reference, the door's fields).
// Payment methods gain the card expiry notices (AffiniPay's payment_method.expiring on the 1st of the
// expiry month, .expired on the 1st of the month after): the next notice's instant on the tenant's
// clock and how many were given, so the due-work runner gives each once.
import type { Kysely } from 'kysely';
import type { Dialect } from './ddl.ts';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  // One column per statement: SQLite's ALTER TABLE adds one at a time.
  await db.schema
    .alterTable('subscriptions')
    .addColumn('mode', 'text', (c) => c.notNull().defaultTo('test'))
    .execute();
  await db.schema.alterTable('subscriptions').addColumn('vendor', 'text').execute();
  await db.schema
    .alterTable('subscriptions')
    .addColumn('options', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema.alterTable('payment_methods').addColumn('expiry_notice_at', 'bigint').execute();
  await db.schema
    .alterTable('payment_methods')
    .addColumn('expiry_notices', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('payment_methods_expiry_notice').on('payment_methods').columns(['tenant_id', 'expiry_notice_at']).execute();
  await db.schema.createIndex('subscriptions_vendor_mode').on('subscriptions').columns(['tenant_id', 'vendor', 'mode', 'created_at']).execute();
}
