// Runs one HTTP scenario on one backend: the server in a forked child (bench/lib/http-target.ts),
// autocannon in this process, for each concurrency a warm-up then a fixed measured window. The
// child's CPU time (utime + stime) is read just before and after each measured window, so each row
// also says how many µs of server CPU one request cost. Latency percentiles come from every 2xx
// response's own time (autocannon's histogram rounds to ms).
import { nextMessage, stopTarget } from './target-ipc.ts';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { cpuMicros } from './cpu.ts';
import { percentile } from './stats.ts';
import type { HttpRequestSpec, ScenarioBackend } from './scenario.ts';
import type { TargetMessage } from './http-target.ts';

export interface HttpOptions {
  concurrencies: readonly number[];
  warmupSeconds: number;
  seconds: number;
}

export interface HttpResult {
  concurrency: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  responses2xx: number;
  non2xx: number;
  errors: number;
  /** Server-process CPU (user + system) per request served in the window, µs; null without /proc. */
  cpuUsPerRequest: number | null;
}

export interface HttpRun {
  results: HttpResult[];
  /** Extra figures the scenario reported after the run. */
  notes: string[];
}

const TARGET = fileURLToPath(new URL('./http-target.ts', import.meta.url));

async function checkOnce(url: string, request: HttpRequestSpec): Promise<void> {
  const response = await fetch(url + request.path, { method: request.method, headers: request.headers, body: request.body, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  if (response.status < 200 || response.status > 299) throw new Error(`request answered ${response.status}: ${text.slice(0, 300)}`);
}

function load(url: string, request: HttpRequestSpec, connections: number, seconds: number): ReturnType<typeof autocannon> {
  return autocannon({ url: url + request.path, method: request.method, headers: request.headers, body: request.body, connections, pipelining: 1, duration: seconds, timeout: 10 });
}

async function measureAt(child: ChildProcess, url: string, request: HttpRequestSpec, connections: number, options: HttpOptions): Promise<HttpResult> {
  await load(url, request, connections, options.warmupSeconds);
  const latencies: number[] = [];
  const cpuBefore = cpuMicros(child.pid);
  const instance = load(url, request, connections, options.seconds);
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode >= 200 && statusCode <= 299) latencies.push(responseTime);
  });
  const result = await instance;
  const cpuAfter = cpuMicros(child.pid);
  const served = latencies.length + result.non2xx;
  return {
    concurrency: connections,
    requestsPerSecond: latencies.length / result.duration,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    responses2xx: latencies.length,
    non2xx: result.non2xx,
    errors: result.errors,
    cpuUsPerRequest: cpuBefore !== null && cpuAfter !== null && served > 0 ? (cpuAfter - cpuBefore) / served : null,
  };
}

export async function measureHttp(scenarioFile: string, backend: ScenarioBackend, options: HttpOptions): Promise<HttpRun> {
  // The server's stdout (its request log, at the default level as `npm start` writes it) goes to /dev/null.
  const child = fork(TARGET, [scenarioFile, backend], { execPath: process.execPath, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  // Filled in by the finally block below (the scenario reports before it tears down): the array is returned by reference.
  const notes: string[] = [];
  try {
    const ready = await nextMessage<TargetMessage>(child, 120_000, 'bench target');
    if (ready.type === 'error') throw new Error(ready.message.split('\n')[0]);
    if (ready.type !== 'ready') throw new Error(`unexpected message ${ready.type}`);
    const { url, request } = ready;
    await checkOnce(url, request);
    const results: HttpResult[] = [];
    for (const connections of options.concurrencies) results.push(await measureAt(child, url, request, connections, options));
    child.on('message', (message: TargetMessage) => {
      if (message.type === 'report') notes.push(...message.lines);
    });
    return { results, notes };
  } finally {
    await stopTarget(child);
  }
}
