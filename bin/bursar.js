#!/usr/bin/env node
// The bursar command, and what `npm start` runs. Node 24 runs the TypeScript sources directly; an
// older Node cannot, so it is told so in one line (this file itself parses on any Node that runs ES
// modules). `npx bursar` and `npm run bursar --` use the Node 24 the project installs.
// This entry is JavaScript so that a start does not load Node's TypeScript stripper at all: the
// compile cache goes on here, before src/cli/main.ts loads, so main.ts and everything after it
// come from the cache (see main.ts for where it lives).
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  process.stderr.write(`bursar: Node 24 or later is needed, this is Node ${process.versions.node}: run \`npx bursar …\` in the project (it uses the Node 24 that npm install brings), or install Node 24\n`);
  process.exit(1);
}
const { constants, enableCompileCache } = await import('node:module');
if (!process.env.NODE_DISABLE_COMPILE_CACHE && !process.env.NODE_COMPILE_CACHE) {
  const opened = enableCompileCache(`${import.meta.dirname}/../.tmp/compile-cache`);
  if (opened.status === constants.compileCacheStatus.FAILED) enableCompileCache();
}
await import('../src/cli/main.ts');
