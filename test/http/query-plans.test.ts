// The hot lists and searches of FluidPay and ChargeOver read a page through an index, in the
// index's order: no scan of the tenant's table, no temporary sort of every row (issue 9: a search
// over 100k transactions answers like one over 1k). The statements are the ones the doors really
// run — captured while real requests are answered over HTTP — then explained on the same database:
// SQLite's EXPLAIN QUERY PLAN once the server has refreshed its planner statistics; PostgreSQL's
// EXPLAIN with sequential scans priced out (a test tenant is small enough for the planner to
// prefer reading it whole, which says nothing about a large one; bench/ measures 100k rows).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { issueDoorCredential } from '../../src/vendors/index.ts';
import { setRateLimit } from '../../src/core/tenants/tenants.ts';
import { refreshPlannerStats } from '../../src/startup/planner-stats.ts';

const SALES = 60;
const INVOICES = 30;

let server: TestServer;
let fluidPayKey: string;
let chargeOverAuth: string;

interface Captured {
  text: string;
  values: unknown[];
}

/** Every statement the database is asked to prepare or run while fn runs (SQLite: prepare; PostgreSQL: client.query). */
async function captureSql(fn: () => Promise<unknown>): Promise<Captured[]> {
  const seen: Captured[] = [];
  const sqlite = DatabaseSync.prototype.prepare;
  const postgres = pg.Client.prototype.query;
  DatabaseSync.prototype.prepare = function (this: DatabaseSync, text: string, ...rest: unknown[]) {
    seen.push({ text, values: [] });
    return (sqlite as (...args: unknown[]) => ReturnType<DatabaseSync['prepare']>).call(this, text, ...rest);
  };
  pg.Client.prototype.query = function (this: pg.Client, text: unknown, values?: unknown, ...rest: unknown[]) {
    if (typeof text === 'string') seen.push({ text, values: Array.isArray(values) ? values : [] });
    return (postgres as (...args: unknown[]) => unknown).call(this, text, values, ...rest);
  } as typeof pg.Client.prototype.query;
  try {
    await fn();
  } finally {
    DatabaseSync.prototype.prepare = sqlite;
    pg.Client.prototype.query = postgres;
  }
  return seen;
}

/** The plan of each statement that reads the table, one string per statement. */
async function plans(statements: Captured[], table: string): Promise<Array<{ sql: string; plan: string }>> {
  const reading = statements.filter((s) => /^select/i.test(s.text) && new RegExp(`from "${table}"`).test(s.text));
  assert.ok(reading.length > 0, `no statement read ${table}`);
  const store = server.store;
  if (store.store.dialect === 'sqlite') {
    const db = new DatabaseSync(store.options.sqliteFile!);
    try {
      return reading.map((s) => ({ sql: s.text, plan: (db.prepare(`explain query plan ${s.text}`).all() as Array<{ detail: string }>).map((row) => row.detail).join('\n') }));
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: store.options.databaseUrl, options: `-c search_path=${store.options.pgSchema}` });
  await client.connect();
  try {
    await client.query('set enable_seqscan = off');
    const out = [];
    for (const s of reading) {
      const result = await client.query(`explain ${s.text}`, s.values);
      out.push({ sql: s.text, plan: result.rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n') });
    }
    return out;
  } finally {
    await client.end();
  }
}

function assertIndexedWithoutSort(found: Array<{ sql: string; plan: string }>, table: string): void {
  for (const { sql, plan } of found) {
    const where = `${sql}\n--- plan:\n${plan}`;
    if (server.store.store.dialect === 'sqlite') {
      assert.doesNotMatch(plan, new RegExp(`^SCAN ${table}\\b`, 'm'), `reads every row of ${table}:\n${where}`);
      assert.match(plan, new RegExp(`SEARCH ${table} USING (COVERING )?INDEX|SEARCH ${table} USING INTEGER PRIMARY KEY`), `no index on ${table}:\n${where}`);
      assert.doesNotMatch(plan, /USE TEMP B-TREE/, `sorts in a temporary b-tree:\n${where}`);
    } else {
      assert.doesNotMatch(plan, new RegExp(`Seq Scan on ${table}\\b`), `reads every row of ${table}:\n${where}`);
      assert.match(plan, new RegExp(`Index (Only )?Scan( Backward)? using \\w+ on ${table}\\b|Bitmap Index Scan`), `no index on ${table}:\n${where}`);
      assert.doesNotMatch(plan, /(^|\s)(Incremental )?Sort\b/m, `sorts:\n${where}`);
    }
  }
}

async function call(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(server.url + path, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

const fluidPay = (path: string, body: unknown) => call('POST', `/fluidpay/api${path}`, { authorization: fluidPayKey }, body);
const chargeOver = (method: string, path: string, body?: unknown) => call(method, `/chargeover/api/v3${path}`, { authorization: chargeOverAuth }, body);

before(async () => {
  server = await startTestServer();
  const services = server.store.services;
  await setRateLimit(services, server.tenant, 'chargeover', 0);
  fluidPayKey = (await issueDoorCredential(services, server.tenant.id, { vendor: 'fluidpay', label: 'api' })).secret;
  const pair = await issueDoorCredential(services, server.tenant.id, { vendor: 'chargeover' });
  chargeOverAuth = `Basic ${Buffer.from(`${pair.publicId}:${pair.secret}`).toString('base64')}`;
  for (let i = 0; i < SALES; i++) {
    const sale = await fluidPay('/transaction', {
      type: 'sale',
      amount: 1000 + (i % 5),
      payment_method: { card: { entry_type: 'keyed', number: '4111111111111111', expiration_date: '12/29', cvc: '999' } },
    });
    assert.equal(sale.status, 200, JSON.stringify(sale.json));
  }
  const customer = await chargeOver('POST', '/customer', { company: 'Plan Customer' });
  assert.equal(customer.status, 201);
  const item = await chargeOver('POST', '/item', { name: 'Plan item', pricemodel: { base: 10 } });
  for (let i = 0; i < INVOICES; i++) {
    const invoice = await chargeOver('POST', '/invoice', { customer_id: customer.json.response.id, line_items: [{ item_id: item.json.response.id, line_rate: 10 + i, line_quantity: 1 }] });
    assert.equal(invoice.status, 201, JSON.stringify(invoice.json));
  }
  // What a server does when it opens the database (src/server.ts).
  await refreshPlannerStats(services.db, server.store.store.dialect, { opening: true });
});
after(async () => {
  await server?.close();
});

describe('hot lists and searches read through an index, without sorting every row', () => {
  test('FluidPay transaction search: newest 10 with total_count', async () => {
    let answer: { status: number; json: any } | undefined;
    const statements = await captureSql(async () => (answer = await fluidPay('/transaction/search', { limit: 10, offset: 0 })));
    assert.equal(answer?.status, 200);
    assert.equal(answer?.json.total_count, SALES);
    assert.equal(answer?.json.data.length, 10);
    assertIndexedWithoutSort(await plans(statements, 'transactions'), 'transactions');
  });

  test('FluidPay transaction search with an amount criterion', async () => {
    let answer: { status: number; json: any } | undefined;
    const statements = await captureSql(async () => (answer = await fluidPay('/transaction/search', { amount: { operator: '=', value: 1002 }, limit: 10 })));
    assert.equal(answer?.status, 200);
    assert.equal(answer?.json.total_count, SALES / 5);
    assert.ok(answer?.json.data.every((row: { amount: number }) => row.amount === 1002));
    assertIndexedWithoutSort(await plans(statements, 'transactions'), 'transactions');
  });

  test('ChargeOver transaction list, first page', async () => {
    let answer: { status: number; json: any } | undefined;
    const statements = await captureSql(async () => (answer = await chargeOver('GET', '/transaction')));
    assert.equal(answer?.status, 200);
    assert.equal(answer?.json.response.length, 10);
    assertIndexedWithoutSort(await plans(statements, 'transactions'), 'transactions');
  });

  test('ChargeOver invoice list, first page', async () => {
    let answer: { status: number; json: any } | undefined;
    const statements = await captureSql(async () => (answer = await chargeOver('GET', '/invoice')));
    assert.equal(answer?.status, 200);
    assert.equal(answer?.json.response.length, 10);
    assertIndexedWithoutSort(await plans(statements, 'invoices'), 'invoices');
  });
});
