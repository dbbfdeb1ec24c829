// Child process for the search benchmark: a fresh database with one tenant holding `size`
// transactions and `size` invoices (bench/lib/search-seed.ts), the real app listening as `npm start`
// runs it (default log level; stdout is /dev/null), and the list/search requests to time. Usage
// (forked by bench/lib/search.ts): search-target.ts <backend> <size>
import { listenForParent, runTarget, sendToParent } from './target-ipc.ts';
import { sql } from 'kysely';
import { buildApp } from '../../src/http/app.ts';
import { createLogger } from '../../src/http/logger.ts';
import { refreshPlannerStats } from '../../src/startup/planner-stats.ts';
import { openBenchStore, type Backend, type BenchStore } from './backends.ts';
import { searchRequests, seedSearch, type SearchRequest } from './search-seed.ts';

export type SearchMessage = { type: 'ready'; url: string; seedSeconds: number; requests: SearchRequest[] } | { type: 'error'; message: string } | { type: 'closed' };

const send = (message: SearchMessage) => sendToParent(message);

async function main(): Promise<void> {
  const [backendArg, sizeArg] = process.argv.slice(2);
  const backend = backendArg as Backend;
  const size = Number(sizeArg);
  let bench: BenchStore | null = null;
  try {
    bench = await openBenchStore(backend);
    const started = performance.now();
    const keys = await seedSearch(bench.services, size);
    // As a server opening this database would (src/server.ts); on PostgreSQL what autovacuum does
    // within a minute of a bulk load: the visibility map index-only counts need, and statistics.
    await refreshPlannerStats(bench.services.db, bench.services.dialect, { opening: true });
    if (backend === 'postgres') await sql`vacuum analyze transactions, invoices`.execute(bench.services.db);
    const seedSeconds = (performance.now() - started) / 1000;
    const services = { ...bench.services, log: createLogger('info') };
    const app = await buildApp({ services });
    const { url, closeRequested: closed } = await listenForParent(app);
    await send({ type: 'ready', url, seedSeconds, requests: searchRequests(keys) });
    await closed;
    await app.close();
  } finally {
    await bench?.dispose();
  }
  await send({ type: 'closed' });
}

runTarget(main);
