// Child process for the search benchmark: a fresh database with one tenant holding `size`
// transactions and `size` invoices, the real app listening as `npm start` runs it (default log
// level; stdout is /dev/null), and the list/search requests to time. Usage (forked by
// bench/lib/search.ts): search-target.ts <backend> <size>
//
// Seeding: one ChargeOver customer, card, item, invoice and payment made through the door, then
// that invoice and that transaction copied row for row in bulk (src/core/bulk.ts), older and older,
// with unique numbers/tokens/sequence and amounts cycling over 100 values — seconds, not 100k calls.
import { insertRows } from '../../src/core/bulk.ts';
import { inTransaction } from '../../src/core/db.ts';
import { buildApp } from '../../src/http/app.ts';
import { createLogger } from '../../src/http/logger.ts';
import { issueDoorCredential } from '../../src/vendors/index.ts';
import { contextFor, createTenant, setRateLimit } from '../../src/core/tenants/tenants.ts';
import type { CoreServices } from '../../src/core/context.ts';
import type { Tenant } from '../../src/core/database.ts';
import { openBenchStore, type Backend, type BenchStore } from './backends.ts';
import type { HttpRequestSpec } from './scenario.ts';

export interface SearchRequest {
  name: string;
  spec: HttpRequestSpec;
}

export type SearchMessage = { type: 'ready'; url: string; seedSeconds: number; requests: SearchRequest[] } | { type: 'error'; message: string } | { type: 'closed' };

/** The amount the filtered search asks for: one transaction in a hundred has it. */
export const FILTER_AMOUNT = 1050;

function send(message: SearchMessage): Promise<void> {
  return new Promise((resolve) => process.send!(message, undefined, {}, () => resolve()));
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

async function seed(services: CoreServices, size: number): Promise<{ fluidPayKey: string; chargeOverAuth: string }> {
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

function requests(keys: { fluidPayKey: string; chargeOverAuth: string }): SearchRequest[] {
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

async function main(): Promise<void> {
  const [backendArg, sizeArg] = process.argv.slice(2);
  const backend = backendArg as Backend;
  const size = Number(sizeArg);
  let bench: BenchStore | null = null;
  try {
    bench = await openBenchStore(backend);
    const started = performance.now();
    const keys = await seed(bench.services, size);
    const seedSeconds = (performance.now() - started) / 1000;
    const services = { ...bench.services, log: createLogger('info') };
    const app = await buildApp({ services });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const closed = new Promise<void>((resolve) => process.once('message', () => resolve()));
    await send({ type: 'ready', url: `http://127.0.0.1:${port}`, seedSeconds, requests: requests(keys) });
    await closed;
    await app.close();
  } finally {
    await bench?.dispose();
  }
  await send({ type: 'closed' });
}

main().then(
  () => process.exit(0),
  async (error: unknown) => {
    await send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exit(1);
  },
);
