// Nothing is lost when the server dies between an event and its delivery: the delivery is in the
// database with the event (the outbox), and the restarted server sends it. The server runs as a
// child process (as `npm start` runs it) and kills itself right after the business commit (the
// test-only crash fault), before it answers and before its delivery loop has looked.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { dropSchema } from '../../src/store/scratch.ts';
import { TEST_DATABASE_URL } from '../helpers/store.ts';
import { startReceiver, type Receiver } from './helpers.ts';

const MAIN = resolve(import.meta.dirname, '../../src/cli/main.ts');
const ADMIN = 'webhook-crash-admin';
let dataDir: string;
let pgSchema: string | undefined;
let env: NodeJS.ProcessEnv;
let running: ChildProcess | undefined;
let receiver: Receiver;

before(async () => {
  receiver = await startReceiver();
  dataDir = mkdtempSync(join(tmpdir(), 'bursar-hook-crash-'));
  pgSchema = TEST_DATABASE_URL ? `bursar_hookcrash_${randomBytes(6).toString('hex')}` : undefined;
  env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    BURSAR_DATA_DIR: dataDir,
    BURSAR_ADMIN_TOKEN: ADMIN,
    BURSAR_SECRET_KEY: 'webhook-crash-secret-passphrase',
    BURSAR_ENABLE_CRASH_FAULT: '1',
    BURSAR_WEBHOOK_TIMEOUT_MS: '1000',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    NODE_COMPILE_CACHE: join(tmpdir(), 'bursar-cli-test-compile-cache'),
    ...(TEST_DATABASE_URL && pgSchema ? { DATABASE_URL: TEST_DATABASE_URL, BURSAR_PG_SCHEMA: pgSchema } : {}),
  };
});

after(async () => {
  if (running && running.exitCode === null) running.kill('SIGKILL');
  await receiver.close();
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

const exited = (child: ChildProcess) => new Promise<void>((done) => (child.exitCode !== null || child.signalCode !== null ? done() : child.once('exit', () => done())));

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

test('kill -9 after the commit of a sale, before its webhook went out: the restarted server delivers it, once', { timeout: 120_000 }, async () => {
  let { child, url } = await serve();
  await admin(url, 'POST', '/_admin/tenants', { name: 'Hook Crash', slug: 'hookcrash' });
  const key = (await admin(url, 'POST', '/_admin/tenants/hookcrash/credentials', { vendor: 'fluidpay' })).credential.secret as string;
  await admin(url, 'POST', '/_admin/tenants/hookcrash/webhooks', { format: 'fluidpay', url: `${receiver.url}/crash` });
  await admin(url, 'PUT', '/_admin/tenants/hookcrash/faults', { crash_after_commit: true });
  const sale = { type: 'sale', amount: 4321, idempotency_key: 'hook-crash-1', payment_method: { card: { number: '4111111111111111', expiration_date: '12/29' } } };
  const call = () => fetch(`${url}/fluidpay/api/transaction`, { method: 'POST', headers: { authorization: key, 'content-type': 'application/json' }, body: JSON.stringify(sale) });
  await assert.rejects(call(), 'the server died before answering');
  await exited(child);

  ({ child, url } = await serve());
  const [hit] = (await receiver.waitFor((all) => all.some((r) => r.path === '/crash'), 20_000)).filter((r) => r.path === '/crash');
  const event = JSON.parse(hit.body);
  assert.equal(event.type, 'transaction_create');
  assert.equal(event.data.amount, 4321);

  // The retry with the same key answers the committed sale: no second transaction, no second event.
  await admin(url, 'PUT', '/_admin/tenants/hookcrash/faults', {});
  const retried = await call();
  assert.equal(retried.status, 200);
  assert.equal(((await retried.json()) as any).data.id, event.transaction_id);
  await new Promise((done) => setTimeout(done, 500));
  const crashHits = receiver.received.filter((r) => r.path === '/crash');
  assert.equal(new Set(crashHits.map((r) => r.headers['webhook-id'])).size, 1, 'one delivery for one event');
  child.kill('SIGTERM');
  await exited(child);
});
