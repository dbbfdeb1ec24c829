// The CLI on this process: what main.ts runs, from the start-up bundle (bundle.ts) or the sources.
import { runCli } from './program.ts';
import { processIo } from './io.ts';

process.exitCode = await runCli(process.argv.slice(2), processIo());
