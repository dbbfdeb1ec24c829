// `npm ci` with the machine's own npm and Node prints no engine warnings: the project runs on the
// Node 24 it brings, whatever Node runs npm. A dry run from the lockfile needs no network.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
// npm scripts put node_modules/.bin (with Node 24) first on PATH; the machine's own Node is what is left.
const PATH = (process.env.PATH ?? '')
  .split(delimiter)
  .filter((dir) => !dir.includes('node_modules'))
  .join(delimiter);

function machineNodeMajor(): number | undefined {
  try {
    return Number(/^v(\d+)/.exec(execFileSync('node', ['--version'], { env: { ...process.env, PATH }, encoding: 'utf8' }))?.[1]);
  } catch {
    return undefined;
  }
}

const major = machineNodeMajor();
const skip = major === undefined ? 'the machine has no node of its own on PATH' : major >= 24 ? `the machine's own Node is ${major}, which no engine check warns about` : false;

test('npm ci on the machine’s older Node prints no engine warnings', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'bursar-npm-'));
  try {
    for (const file of ['package.json', 'package-lock.json', '.npmrc']) if (existsSync(join(ROOT, file))) copyFileSync(join(ROOT, file), join(dir, file));
    const run = spawnSync('npm', ['ci', '--dry-run', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir, env: { ...process.env, PATH }, encoding: 'utf8', timeout: 60_000 });
    const output = `${run.stdout}${run.stderr}`;
    assert.equal(run.status, 0, output.slice(-2000));
    assert.doesNotMatch(output, /EBADENGINE|Unsupported engine/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
