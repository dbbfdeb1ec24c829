// SQLite only: a count of each tenant's transactions per type, kept by triggers in the transaction
// that writes the row, so an unfiltered list's total (FluidPay's newest-10 search counts every
// transaction of its types) reads a few rows instead of every index entry of the tenant (issue 9:
// 100k transactions). SQLite has one writer at a time, so the counter rows cost no concurrency.
// PostgreSQL keeps counting from the (tenant_id, type) index: there, a counter row updated by every
// sale would queue concurrent sales of a tenant on its lock until they commit, and flows that lock
// invoices and write transactions in different orders could deadlock on it.
import { sql, type Kysely } from 'kysely';
import type { Dialect } from './ddl.ts';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect !== 'sqlite') return;
  await db.schema
    .createTable('transaction_counts')
    .addColumn('tenant_id', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('transaction_counts_pk', ['tenant_id', 'type'])
    .execute();
  const add = (row: 'new' | 'old') => `insert into transaction_counts (tenant_id, type, n) values (${row}.tenant_id, ${row}.type, 1) on conflict (tenant_id, type) do update set n = n + 1;`;
  const remove = (row: 'new' | 'old') => `update transaction_counts set n = n - 1 where tenant_id = ${row}.tenant_id and type = ${row}.type;`;
  await sql.raw(`create trigger transaction_counts_insert after insert on transactions begin ${add('new')} end`).execute(db);
  await sql.raw(`create trigger transaction_counts_delete after delete on transactions begin ${remove('old')} end`).execute(db);
  await sql
    .raw(
      `create trigger transaction_counts_update after update of tenant_id, type on transactions when old.tenant_id <> new.tenant_id or old.type <> new.type begin ${remove('old')} ${add('new')} end`,
    )
    .execute(db);
  await sql`insert into transaction_counts (tenant_id, type, n) select tenant_id, type, count(*) from transactions group by tenant_id, type`.execute(db);
}
