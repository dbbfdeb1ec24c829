// The parent/child protocol of the bench's target processes (http-target.ts, search-target.ts):
// the child listens on 127.0.0.1:0, says 'ready' with its URL, waits for the parent's 'close',
// tears down and says 'closed'; any failure is an 'error' message and exit code 1.
import type { ChildProcess } from 'node:child_process';
import type { FastifyInstance } from 'fastify';

type ErrorMessage = { type: 'error'; message: string };

/** The child's next message, or a rejection when it exits or stays silent for `timeoutMs`. */
export function nextMessage<T>(child: ChildProcess, timeoutMs: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`${what} did not answer within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: unknown) => finish(null, message as T);
    const onExit = (code: number | null) => finish(new Error(`${what} exited with ${code}`));
    function finish(error: Error | null, message?: T) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(message!);
    }
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** In the parent: asks a child still running to close, and kills it if it has not exited in 15 s. */
export async function stopTarget(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.connected) child.send('close');
  const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(killer);
}

/** In the child: a message to the parent, resolved once it is handed over. */
export function sendToParent<T>(message: T | ErrorMessage): Promise<void> {
  return new Promise((resolve) => process.send!(message, undefined, {}, () => resolve()));
}

/** In the child: listens on an ephemeral loopback port; resolves with its URL and a promise of the parent's 'close'. */
export async function listenForParent(app: FastifyInstance): Promise<{ url: string; closeRequested: Promise<void> }> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const closeRequested = new Promise<void>((resolve) => process.once('message', () => resolve()));
  return { url: `http://127.0.0.1:${port}`, closeRequested };
}

/** In the child: runs `main`, then exits 0, or reports its error to the parent and exits 1. */
export function runTarget(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    async (error: unknown) => {
      await sendToParent({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      process.exit(1);
    },
  );
}
