// The bursar CLI as a user runs it: a child process per command over one data folder (and, when
// BURSAR_TEST_DATABASE_URL is set, a fresh PostgreSQL schema), checking exit codes, stdout JSON and
// stderr; then `serve` twice on the same data, with HTTP calls against it in between.
import { after, before, describe, test } from 'node:test';
import { FRONT_DOORS } from '../../src/vendors/index.ts';

const DEMO_CREDENTIALS = FRONT_DOORS.flatMap((door) => door.demo);
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { TEST_DATABASE_URL } from '../helpers/store.ts';
import type { Json } from '../http/helpers.ts';

const MAIN = resolve(import.meta.dirname, '../../src/cli/main.ts');
const VENDORS = ['chargeover', 'fluidpay', 'chargedesk', 'affinipay', 'invoiced'] as const;
const DAY_MS = 86_400_000;

let dataDir: string;
let pgSchema: string | undefined;
let env: NodeJS.ProcessEnv;

before(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'bursar-cli-'));
  pgSchema = TEST_DATABASE_URL ? `bursar_cli_${randomBytes(6).toString('hex')}` : undefined;
  env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('PG'))),
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    BURSAR_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    // Each command is a fresh Node process; the compile cache makes the second and later ones start fast.
    NODE_COMPILE_CACHE: join(tmpdir(), 'bursar-cli-test-compile-cache'),
    ...(TEST_DATABASE_URL && pgSchema ? { DATABASE_URL: TEST_DATABASE_URL, BURSAR_PG_SCHEMA: pgSchema } : {}),
  };
});

after(async () => {
  if (pgSchema && TEST_DATABASE_URL) {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(`drop schema if exists ${pgSchema} cascade`);
    await client.end();
  }
  rmSync(dataDir, { recursive: true, force: true });
});

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs one command. Commands that open the database run one at a time: two processes opening the
 * same SQLite file at once can fail with "database is locked" (see the report on sqlite-dialect.ts).
 */
function bursar(...args: string[]): Promise<Result> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** Runs a command that must succeed and print JSON. */
async function json(...args: string[]): Promise<Json> {
  const result = await bursar(...args);
  assert.equal(result.code, 0, `bursar ${args.join(' ')} failed: ${result.stderr}${result.stdout}`);
  try {
    return JSON.parse(result.stdout);
  } catch {
    assert.fail(`bursar ${args.join(' ')} did not print JSON: ${result.stdout}`);
  }
}

describe('--help', () => {
  const cases: Array<[string[], string[]]> = [
    [[], ['serve', 'tenant', 'key', 'clock', 'verify', 'reset']],
    [['tenant'], ['create', 'list']],
    [['key'], ['create', 'list', 'revoke']],
    [['clock'], ['get', 'set', 'advance']],
    [['serve'], ['--json']],
    [['verify'], ['--tenant', '--json']],
    [['reset'], ['--tenant', '--json']],
    [['key', 'create'], ['--vendor', '--tenant', '--kind', '--mode', '--label', '--json']],
    [['clock', 'set'], ['--freeze', '--tenant', '--json']],
  ];

  test('every command and command group answers --help with exit 0 and lists its subcommands or options', async () => {
    const results = await Promise.all(cases.map(([command]) => bursar(...command, '--help')));
    cases.forEach(([command, words], index) => {
      const { code, stdout } = results[index];
      assert.equal(code, 0, `bursar ${command.join(' ')} --help`);
      assert.match(stdout, new RegExp(`^Usage: bursar${command.length ? ` ${command.join(' ')}` : ''} `), stdout);
      for (const word of words) {
        const pattern = word.startsWith('--') ? new RegExp(`${word}\\b`) : new RegExp(`^\\s+${word}\\b`, 'm');
        assert.match(stdout, pattern, `bursar ${command.join(' ')} --help lists ${word}`);
      }
    });
  });

  test('an unknown command or a bad option exits non-zero with a message on stderr', async () => {
    const [unknown, badVendor] = await Promise.all([bursar('frobnicate'), bursar('key', 'create', '--vendor', 'stripe')]);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /unknown command 'frobnicate'/);
    assert.notEqual(badVendor.code, 0);
    assert.match(badVendor.stderr, /argument 'stripe' is invalid/);
  });
});

describe('operator commands', () => {
  test('tenant create and list', async () => {
    const created = await json('tenant', 'create', 'CLI Co', '--slug', 'cli-co', '--json');
    assert.equal(created.slug, 'cli-co');
    assert.equal(created.name, 'CLI Co');
    assert.equal(created.is_test, true);
    assert.equal(created.clock.offset_ms, 0);

    const live = await json('tenant', 'create', 'Live Shop', '--live', '--json');
    const duplicate = await bursar('tenant', 'create', 'CLI Co again', '--slug', 'cli-co', '--json');
    const plain = await bursar('tenant', 'create', 'Plain Output');
    assert.equal(live.slug, 'live-shop');
    assert.equal(live.is_test, false);
    assert.equal(duplicate.code, 1);
    assert.equal(duplicate.stdout, '');
    assert.match(duplicate.stderr, /^bursar: a tenant with slug cli-co already exists\n$/);
    assert.equal(plain.code, 0);
    assert.match(plain.stdout, /^created tenant \d+ \(plain-output\)\n$/);

    const list = await json('tenant', 'list', '--json');
    assert.ok(Array.isArray(list));
    const bySlug = new Map<string, Json>(list.map((t: Json) => [t.slug, t]));
    assert.equal(bySlug.get('cli-co')?.id, created.id);
    assert.equal(bySlug.get('live-shop')?.is_test, false);
    assert.ok(bySlug.has('plain-output'));
    assert.ok(!list.some((t: { name: string }) => t.name === 'CLI Co again'));
  });

  test('key create, list and revoke per vendor', async () => {
    const issued: Json[] = [];
    for (const vendor of VENDORS) issued.push(await json('key', 'create', '--tenant', 'cli-co', '--vendor', vendor, '--json'));
    issued.forEach((credential, index) => {
      assert.equal(credential.vendor, VENDORS[index]);
      assert.equal(credential.mode, 'test');
      assert.equal(typeof credential.id, 'number');
      assert.equal(typeof credential.secret, 'string');
      assert.ok(credential.secret.length >= 20);
      assert.equal(credential.kind, VENDORS[index] === 'chargeover' ? 'key_pair' : 'api_key');
    });
    const fluidPay = issued[1];
    assert.match(fluidPay.secret, /^api_/);

    const list = await json('key', 'list', '--tenant', 'cli-co', '--json');
    assert.deepEqual(list.map((c: { id: number }) => c.id).sort((a: number, b: number) => a - b), issued.map((c) => c.id).sort((a, b) => a - b));
    const text = JSON.stringify(list);
    for (const credential of issued) {
      if (credential.kind !== 'key_pair') assert.ok(!text.includes(credential.secret), `${credential.vendor} secret is not listed`);
    }
    const onlyFluidPay = await json('key', 'list', '--tenant', 'cli-co', '--vendor', 'fluidpay', '--json');
    assert.deepEqual(onlyFluidPay.map((c: { id: number }) => c.id), [fluidPay.id]);

    const revoked = await json('key', 'revoke', String(fluidPay.id), '--tenant', 'cli-co', '--json');
    assert.deepEqual(revoked, { revoked: fluidPay.id });
    const afterRevoke = await json('key', 'list', '--tenant', 'cli-co', '--json');
    const again = await bursar('key', 'revoke', String(fluidPay.id), '--tenant', 'cli-co');
    const plainList = await bursar('key', 'list', '--tenant', 'cli-co', '--vendor', 'fluidpay');
    for (const credential of afterRevoke) {
      if (credential.id === fluidPay.id) assert.equal(typeof credential.revoked_at, 'number');
      else assert.equal(credential.revoked_at, null);
    }
    assert.equal(again.code, 1);
    assert.match(again.stderr, new RegExp(`credential ${fluidPay.id} not found`));
    assert.equal(plainList.code, 0);
    assert.match(plainList.stdout, new RegExp(`^${fluidPay.id}\\tfluidpay\\tapi_key\\ttest\\t.*\\trevoked\\n$`));

    const unknownTenant = await bursar('key', 'list', '--tenant', 'no-such-tenant', '--json');
    assert.equal(unknownTenant.code, 1);
    assert.match(unknownTenant.stderr, /tenant no-such-tenant not found/);
  });

  test('clock get, set and advance; setting it backwards exits 1 and leaves it unchanged', async () => {
    const start = await json('clock', 'get', '--tenant', 'cli-co', '--json');
    assert.equal(start.frozen, false);
    assert.ok(Math.abs(start.now - Date.now()) < 60_000);

    const target = Math.floor((Date.now() + 20 * DAY_MS) / DAY_MS) * DAY_MS + DAY_MS / 2;
    const set = await json('clock', 'set', new Date(target).toISOString(), '--freeze', '--tenant', 'cli-co', '--json');
    assert.deepEqual(set, { now: target, iso: new Date(target).toISOString(), frozen: true, offset_ms: 0 });

    const advanced = await json('clock', 'advance', '3d', '--tenant', 'cli-co', '--json');
    assert.equal(advanced.now, target + 3 * DAY_MS);
    assert.equal(advanced.frozen, true);
    const byMs = await bursar('clock', 'advance', '90000', '--tenant', 'cli-co');
    assert.equal(byMs.code, 0);
    assert.equal(byMs.stdout, `${new Date(target + 3 * DAY_MS + 90_000).toISOString()} (frozen)\n`);

    const backwards = await bursar('clock', 'set', '2001-01-01T00:00:00Z', '--tenant', 'cli-co', '--json');
    const badDuration = await bursar('clock', 'advance', 'soon', '--tenant', 'cli-co');
    const liveClock = await bursar('clock', 'advance', '1d', '--tenant', 'live-shop');
    assert.equal(backwards.code, 1);
    assert.equal(backwards.stdout, '');
    assert.match(backwards.stderr, /^bursar: the clock only moves forward/);
    assert.equal(badDuration.code, 1);
    assert.match(badDuration.stderr, /not a duration: soon/);
    assert.equal(liveClock.code, 1);
    assert.match(liveClock.stderr, /only a test tenant/);

    const unchanged = await json('clock', 'get', '--tenant', 'cli-co', '--json');
    assert.deepEqual(unchanged, { now: target + 3 * DAY_MS + 90_000, iso: new Date(target + 3 * DAY_MS + 90_000).toISOString(), frozen: true, offset_ms: 0 });
  });

  test('verify --json exits 0 with ok:true and counts', async () => {
    const report = await json('verify', '--json');
    assert.equal(report.ok, true);
    assert.equal(report.violation, null);
    assert.deepEqual(Object.keys(report.checked).sort(), ['allocations', 'customer_credit', 'invoice_payments', 'invoices', 'ledger_entries', 'settlement_batches', 'transactions']);
    const plain = await bursar('verify', '--tenant', 'cli-co');
    assert.equal(plain.code, 0);
    assert.match(plain.stdout, /^ok: \d+ ledger_entries, /);
  });

  test('reset puts a test tenant’s clock back and keeps its keys; a live tenant cannot be reset', async () => {
    const reset = await json('reset', '--tenant', 'cli-co', '--json');
    assert.equal(reset.slug, 'cli-co');
    assert.equal(reset.clock.frozen, false);
    assert.equal(reset.clock.offset_ms, 0);
    assert.ok(Math.abs(reset.clock.now - Date.now()) < 60_000);
    const keys = await json('key', 'list', '--tenant', 'cli-co', '--json');
    const live = await bursar('reset', '--tenant', 'live-shop');
    assert.equal(keys.length, VENDORS.length);
    assert.equal(live.code, 1);
    assert.match(live.stderr, /^bursar: only a test tenant can be reset\n$/);
  });
});

describe('serve', () => {
  let child: ChildProcess | undefined;

  after(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  /** Starts `bursar serve` and resolves with everything it printed once the summary is complete. */
  function serve(...args: string[]): Promise<{ process: ChildProcess; stdout: string }> {
    return new Promise((resolvePromise, reject) => {
      const started = spawn(process.execPath, [MAIN, 'serve', ...args], { env: { ...env, PORT: '0', HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      child = started;
      let stdout = '';
      let stderr = '';
      const timer = setTimeout(() => {
        started.kill('SIGKILL');
        reject(new Error(`serve did not start: ${stdout}${stderr}`));
      }, 20_000);
      const done = () => {
        clearTimeout(timer);
        resolvePromise({ process: started, stdout });
      };
      started.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        if (args.includes('--json')) {
          try {
            JSON.parse(stdout);
            done();
          } catch {
            // not complete yet
          }
        } else if (/^ {2}invoiced .*\n.*\n/m.test(stdout)) done();
      });
      started.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      started.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`serve exited with ${code}: ${stdout}${stderr}`));
      });
    });
  }

  function stop(running: ChildProcess): Promise<number | null> {
    return new Promise((resolvePromise) => {
      running.removeAllListeners('exit');
      running.once('exit', (code) => resolvePromise(code));
      running.kill('SIGTERM');
    });
  }

  /** The credential lines of the summary (indented secret lines), in order. */
  const credentialLines = (stdout: string) => stdout.split('\n').filter((line) => /^ {6}\S/.test(line));

  test('starts, prints the admin token and demo credentials for all five doors, answers HTTP; a restart reuses them', async () => {
    const first = await serve();
    const url = /^Bursar listening on (http:\/\/127\.0\.0\.1:\d+) /m.exec(first.stdout)?.[1];
    assert.ok(url, first.stdout);
    assert.ok(!url.endsWith(':0'), 'the real port is printed');
    assert.match(first.stdout, new RegExp(TEST_DATABASE_URL ? '\\(postgresql\\)' : `\\(sqlite \\(${dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)\\)`));
    const token = /Authorization: Bearer (adm_\S+)\)/.exec(first.stdout)?.[1];
    assert.ok(token, first.stdout);
    assert.match(first.stdout, /Demo tenant "demo" created; credentials per front door:/);
    const bases = { chargeover: '/chargeover/api/v3', fluidpay: '/fluidpay/api', chargedesk: '/chargedesk', affinipay: '/affinipay/v1', invoiced: '/invoiced' };
    for (const [vendor, base] of Object.entries(bases)) {
      assert.match(first.stdout, new RegExp(`^ {2}${vendor} +${url.replace(/\./g, '\\.')}${base}$`, 'm'), vendor);
    }
    const lines = credentialLines(first.stdout);
    assert.equal(lines.length, DEMO_CREDENTIALS.length, lines.join('\n'));
    assert.match(first.stdout, /api_key \(suite\) +api_0wUsHIlrkK1I6ADno5MfT10UjhR/);
    assert.match(first.stdout, /password \(user\) +demo \/ demo-password-1/);
    assert.match(first.stdout, /key_pair \(demo\) +[a-z0-9]{32} \/ [a-z0-9]{32}/);
    assert.match(first.stdout, /api_key \(secret, live\) +m_live_sk_\w+/);
    assert.ok(!first.stdout.includes('(hidden)'), 'every demo secret is shown');

    const health = await fetch(`${url}/_health`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const tenants = await fetch(`${url}/_admin/tenants`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(tenants.status, 200);
    const slugs = ((await tenants.json()) as { tenants: Array<{ slug: string }> }).tenants.map((t) => t.slug);
    assert.ok(slugs.includes('demo') && slugs.includes('cli-co'), 'the server sees the tenants the CLI created');
    assert.equal((await fetch(`${url}/_admin/tenants`, { headers: { authorization: 'Bearer wrong' } })).status, 401);
    const sale = await fetch(`${url}/_admin/tenants/demo/payments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ amount: 2500, currency: 'USD', card: { number: '4242424242424242', exp_month: 12, exp_year: 2099 } }),
    });
    assert.equal(sale.status, 201);
    assert.equal(await stop(first.process), 0, 'SIGTERM stops the server cleanly');

    // The CLI sees what the server wrote; reset wipes it; the next start reuses the demo tenant.
    const withSale = await json('verify', '--tenant', 'demo', '--json');
    assert.equal(withSale.ok, true);
    assert.equal(withSale.checked.transactions, 1);
    await json('reset', '--tenant', 'demo', '--json');
    assert.equal((await json('verify', '--tenant', 'demo', '--json')).checked.transactions, 0);

    const second = await serve();
    assert.match(second.stdout, /Demo tenant "demo" reused; credentials per front door:/);
    assert.deepEqual(credentialLines(second.stdout), lines, 'the same credentials are printed again');
    assert.equal(/Authorization: Bearer (adm_\S+)\)/.exec(second.stdout)?.[1], token, 'the same admin token');
    const secondUrl = /^Bursar listening on (http:\/\/127\.0\.0\.1:\d+) /m.exec(second.stdout)?.[1];
    assert.ok(secondUrl);
    assert.equal((await fetch(`${secondUrl}/_health`)).status, 200);
    const events = await fetch(`${secondUrl}/_admin/tenants/demo/events`, { headers: { authorization: `Bearer ${token}` } });
    assert.deepEqual(await events.json(), { events: [] });
    assert.equal(await stop(second.process), 0);

    const summary = await serve('--json');
    const parsed = JSON.parse(summary.stdout);
    assert.equal(parsed.admin_token, token);
    assert.equal(parsed.demo_tenant.slug, 'demo');
    assert.equal(parsed.demo_tenant.created, false);
    assert.equal(parsed.credentials.length, DEMO_CREDENTIALS.length);
    assert.deepEqual([...new Set(parsed.credentials.map((c: { vendor: string }) => c.vendor))].sort(), [...VENDORS].sort());
    assert.equal((await fetch(`${parsed.url}/_health`)).status, 200);
    assert.equal(await stop(summary.process), 0);
  });
});
