// Every start-up failure an operator can cause is one line on stderr saying what is wrong and what
// to do, with exit code 1: real child processes, as an operator runs them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { runCli } from '../../src/cli/program.ts';

const BIN = resolve(import.meta.dirname, '../../bin/bursar.js');
let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'bursar-startup-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function bursar(env: Record<string, string>, args: string[] = ['serve'], node = process.execPath, path = process.env.PATH): Promise<Run> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(node, [BIN, ...args], { env: { PATH: path, HOME: process.env.HOME, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
  });
}

function assertOneLine(run: Run, pattern: RegExp): void {
  assert.equal(run.code, 1, `exit code: ${run.stderr}${run.stdout}`);
  assert.match(run.stderr, /^bursar: [^\n]+\n$/, `one line: ${run.stderr}`);
  assert.match(run.stderr, pattern);
  assert.doesNotMatch(run.stderr, /\bat .+:\d+:\d+|node_modules|ERR_OSSL|Error:/);
}

test('an unsupported database URL is refused', async () => {
  const run = await bursar({ BURSAR_DATA_DIR: join(dir, 'mysql'), DATABASE_URL: 'mysql://root:hunter2@127.0.0.1:3306/bursar' });
  assertOneLine(
    run,
    /^bursar: DATABASE_URL mysql:\/\/… is not supported: Bursar runs on PostgreSQL \(postgres:\/\/user@host:5432\/db\), or on SQLite in BURSAR_DATA_DIR when DATABASE_URL is unset\n$/,
  );
  assert.doesNotMatch(run.stderr, /hunter2/);
});

test('an unreachable PostgreSQL is retried for BURSAR_DB_WAIT_SECONDS, then named', async () => {
  const started = Date.now();
  const run = await bursar({ BURSAR_DATA_DIR: join(dir, 'pg'), DATABASE_URL: 'postgres://postgres:hunter2@127.0.0.1:1/bursar', BURSAR_DB_WAIT_SECONDS: '1' });
  assertOneLine(run, /^bursar: cannot reach PostgreSQL at 127\.0\.0\.1:1 \(ECONNREFUSED\) after \d+ attempts? in 1 s: start it, or fix DATABASE_URL/);
  assert.ok(Date.now() - started >= 1000, 'it waited');
  assert.doesNotMatch(run.stderr, /hunter2/);
});

test('a BURSAR_SECRET_KEY other than the database’s is named, not an OpenSSL error', async () => {
  const dataDir = join(dir, 'keys');
  const quiet = {
    env: { BURSAR_DATA_DIR: dataDir, BURSAR_SECRET_KEY: 'the first key' },
    isTTY: false,
    out: () => undefined,
    err: () => undefined,
    confirm: async () => false,
    served: () => undefined,
  };
  assert.equal(await runCli(['tenant', 'create', 'Keyed', '--slug', 'keyed'], quiet), 0);
  assert.equal(await runCli(['key', 'create', '--tenant', 'keyed', '--vendor', 'chargeover'], quiet), 0);
  const run = await bursar({ BURSAR_DATA_DIR: dataDir, BURSAR_SECRET_KEY: 'another key' });
  assertOneLine(run, /^bursar: BURSAR_SECRET_KEY is not the key this database was first started with \(its secrets do not open\): set that key again/);
  const list = await bursar({ BURSAR_DATA_DIR: dataDir, BURSAR_SECRET_KEY: 'another key' }, ['tenant', 'list']);
  assertOneLine(list, /^bursar: BURSAR_SECRET_KEY is not the key/);
});

test('a port in use is named with the setting to change', async () => {
  const blocker: Server = createServer();
  await new Promise<void>((ready) => blocker.listen(0, '127.0.0.1', ready));
  try {
    const port = (blocker.address() as { port: number }).port;
    const run = await bursar({ BURSAR_DATA_DIR: join(dir, 'port'), PORT: String(port) });
    assertOneLine(run, new RegExp(`^bursar: port ${port} is already in use on 127\\.0\\.0\\.1 \\(another Bursar, or another program\\): stop it, or set PORT to a free port\\n$`));
  } finally {
    blocker.close();
  }
});

test('a data folder that cannot be written is named with what to do', async () => {
  const file = join(dir, 'not-a-folder');
  writeFileSync(file, 'x');
  const run = await bursar({ BURSAR_DATA_DIR: join(file, 'data') });
  assertOneLine(run, /^bursar: the data folder .*not-a-folder\/data is not writable \(ENOTDIR\): choose another folder with BURSAR_DATA_DIR, or give \S+ \S+ write access to it\n$/);
});

// npm scripts put node_modules/.bin (with Node 24) first on PATH; the machine's own Node is what is left.
const machinePath = (process.env.PATH ?? '')
  .split(delimiter)
  .filter((d) => !d.includes('node_modules'))
  .join(delimiter);
let machineNode: { path: string; major: number } | undefined;
try {
  const path = execFileSync('sh', ['-c', 'command -v node'], { env: { PATH: machinePath }, encoding: 'utf8' }).trim();
  machineNode = { path, major: Number(/^v(\d+)/.exec(execFileSync(path, ['--version'], { encoding: 'utf8' }))?.[1]) };
} catch {
  machineNode = undefined;
}
const oldNode = machineNode && machineNode.major < 24 ? machineNode : undefined;

test('bin/bursar.js on an older Node says which Node it needs', { skip: oldNode ? false : 'the machine has no Node older than 24 to try' }, async () => {
  const run = await bursar({ BURSAR_DATA_DIR: join(dir, 'old') }, ['--version'], oldNode?.path, machinePath);
  assertOneLine(run, /^bursar: Node 24 or later is needed, this is Node \d+\.\d+\.\d+: run `npx bursar …` in the project/);
});
