// kill -9 in the middle of a large renewal run, then a restart: nothing billed twice, nothing
// skipped. `bursar clock advance` runs as a child process over thousands of subscriptions due the
// next day; once some renewals have committed it is killed; `bursar due run` then finishes the work.
// Each batch of renewals is one transaction, so what the kill cut short left nothing behind, and
// the (subscription, period start) unique index keeps what committed from being billed again.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { loadConfig } from '../../src/config.ts';
import { openServices } from '../../src/server.ts';
import { createTenant } from '../../src/core/tenants/tenants.ts';
import { setClock } from '../../src/core/clock/tenant-clock.ts';
import { verify } from '../../src/core/verify/verify.ts';
import { dropSchema } from '../../src/store/scratch.ts';
import { TEST_DATABASE_URL } from '../helpers/store.ts';
import { seedSubscriptions } from '../../src/store/seed-subscriptions.ts';

const MAIN = resolve(import.meta.dirname, '../../src/cli/main.ts');
const COUNT = 8000;
let dataDir: string;
let pgSchema: string | undefined;
let env: NodeJS.ProcessEnv;
let child: ChildProcess | undefined;

before(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'bursar-kill-run-'));
  pgSchema = TEST_DATABASE_URL ? `bursar_killrun_${randomBytes(6).toString('hex')}` : undefined;
  env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    BURSAR_DATA_DIR: dataDir,
    BURSAR_SECRET_KEY: 'kill-renewal-run-secret-key',
    LOG_LEVEL: 'silent',
    NODE_COMPILE_CACHE: join(tmpdir(), 'bursar-cli-test-compile-cache'),
    ...(TEST_DATABASE_URL && pgSchema ? { DATABASE_URL: TEST_DATABASE_URL, BURSAR_PG_SCHEMA: pgSchema } : {}),
  };
});

after(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  if (pgSchema && TEST_DATABASE_URL) await dropSchema(TEST_DATABASE_URL, pgSchema);
  rmSync(dataDir, { recursive: true, force: true });
});

function bursar(...args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; signal: string | null; output: string }> } {
  const proc = spawn(process.execPath, [MAIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  proc.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const done = new Promise<{ code: number | null; signal: string | null; output: string }>((resolvePromise) => proc.on('exit', (code, signal) => resolvePromise({ code, signal, output })));
  return { child: proc, done };
}

test('kill -9 during a large renewal run, then run again: every subscription billed once for the period', { timeout: 300_000 }, async () => {
  const { store, services } = await openServices({ ...loadConfig(env), logLevel: 'silent' });
  try {
    let tenant = await createTenant(services, { name: 'Killed mid-run', slug: 'killed' });
    tenant = await setClock(services, tenant, { to: '2031-02-01T12:00:00Z', freeze: true });
    await seedSubscriptions(services, tenant, COUNT, { nextBillDate: '2031-02-02' });
    const count = async (table: 'renewals' | 'invoices') => Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(services.db)).rows[0].n);

    const run = bursar('clock', 'advance', '1d', '--tenant', 'killed');
    child = run.child;
    let seen = 0;
    for (let i = 0; i < 3000 && seen < COUNT / 8; i++) {
      await new Promise((r) => setTimeout(r, 20));
      seen = await count('renewals');
      if (run.child.exitCode !== null) break;
    }
    run.child.kill('SIGKILL');
    const killed = await run.done;
    assert.equal(killed.signal, 'SIGKILL', `the run was still going when killed (it had finished: ${killed.output})`);
    const atKill = await count('renewals');
    assert.ok(atKill > 0 && atKill < COUNT, `killed in the middle: ${atKill} of ${COUNT} renewals committed`);

    // Restart: whatever is still due is billed; what committed is not billed again.
    const again = bursar('due', 'run', '--tenant', 'killed', '--json');
    const finished = await again.done;
    assert.equal(finished.code, 0, finished.output);
    const report = JSON.parse(finished.output) as { ran: Record<string, number> };
    assert.equal(report.ran.renewal, COUNT - atKill, 'the rest, and only the rest');

    assert.equal(await count('renewals'), COUNT);
    assert.equal(await count('invoices'), COUNT);
    const perSub = await services.db
      .selectFrom('renewals')
      .select(['subscription_id', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('subscription_id')
      .having((eb) => eb.fn.countAll(), '>', 1)
      .execute();
    assert.deepEqual(perSub, [], 'no subscription billed twice');
    const charges = await services.db
      .selectFrom('transactions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('subscription_id', 'is not', null)
      .executeTakeFirstOrThrow();
    assert.equal(Number(charges.n), COUNT);
    const pending = await services.db.selectFrom('subscriptions').select('id').where('next_bill_date', '<=', '2031-02-02').execute();
    assert.deepEqual(pending, [], 'none left behind');
    assert.equal((await verify(services, tenant.id)).violation, null);
  } finally {
    await store.close();
  }
});
