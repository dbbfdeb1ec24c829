// The data folder holds the SQLite database and the generated encryption key: it must be writable,
// and what Bursar keeps there is private to the user running it (folder 0700 when Bursar creates
// it, files 0600 — also files left by older versions).
import { accessSync, chmodSync, closeSync, constants, existsSync, mkdirSync, openSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { StartupError } from './startup-error.ts';

export const SQLITE_FILE = 'bursar.sqlite';
const PRIVATE_FILES = /^(bursar\.sqlite(-wal|-shm|-journal)?|secret\.key)$/;

function who(): string {
  try {
    return `user ${userInfo().username}`;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}

/** Makes sure the folder exists and is writable; creates the SQLite file private so its WAL files are too. */
export function prepareDataDir(dir: string, options: { sqlite: boolean }): void {
  const fix = `choose another folder with BURSAR_DATA_DIR, or give ${who()} write access to it`;
  try {
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!statSync(dir).isDirectory()) throw new StartupError(`the data folder ${dir} is a file, not a folder: ${fix}`);
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    if (error instanceof StartupError) throw error;
    const code = (error as { code?: string }).code ?? 'error';
    throw new StartupError(`the data folder ${dir} is not writable (${code}): ${fix}`, { cause: error });
  }
  // SQLite gives its -wal and -shm files the database file's permissions: create that file private.
  if (options.sqlite && !existsSync(join(dir, SQLITE_FILE))) closeSync(openSync(join(dir, SQLITE_FILE), 'a', 0o600));
  for (const name of readdirSync(dir)) {
    if (!PRIVATE_FILES.test(name)) continue;
    try {
      if ((statSync(join(dir, name)).mode & 0o077) !== 0) chmodSync(join(dir, name), 0o600);
    } catch {
      // Another process's file in a shared folder: leave it.
    }
  }
}
