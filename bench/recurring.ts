// The renewal-run benchmark (bench/lib/recurring.ts): 100,000 active monthly subscriptions on one
// tenant, its clock advanced one month, timed until every renewal is invoiced, charged and applied;
// on SQLite and PostgreSQL, each in a process of its own so that its peak RSS is its own.
//
//   npm run bench:recurring                  both databases, 100,000 subscriptions
//   npm run bench:recurring -- --count 20000
//   node bench/recurring.ts --child sqlite 100000   (one measurement, JSON on stdout; used by the above and by bench/run.ts)
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { postgresProblem, type Backend } from './lib/backends.ts';
import { measureRecurring, type RecurringResult } from './lib/recurring.ts';
import { fmt } from './lib/stats.ts';

export const RECURRING_COUNT = 100_000;
const GOAL_SECONDS = 10;
const SELF = fileURLToPath(import.meta.url);

const log = (line: string) => process.stderr.write(`[bench:recurring] ${line}\n`);

/** One measurement in a child process (its own heap, its own peak RSS). */
export function measureInChild(backend: Backend, count: number): Promise<RecurringResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SELF, '--child', backend, String(count)], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`the ${backend} run exited with ${code}`));
      try {
        resolve(JSON.parse(out) as RecurringResult);
      } catch (error) {
        reject(error as Error);
      }
    });
  });
}

/** The markdown section for docs/performance.md. */
export function recurringSection(results: Array<RecurringResult | { backend: Backend; error: string }>, count: number): string {
  const rows = results.map((r) =>
    'error' in r
      ? `| ${r.backend === 'sqlite' ? 'SQLite' : 'PostgreSQL'} | failed: ${r.error} | | | | |`
      : `| ${r.backend === 'sqlite' ? 'SQLite' : 'PostgreSQL'} | ${fmt(r.seconds, 2)} s | ${fmt(r.renewalsPerSecond)} | ${fmt(r.peakRssMiB, 1)} MiB | ${fmt(r.renewals)} / ${fmt(r.paidInvoices)} / ${fmt(r.charges)} | ${r.backend === 'sqlite' ? (r.seconds < GOAL_SECONDS ? 'met' : 'not met') : '—'} |`,
  );
  return [
    `### Renewal run: ${fmt(count)} monthly subscriptions, clock advanced one month`,
    `Core calls (no HTTP), one tenant; timed from the clock move until every renewal is invoiced, charged and applied (the move returns when the due-work runner is done); each database in a process of its own. Goal: under ${GOAL_SECONDS} s on SQLite.`,
    '',
    '| database | time | renewals/s | peak RSS | renewals / invoices paid / charges | goal |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    const result = await measureRecurring(args[1] as Backend, Number(args[2]), log);
    process.stdout.write(JSON.stringify(result));
    return;
  }
  const at = args.indexOf('--count');
  const count = at >= 0 ? Number(args[at + 1]) : RECURRING_COUNT;
  const results: Array<RecurringResult | { backend: Backend; error: string }> = [];
  const pgProblem = await postgresProblem();
  for (const backend of pgProblem ? (['sqlite'] as const) : (['sqlite', 'postgres'] as const)) {
    try {
      results.push(await measureInChild(backend, count));
    } catch (error) {
      results.push({ backend, error: error instanceof Error ? error.message : String(error) });
    }
  }
  if (pgProblem) log(`PostgreSQL unreachable (${pgProblem}): its row is skipped`);
  console.log(recurringSection(results, count));
}

if (process.argv[1] === SELF) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
