// The recurring engine's tables and columns (issue 10):
// - subscriptions gain what a renewal needs to run on its own: the instant the next bill falls due
//   in the tenant's zone (next_bill_at), the payment method and whether to charge or only invoice,
//   a quantity, what has been billed against the schedule's caps, the current period, trial,
//   pause and cancel windows, proration lines carried to the next invoice, a public token, a
//   back-off for a renewal that failed with an error, the payment terms of the invoices it raises
//   and the processor options its charges use.
// - subscription_lines: priced lines of a subscription (ChargeOver package lines): item, price,
//   quantity, setup fee, percent discount, per-unit tiers and usage, their own cadence, trial,
//   a number of billings (FluidPay-style durations), cancel and expiry.
// - renewals: one row per (subscription, period start) under a unique index — the exactly-once
//   guard of billing — with the invoice, the last charge and the dunning state.
// - subscription_usage: usage recorded on a line, billed by the next renewal.
// - invoices carry the subscription that raised them and when they were noted overdue; invoice
//   lines the subscription line they bill; transactions the subscription they collect for and,
//   for authorizations, when they expire; scheduled payments their retries.
import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';
import { table, tenantRef, type Dialect } from './ddl.ts';

type Build = (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;

async function addColumns(db: Kysely<unknown>, tableName: string, columns: Array<[string, 'text' | 'bigint' | 'integer', Build?]>): Promise<void> {
  // One column per statement: SQLite's ALTER TABLE adds one at a time.
  for (const [name, type, build] of columns) {
    await db.schema
      .alterTable(tableName)
      .addColumn(name, type, build ?? ((c) => c))
      .execute();
  }
}

const notNull =
  (value: string | number): Build =>
  (c) =>
    c.notNull().defaultTo(value);

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await addColumns(db, 'subscriptions', [
    ['token', 'text'],
    ['next_bill_at', 'bigint'],
    ['payment_method_id', 'bigint'],
    ['collection', 'text', notNull('charge')],
    ['quantity', 'text', notNull('1')],
    ['billed_count', 'integer', notNull(0)],
    ['billed_amount', 'bigint', notNull(0)],
    ['current_period_start', 'text'],
    ['current_period_end', 'text'],
    ['trial_ends_on', 'text'],
    ['pause_from', 'bigint'],
    ['pause_until', 'bigint'],
    ['cancel_at', 'bigint'],
    ['cancelled_at', 'bigint'],
    ['ends_at', 'bigint'],
    ['ended_at', 'bigint'],
    ['status_reason', 'text'],
    ['carry', 'text', notNull('[]')],
    ['notify', 'integer', notNull(0)],
    ['retry_after', 'bigint'],
    ['last_error', 'text'],
    ['terms_days', 'integer', notNull(0)],
    ['charge_options', 'text', notNull('{}')],
  ]);
  // Existing rows: a token each, and their next bill date as the start of that day (UTC, every
  // tenant's zone until now).
  const rows = await sql<{ id: number; next_bill_date: string | null }>`select id, next_bill_date from subscriptions`.execute(db);
  for (const row of rows.rows) {
    const at = row.next_bill_date ? Date.parse(`${row.next_bill_date}T00:00:00Z`) : null;
    const token = Array.from({ length: 12 }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(Math.random() * 36)]).join('');
    await sql`update subscriptions set token = ${token}, next_bill_at = ${at} where id = ${row.id}`.execute(db);
  }
  await db.schema.createIndex('subscriptions_due').on('subscriptions').columns(['tenant_id', 'next_bill_at']).execute();
  await db.schema.createIndex('subscriptions_token').on('subscriptions').columns(['tenant_id', 'token']).unique().execute();

  await table(db, dialect, 'subscription_lines')
    .addColumn('tenant_id', 'bigint', tenantRef)
    .addColumn('subscription_id', 'bigint', (c) => c.notNull().references('subscriptions.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('item_id', 'bigint')
    .addColumn('description', 'text')
    .addColumn('quantity', 'text', (c) => c.notNull().defaultTo('1'))
    .addColumn('unit_price', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('pricing', 'text', (c) => c.notNull().defaultTo('flat')) // flat | per_unit | percent
    .addColumn('percent', 'text')
    .addColumn('tiers', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('setup_fee', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('cadence', 'text') // JSON Cadence; null: the subscription's
    .addColumn('bill_from', 'text') // YYYY-MM-DD: first day it bills (start + trial)
    .addColumn('max_billings', 'integer')
    .addColumn('billings', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('usage', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('cancelled_at', 'bigint')
    .addColumn('expires_at', 'bigint')
    .addColumn('vendor_data', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('subscription_lines_subscription').on('subscription_lines').columns(['subscription_id', 'position']).execute();

  await table(db, dialect, 'renewals')
    .addColumn('tenant_id', 'bigint', tenantRef)
    .addColumn('subscription_id', 'bigint', (c) => c.notNull().references('subscriptions.id'))
    .addColumn('period_start', 'text', (c) => c.notNull())
    .addColumn('period_end', 'text')
    .addColumn('invoice_id', 'bigint')
    .addColumn('transaction_id', 'bigint')
    .addColumn('amount', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull()) // pending | paid | open | failed | unknown | skipped | uncollected
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('dunning_step', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('retry_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // Exactly once: a period of a subscription is billed by one renewal, whoever runs it.
  await db.schema.createIndex('renewals_period').on('renewals').columns(['subscription_id', 'period_start']).unique().execute();
  await db.schema.createIndex('renewals_retry').on('renewals').columns(['tenant_id', 'status', 'retry_at']).execute();
  await db.schema.createIndex('renewals_invoice').on('renewals').columns(['invoice_id']).execute();

  await table(db, dialect, 'subscription_usage')
    .addColumn('tenant_id', 'bigint', tenantRef)
    .addColumn('subscription_id', 'bigint', (c) => c.notNull().references('subscriptions.id'))
    .addColumn('line_id', 'bigint', (c) => c.notNull().references('subscription_lines.id'))
    .addColumn('quantity', 'text', (c) => c.notNull())
    .addColumn('from_at', 'bigint', (c) => c.notNull())
    .addColumn('to_at', 'bigint', (c) => c.notNull())
    .addColumn('renewal_id', 'bigint')
    .addColumn('vendor_data', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('subscription_usage_line').on('subscription_usage').columns(['line_id', 'renewal_id']).execute();

  await addColumns(db, 'invoices', [
    ['subscription_id', 'bigint'],
    ['overdue_at', 'bigint'],
  ]);
  await db.schema.createIndex('invoices_subscription').on('invoices').columns(['tenant_id', 'subscription_id']).execute();
  // The overdue job's question: open invoices with a balance, not yet noted overdue, by due date.
  // Partial: an invoice leaves the index once it is noted, paid or voided, so the question stays
  // cheap however many paid renewal invoices a tenant has.
  await sql`create index invoices_overdue_pending on invoices (tenant_id, due_date) where overdue_at is null and balance > 0 and status = 'open'`.execute(db);
  await addColumns(db, 'invoice_lines', [['subscription_line_id', 'bigint']]);
  await addColumns(db, 'transactions', [
    ['subscription_id', 'bigint'],
    ['auth_expires_at', 'bigint'],
  ]);
  // The settlement job's question: the oldest capture still in clearing.
  await db.schema.createIndex('transactions_clearing').on('transactions').columns(['tenant_id', 'status', 'captured_at']).execute();
  await db.schema.createIndex('transactions_subscription').on('transactions').columns(['tenant_id', 'subscription_id']).execute();
  await addColumns(db, 'scheduled_payments', [
    ['attempts', 'integer', notNull(0)],
    ['retry_at', 'bigint'],
    ['transaction_id', 'bigint'],
  ]);
}
