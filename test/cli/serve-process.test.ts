// `bursar serve` as a real process (the only CLI test that spawns; the rest run in-process): the
// loopback default, the data folder kept private, and a clean exit on SIGTERM.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve(import.meta.dirname, '../../bin/bursar.js');
const parent = mkdtempSync(join(tmpdir(), 'bursar-serve-'));
after(() => rmSync(parent, { recursive: true, force: true }));

test('serve on the loopback default: the banner names the addresses, both answer, the data folder is private, SIGTERM exits 0', async () => {
  const dataDir = join(parent, 'data'); // does not exist yet: serve creates it
  const child = spawn(process.execPath, [BIN, 'serve', '--json'], {
    // HOST unset: the default. Always SQLite here: the folder's files are what this test checks.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, BURSAR_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
  try {
    const summary = await new Promise<any>((resolveSummary, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start: ${stdout}${stderr}`)), 20_000);
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        try {
          const parsed = JSON.parse(stdout);
          clearTimeout(timer);
          resolveSummary(parsed);
        } catch {
          // not complete yet
        }
      });
      void exited.then((code) => reject(new Error(`serve exited with ${code}: ${stdout}${stderr}`)));
    });
    const port = new URL(summary.url).port;
    assert.match(summary.url, /^http:\/\/localhost:\d+$/);
    assert.ok(summary.addresses.includes('127.0.0.1'), summary.addresses);
    for (const address of summary.addresses) assert.ok(address === '127.0.0.1' || address === '::1', `loopback only: ${address}`);
    for (const address of summary.addresses) {
      const host = address.includes(':') ? `[${address}]` : address;
      const health = await fetch(`http://${host}:${port}/_health`);
      assert.equal(health.status, 200, address);
    }
    const root = (await (await fetch(`http://127.0.0.1:${port}/`)).json()) as any;
    assert.equal(root.version, summary.version);

    assert.equal(statSync(dataDir).mode & 0o777, 0o700, 'the data folder is private');
    const files = readdirSync(dataDir);
    assert.ok(files.includes('bursar.sqlite') && files.includes('secret.key'), files.join(' '));
    for (const file of files) assert.equal(statSync(join(dataDir, file)).mode & 0o777, 0o600, `${file} is private`);
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0, `SIGTERM stops the server cleanly: ${stderr}`);
});
