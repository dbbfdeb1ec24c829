// Indexes for the lists and searches the doors run, so a page of a tenant with 100k rows costs
// what a page of one with 1k does (issue 9):
// - newest first, (tenant_id, created_at, id): FluidPay's transaction and invoice searches,
//   ChargeDesk's and AffiniPay's lists — the page is read in index order, no sort of every row;
// - oldest first by id, (tenant_id, id): ChargeOver's lists (SQLite can use no other index whose
//   first column is tenant_id to walk ids in order);
// - counts by type, (tenant_id, type): a door's total_count counts its own types from this index
//   alone, without reading the rows;
// - by amount, newest first, (tenant_id, amount, created_at, id, type): FluidPay's amount
//   criterion; the type at the end lets its count be answered from the index alone too.
// transactions_status (tenant_id, status) goes: transactions_clearing (tenant_id, status,
// captured_at) answers everything it did, and every sale paid for keeping both.
// Planner statistics are the server's to refresh (src/startup/planner-stats.ts), not a migration's.
import type { Kysely } from 'kysely';
import type { Dialect } from './ddl.ts';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.createIndex('transactions_tenant_created').on('transactions').columns(['tenant_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('transactions_tenant_id').on('transactions').columns(['tenant_id', 'id']).execute();
  await db.schema.createIndex('transactions_tenant_type').on('transactions').columns(['tenant_id', 'type']).execute();
  await db.schema.createIndex('transactions_tenant_amount').on('transactions').columns(['tenant_id', 'amount', 'created_at', 'id', 'type']).execute();
  await db.schema.dropIndex('transactions_status').execute();
  await db.schema.createIndex('invoices_tenant_created').on('invoices').columns(['tenant_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('invoices_tenant_id').on('invoices').columns(['tenant_id', 'id']).execute();
}
