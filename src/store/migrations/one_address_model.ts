// One home per fact: a customer's billing and shipping addresses are rows of `addresses` (which
// FluidPay's vault already used), pointed at by the customer's default billing and shipping
// address, and the default payment method is a customer column, not a door's vendor_data. The
// ChargeOver door's JSON addresses on the customer and FluidPay's pointers in vendor_data move over.
// Transactions get the public token every other object has (ChargeOver kept one in vendor_data).
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Dialect } from './ddl.ts';

type Row = Record<string, unknown>;
const LINES = ['line1', 'line2', 'line3', 'city', 'state', 'postal_code', 'country'] as const;

function token(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(12)].map((b) => alphabet[b % alphabet.length]).join('');
}

function parse(text: unknown): Record<string, unknown> {
  try {
    const value = JSON.parse(String(text ?? '{}')) as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export async function up(untyped: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration sees tables as they were
  const db = untyped as Kysely<any>;
  await db.schema
    .alterTable('addresses')
    .addColumn('line3', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  for (const name of ['billing_address_id', 'shipping_address_id', 'default_payment_method_id']) {
    await db.schema.alterTable('customers').addColumn(name, 'bigint').execute();
  }
  const customers = (await db.selectFrom('customers').select(['id', 'tenant_id', 'billing_address', 'shipping_address', 'vendor_data', 'created_at']).execute()) as Row[];
  for (const customer of customers) {
    const fluidpay = (parse(customer.vendor_data).fluidpay ?? {}) as Record<string, unknown>;
    const pointers: Record<string, unknown> = {
      default_payment_method_id: fluidpay.payment_method_id ?? null,
      billing_address_id: fluidpay.billing_address_id ?? null,
      shipping_address_id: fluidpay.shipping_address_id ?? null,
    };
    for (const [which, column] of [
      ['billing', 'billing_address'],
      ['shipping', 'shipping_address'],
    ] as const) {
      if (pointers[`${which}_address_id`]) continue;
      const json = parse(customer[column]);
      if (!LINES.some((key) => typeof json[key] === 'string' && json[key] !== '')) continue;
      const fields = Object.fromEntries(LINES.map((key) => [key, typeof json[key] === 'string' ? json[key] : '']));
      const vendorData = typeof json.notes === 'string' && json.notes ? JSON.stringify({ chargeover: { notes: json.notes } }) : '{}';
      const inserted = (await db
        .insertInto('addresses')
        .values({
          tenant_id: customer.tenant_id,
          customer_id: customer.id,
          first_name: '',
          last_name: '',
          company: '',
          email: '',
          phone: '',
          fax: '',
          ...fields,
          vendor_data: vendorData,
          created_at: customer.created_at,
          updated_at: customer.created_at,
          deleted_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow()) as Row;
      pointers[`${which}_address_id`] = inserted.id;
    }
    await db.updateTable('customers').set(pointers).where('id', '=', customer.id).execute();
  }
  await db.schema.alterTable('customers').dropColumn('billing_address').execute();
  await db.schema.alterTable('customers').dropColumn('shipping_address').execute();

  await db.schema.alterTable('transactions').addColumn('token', 'text').execute();
  const transactions = (await db.selectFrom('transactions').select(['id', 'vendor_data']).execute()) as Row[];
  for (const txn of transactions) {
    const kept = (parse(txn.vendor_data).chargeover as Record<string, unknown> | undefined)?.token;
    await db
      .updateTable('transactions')
      .set({ token: typeof kept === 'string' && kept ? kept : token() })
      .where('id', '=', txn.id)
      .execute();
  }
  await db.schema.createIndex('transactions_token').on('transactions').columns(['tenant_id', 'token']).unique().execute();
}
