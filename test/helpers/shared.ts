// Data that lives beside the checkout in ../shared (recorded vendor fixtures, specs) rather than in
// the repository. CI has it; a fresh clone may not. Tests that need it skip with one line saying so.
// BURSAR_SHARED_DIR points elsewhere (or at nothing, to check that a clone without it passes).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const SHARED_DIR = resolve(process.env.BURSAR_SHARED_DIR ?? join(import.meta.dirname, '../../../shared'));

/** The path of a shared file or folder, and a skip reason when it is absent (false when present). */
export function sharedData(relative: string): { path: string; skip: string | false } {
  const path = join(SHARED_DIR, relative);
  return { path, skip: existsSync(path) ? false : `needs ${relative} in the shared folder (${SHARED_DIR}), which is not beside this checkout` };
}
