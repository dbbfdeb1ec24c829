// What ChargeOver's rules need beyond the core tables: contact portal logins (username, hashed
// password, one-time login tokens), payments scheduled on invoices (charged later by the recurring
// engine), and failed payment attempts per invoice (ChargeOver's `declines`).
import type { Kysely } from 'kysely';
import { table, tenantRef, type Dialect } from './ddl.ts';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await table(db, dialect, 'contact_logins')
    .addColumn('tenant_id', 'bigint', tenantRef)
    .addColumn('contact_id', 'bigint', (c) => c.notNull().references('contacts.id'))
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text')
    .addColumn('login_token_hash', 'text')
    .addColumn('login_token_expires_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('contact_logins_contact').on('contact_logins').columns(['contact_id']).unique().execute();
  await db.schema.createIndex('contact_logins_username').on('contact_logins').columns(['tenant_id', 'username']).unique().execute();

  await table(db, dialect, 'scheduled_payments')
    .addColumn('tenant_id', 'bigint', tenantRef)
    .addColumn('invoice_id', 'bigint', (c) => c.notNull().references('invoices.id'))
    .addColumn('customer_id', 'bigint', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('due_date', 'text', (c) => c.notNull())
    .addColumn('method_kind', 'text', (c) => c.notNull()) // any | card | bank | method
    .addColumn('payment_method_id', 'bigint')
    .addColumn('status', 'text', (c) => c.notNull()) // scheduled | cancelled | done | failed
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('scheduled_payments_due').on('scheduled_payments').columns(['tenant_id', 'status', 'due_date']).execute();
  await db.schema.createIndex('scheduled_payments_invoice').on('scheduled_payments').columns(['invoice_id']).execute();

  await table(db, dialect, 'payment_attempts')
    .addColumn('tenant_id', 'bigint', tenantRef)
    .addColumn('invoice_id', 'bigint', (c) => c.notNull().references('invoices.id'))
    .addColumn('transaction_id', 'bigint')
    .addColumn('outcome', 'text', (c) => c.notNull()) // declined
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('payment_attempts_invoice').on('payment_attempts').columns(['invoice_id']).execute();
}
