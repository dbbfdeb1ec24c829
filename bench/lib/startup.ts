// Start-up: spawn `node bin/bursar.js serve` (the server process, as `npm start` runs it) or
// `npm start` (as a user types it: npm itself, then the server) on a fresh empty data folder (or
// again on one a first start left) and a free port, time it to the first 200 from GET /_health,
// then read the idle server's resident memory.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuMicros, rssMiB } from './cpu.ts';
import { sleep } from './stats.ts';

export type StartupHow = 'process' | 'npm-start';

export interface StartupRun {
  ms: number;
  /** VmRSS in MiB after ~1 s idle, or null where /proc is not available. */
  rssMiB: number | null;
  /** CPU time (user + system) the server process had used when it was first healthy, ms: steadier than wall time on a busy machine. */
  cpuMs: number | null;
}

export const REPO_ROOT = new URL('../../', import.meta.url).pathname;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The environment a plain first start sees: SQLite in the given folder, no vendor ports. */
function serveEnv(dataDir: string, port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name === 'DATABASE_URL' || name.startsWith('BURSAR_')) continue;
    env[name] = value;
  }
  return { ...env, BURSAR_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' };
}

/** The server's pid under `npm start` (npm → sh → node): the process listening, found through /proc. */
function descendantServer(pid: number): number | undefined {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    for (const child of children) {
      // Not the shell npm runs the script line with (sh -c "node bin/bursar.js serve"): the node under it.
      const argv = readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0');
      if (argv.includes(SERVER_ENTRY)) return child;
      const deeper = descendantServer(child);
      if (deeper !== undefined) return deeper;
    }
  } catch {
    // no /proc, or the process went away
  }
  return undefined;
}

/** What `npm start` runs (package.json): the server process the bench spawns itself. */
const SERVER_ENTRY = 'bin/bursar.js';

/** A data folder a first start has already set up (database migrated, demo tenant seeded). */
export async function usedDataDir(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bursar-bench-start-'));
  await measureStartup('process', { dataDir });
  return dataDir;
}

/** One start; `dataDir` reuses that folder (and keeps it), otherwise a fresh empty one is made and removed. */
export async function measureStartup(how: StartupHow = 'process', options: { dataDir?: string; timeoutMs?: number } = {}): Promise<StartupRun> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'bursar-bench-start-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/_health`;
  // Warm fetch up first (nothing listens yet), so its lazy loading does not count as Bursar's time.
  await fetch(url, { signal: AbortSignal.timeout(1000) }).catch(() => undefined);
  const started = performance.now();
  // npm start runs in its own process group, so that stopping it stops the server under it too.
  const child =
    how === 'process'
      ? spawn(process.execPath, [SERVER_ENTRY, 'serve'], { cwd: REPO_ROOT, env: serveEnv(dataDir, port), stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('npm', ['start', '--silent'], { cwd: REPO_ROOT, env: serveEnv(dataDir, port), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const stop = (signal: NodeJS.Signals) => {
    try {
      if (how === 'npm-start' && child.pid !== undefined) process.kill(-child.pid, signal);
      else child.kill(signal);
    } catch {
      // already gone
    }
  };
  let output = '';
  const keep = (chunk: Buffer) => {
    if (output.length < 4000) output += chunk.toString();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) => child.once('exit', (code) => ((exited = code), resolve())));
  try {
    let healthyAt: number | null = null;
    let cpuMs: number | null = null;
    while (healthyAt === null) {
      if (exited !== undefined) throw new Error(`bursar serve exited with ${exited} before it was healthy: ${output.trim().slice(0, 500)}`);
      if (performance.now() - started > timeoutMs) throw new Error(`bursar serve not healthy after ${timeoutMs} ms`);
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
        await response.arrayBuffer();
        if (response.status === 200) {
          healthyAt = performance.now();
          const server = how === 'process' ? child.pid : child.pid === undefined ? undefined : descendantServer(child.pid);
          const micros = cpuMicros(server);
          cpuMs = micros === null ? null : micros / 1000;
        }
      } catch {
        // not listening yet
      }
      if (healthyAt === null) await sleep(5);
    }
    await sleep(1000);
    const server = how === 'process' ? child.pid : child.pid === undefined ? undefined : descendantServer(child.pid);
    return { ms: healthyAt - started, rssMiB: server === undefined ? null : rssMiB(server), cpuMs };
  } finally {
    if (exited === undefined) {
      stop('SIGTERM');
      const killer = setTimeout(() => stop('SIGKILL'), 5000);
      await exit;
      clearTimeout(killer);
    }
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}
