// The markdown of a bench run: the goals of issue 9 with their figures and met / not met, then a
// table per section. Pure formatting over the results bench/run.ts gathered.
import type { CoreResult } from './core.ts';
import type { HttpResult } from './http.ts';
import type { FloorRole, HttpScenario, ScenarioBackend } from './scenario.ts';
import type { SearchRun } from './search.ts';
import type { StartupRun } from './startup.ts';
import { fmt, median } from './stats.ts';

export const GOALS = {
  floorSqlite: 0.5,
  floorPostgres: 1.0,
  searchP50Ms: 5,
  searchSize: 100_000,
  processStartMs: 300,
  npmStartMs: 700,
  idleRssMiB: 100,
} as const;

export interface Measured {
  scenario: HttpScenario;
  backend: ScenarioBackend;
  results: HttpResult[];
  notes: string[];
  error?: string;
}

export interface StartupFigures {
  process: StartupRun[];
  npmStart: StartupRun[];
  /** The server process again on a data folder a first start set up (every start after the first). */
  again: StartupRun[];
  error: string | null;
}

export const dbLabel = (backend: ScenarioBackend) => ({ none: '—', sqlite: 'SQLite', postgres: 'PostgreSQL' })[backend];

export function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

const cpu = (r: HttpResult) => (r.cpuUsPerRequest === null ? 'n/a' : fmt(r.cpuUsPerRequest));
const met = (ok: boolean | null) => (ok === null ? 'n/a' : ok ? '**met**' : 'not met');

function rowOf(measured: Measured[], role: FloorRole, backend: ScenarioBackend, concurrency: number): HttpResult | undefined {
  return measured.find((m) => m.scenario.floorRole === role && m.backend === backend)?.results.find((r) => r.concurrency === concurrency);
}

/** Sale ÷ floor by req/s (the goal's measure), with µs of server CPU per request beside it. */
export function floorTable(measured: Measured[], backends: readonly ScenarioBackend[]): { text: string; goals: string[][] } {
  const rows: string[][] = [];
  const goals: string[][] = [];
  for (const backend of backends) {
    for (const c of [1, 8, 50]) {
      const echo = rowOf(measured, 'echo', 'none', c);
      const floor = rowOf(measured, 'floor', backend, c);
      const sale = rowOf(measured, 'sale', backend, c);
      const ratio = floor && sale ? sale.requestsPerSecond / floor.requestsPerSecond : null;
      const goal = backend === 'sqlite' ? GOALS.floorSqlite : GOALS.floorPostgres;
      const rps = (r?: HttpResult) => (r ? fmt(r.requestsPerSecond) : 'n/a');
      const us = (r?: HttpResult) => (r ? cpu(r) : 'n/a');
      rows.push([
        dbLabel(backend),
        String(c),
        rps(echo),
        us(echo),
        rps(floor),
        us(floor),
        rps(sale),
        us(sale),
        ratio === null ? 'n/a' : fmt(ratio, 2),
        `≥ ${fmt(goal, 1)}`,
        met(ratio === null ? null : ratio >= goal),
      ]);
      goals.push([`FluidPay card sale ÷ write floor, ${dbLabel(backend)}, c=${c}`, `≥ ${fmt(goal, 1)}`, ratio === null ? 'n/a' : fmt(ratio, 2), met(ratio === null ? null : ratio >= goal)]);
    }
  }
  const text = table(
    ['database', 'connections', 'bare echo req/s', 'echo CPU µs/req', 'write floor req/s', 'floor CPU µs/req', 'FluidPay sale req/s', 'sale CPU µs/req', 'sale ÷ floor', 'goal', ''],
    rows,
  );
  return { text, goals };
}

export function httpTable(measured: Measured[]): string {
  const baseline = measured.find((m) => m.scenario.baseline)?.results ?? [];
  const bareAt = (c: number) => baseline.find((r) => r.concurrency === c) ?? null;
  const rows = measured.flatMap(({ scenario, backend, results, error }) =>
    error
      ? [[scenario.name, dbLabel(backend), '', `failed: ${error}`, '', '', '', '', '']]
      : results.map((r) => {
          const bare = bareAt(r.concurrency);
          return [
            scenario.name,
            dbLabel(backend),
            String(r.concurrency),
            fmt(r.requestsPerSecond),
            cpu(r),
            fmt(r.p50Ms, 2),
            fmt(r.p99Ms, 2),
            scenario.baseline ? '1.00 (baseline)' : bare ? fmt(r.requestsPerSecond / bare.requestsPerSecond, 3) : 'n/a',
            `${r.non2xx} / ${r.errors}`,
          ];
        }),
  );
  return table(['scenario', 'database', 'connections', 'req/s', 'server CPU µs/req', 'p50 ms', 'p99 ms', 'req/s vs bare', 'non-2xx / errors'], rows);
}

export function searchTable(runs: Array<SearchRun | { backend: string; size: number; error: string }>): { text: string; goals: string[][] } {
  const rows: string[][] = [];
  const goals: string[][] = [];
  for (const run of runs) {
    const db = dbLabel(run.backend as ScenarioBackend);
    if ('error' in run) {
      rows.push([db, fmt(run.size), `failed: ${run.error}`, '', '', '', '']);
      if (run.size === GOALS.searchSize) goals.push([`search p50 at ${fmt(run.size)}, ${db}`, `< ${GOALS.searchP50Ms} ms`, 'failed', 'not met']);
      continue;
    }
    for (const r of run.results) {
      rows.push([db, fmt(run.size), r.name, fmt(r.p50Ms, 2), fmt(r.p99Ms, 2), String(r.samples), r.answered]);
      if (run.size === GOALS.searchSize) goals.push([`${r.name}, ${fmt(run.size)} rows, ${db}: p50`, `< ${GOALS.searchP50Ms} ms`, `${fmt(r.p50Ms, 2)} ms`, met(r.p50Ms < GOALS.searchP50Ms)]);
    }
  }
  const seeds = runs.map((run) => ('error' in run ? '' : `${dbLabel(run.backend)} ${fmt(run.size)}: ${fmt(run.seedSeconds, 1)} s`)).filter(Boolean);
  return {
    text: [table(['database', 'transactions / invoices', 'request', 'p50 ms', 'p99 ms', 'samples', 'answered'], rows), '', `Seeding (not timed in the figures): ${seeds.join('; ')}.`].join('\n'),
    goals,
  };
}

export function startupTable(s: StartupFigures): { text: string; goals: string[][] } {
  if (s.error) return { text: table(['measure', 'value'], [['start-up', `failed: ${s.error}`]]), goals: [['start-up', '', `failed: ${s.error}`, 'not met']] };
  const ms = (runs: StartupRun[]) => median(runs.map((r) => r.ms));
  const list = (values: number[], unit: string, decimals = 0) => (values.length ? values.map((v) => fmt(v, decimals)).join(' / ') + ` ${unit}` : 'n/a');
  const rss = s.process.map((r) => r.rssMiB).filter((v): v is number => v !== null);
  const rssNpm = s.npmStart.map((r) => r.rssMiB).filter((v): v is number => v !== null);
  const idle = rss.length ? median(rss) : NaN;
  const text = table(
    ['measure', 'median', 'runs'],
    [
      [
        `spawn \`node bin/bursar.js serve\` (what npm start runs) → first 200 from GET /_health`,
        `${fmt(ms(s.process))} ms`,
        list(
          s.process.map((r) => r.ms),
          'ms',
        ),
      ],
      [
        'the same, on a data folder a first start left (migrated, demo tenant seeded): every later start',
        `${fmt(ms(s.again))} ms`,
        list(
          s.again.map((r) => r.ms),
          'ms',
        ),
      ],
      [
        `\`npm start\` → first 200 from GET /_health`,
        `${fmt(ms(s.npmStart))} ms`,
        list(
          s.npmStart.map((r) => r.ms),
          'ms',
        ),
      ],
      [
        'CPU time of the server process when first healthy (user + system; steadier than wall time on a busy machine)',
        `${fmt(median(s.process.map((r) => r.cpuMs ?? NaN)))} ms`,
        list(
          s.process.map((r) => r.cpuMs ?? NaN),
          'ms',
        ),
      ],
      ['idle RSS of the server process (VmRSS ~1 s after healthy)', rss.length ? `${fmt(idle, 1)} MiB` : 'n/a (no /proc)', list([...rss, ...rssNpm], 'MiB', 1)],
    ],
  );
  const goals = [
    ['server process spawn → healthy', `< ${GOALS.processStartMs} ms`, `${fmt(ms(s.process))} ms`, met(ms(s.process) < GOALS.processStartMs)],
    ['`npm start` → healthy', `< ${GOALS.npmStartMs} ms`, `${fmt(ms(s.npmStart))} ms`, met(s.npmStart.length ? ms(s.npmStart) < GOALS.npmStartMs : null)],
    ['idle RSS', `< ${GOALS.idleRssMiB} MiB`, rss.length ? `${fmt(idle, 1)} MiB` : 'n/a', met(rss.length ? idle < GOALS.idleRssMiB : null)],
  ];
  return { text, goals };
}

export function coreTable(rows: Array<{ backend: ScenarioBackend; result?: CoreResult; error?: string }>): string {
  return table(
    ['database', 'concurrency', 'ops/s', 'ops', 'ledger entries written'],
    rows.map(({ backend, result: r, error }) =>
      r ? [dbLabel(backend), String(r.concurrency), fmt(r.opsPerSecond), fmt(r.ops), fmt(r.ledgerEntries)] : [dbLabel(backend), '—', `failed: ${error ?? ''}`, '', ''],
    ),
  );
}

export function goalsTable(goals: string[][]): string {
  return table(['goal', 'target', 'figure', ''], goals);
}
