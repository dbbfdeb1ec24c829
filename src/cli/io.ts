// What a CLI command talks to: its environment, output streams, whether a person is at a terminal,
// and how a started server is kept running. The real process supplies one (main.ts); tests supply
// their own and run commands in-process.
import { createInterface } from 'node:readline/promises';
import type { RunningServer } from '../server.ts';

export interface CliIo {
  env: NodeJS.ProcessEnv;
  /** A person at a terminal (destructive commands may ask them; elsewhere they need --yes). */
  isTTY: boolean;
  out(text: string): void;
  err(text: string): void;
  /** Asks a yes/no question on the terminal. */
  confirm(question: string): Promise<boolean>;
  /** `serve` hands over its running server: the process keeps it until a signal, a test closes it. */
  served(server: RunningServer): void;
}

export function printJson(io: CliIo, value: unknown): void {
  io.out(JSON.stringify(value, null, 2) + '\n');
}

export function processIo(): CliIo {
  return {
    env: process.env,
    isTTY: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    async confirm(question) {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
      } finally {
        rl.close();
      }
    },
    served(server) {
      const stop = async () => {
        await server.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
  };
}
