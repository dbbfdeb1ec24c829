#!/usr/bin/env node
// The bursar command. Node 24 runs the TypeScript sources directly; an older Node cannot, so it is
// told so in one line (this file itself parses on any Node that runs ES modules). `npx bursar` and
// `npm run bursar --` use the Node 24 the project installs.
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  process.stderr.write(`bursar: Node 24 or later is needed, this is Node ${process.versions.node}: run \`npx bursar …\` in the project (it uses the Node 24 that npm install brings), or install Node 24\n`);
  process.exit(1);
}
await import('../src/cli/main.ts');
