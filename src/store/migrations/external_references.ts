// External references get one home: vendor ids, external keys, client-chosen ids and source ids,
// unique per (tenant, vendor, object type, kind, value) by an index, never by check-then-insert.
// The external_key columns of customers, contacts, invoices, payment methods and catalog items
// (all set through the ChargeOver door, or the admin API for customers) and ChargeOver's
// transaction external keys (kept in vendor_data until now) move here. The core's own public
// token per object (payment links, portals) stays a column.
import { sql, type Kysely } from 'kysely';
import { table, tenantRef, type Dialect } from './ddl.ts';

const MOVED: Array<{ table: string; objectType: string; index: string }> = [
  { table: 'customers', objectType: 'customer', index: 'customers_external_key' },
  { table: 'contacts', objectType: 'contact', index: 'contacts_external_key' },
  { table: 'invoices', objectType: 'invoice', index: 'invoices_external_key' },
  { table: 'payment_methods', objectType: 'payment_method', index: '' },
  { table: 'catalog_items', objectType: 'catalog_item', index: 'catalog_items_external_key' },
];

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await table(db, dialect, 'external_refs')
    .addColumn('tenant_id', 'bigint', tenantRef)
    .addColumn('vendor', 'text', (c) => c.notNull())
    .addColumn('object_type', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('object_id', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('external_refs_value').on('external_refs').columns(['tenant_id', 'vendor', 'object_type', 'kind', 'value']).unique().execute();
  await db.schema.createIndex('external_refs_object').on('external_refs').columns(['tenant_id', 'object_type', 'object_id']).execute();

  const now = Date.now();
  for (const moved of MOVED) {
    await sql`insert into external_refs (tenant_id, vendor, object_type, kind, value, object_id, created_at)
      select tenant_id, 'chargeover', ${moved.objectType}, 'external_key', external_key, id, ${now} from ${sql.table(moved.table)} where external_key is not null`.execute(db);
    if (moved.index) await db.schema.dropIndex(moved.index).execute();
    await db.schema.alterTable(moved.table).dropColumn('external_key').execute();
  }
  const key = dialect === 'postgres' ? sql`(cast(vendor_data as jsonb) #>> '{chargeover,external_key}')` : sql`json_extract(vendor_data, '$.chargeover.external_key')`;
  await sql`insert into external_refs (tenant_id, vendor, object_type, kind, value, object_id, created_at)
    select tenant_id, 'chargeover', 'transaction', 'external_key', ${key}, id, ${now} from transactions where ${key} is not null`.execute(db);
}
