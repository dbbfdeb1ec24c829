// The bursar command (bin/bursar.js and `npm run bursar` land here): the CLI on this process.
// Node's compile cache goes on before anything else loads: the TypeScript sources are then
// type-stripped and compiled once, not at every start (about half of the import time; see
// docs/performance.md). The cache lives in the checkout's .tmp/compile-cache (where `npm test`
// keeps its own), or Node's default under the temp folder when the checkout is read-only (an
// image); NODE_COMPILE_CACHE overrides both, NODE_DISABLE_COMPILE_CACHE=1 turns it off.
// Everything else is imported dynamically after that line, so that it is what gets cached.
import { constants, enableCompileCache } from 'node:module';

if (!process.env.NODE_DISABLE_COMPILE_CACHE && !process.env.NODE_COMPILE_CACHE) {
  const opened = enableCompileCache(new URL('../../.tmp/compile-cache', import.meta.url).pathname);
  if (opened.status === constants.compileCacheStatus.FAILED) enableCompileCache();
}

const { runCli } = await import('./program.ts');
const { processIo } = await import('./io.ts');
process.exitCode = await runCli(process.argv.slice(2), processIo());
