// bursar: serve | tenant | key | clock | verify | reset | requests | due | subscriptions | settings | webhook. Operator commands act on the
// same database as the server (DATABASE_URL or the data folder) through the same core services.
// runCli runs one command line against an io (the process's, or a test's) and returns the exit
// code; every failure is one line on stderr.
import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.ts';
import { DomainError } from '../core/errors/domain-error.ts';
import { StartupError } from '../startup/startup-error.ts';
import type { CliIo } from './io.ts';
import { CliError } from './context.ts';
import { serveCommand } from './commands/serve.ts';
import { tenantCommands } from './commands/tenants.ts';
import { clockCommands } from './commands/clock.ts';
import { requestCommands } from './commands/requests.ts';
import { recurringCommands } from './commands/recurring.ts';
import { webhookCommands } from './commands/webhooks.ts';

/** Commander's output on the io; its errors as one line like ours. */
const output = (io: CliIo) => ({
  writeOut: (text: string) => io.out(text),
  writeErr: (text: string) => io.err(text),
  outputError: (text: string, write: (text: string) => void) => write(`bursar: ${text.replace(/^error: /, '').trim()} (see --help)\n`),
});

function buildProgram(io: CliIo, exit: (code: number) => void): Command {
  const program = new Command('bursar')
    .description('Bursar: a self-hosted billing and payments server speaking five vendors’ APIs')
    .version(VERSION, '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput(output(io));
  serveCommand(program, io);
  tenantCommands(program, io);
  clockCommands(program, io, exit);
  requestCommands(program, io);
  recurringCommands(program, io);
  webhookCommands(program, io);
  // Subcommands inherit neither exitOverride nor the output: set them on every level.
  const walk = (command: Command) => {
    for (const sub of command.commands) {
      sub.exitOverride().configureOutput(output(io));
      walk(sub);
    }
  };
  walk(program);
  return program;
}

/** Runs `bursar <args>`; resolves with the exit code. */
export async function runCli(args: string[], io: CliIo): Promise<number> {
  let code = 0;
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync(args, { from: 'user' });
    return code;
  } catch (error) {
    // Commander has already printed its own message (or the help, or the version).
    if (error instanceof CommanderError) return error.exitCode;
    const known = error instanceof DomainError || error instanceof StartupError || error instanceof CliError;
    const message = error instanceof Error ? error.message : String(error);
    io.err(`bursar: ${known ? message : message.split('\n')[0]}\n`);
    if (!known && io.env.BURSAR_DEBUG && error instanceof Error) io.err(`${error.stack ?? ''}\n`);
    return 1;
  }
}
