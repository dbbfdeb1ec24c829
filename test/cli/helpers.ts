// Runs bursar commands in this process (runCli with a test io): a data folder (and, when
// BURSAR_TEST_DATABASE_URL is set, a fresh PostgreSQL schema) of its own, captured stdout and
// stderr, no terminal unless asked, and started servers handed back to the test to close.
import { dropSchema } from '../../src/store/scratch.ts';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { runCli } from '../../src/cli/program.ts';
import type { CliIo } from '../../src/cli/io.ts';
import type { RunningServer } from '../../src/server.ts';
import { TEST_DATABASE_URL } from '../helpers/store.ts';

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Cli {
  env: NodeJS.ProcessEnv;
  dataDir: string;
  run(...args: string[]): Promise<Result>;
  /** Runs a command as if a person at a terminal answered the question with `answer`. */
  runAtTerminal(answer: boolean, ...args: string[]): Promise<Result & { asked: string[] }>;
  /** Servers `serve` started, in order. */
  servers: RunningServer[];
  dispose(): Promise<void>;
}

export function openCli(): Cli {
  const dataDir = mkdtempSync(join(tmpdir(), 'bursar-cli-'));
  const pgSchema = TEST_DATABASE_URL ? `bursar_cli_${randomBytes(6).toString('hex')}` : undefined;
  const env: NodeJS.ProcessEnv = {
    BURSAR_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    PORT: '0',
    HOST: '127.0.0.1',
    ...(TEST_DATABASE_URL && pgSchema ? { DATABASE_URL: TEST_DATABASE_URL, BURSAR_PG_SCHEMA: pgSchema } : {}),
  };
  const servers: RunningServer[] = [];
  const runWith = async (isTTY: boolean, answer: boolean, args: string[]) => {
    let stdout = '';
    let stderr = '';
    const asked: string[] = [];
    const io: CliIo = {
      env,
      isTTY,
      out: (text) => void (stdout += text),
      err: (text) => void (stderr += text),
      confirm: async (question) => {
        asked.push(question);
        return answer;
      },
      served: (server) => void servers.push(server),
    };
    const code = await runCli(args, io);
    return { code, stdout, stderr, asked };
  };
  return {
    env,
    dataDir,
    servers,
    run: (...args) => runWith(false, false, args),
    runAtTerminal: (answer, ...args) => runWith(true, answer, args),
    async dispose() {
      for (const server of servers) await server.close().catch(() => undefined);
      if (pgSchema && TEST_DATABASE_URL) await dropSchema(TEST_DATABASE_URL, pgSchema);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Every key of a JSON value is snake_case (header names and client bodies are data, not our fields). */
export function assertSnakeCase(value: unknown, where: string): void {
  if (Array.isArray(value)) return value.forEach((item) => assertSnakeCase(item, where));
  if (!value || typeof value !== 'object') return;
  for (const [key, item] of Object.entries(value)) {
    assert.match(key, /^[a-z0-9]+(_[a-z0-9]+)*$/, `${where}: ${key} is not snake_case`);
    if (key !== 'headers' && key !== 'body') assertSnakeCase(item, where);
  }
}

/** Runs a command that must succeed and print JSON. */
export async function runJson(cli: Cli, ...args: string[]): Promise<any> {
  const result = await cli.run(...args);
  assert.equal(result.code, 0, `bursar ${args.join(' ')} failed: ${result.stderr}${result.stdout}`);
  try {
    return JSON.parse(result.stdout);
  } catch {
    assert.fail(`bursar ${args.join(' ')} did not print JSON: ${result.stdout}`);
  }
}
