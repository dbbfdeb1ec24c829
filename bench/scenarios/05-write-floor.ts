// The write floor: a bare Fastify route (no logging, no auth, no validation) that writes the rows
// one FluidPay card sale writes — the tenant's transaction sequence, the (transient) card, the
// transaction, its event, the ledger entry and its two lines — with raw statements, one database
// transaction per request, on the same schema (every index a sale dirties) and the same settings.
// What Bursar's sale costs above this is ours to shave; the sale-vs-floor table divides by it.
//   SQLite: node:sqlite prepared statements on a second connection to the bench file, the store's
//           PRAGMAs, BEGIN IMMEDIATE … COMMIT like the store (synchronous: one request at a time).
//   PostgreSQL: the naive way with `pg` — a pool of 10 like the store's, BEGIN, one parameterised
//           statement per row (lines in one), COMMIT: 8 round trips.
// The rows are copied from a real sale made through the FluidPay door in setup, so their sizes match.
import { randomBytes } from 'node:crypto';
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import { buildApp } from '../../src/http/app.ts';
import { issueDoorCredential } from '../../src/vendors/index.ts';
import { createTenant } from '../../src/core/tenants/tenants.ts';
import type { CoreServices } from '../../src/core/context.ts';
import type { StoreOptions } from '../../src/store/db.ts';
import { defineScenario } from '../lib/scenario.ts';
import { FLUIDPAY_SALE_BODY } from './20-fluidpay-card-sale.ts';

type Row = Record<string, unknown>;

interface Templates {
  tenantId: number;
  method: Row;
  transaction: Row;
  event: Row;
  entry: Row;
  lines: Row[];
}

/** One sale through the door, then its rows read back as templates (ids dropped). */
async function saleRows(services: CoreServices): Promise<Templates> {
  const tenant = await createTenant(services, { name: 'Bench Floor', slug: 'bench-floor' });
  const key = await issueDoorCredential(services, tenant.id, { vendor: 'fluidpay', label: 'api' });
  const app = await buildApp({ services, logLevel: 'silent' });
  const sale = await app.inject({ method: 'POST', url: '/fluidpay/api/transaction', headers: { authorization: key.secret, 'content-type': 'application/json' }, payload: FLUIDPAY_SALE_BODY });
  await app.close();
  if (sale.statusCode !== 200) throw new Error(`setup sale: ${sale.statusCode} ${sale.body}`);
  const db = services.db;
  const transaction = (await db.selectFrom('transactions').selectAll().where('tenant_id', '=', tenant.id).orderBy('id', 'desc').executeTakeFirstOrThrow()) as unknown as Row;
  const method = (await db
    .selectFrom('payment_methods')
    .selectAll()
    .where('id', '=', transaction.payment_method_id as number)
    .executeTakeFirstOrThrow()) as unknown as Row;
  const events = (await db
    .selectFrom('events')
    .selectAll()
    .where('tenant_id', '=', tenant.id)
    .where('object_type', '=', 'transaction')
    .where('object_id', '=', transaction.id as number)
    .execute()) as unknown as Row[];
  const entry = (await db
    .selectFrom('ledger_entries')
    .selectAll()
    .where('tenant_id', '=', tenant.id)
    .where('ref_id', '=', transaction.id as number)
    .executeTakeFirstOrThrow()) as unknown as Row;
  const lines = (await db
    .selectFrom('ledger_lines')
    .selectAll()
    .where('entry_id', '=', entry.id as number)
    .execute()) as unknown as Row[];
  if (events.length !== 1 || lines.length !== 2) throw new Error(`a sale wrote ${events.length} events and ${lines.length} ledger lines; update the floor to match`);
  return { tenantId: tenant.id, method, transaction, event: events[0], entry, lines };
}

const columnsOf = (row: Row) => Object.keys(row).filter((name) => name !== 'id');
const insertSql = (table: string, row: Row, placeholder: (i: number) => string, rows = 1) => {
  const columns = columnsOf(row);
  const tuples = Array.from({ length: rows }, (_, r) => `(${columns.map((_, i) => placeholder(r * columns.length + i + 1)).join(', ')})`);
  return `insert into ${table} (${columns.join(', ')}) values ${tuples.join(', ')}`;
};
/** The template's values with some columns replaced, in insertSql's column order. */
const valuesOf = (row: Row, changes: Row) => columnsOf(row).map((name) => (name in changes ? changes[name] : row[name]));

function sqliteFloor(file: string, t: Templates): () => Row {
  const db = new DatabaseSync(file);
  db.exec('PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;');
  const q = (i: number) => `?${i}`;
  const seq = db.prepare('update tenants set txn_seq = txn_seq + 1 where id = ? returning txn_seq');
  const method = db.prepare(insertSql('payment_methods', t.method, q));
  const transaction = db.prepare(insertSql('transactions', t.transaction, q));
  const event = db.prepare(insertSql('events', t.event, q));
  const entry = db.prepare(insertSql('ledger_entries', t.entry, q));
  const line = db.prepare(insertSql('ledger_lines', t.lines[0], q));
  const v = (row: Row, changes: Row) => valuesOf(row, changes) as SQLInputValue[];
  return () => {
    const now = Date.now();
    db.exec('begin immediate');
    try {
      const { txn_seq } = seq.get(t.tenantId) as { txn_seq: number };
      const methodId = method.run(...v(t.method, { token: randomBytes(8).toString('hex'), created_at: now })).lastInsertRowid;
      const txnId = transaction.run(...v(t.transaction, { seq: txn_seq, payment_method_id: methodId, token: randomBytes(8).toString('hex'), created_at: now, captured_at: now })).lastInsertRowid;
      event.run(...v(t.event, { object_id: txnId, created_at: now }));
      const entryId = entry.run(...v(t.entry, { ref_id: txnId, created_at: now })).lastInsertRowid;
      for (const l of t.lines) line.run(...v(l, { entry_id: entryId, transaction_id: txnId }));
      db.exec('commit');
      return { id: Number(txnId), seq: txn_seq };
    } catch (error) {
      db.exec('rollback');
      throw error;
    }
  };
}

function postgresFloor(options: StoreOptions, t: Templates): { write: () => Promise<Row>; close: () => Promise<void> } {
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10, ...(options.pgSchema ? { options: `-c search_path=${options.pgSchema}` } : {}) });
  const q = (i: number) => `$${i}`;
  const returning = (text: string) => `${text} returning id`;
  const sqls = {
    method: returning(insertSql('payment_methods', t.method, q)),
    transaction: returning(insertSql('transactions', t.transaction, q)),
    event: insertSql('events', t.event, q),
    entry: returning(insertSql('ledger_entries', t.entry, q)),
    lines: insertSql('ledger_lines', t.lines[0], q, t.lines.length),
  };
  // pg would send a JS object as JSON but an array as a PostgreSQL array: JSON columns go as text.
  const v = (row: Row, changes: Row) => valuesOf(row, changes).map((value) => (value !== null && typeof value === 'object' && !(value instanceof Date) ? JSON.stringify(value) : value));
  return {
    async write() {
      const client = await pool.connect();
      const now = Date.now();
      try {
        await client.query('begin');
        const { txn_seq } = (await client.query('update tenants set txn_seq = txn_seq + 1 where id = $1 returning txn_seq', [t.tenantId])).rows[0] as { txn_seq: number };
        const methodId = (await client.query(sqls.method, v(t.method, { token: randomBytes(8).toString('hex'), created_at: now }))).rows[0].id as number;
        const txnId = (await client.query(sqls.transaction, v(t.transaction, { seq: txn_seq, payment_method_id: methodId, token: randomBytes(8).toString('hex'), created_at: now, captured_at: now })))
          .rows[0].id as number;
        await client.query(sqls.event, v(t.event, { object_id: txnId, created_at: now }));
        const entryId = (await client.query(sqls.entry, v(t.entry, { ref_id: txnId, created_at: now }))).rows[0].id as number;
        await client.query(
          sqls.lines,
          t.lines.flatMap((l) => v(l, { entry_id: entryId, transaction_id: txnId })),
        );
        await client.query('commit');
        return { id: Number(txnId), seq: Number(txn_seq) };
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

export default defineScenario({
  name: 'write floor: bare Fastify POST /floor, a sale’s rows by raw statements',
  backends: ['sqlite', 'postgres'],
  concurrencies: [1, 8, 50],
  floorRole: 'floor',
  async setup({ backend, services, storeOptions }) {
    if (!services || !storeOptions) throw new Error('this scenario needs a database');
    const templates = await saleRows(services);
    const app: FastifyInstance = Fastify({ logger: false });
    if (backend === 'sqlite') {
      const write = sqliteFloor(storeOptions.sqliteFile!, templates);
      app.post('/floor', async () => write());
    } else {
      const floor = postgresFloor(storeOptions, templates);
      app.post('/floor', () => floor.write());
      app.addHook('onClose', () => floor.close());
    }
    return { app, context: null };
  },
  request: () => ({ method: 'POST', path: '/floor', headers: { 'content-type': 'application/json' }, body: FLUIDPAY_SALE_BODY }),
});
