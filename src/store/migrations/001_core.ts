import type { Kysely } from 'kysely';
import { table, tenantRef, type Dialect } from './ddl.ts';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await table(db, dialect, 'tenants')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('is_test', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('is_demo', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('clock_offset_ms', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('clock_frozen_at', 'bigint')
    .addColumn('timezone', 'text', (c) => c.notNull().defaultTo('UTC'))
    .addColumn('settlement_cutoff', 'text', (c) => c.notNull().defaultTo('00:00'))
    .addColumn('last_settlement_at', 'bigint')
    .addColumn('txn_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('faults', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await table(db, dialect, 'credentials')
    .addColumn('tenant_id', 'bigint', tenantRef)
    .addColumn('vendor', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull().defaultTo('test'))
    .addColumn('label', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('lookup', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text')
    .addColumn('secret_enc', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('credentials_lookup').on('credentials').columns(['vendor', 'kind', 'lookup']).unique().execute();
  await db.schema.createIndex('credentials_tenant').on('credentials').columns(['tenant_id', 'vendor']).execute();

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();

  await table(db, dialect, 'customers')
    .addColumn('tenant_id', 'bigint', tenantRef)
    .addColumn('external_key', 'text')
    .addColumn('token', 'text', (c) => c.notNull())
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('company', 'text')
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'bigint')
    .addColumn('billing_address', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('shipping_address', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('custom_fields', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('vendor_data', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('deleted_at', 'bigint')
    .execute();
  // Deleted rows keep their external key, so a key is never reused after deletion.
  await db.schema.createIndex('customers_external_key').on('customers').columns(['tenant_id', 'external_key']).unique().execute();
  await db.schema.createIndex('customers_token').on('customers').columns(['tenant_id', 'token']).unique().execute();

  await table(db, dialect, 'contacts')
    .addColumn('tenant_id', 'bigint', tenantRef)
    .addColumn('customer_id', 'bigint', (c) => c.notNull().references('customers.id'))
    .addColumn('external_key', 'text')
    .addColumn('token', 'text', (c) => c.notNull())
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('title', 'text')
    .addColumn('is_primary', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('vendor_data', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('deleted_at', 'bigint')
    .execute();
  await db.schema.createIndex('contacts_customer').on('contacts').columns(['tenant_id', 'customer_id']).execute();
  await db.schema.createIndex('contacts_external_key').on('contacts').columns(['tenant_id', 'external_key']).unique().execute();

  await table(db, dialect, 'payment_methods')
    .addColumn('tenant_id', 'bigint', tenantRef)
    .addColumn('customer_id', 'bigint', (c) => c.references('customers.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('holder_name', 'text')
    .addColumn('billing_address', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('brand', 'text')
    .addColumn('first6', 'text')
    .addColumn('last4', 'text', (c) => c.notNull())
    .addColumn('exp_month', 'integer')
    .addColumn('exp_year', 'integer')
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('secret_enc', 'text', (c) => c.notNull())
    .addColumn('routing_number', 'text')
    .addColumn('account_type', 'text')
    .addColumn('holder_type', 'text')
    .addColumn('external_key', 'text')
    .addColumn('token', 'text', (c) => c.notNull())
    .addColumn('vendor_data', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('deleted_at', 'bigint')
    .execute();
  await db.schema.createIndex('payment_methods_customer').on('payment_methods').columns(['tenant_id', 'customer_id']).execute();
  await db.schema.createIndex('payment_methods_token').on('payment_methods').columns(['tenant_id', 'token']).unique().execute();

  await table(db, dialect, 'payment_tokens')
    .addColumn('tenant_id', 'bigint', tenantRef)
    .addColumn('token', 'text', (c) => c.notNull().unique())
    .addColumn('payment_method_id', 'bigint', (c) => c.notNull().references('payment_methods.id'))
    .addColumn('cvv_enc', 'text')
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await table(db, dialect, 'settlement_batches')
    .addColumn('tenant_id', 'bigint', tenantRef)
    .addColumn('batch_number', 'integer', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('cutoff_at', 'bigint', (c) => c.notNull())
    .addColumn('amount_captured', 'bigint', (c) => c.notNull())
    .addColumn('amount_credit', 'bigint', (c) => c.notNull())
    .addColumn('net_deposit', 'bigint', (c) => c.notNull())
    .addColumn('transaction_count', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('settlement_batches_number').on('settlement_batches').columns(['tenant_id', 'batch_number']).unique().execute();

  await table(db, dialect, 'transactions')
    .addColumn('tenant_id', 'bigint', tenantRef)
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('amount_authorized', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('amount_captured', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('amount_refunded', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('amount_settled', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('payment_method_id', 'bigint', (c) => c.references('payment_methods.id'))
    .addColumn('payment_kind', 'text')
    .addColumn('customer_id', 'bigint', (c) => c.references('customers.id'))
    .addColumn('parent_id', 'bigint', (c) => c.references('transactions.id'))
    .addColumn('settlement_batch_id', 'bigint', (c) => c.references('settlement_batches.id'))
    .addColumn('decline_reason', 'text')
    .addColumn('auth_code', 'text')
    .addColumn('gateway_ref', 'text', (c) => c.notNull())
    .addColumn('avs_result', 'text')
    .addColumn('cvv_result', 'text')
    .addColumn('order_id', 'text')
    .addColumn('description', 'text')
    .addColumn('idempotency_key', 'text')
    .addColumn('vendor_data', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('authorized_at', 'bigint')
    .addColumn('captured_at', 'bigint')
    .addColumn('settled_at', 'bigint')
    .addColumn('voided_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('transactions_tenant_seq').on('transactions').columns(['tenant_id', 'seq']).unique().execute();
  // The last line of defence against a double charge: one transaction per idempotency key.
  await db.schema.createIndex('transactions_idempotency').on('transactions').columns(['tenant_id', 'idempotency_key']).unique().execute();
  await db.schema.createIndex('transactions_customer').on('transactions').columns(['tenant_id', 'customer_id']).execute();
  await db.schema.createIndex('transactions_status').on('transactions').columns(['tenant_id', 'status']).execute();
  await db.schema.createIndex('transactions_parent').on('transactions').columns(['parent_id']).execute();

  await table(db, dialect, 'invoices')
    .addColumn('tenant_id', 'bigint', tenantRef)
    .addColumn('customer_id', 'bigint', (c) => c.notNull().references('customers.id'))
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('external_key', 'text')
    .addColumn('token', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('issue_date', 'text', (c) => c.notNull())
    .addColumn('due_date', 'text', (c) => c.notNull())
    .addColumn('terms_days', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('subtotal', 'bigint', (c) => c.notNull())
    .addColumn('discount_total', 'bigint', (c) => c.notNull())
    .addColumn('tax_total', 'bigint', (c) => c.notNull())
    .addColumn('total', 'bigint', (c) => c.notNull())
    .addColumn('amount_paid', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('amount_credited', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('amount_written_off', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('balance', 'bigint', (c) => c.notNull())
    .addColumn('notes', 'text')
    .addColumn('vendor_data', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('issued_at', 'bigint')
    .addColumn('paid_at', 'bigint')
    .addColumn('voided_at', 'bigint')
    .execute();
  await db.schema.createIndex('invoices_customer').on('invoices').columns(['tenant_id', 'customer_id']).execute();
  await db.schema.createIndex('invoices_external_key').on('invoices').columns(['tenant_id', 'external_key']).unique().execute();
  await db.schema.createIndex('invoices_number').on('invoices').columns(['tenant_id', 'number']).unique().execute();

  await table(db, dialect, 'invoice_lines')
    .addColumn('tenant_id', 'bigint', tenantRef)
    .addColumn('invoice_id', 'bigint', (c) => c.notNull().references('invoices.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('item_id', 'bigint')
    .addColumn('description', 'text')
    .addColumn('quantity', 'text', (c) => c.notNull())
    .addColumn('unit_price', 'bigint', (c) => c.notNull())
    .addColumn('discount', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('tax_rate', 'text', (c) => c.notNull().defaultTo('0'))
    .addColumn('tax', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('vendor_data', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema.createIndex('invoice_lines_invoice').on('invoice_lines').columns(['invoice_id', 'position']).execute();

  await table(db, dialect, 'allocations')
    .addColumn('tenant_id', 'bigint', tenantRef)
    .addColumn('transaction_id', 'bigint', (c) => c.references('transactions.id'))
    .addColumn('invoice_id', 'bigint', (c) => c.notNull().references('invoices.id'))
    .addColumn('customer_id', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('allocations_invoice').on('allocations').columns(['invoice_id']).execute();
  await db.schema.createIndex('allocations_transaction').on('allocations').columns(['transaction_id']).execute();

  await table(db, dialect, 'catalog_items')
    .addColumn('tenant_id', 'bigint', tenantRef)
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('external_key', 'text')
    .addColumn('token', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('interval_unit', 'text')
    .addColumn('interval_count', 'integer')
    .addColumn('trial_days', 'integer')
    .addColumn('prices', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('vendor_data', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('deleted_at', 'bigint')
    .execute();
  await db.schema.createIndex('catalog_items_external_key').on('catalog_items').columns(['tenant_id', 'kind', 'external_key']).unique().execute();

  await table(db, dialect, 'events')
    .addColumn('tenant_id', 'bigint', tenantRef)
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('object_type', 'text', (c) => c.notNull())
    .addColumn('object_id', 'bigint', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('events_tenant').on('events').columns(['tenant_id', 'id']).execute();

  await table(db, dialect, 'ledger_entries')
    .addColumn('tenant_id', 'bigint', tenantRef)
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('ref_type', 'text', (c) => c.notNull())
    .addColumn('ref_id', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await table(db, dialect, 'ledger_lines')
    .addColumn('entry_id', 'bigint', (c) => c.notNull().references('ledger_entries.id').onDelete('cascade'))
    .addColumn('tenant_id', 'bigint', tenantRef)
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'bigint')
    .addColumn('invoice_id', 'bigint')
    .addColumn('transaction_id', 'bigint')
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ledger_lines_entry').on('ledger_lines').columns(['entry_id']).execute();
  await db.schema.createIndex('ledger_lines_account').on('ledger_lines').columns(['tenant_id', 'account']).execute();
  await db.schema.createIndex('ledger_lines_invoice').on('ledger_lines').columns(['invoice_id']).execute();
  await db.schema.createIndex('ledger_lines_customer').on('ledger_lines').columns(['customer_id']).execute();

  await table(db, dialect, 'idempotency_keys')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('headers', 'text')
    .addColumn('body', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('idempotency_keys_scope_key').on('idempotency_keys').columns(['scope', 'key']).unique().execute();

  await table(db, dialect, 'outbox')
    .addColumn('tenant_id', 'bigint', tenantRef)
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('meta', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('nonces')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('nonces_pk', ['scope', 'nonce'])
    .execute();
}
