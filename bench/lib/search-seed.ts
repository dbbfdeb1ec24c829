// Seeding for the search benchmark (bench/lib/search-target.ts) and the query-plan checks: one
// tenant holding `size` transactions and `size` invoices. One ChargeOver customer, card, item,
// invoice and payment are made through the door, then that invoice and that transaction are copied
// row for row in bulk (src/core/bulk.ts), older and older, with unique numbers/tokens/sequence and
// amounts cycling over 100 values — seconds, not 100k HTTP calls.
import { insertRows } from '../../src/core/bulk.ts';
import { inTransaction } from '../../src/core/db.ts';
import { buildApp } from '../../src/http/app.ts';
import { contextFor, createTenant, setRateLimit } from '../../src/core/tenants/tenants.ts';
import type { CoreServices } from '../../src/core/context.ts';
import type { Tenant } from '../../src/core/database.ts';
import { issueDoorCredential } from '../../src/vendors/index.ts';
import type { HttpRequestSpec } from './scenario.ts';

export interface SearchRequest {
  name: string;
  spec: HttpRequestSpec;
}

/** The amount the filtered search asks for: one transaction in a hundred has it. */
export const FILTER_AMOUNT = 1050;

export interface SeededKeys {
  fluidPayKey: string;
  chargeOverAuth: string;
}

type Row = Record<string, unknown>;
const BATCH = 5000;
/** The changes for columns the table has (a schema without one of them is not an error). */
const only = (row: Row, changes: Row): Row => Object.fromEntries(Object.entries(changes).filter(([name]) => name in row));

async function copies(services: CoreServices, tenant: Tenant, table: 'transactions' | 'invoices', template: Row, count: number, vary: (i: number) => Row): Promise<void> {
  const { id: _id, ...row } = template;
  await inTransaction(services.db, async (tx) => {
    const w = { ...contextFor(services, tenant), db: tx };
    for (let done = 0; done < count; done += BATCH) {
      const n = Math.min(BATCH, count - done);
      await insertRows(
        w,
        table,
        Array.from({ length: n }, (_, k) => ({ ...row, ...only(row, vary(done + k)) })),
      );
    }
  });
}

export async function seedSearch(services: CoreServices, size: number): Promise<SeededKeys> {
  const tenant = await setRateLimit(services, await createTenant(services, { name: 'Bench Search', slug: 'bench-search' }), 'chargeover', 0);
  const fluidPayKey = (await issueDoorCredential(services, tenant.id, { vendor: 'fluidpay', label: 'api' })).secret;
  const pair = await issueDoorCredential(services, tenant.id, { vendor: 'chargeover' });
  const chargeOverAuth = `Basic ${Buffer.from(`${pair.publicId}:${pair.secret}`).toString('base64')}`;
  const app = await buildApp({ services, logLevel: 'silent' });
  const post = async (path: string, payload: unknown): Promise<unknown> => {
    const answer = await app.inject({
      method: 'POST',
      url: `/chargeover/api/v3${path}`,
      headers: { authorization: chargeOverAuth, 'content-type': 'application/json' },
      payload: JSON.stringify(payload),
    });
    if (answer.statusCode !== 201 && answer.statusCode !== 200) throw new Error(`seed ${path}: ${answer.statusCode} ${answer.body}`);
    return answer.json();
  };
  const id = (answer: unknown) => (answer as { response: { id: number } }).response.id;
  const customer = id(await post('/customer', { company: 'Bench Customer' }));
  await post('/creditcard', { customer_id: customer, number: '4111111111111111', expdate_month: '12', expdate_year: '2099', name: 'Bench Payer' });
  const item = id(await post('/item', { name: 'Bench item', pricemodel: { base: 10 } }));
  const invoice = id(await post('/invoice', { customer_id: customer, line_items: [{ item_id: item, line_rate: 10.5, line_quantity: 1 }] }));
  await post('/transaction?action=pay', { customer_id: customer, applied_to: [{ invoice_id: invoice }] });
  await app.close();

  const db = services.db;
  const txn = (await db.selectFrom('transactions').selectAll().where('tenant_id', '=', tenant.id).orderBy('id', 'desc').executeTakeFirstOrThrow()) as unknown as Row;
  const inv = (await db.selectFrom('invoices').selectAll().where('id', '=', invoice).executeTakeFirstOrThrow()) as unknown as Row;
  const copiesOf = size - 1;
  const start = Number(txn.created_at) - copiesOf * 60_000;
  const at = (i: number) => start + i * 60_000;
  await copies(services, tenant, 'transactions', txn, copiesOf, (i) => ({
    seq: 1_000_000 + i,
    token: `bench${String(i).padStart(10, '0')}`,
    amount: 1000 + (i % 100),
    amount_authorized: 1000 + (i % 100),
    amount_captured: 1000 + (i % 100),
    created_at: at(i),
    captured_at: at(i),
  }));
  await copies(services, tenant, 'invoices', inv, copiesOf, (i) => ({
    number: `B${String(i).padStart(10, '0')}`,
    token: `bench${String(i).padStart(10, '0')}`,
    external_key: null,
    created_at: at(i),
  }));
  return { fluidPayKey, chargeOverAuth };
}

/** The list/search requests the benchmark times (and the plan test reads the queries of). */
export function searchRequests(keys: SeededKeys): SearchRequest[] {
  const fluidPay = (body: unknown): HttpRequestSpec => ({
    method: 'POST',
    path: '/fluidpay/api/transaction/search',
    headers: { authorization: keys.fluidPayKey, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const chargeOver = (path: string): HttpRequestSpec => ({ method: 'GET', path: `/chargeover/api/v3${path}`, headers: { authorization: keys.chargeOverAuth } });
  return [
    { name: 'FluidPay POST /api/transaction/search (newest 10, total_count)', spec: fluidPay({ limit: 10, offset: 0 }) },
    { name: `FluidPay POST /api/transaction/search (amount = ${FILTER_AMOUNT}, newest 10, total_count)`, spec: fluidPay({ amount: { operator: '=', value: FILTER_AMOUNT }, limit: 10, offset: 0 }) },
    { name: 'ChargeOver GET /api/v3/transaction (first page)', spec: chargeOver('/transaction') },
    { name: 'ChargeOver GET /api/v3/invoice (first page)', spec: chargeOver('/invoice') },
  ];
}
