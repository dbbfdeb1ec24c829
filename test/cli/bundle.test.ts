// The start-up bundle (src/cli/bundle.ts) in a copy of the checkout: it is built, found current,
// found stale once a source changes and rebuilt, and the bundled server answers like the sources
// (its version, the repository files /_docs serves, a FluidPay sale with the printed demo key).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildBundle, currentBundle, startupBundle } from '../../src/cli/bundle.ts';

const REPO = resolve(import.meta.dirname, '../..');
const root = mkdtempSync(join(tmpdir(), 'bursar-bundle-'));
for (const item of ['package.json', 'README.md', 'src']) cpSync(join(REPO, item), join(root, item), { recursive: true });
symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
after(() => rmSync(root, { recursive: true, force: true }));

async function serveBundle(file: string, dataDir: string): Promise<{ summary: any; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [file, 'serve', '--json'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, BURSAR_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
  const summary = await new Promise<any>((resolveSummary, reject) => {
    const timer = setTimeout(() => reject(new Error(`the bundle did not start: ${stdout}${stderr}`)), 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      try {
        resolveSummary(JSON.parse(stdout));
        clearTimeout(timer);
      } catch {
        // not complete yet
      }
    });
    void exited.then((code) => reject(new Error(`the bundle exited with ${code}: ${stdout}${stderr}`)));
  });
  return {
    summary,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

test('a built bundle is current until a source changes, then a start rebuilds it; BURSAR_BUNDLE=0 runs the sources', async () => {
  assert.equal(currentBundle(root), undefined, 'nothing built yet');
  const file = await buildBundle(root);
  assert.ok(existsSync(file) && file.startsWith(join(root, '.tmp', 'bundle')), file);
  assert.equal(currentBundle(root), file);
  assert.equal(await startupBundle(root, { BURSAR_BUNDLE: '0' }), undefined);

  const later = new Date(Date.now() + 5_000);
  utimesSync(join(root, 'src/core/money/currencies.ts'), later, later);
  assert.equal(currentBundle(root), undefined, 'an edited source makes the bundle stale');
  const rebuilt = await startupBundle(root, {});
  assert.ok(rebuilt && !rebuilt.endsWith(file), `a new build under a new key: ${rebuilt}`);
  assert.equal(currentBundle(root) && `file://${currentBundle(root)}`, rebuilt);
  assert.ok(existsSync(file), 'the previous build stays a minute for starts that already chose it');
});

test('the bundled server answers as the sources do: version, repository files, a FluidPay sale', async () => {
  const file = currentBundle(root) ?? (await buildBundle(root));
  const dataDir = join(root, 'data');
  const { summary, stop } = await serveBundle(file, dataDir);
  try {
    const health = (await (await fetch(`${summary.url}/_health`)).json()) as any;
    assert.equal(health.version, JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version);
    const readme = await fetch(`${summary.url}/_docs/files/README.md`);
    assert.equal(readme.status, 200);
    assert.equal(await readme.text(), readFileSync(join(root, 'README.md'), 'utf8'));

    const fluidpay = summary.credentials.find((c: any) => c.vendor === 'fluidpay' && c.label === 'api' && c.mode === 'test');
    assert.ok(fluidpay, JSON.stringify(summary.credentials));
    const sale = await fetch(`${summary.url}/fluidpay/api/transaction`, {
      method: 'POST',
      headers: { authorization: fluidpay.secret, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'sale', amount: 1234, payment_method: { card: { number: '4111111111111111', expiration_date: '12/30', cvc: '123' } } }),
    });
    const body = (await sale.json()) as any;
    assert.equal(sale.status, 200, JSON.stringify(body));
    assert.equal(body.data.amount, 1234);
    assert.equal(body.data.status, 'pending_settlement');
  } finally {
    assert.equal(await stop(), 0);
  }
});
