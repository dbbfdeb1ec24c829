// The bursar CLI as a user runs it, in this process (test/cli/helpers.ts): one data folder (and,
// when BURSAR_TEST_DATABASE_URL is set, a fresh PostgreSQL schema), checking exit codes, stdout
// JSON and stderr; then `serve` twice on the same data, with HTTP calls against it in between.
// One real child process (serve-process.test.ts) covers what only a process shows.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FRONT_DOORS } from '../../src/vendors/index.ts';
import { TEST_DATABASE_URL } from '../helpers/store.ts';
import type { Json } from '../http/helpers.ts';
import { assertSnakeCase, openCli, runJson, type Cli } from './helpers.ts';

const VENDORS = ['chargeover', 'fluidpay', 'chargedesk', 'affinipay', 'invoiced'] as const;
const DAY_MS = 86_400_000;
const DEMO_CREDENTIALS = FRONT_DOORS.flatMap((door) => door.demo);

let cli: Cli;
before(() => {
  cli = openCli();
});
after(async () => cli.dispose());

const bursar = (...args: string[]) => cli.run(...args);

const json = (...args: string[]): Promise<Json> => runJson(cli, ...args);

describe('--help', () => {
  const cases: Array<[string[], string[]]> = [
    [[], ['serve', 'tenant', 'key', 'clock', 'verify', 'reset']],
    [['tenant'], ['create', 'list']],
    [['key'], ['create', 'list', 'revoke']],
    [['clock'], ['get', 'set', 'advance']],
    [['serve'], ['--json']],
    [['verify'], ['--tenant', '--json']],
    [['reset'], ['--tenant', '--json']],
    [
      ['key', 'create'],
      ['--vendor', '--tenant', '--kind', '--mode', '--label', '--json'],
    ],
    [
      ['clock', 'set'],
      ['--freeze', '--tenant', '--json'],
    ],
  ];

  test('every command and command group answers --help with exit 0 and lists its subcommands or options', async () => {
    const results: Array<{ code: number; stdout: string }> = [];
    for (const [command] of cases) results.push(await bursar(...command, '--help'));
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
    const unknown = await bursar('frobnicate');
    const badVendor = await bursar('key', 'create', '--vendor', 'stripe');
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /unknown command 'frobnicate'/);
    assert.notEqual(badVendor.code, 0);
    assert.match(badVendor.stderr, /argument 'stripe' is invalid/);
    for (const result of [unknown, badVendor]) assert.match(result.stderr, /^bursar: [^\n]+\n$/, 'one line');
  });

  test('--version and -V print the version', async () => {
    const { version } = JSON.parse((await import('node:fs')).readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    for (const flag of ['--version', '-V']) {
      const result = await bursar(flag);
      assert.equal(result.code, 0);
      assert.equal(result.stdout, `${version}\n`);
    }
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
    assert.deepEqual(
      list.map((c: { id: number }) => c.id).sort((a: number, b: number) => a - b),
      issued.map((c) => c.id).sort((a, b) => a - b),
    );
    const text = JSON.stringify(list);
    for (const credential of issued) {
      if (credential.kind !== 'key_pair') assert.ok(!text.includes(credential.secret), `${credential.vendor} secret is not listed`);
    }
    const onlyFluidPay = await json('key', 'list', '--tenant', 'cli-co', '--vendor', 'fluidpay', '--json');
    assert.deepEqual(
      onlyFluidPay.map((c: { id: number }) => c.id),
      [fluidPay.id],
    );

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
    assert.deepEqual(set, { now: target, iso: new Date(target).toISOString(), frozen: true, offset_ms: 0, ran: {} }, 'a move says what fell due on the way (nothing here)');

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
    const reset = await json('reset', '--tenant', 'cli-co', '--yes', '--json');
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
  const bases = { chargeover: '/chargeover/api/v3', fluidpay: '/fluidpay/api', chargedesk: '/chargedesk', affinipay: '/affinipay/v1', invoiced: '/invoiced' };
  /** The credential lines of the summary (indented secret lines), in order. */
  const credentialLines = (stdout: string) => stdout.split('\n').filter((line) => /^ {6}\S/.test(line));

  test('prints the truth: version, address, docs, admin token, each door (not-live ones marked) with credentials; a restart reuses them', async () => {
    const first = await bursar('serve');
    assert.equal(first.code, 0, first.stderr);
    const server = cli.servers[0];
    const url = /^Bursar \d+\.\d+\.\d+\S* listening on (http:\/\/127\.0\.0\.1:\d+) /m.exec(first.stdout)?.[1];
    assert.ok(url, first.stdout);
    assert.ok(!url.endsWith(':0'), 'the real port is printed');
    assert.match(first.stdout, /^ {2}on 127\.0\.0\.1 only \(loopback: set HOST=:: to listen on every address\)\n/m);
    assert.match(first.stdout, new RegExp(TEST_DATABASE_URL ? '\\(postgresql\\)' : `\\(sqlite \\(${cli.dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)\\)`));
    assert.match(first.stdout, new RegExp(`^Docs: +${url.replace(/\./g, '\\.')}/_docs `, 'm'));
    const token = /Authorization: Bearer (adm_\S+)\)/.exec(first.stdout)?.[1];
    assert.ok(token, first.stdout);
    assert.match(first.stdout, /Demo tenant "demo" created; credentials per front door:/);
    for (const [vendor, base] of Object.entries(bases)) {
      const live = true;
      assert.match(first.stdout, new RegExp(`^ {2}${vendor} +${url.replace(/\./g, '\\.')}${base}${live ? '' : ' +\\(not live yet: every path answers not found\\)'}$`, 'm'), vendor);
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
    const healthBody = (await health.json()) as Json;
    assert.equal(healthBody.status, 'ok');
    assert.equal(healthBody.database.kind, TEST_DATABASE_URL ? 'postgresql' : 'sqlite');
    const tenants = await fetch(`${url}/_admin/tenants`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(tenants.status, 200);
    const slugs = ((await tenants.json()) as { tenants: Array<{ slug: string }> }).tenants.map((t) => t.slug);
    assert.ok(slugs.includes('demo') && slugs.includes('cli-co'), 'the server sees the tenants the CLI created');
    const fluidPayKey = server.demo.credentials.find((c) => c.vendor === 'fluidpay' && c.label === 'api')?.secret as string;
    const sale = await fetch(`${url}/fluidpay/api/transaction`, {
      method: 'POST',
      headers: { authorization: fluidPayKey, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'sale', amount: 2500, payment_method: { card: { entry_type: 'keyed', number: '4242424242424242', expiration_date: '12/99' } } }),
    });
    assert.equal(sale.status, 200);

    // The journal lives in the server; the CLI reads and clears it over the admin API.
    const listed = await json('requests', '--tenant', 'demo', '--url', url, '--json');
    assert.deepEqual(
      listed.map((r: Json) => `${r.method} ${r.path} ${r.status}`),
      ['POST /fluidpay/api/transaction 200'],
    );
    assert.equal(listed[0].request.body.payment_method.card.number, '[redacted]');
    assertSnakeCase(listed, 'requests');
    const plain = await bursar('requests', 'list', '--tenant', 'demo', '--url', url);
    assert.match(plain.stdout, /^\S+ {2}fluidpay +demo {2}POST \/fluidpay\/api\/transaction → 200 [\d.]+ ms {2}req_\w+\n$/);
    assert.equal((await bursar('requests', 'clear', '--url', url)).code, 1, 'clear needs --tenant');
    assert.equal((await bursar('requests', 'clear', '--tenant', 'demo', '--url', url)).code, 0);
    assert.deepEqual(await json('requests', '--tenant', 'demo', '--url', url, '--json'), []);
    await server.close();
    const down = await bursar('requests', '--url', url);
    assert.equal(down.code, 1);
    assert.match(down.stderr, /^bursar: no Bursar server answers at http:\/\/127\.0\.0\.1:\d+: start one with `bursar serve`, or give its address with --url\n$/);

    // The CLI sees what the server wrote; reset wipes it; the next start reuses the demo tenant.
    const withSale = await json('verify', '--tenant', 'demo', '--json');
    assert.equal(withSale.ok, true);
    assert.equal(withSale.checked.transactions, 1);
    await json('reset', '--tenant', 'demo', '--yes', '--json');
    assert.equal((await json('verify', '--tenant', 'demo', '--json')).checked.transactions, 0);

    const second = await bursar('serve');
    assert.match(second.stdout, /Demo tenant "demo" reused; credentials per front door:/);
    assert.deepEqual(credentialLines(second.stdout), lines, 'the same credentials are printed again');
    assert.equal(/Authorization: Bearer (adm_\S+)\)/.exec(second.stdout)?.[1], token, 'the same admin token');
    await cli.servers[1].close();

    const summary = await json('serve', '--json');
    assertSnakeCase(summary, 'serve --json');
    assert.equal(summary.admin_token, token);
    assert.equal(summary.demo_tenant.slug, 'demo');
    assert.equal(summary.demo_tenant.created, false);
    assert.equal(summary.credentials.length, DEMO_CREDENTIALS.length);
    assert.deepEqual(summary.addresses, ['127.0.0.1']);
    assert.deepEqual(
      summary.doors.map((d: Json) => `${d.vendor}:${d.live}`),
      ['chargeover:true', 'fluidpay:true', 'chargedesk:true', 'affinipay:true', 'invoiced:true'],
    );
    assert.deepEqual([...new Set(summary.credentials.map((c: { vendor: string }) => c.vendor))].sort(), [...VENDORS].sort());
    assert.equal((await fetch(`${summary.url}/_health`)).status, 200);
  });
});
