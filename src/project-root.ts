// The checkout's root (the folder holding package.json), found from this module's own location, so
// that it is the same answer when the code runs from the sources (src/) and from the start-up
// bundle (.tmp/bundle/, see src/cli/bundle.ts), where relative URLs would point elsewhere.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const PROJECT_ROOT: string = findRoot(dirname(fileURLToPath(import.meta.url)));
