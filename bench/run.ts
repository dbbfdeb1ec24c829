// npm run bench: start-up time and idle memory, core payment throughput on SQLite and PostgreSQL,
// HTTP throughput of Bursar beside a bare Fastify echo, and the renewal run (bench/recurring.ts).
// Prints the tables to stdout (progress goes to stderr) and writes them, with the machine they ran
// on, to docs/performance.md.
//
//   npm run bench                 run everything (about a minute and a half)
//   npm run bench -- --no-write   print only; leave docs/performance.md alone
//
// PostgreSQL: BURSAR_BENCH_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test; each run
// uses a fresh schema that is dropped afterwards. If it cannot be reached its rows are skipped.
//
// HTTP scenarios live in bench/scenarios/*.ts; see bench/lib/scenario.ts for how to add one.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PG_URL, postgresProblem, type Backend } from './lib/backends.ts';
import { measureCore, type CoreResult } from './lib/core.ts';
import { measureHttp, type HttpOptions, type HttpResult } from './lib/http.ts';
import { machineInfo } from './lib/machine.ts';
import { isScenario, type HttpScenario, type ScenarioBackend } from './lib/scenario.ts';
import { measureStartup, REPO_ROOT, type StartupRun } from './lib/startup.ts';
import { fmt, median } from './lib/stats.ts';
import { measureInChild, RECURRING_COUNT, recurringSection } from './recurring.ts';

const STARTUP_RUNS = 3;
const CORE = { warmupMs: 2000, measureMs: 4000, concurrencies: [1, 8] } as const;
const HTTP: HttpOptions = { connections: 10, warmupSeconds: 1, seconds: 4 };

const SCENARIO_DIR = fileURLToPath(new URL('./scenarios/', import.meta.url));
const DOC = join(REPO_ROOT, 'docs', 'performance.md');

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const message = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0];
const dbLabel = (backend: ScenarioBackend) => ({ none: '—', sqlite: 'SQLite', postgres: 'PostgreSQL' })[backend];

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(invalid URL)';
  }
}

async function loadScenarios(): Promise<{ file: string; scenario: HttpScenario }[]> {
  const files = readdirSync(SCENARIO_DIR)
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
    .sort();
  const loaded: { file: string; scenario: HttpScenario }[] = [];
  for (const name of files) {
    const file = join(SCENARIO_DIR, name);
    const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
    if (!isScenario(mod.default)) throw new Error(`bench/scenarios/${name} must export default defineScenario({ name, backends, setup, request })`);
    loaded.push({ file, scenario: mod.default });
  }
  return loaded;
}

async function main(): Promise<void> {
  const write = !process.argv.includes('--no-write');
  const machine = machineInfo();
  const notes: string[] = [];
  const started = performance.now();

  if (machine.load[0] > machine.cores / 2) {
    const line = `load average was ${machine.load[0].toFixed(2)} on ${machine.cores} cores when the run started: other processes may have been competing for the CPU (numbers low and noisy).`;
    log(line);
    notes.push(line);
  }

  const pgProblem = await postgresProblem();
  const backends: Backend[] = pgProblem ? ['sqlite'] : ['sqlite', 'postgres'];
  if (pgProblem) {
    const line = `PostgreSQL unreachable at ${redactUrl(PG_URL)} (${pgProblem}); PostgreSQL rows skipped.`;
    console.log(line);
    notes.push(line);
  }

  // 1. Start-up and idle memory.
  const startupRuns: StartupRun[] = [];
  let startupError: string | null = null;
  for (let i = 0; i < STARTUP_RUNS && !startupError; i++) {
    log(`start-up run ${i + 1}/${STARTUP_RUNS}`);
    try {
      startupRuns.push(await measureStartup());
    } catch (error) {
      startupError = message(error);
    }
  }
  const rss = startupRuns.map((r) => r.rssMiB).filter((v): v is number => v !== null);
  const startupTable = startupError
    ? table(['measure', 'value'], [['start-up', `failed: ${startupError}`]])
    : table(
        ['measure', 'value', 'runs'],
        [
          [
            `spawn \`node src/cli/main.ts serve\` → first 200 from GET /_health (median of ${STARTUP_RUNS})`,
            `${fmt(median(startupRuns.map((r) => r.ms)))} ms`,
            startupRuns.map((r) => fmt(r.ms)).join(' / ') + ' ms',
          ],
          ['idle RSS (VmRSS after ~1 s idle, median)', rss.length ? `${fmt(median(rss), 1)} MiB` : 'n/a (no /proc)', rss.map((v) => fmt(v, 1)).join(' / ') + (rss.length ? ' MiB' : '')],
        ],
      );

  // 2. Core throughput.
  const coreRows: string[][] = [];
  for (const backend of backends) {
    log(`core authorize+capture on ${backend} (${CORE.warmupMs / 1000} s warm-up, ${CORE.measureMs / 1000} s per concurrency)`);
    try {
      const results: CoreResult[] = await measureCore(backend, CORE);
      for (const r of results) coreRows.push([dbLabel(backend), String(r.concurrency), fmt(r.opsPerSecond), fmt(r.ops), fmt(r.ledgerEntries)]);
    } catch (error) {
      coreRows.push([dbLabel(backend), '—', `failed: ${message(error)}`, '', '']);
    }
  }
  const coreTable = table(['database', 'concurrency', 'ops/s', 'ops', 'ledger entries written'], coreRows);

  // 3. HTTP.
  const scenarios = await loadScenarios();
  const measured: { scenario: HttpScenario; backend: ScenarioBackend; result: HttpResult | null; error?: string }[] = [];
  for (const { file, scenario } of scenarios) {
    for (const backend of scenario.backends) {
      if (backend === 'postgres' && pgProblem) continue;
      log(`HTTP ${scenario.name} [${dbLabel(backend)}] (${HTTP.warmupSeconds} s warm-up, ${HTTP.seconds} s, ${HTTP.connections} connections)`);
      try {
        measured.push({ scenario, backend, result: await measureHttp(file, backend, HTTP) });
      } catch (error) {
        measured.push({ scenario, backend, result: null, error: message(error) });
      }
    }
  }
  const baseline = measured.find((m) => m.scenario.baseline && m.result)?.result ?? null;
  const httpTable = table(
    ['scenario', 'database', 'req/s', 'p50 ms', 'p99 ms', 'req/s vs bare', 'non-2xx / errors'],
    measured.map(({ scenario, backend, result, error }) =>
      result
        ? [
            scenario.name,
            dbLabel(backend),
            fmt(result.requestsPerSecond),
            fmt(result.p50Ms, 2),
            fmt(result.p99Ms, 2),
            scenario.baseline ? '1.00 (baseline)' : baseline ? `${fmt(result.requestsPerSecond / baseline.requestsPerSecond, 3)}` : 'n/a',
            `${result.non2xx} / ${result.errors}`,
          ]
        : [scenario.name, dbLabel(backend), `failed: ${error ?? ''}`, '', '', '', ''],
    ),
  );

  // 4. The renewal run (bench/recurring.ts), each database in a child process of its own.
  const recurring = [];
  for (const backend of backends) {
    log(`renewal run: ${RECURRING_COUNT.toLocaleString('en-US')} monthly subscriptions on ${backend}, clock advanced one month`);
    try {
      recurring.push(await measureInChild(backend, RECURRING_COUNT));
    } catch (error) {
      recurring.push({ backend, error: message(error) });
    }
  }

  const machineTable = table(
    ['CPU', 'cores', 'memory', 'Node', 'OS', 'date', 'load avg at start (1/5/15 min)'],
    [[machine.cpu, String(machine.cores), machine.memory, machine.node, machine.os, machine.date, machine.load.map((v) => v.toFixed(2)).join(' / ')]],
  );
  const body = [
    '### Machine',
    machineTable,
    '',
    '### Start-up (SQLite, fresh empty data folder)',
    startupTable,
    '',
    `### Core: authorize + capture (ledger entry and events included), direct service calls`,
    `One op = createPayment (authorize, card) then capture. ${CORE.warmupMs / 1000} s warm-up at concurrency ${Math.max(...CORE.concurrencies)}, then ${CORE.measureMs / 1000} s per row; concurrency = in-flight operations (Promise pool).`,
    '',
    coreTable,
    '',
    '### HTTP (card sale vs bare Fastify echo of the same JSON body)',
    `autocannon, ${HTTP.connections} connections, no pipelining, ${HTTP.warmupSeconds} s warm-up then ${HTTP.seconds} s; server in a separate process on 127.0.0.1; latency over every 2xx response.`,
    '',
    httpTable,
    ...measured.flatMap(({ scenario, backend, result }) => (result?.notes.length ? ['', `${scenario.name} [${dbLabel(backend)}]:`, ...result.notes.map((line) => `- ${line}`)] : [])),
    '',
    recurringSection(recurring, RECURRING_COUNT),
    ...(notes.length ? ['', ...notes.map((n) => `Note: ${n}`)] : []),
  ].join('\n');

  console.log(body);
  log(`done in ${fmt((performance.now() - started) / 1000, 1)} s`);

  if (write) {
    const doc = [
      '# Performance',
      '',
      'Generated by `npm run bench` (bench/run.ts); rerun it to refresh this page on your machine.',
      'Absolute numbers depend on the machine; the "vs bare" column compares Bursar with a plain',
      'Fastify route measured in the same run, so it carries across machines. Add HTTP scenarios',
      '(e.g. a front door’s sale endpoint) in bench/scenarios/ — see bench/lib/scenario.ts.',
      '',
      body,
      '',
    ].join('\n');
    writeFileSync(DOC, doc);
    log(`wrote ${DOC}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
