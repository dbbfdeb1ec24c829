// Invoice-level charges in the core: a tax percent applied to the net subtotal, the tax it gives,
// and signed adjustments (FluidPay's `adjustment`, shipping, handling) with their sum, so every
// door renders the same total from core columns instead of computing its own into vendor_data.
// Customers gain `invoice_recipient`: the core made the customer for an invoice addressed to
// someone who was not one (FluidPay's bill_to without a vault address), so it is reused for that
// recipient's next invoice and can be told apart from customers a client registered.
import type { Kysely } from 'kysely';
import type { Dialect } from './ddl.ts';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  // One column per statement: SQLite's ALTER TABLE adds one at a time.
  await db.schema
    .alterTable('invoices')
    .addColumn('tax_percent', 'text', (c) => c.notNull().defaultTo('0'))
    .execute();
  await db.schema
    .alterTable('invoices')
    .addColumn('invoice_tax', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('invoices')
    .addColumn('adjustment_total', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('invoices')
    .addColumn('adjustments', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await db.schema
    .alterTable('customers')
    .addColumn('invoice_recipient', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('customers_invoice_recipient').on('customers').columns(['tenant_id', 'invoice_recipient']).execute();
}
