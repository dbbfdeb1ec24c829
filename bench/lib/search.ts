// The search benchmark: for each database and tenant size, a server in a child process
// (bench/lib/search-target.ts) over a tenant seeded with that many transactions and invoices, and
// each list/search request timed one at a time (the latency a user sees, not throughput): a few
// warm-up calls, then up to SAMPLES calls or BUDGET_MS, whichever comes first.
import { nextMessage, stopTarget } from './target-ipc.ts';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Backend } from './backends.ts';
import type { SearchMessage } from './search-target.ts';
import { percentile } from './stats.ts';

const TARGET = fileURLToPath(new URL('./search-target.ts', import.meta.url));
const WARMUP = 5;
const SAMPLES = 300;
const BUDGET_MS = 3000;
const MIN_SAMPLES = 10;

export interface SearchResult {
  name: string;
  p50Ms: number;
  p99Ms: number;
  samples: number;
  /** total_count (FluidPay) or rows on the page (ChargeOver) of the last answer: a sanity check. */
  answered: string;
}

export interface SearchRun {
  backend: Backend;
  size: number;
  seedSeconds: number;
  results: SearchResult[];
}

function summary(body: string): string {
  try {
    const parsed = JSON.parse(body) as { total_count?: number; data?: unknown[]; response?: unknown[] };
    if (typeof parsed.total_count === 'number') return `total_count ${parsed.total_count}`;
    if (Array.isArray(parsed.response)) return `${parsed.response.length} rows`;
    return 'ok';
  } catch {
    return 'not JSON';
  }
}

export async function measureSearch(backend: Backend, size: number): Promise<SearchRun> {
  const child = fork(TARGET, [backend, String(size)], { execPath: process.execPath, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    const ready = await nextMessage<SearchMessage>(child, 300_000, 'search target');
    if (ready.type === 'error') throw new Error(ready.message.split('\n')[0]);
    if (ready.type !== 'ready') throw new Error(`unexpected message ${ready.type}`);
    const results: SearchResult[] = [];
    for (const { name, spec } of ready.requests) {
      const call = async (): Promise<string> => {
        const response = await fetch(ready.url + spec.path, { method: spec.method, headers: spec.headers, body: spec.body, signal: AbortSignal.timeout(30_000) });
        const text = await response.text();
        if (response.status < 200 || response.status > 299) throw new Error(`${name} answered ${response.status}: ${text.slice(0, 300)}`);
        return text;
      };
      for (let i = 0; i < WARMUP; i++) await call();
      const times: number[] = [];
      let last = '';
      const started = performance.now();
      while (times.length < SAMPLES && (times.length < MIN_SAMPLES || performance.now() - started < BUDGET_MS)) {
        const t0 = performance.now();
        last = await call();
        times.push(performance.now() - t0);
      }
      results.push({ name, p50Ms: percentile(times, 50), p99Ms: percentile(times, 99), samples: times.length, answered: summary(last) });
    }
    return { backend, size, seedSeconds: ready.seedSeconds, results };
  } finally {
    await stopTarget(child);
  }
}
