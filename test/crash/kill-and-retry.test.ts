// A crash between the commit of a payment and its answer, then a retry with the same idempotency
// key: the retry answers the payment that committed and never charges again. The server runs as a
// child process (as `npm start` runs it); a test-only fault makes it SIGKILL itself right after the
// commit, before a byte of the answer is written; then it is started again on the same database.
import { dropSchema } from '../../src/store/scratch.ts';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { TEST_DATABASE_URL } from '../helpers/store.ts';

const MAIN = resolve(import.meta.dirname, '../../src/cli/main.ts');
const ADMIN = 'crash-test-admin-token';
let dataDir: string;
let pgSchema: string | undefined;
let env: NodeJS.ProcessEnv;
let running: ChildProcess | undefined;

before(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'bursar-crash-'));
  pgSchema = TEST_DATABASE_URL ? `bursar_crash_${randomBytes(6).toString('hex')}` : undefined;
  env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    BURSAR_DATA_DIR: dataDir,
    BURSAR_ADMIN_TOKEN: ADMIN,
    BURSAR_SECRET_KEY: 'crash-test-secret-key-passphrase',
    BURSAR_ENABLE_CRASH_FAULT: '1',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    NODE_COMPILE_CACHE: join(tmpdir(), 'bursar-cli-test-compile-cache'),
    ...(TEST_DATABASE_URL && pgSchema ? { DATABASE_URL: TEST_DATABASE_URL, BURSAR_PG_SCHEMA: pgSchema } : {}),
  };
});

after(async () => {
  if (running && running.exitCode === null) running.kill('SIGKILL');
  if (pgSchema && TEST_DATABASE_URL) await dropSchema(TEST_DATABASE_URL, pgSchema);
  rmSync(dataDir, { recursive: true, force: true });
});

function serve(): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [MAIN, 'serve', '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    running = child;
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${stdout}${stderr}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      try {
        const summary = JSON.parse(stdout) as { url: string };
        clearTimeout(timer);
        resolvePromise({ child, url: summary.url });
      } catch {
        // not complete yet
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${stdout}${stderr}`));
    });
  });
}

const exited = (child: ChildProcess) => new Promise<void>((resolvePromise) => (child.exitCode !== null || child.signalCode !== null ? resolvePromise() : child.once('exit', () => resolvePromise())));

async function admin(url: string, method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  assert.ok(response.status < 300, `${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function call(url: string, path: string, auth: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any } | { crashed: true }> {
  try {
    const response = await fetch(url + path, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: response.status, body: JSON.parse(await response.text()) };
  } catch {
    return { crashed: true };
  }
}

test('kill -9 between commit and answer, restart, retry with the same key: the same transaction, charged once', { timeout: 120_000 }, async () => {
  let { child, url } = await serve();
  await admin(url, 'POST', '/_admin/tenants', { name: 'Crash Co', slug: 'crash' });
  const fluidpay = (await admin(url, 'POST', '/_admin/tenants/crash/credentials', { vendor: 'fluidpay' })).credential.secret as string;
  const chargeover = (await admin(url, 'POST', '/_admin/tenants/crash/credentials', { vendor: 'chargeover' })).credential;
  const coAuth = `Basic ${Buffer.from(`${chargeover.public_id}:${chargeover.secret}`).toString('base64')}`;

  // A ChargeOver invoice to pay, created before the fault is on.
  const co = (path: string, body: unknown, headers?: Record<string, string>) => call(url, `/chargeover/api/v3${path}`, coAuth, body, headers);
  const customer = (await co('/customer', { company: 'Crash Customer' })) as { body: any };
  const item = (await co('/item', { name: 'Thing', type: 'service', pricemodel: { base: 10 } })) as { body: any };
  const invoice = (await co('/invoice', { customer_id: customer.body.response.id, line_items: [{ item_id: item.body.response.id, line_rate: 42, line_quantity: 1 }] })) as { body: any };
  const invoiceId = invoice.body.response.id as number;

  const sale = { type: 'sale', amount: 1234, idempotency_key: 'crash-sale-1', payment_method: { card: { number: '4111111111111111', expiration_date: '12/29' } } };
  const pay = { number: '4111111111111111', expdate_month: 12, expdate_year: 2099 };
  await admin(url, 'PUT', '/_admin/tenants/crash/faults', { crash_after_commit: true });

  // Both writes commit, then the process dies before answering.
  assert.deepEqual(await call(url, '/fluidpay/api/transaction', fluidpay, sale), { crashed: true });
  await exited(child);
  ({ child, url } = await serve());
  assert.deepEqual(await call(url, `/chargeover/api/v3/invoice/${invoiceId}?action=pay`, coAuth, pay, { 'idempotency-key': 'crash-pay-1' }), { crashed: true });
  await exited(child);

  ({ child, url } = await serve());
  await admin(url, 'PUT', '/_admin/tenants/crash/faults', {});
  const retried = (await call(url, '/fluidpay/api/transaction', fluidpay, sale)) as { status: number; body: any };
  assert.equal(retried.status, 200);
  assert.equal(retried.body.data.amount, 1234);
  const again = (await call(url, '/fluidpay/api/transaction', fluidpay, sale)) as { status: number; body: any };
  assert.deepEqual(again.body, retried.body, 'later retries answer the same');
  const payRetry = (await call(url, `/chargeover/api/v3/invoice/${invoiceId}?action=pay`, coAuth, pay, { 'idempotency-key': 'crash-pay-1' })) as { status: number; body: any };
  assert.equal(payRetry.status, 200, JSON.stringify(payRetry.body));

  // One sale of 12.34 and one charge of 42.00, nothing more; the ledger holds.
  const events = await admin(url, 'GET', '/_admin/tenants/crash/events?type=transaction.captured&limit=1000');
  assert.deepEqual(events.events.map((e: any) => e.data.amount).sort(), [1234, 4200]);
  const report = await admin(url, 'GET', '/_admin/verify?tenant=crash');
  assert.equal(report.ok, true);
  child.kill('SIGTERM');
  await exited(child);
});
