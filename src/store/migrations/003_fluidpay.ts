// What the FluidPay front door needed from the core and the core did not have: vault addresses,
// users with roles (and their JWT sessions and password resets), API keys owned by a user,
// subscriptions with a next bill date, and terminals. Every table is the core's, not the door's.
import type { Kysely } from 'kysely';
import { table, tenantRef, type Dialect } from './ddl.ts';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await table(db, dialect, 'addresses')
    .addColumn('tenant_id', 'bigint', tenantRef)
    .addColumn('customer_id', 'bigint', (c) => c.notNull().references('customers.id'))
    .addColumn('first_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('last_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('company', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('line1', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('line2', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('city', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('state', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('postal_code', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('country', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('email', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('phone', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('fax', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('vendor_data', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('deleted_at', 'bigint')
    .execute();
  await db.schema.createIndex('addresses_customer').on('addresses').columns(['tenant_id', 'customer_id']).execute();

  await table(db, dialect, 'users')
    .addColumn('tenant_id', 'bigint', tenantRef)
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('phone', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('email', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('timezone', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('deleted_at', 'bigint')
    .execute();
  // Usernames are unique system-wide (token-auth has no merchant to scope by).
  await db.schema.createIndex('users_username').on('users').columns(['username']).unique().execute();

  await table(db, dialect, 'user_sessions')
    .addColumn('tenant_id', 'bigint', tenantRef)
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id'))
    .addColumn('jti', 'text', (c) => c.notNull().unique())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await table(db, dialect, 'password_resets')
    .addColumn('tenant_id', 'bigint', tenantRef)
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id'))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  // An API key acts as the user who created it.
  await db.schema.alterTable('credentials').addColumn('user_id', 'bigint').execute();
  await db.schema
    .alterTable('credentials')
    .addColumn('meta', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();

  await table(db, dialect, 'subscriptions')
    .addColumn('tenant_id', 'bigint', tenantRef)
    .addColumn('customer_id', 'bigint', (c) => c.notNull().references('customers.id'))
    .addColumn('plan_id', 'bigint')
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('schedule', 'text', (c) => c.notNull()) // JSON {frequency, interval, days}
    .addColumn('duration', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_bill_date', 'text') // YYYY-MM-DD
    .addColumn('items', 'text', (c) => c.notNull().defaultTo('{}')) // JSON {add_ons:[], discounts:[]}
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('vendor_data', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('deleted_at', 'bigint')
    .execute();
  await db.schema.createIndex('subscriptions_customer').on('subscriptions').columns(['tenant_id', 'customer_id']).execute();

  await table(db, dialect, 'terminals')
    .addColumn('tenant_id', 'bigint', tenantRef)
    .addColumn('manufacturer', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('serial_number', 'text', (c) => c.notNull())
    .addColumn('tpn', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('auth_key', 'text', (c) => c.notNull())
    .addColumn('register_id', 'text', (c) => c.notNull())
    .addColumn('auto_settle', 'integer', (c) => c.notNull())
    .addColumn('settle_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint')
    .execute();
  await db.schema.createIndex('terminals_serial').on('terminals').columns(['tenant_id', 'serial_number']).unique().execute();
}
