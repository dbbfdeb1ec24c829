// The server as `npm start` runs it, in a child process that the test can kill -9 and start again on
// the same database (a temporary data folder, or a fresh PostgreSQL schema under the suite's URL),
// with the test-only crash fault enabled. For the crash tests (test/crash, test/webhooks/crash).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { dropSchema } from '../../src/store/scratch.ts';
import { TEST_DATABASE_URL } from './store.ts';

const MAIN = resolve(import.meta.dirname, '../../src/cli/main.ts');

export interface CrashableServer {
  /** Starts the server (again) on the same database; resolves with its URL once it printed its summary. */
  serve(): Promise<{ child: ChildProcess; url: string }>;
  /** Resolves once the child has exited (at once if it already has). */
  exited(child: ChildProcess): Promise<void>;
  /** An admin API call that must succeed (< 300); the parsed body. */
  admin(url: string, method: string, path: string, body?: unknown): Promise<any>;
  /** Kills a child still running, drops the schema and the data folder. */
  dispose(): Promise<void>;
}

export function crashableServer(name: string, extraEnv: NodeJS.ProcessEnv = {}): CrashableServer {
  const adminToken = `${name}-admin-token`;
  const dataDir = mkdtempSync(join(tmpdir(), `bursar-${name}-`));
  const pgSchema = TEST_DATABASE_URL ? `bursar_${name.replace(/\W/g, '_')}_${randomBytes(6).toString('hex')}` : undefined;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    BURSAR_DATA_DIR: dataDir,
    BURSAR_ADMIN_TOKEN: adminToken,
    BURSAR_SECRET_KEY: `${name}-secret-key-passphrase`,
    BURSAR_ENABLE_CRASH_FAULT: '1',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    NODE_COMPILE_CACHE: join(tmpdir(), 'bursar-cli-test-compile-cache'),
    ...extraEnv,
    ...(TEST_DATABASE_URL && pgSchema ? { DATABASE_URL: TEST_DATABASE_URL, BURSAR_PG_SCHEMA: pgSchema } : {}),
  };
  let running: ChildProcess | undefined;
  return {
    serve: () =>
      new Promise((resolvePromise, reject) => {
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
      }),
    exited: (child) => new Promise<void>((done) => (child.exitCode !== null || child.signalCode !== null ? done() : child.once('exit', () => done()))),
    async admin(url, method, path, body) {
      const response = await fetch(url + path, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await response.text();
      assert.ok(response.status < 300, `${method} ${path}: ${response.status} ${text}`);
      return text ? JSON.parse(text) : null;
    },
    async dispose() {
      if (running && running.exitCode === null) running.kill('SIGKILL');
      if (pgSchema && TEST_DATABASE_URL) await dropSchema(TEST_DATABASE_URL, pgSchema);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
