// The bursar command (bin/bursar.js and `npm run bursar` land here): the CLI on this process.
import { runCli } from './program.ts';
import { processIo } from './io.ts';

process.exitCode = await runCli(process.argv.slice(2), processIo());
