// The bursar command (bin/bursar.js, `npm start` and `npm run bursar` land here).
// Node's compile cache goes on before anything else loads (bin/bursar.js already turned it on when
// it is the entry): the code is then compiled once, not at every start. The cache lives in the
// checkout's .tmp/compile-cache (where `npm test` keeps its own), or Node's default under the temp
// folder when the checkout is read-only (an image); NODE_COMPILE_CACHE overrides both,
// NODE_DISABLE_COMPILE_CACHE=1 turns it off. Then the CLI runs from the start-up bundle when there
// is a current one or one can be built (bundle.ts), else from the sources.
import { constants, enableCompileCache } from 'node:module';

if (!process.env.NODE_DISABLE_COMPILE_CACHE && !process.env.NODE_COMPILE_CACHE) {
  const opened = enableCompileCache(new URL('../../.tmp/compile-cache', import.meta.url).pathname);
  if (opened.status === constants.compileCacheStatus.FAILED) enableCompileCache();
}

const { startupBundle } = await import('./bundle.ts');
const { PROJECT_ROOT } = await import('../project-root.ts');
const bundle = await startupBundle(PROJECT_ROOT);
if (bundle) await import(bundle);
else await import('./run.ts');
