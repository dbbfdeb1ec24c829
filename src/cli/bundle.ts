// The start-up bundle: the CLI and everything it imports (sources and packages) in one ES module
// file, .tmp/bundle/bursar-<key>.mjs, built with esbuild. Loading ~1,200 files one by one (resolve,
// read, type-strip, link) was most of a start (docs/performance.md); one file loads in a fraction.
//
// It is built by `npm install` (the prepare script runs this file) and again by the first start
// after a source file or the installed packages change: the key is a hash of the size and mtime
// of every source file the last build read, plus package.json and node_modules/.package-lock.json.
// So there is no build step to remember, and an edited checkout never runs stale code. Where it
// cannot be built (esbuild not installed, a read-only checkout) or BURSAR_BUNDLE=0, the CLI runs
// from the sources as before. The key is in the file name, so concurrent starts that both rebuild
// each write a complete file of their own and never mix one build's manifest with another's code.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';

const ENTRY = 'src/cli/run.ts';
const MANIFEST = 'manifest.json';
/** Files outside the module graph that a build depends on (this one holds its options). */
const ALWAYS = ['package.json', 'node_modules/.package-lock.json', 'src/cli/bundle.ts'];
const PRUNE_AFTER_MS = 60_000;

interface Manifest {
  key: string;
  /** Project-relative paths of the sources the build read. */
  inputs: string[];
}

export const bundleDir = (root: string): string => join(root, '.tmp', 'bundle');
const bundleFile = (root: string, key: string) => join(bundleDir(root), `bursar-${key}.mjs`);

/**
 * `import … from 'node:http'` in an ES module makes Node build the builtin's ES facade, which reads
 * every export, lazy ones included: node:http's WebSocket getters then load all of undici (~50 ms
 * of a start). Through require() the exports are read only when used.
 */
const builtinsByRequire: Plugin = {
  name: 'builtins-by-require',
  setup(build) {
    build.onResolve({ filter: /^node:/ }, (args) => (args.kind === 'import-statement' ? { path: args.path, namespace: 'builtin' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};

/** The hash of what a build read, as it is on disk now; undefined when one of them is gone. */
function keyOf(root: string, inputs: readonly string[]): string | undefined {
  const hash = createHash('sha256');
  for (const input of [...ALWAYS, ...inputs]) {
    try {
      const stat = statSync(join(root, input));
      hash.update(`${input}\0${stat.size}\0${stat.mtimeMs}\n`);
    } catch {
      return undefined;
    }
  }
  return hash.digest('hex').slice(0, 16);
}

/** The bundle's path when the last build is still current, else undefined. */
export function currentBundle(root: string): string | undefined {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(join(bundleDir(root), MANIFEST), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
  if (keyOf(root, manifest.inputs) !== manifest.key) return undefined;
  const file = bundleFile(root, manifest.key);
  try {
    statSync(file);
    return file;
  } catch {
    return undefined;
  }
}

/** Builds the bundle, writes it and its manifest, removes older builds; returns its path. */
export async function buildBundle(root: string): Promise<string> {
  const esbuild = await import('esbuild');
  try {
    const result = await esbuild.build({
      absWorkingDir: root,
      entryPoints: [ENTRY],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      // jsonc-parser's "main" is a UMD build whose require() calls esbuild cannot follow.
      mainFields: ['module', 'main'],
      external: ['pg-native'],
      // No comments or indentation: a third smaller, and ASCII only, so V8 keeps the source (which
      // it holds for lazy compilation) one byte per character instead of two. Names stay readable
      // in stack traces; BURSAR_BUNDLE=0 runs the sources for line numbers that name files.
      minifyWhitespace: true,
      legalComments: 'none',
      // Packages written as CommonJS call require(); an ES module has none of its own.
      banner: { js: "import { createRequire as __bursarRequire } from 'node:module'; const require = __bursarRequire(import.meta.url);" },
      plugins: [builtinsByRequire],
      metafile: true,
      write: false,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs)
      .filter((input) => !input.includes('node_modules/') && !input.includes(':'))
      .map((input) => relative(root, join(root, input)))
      .sort();
    const key = keyOf(root, inputs);
    if (!key) throw new Error('a source file disappeared during the build');
    const dir = bundleDir(root);
    mkdirSync(dir, { recursive: true });
    const file = bundleFile(root, key);
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, result.outputFiles[0]!.contents);
    renameSync(temporary, file);
    const manifestTemporary = join(dir, `${MANIFEST}.${process.pid}.tmp`);
    writeFileSync(manifestTemporary, JSON.stringify({ key, inputs } satisfies Manifest));
    renameSync(manifestTemporary, join(dir, MANIFEST));
    // Older builds go, once no start that just chose one can still be about to load it.
    for (const name of readdirSync(dir)) {
      const other = join(dir, name);
      if (!name.startsWith('bursar-') || other === file) continue;
      const stat = statSync(other, { throwIfNoEntry: false });
      if (stat && Date.now() - stat.mtimeMs > PRUNE_AFTER_MS) rmSync(other, { force: true });
    }
    return file;
  } finally {
    await esbuild.stop();
  }
}

/** The module URL the CLI should run: the current bundle, a fresh build, or undefined (run the sources). */
export async function startupBundle(root: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  if (env.BURSAR_BUNDLE === '0') return undefined;
  const current = currentBundle(root);
  if (current) return pathToFileURL(current).href;
  try {
    return pathToFileURL(await buildBundle(root)).href;
  } catch {
    // No esbuild (an install that skipped it), a read-only checkout, or a source that does not
    // build: the sources run, and say what is wrong with them if anything is.
    return undefined;
  }
}

// `node src/cli/bundle.ts` (npm's prepare script, so `npm install` leaves a current bundle).
if (import.meta.main) {
  const { PROJECT_ROOT } = await import('../project-root.ts');
  const started = performance.now();
  try {
    const file = await buildBundle(PROJECT_ROOT);
    process.stdout.write(`bursar: start-up bundle ${relative(PROJECT_ROOT, file)} built in ${Math.round(performance.now() - started)} ms\n`);
  } catch (error) {
    // An install does not fail for it: the CLI runs from the sources until a start can build one.
    process.stderr.write(`bursar: start-up bundle not built (${(error as Error).message.split('\n')[0]}); the CLI runs from the sources\n`);
  }
}
