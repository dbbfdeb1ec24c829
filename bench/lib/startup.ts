// Start-up: spawn `node src/cli/main.ts serve` on a fresh empty data folder and a free port, time
// it to the first 200 from GET /_health, then read the idle child's resident memory.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from './stats.ts';

export interface StartupRun {
  ms: number;
  /** VmRSS in MiB after ~1 s idle, or null where /proc is not available. */
  rssMiB: number | null;
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

function rssMiB(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
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

export async function measureStartup(timeoutMs = 30_000): Promise<StartupRun> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bursar-bench-start-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/_health`;
  // Warm fetch up first (nothing listens yet), so its lazy loading does not count as Bursar's time.
  await fetch(url, { signal: AbortSignal.timeout(1000) }).catch(() => undefined);
  const started = performance.now();
  const child = spawn(process.execPath, ['src/cli/main.ts', 'serve'], { cwd: REPO_ROOT, env: serveEnv(dataDir, port), stdio: ['ignore', 'pipe', 'pipe'] });
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
    while (healthyAt === null) {
      if (exited !== undefined) throw new Error(`bursar serve exited with ${exited} before it was healthy: ${output.trim().slice(0, 500)}`);
      if (performance.now() - started > timeoutMs) throw new Error(`bursar serve not healthy after ${timeoutMs} ms`);
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
        await response.arrayBuffer();
        if (response.status === 200) healthyAt = performance.now();
      } catch {
        // not listening yet
      }
      if (healthyAt === null) await sleep(5);
    }
    await sleep(1000);
    return { ms: healthyAt - started, rssMiB: child.pid === undefined ? null : rssMiB(child.pid) };
  } finally {
    if (exited === undefined) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(killer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}
