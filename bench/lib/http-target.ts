// Child process for one HTTP measurement: opens a fresh database (if the scenario needs one), runs
// the scenario's setup, listens on 127.0.0.1:0 and tells the parent where; on 'close' it tears down.
// Usage (by bench/lib/http.ts through fork): http-target.ts <scenario file> <backend>
import { listenForParent, runTarget, sendToParent } from './target-ipc.ts';
import { pathToFileURL } from 'node:url';
import { createLogger } from '../../src/http/logger.ts';
import { openBenchStore, type BenchStore } from './backends.ts';
import { isScenario, type HttpRequestSpec, type ScenarioBackend } from './scenario.ts';

export type TargetMessage = { type: 'ready'; url: string; request: HttpRequestSpec } | { type: 'error'; message: string } | { type: 'report'; lines: string[] } | { type: 'closed' };

const send = (message: TargetMessage) => sendToParent(message);

async function main(): Promise<void> {
  const [file, backendArg] = process.argv.slice(2);
  const backend = backendArg as ScenarioBackend;
  const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  if (!isScenario(mod.default)) throw new Error(`${file} does not export a scenario as default`);
  const scenario = mod.default;
  let bench: BenchStore | null = null;
  try {
    if (backend !== 'none') bench = await openBenchStore(backend);
    // The core logs where the server does, at `npm start`'s default level (the scratch store's is silent).
    const services = bench ? { ...bench.services, log: createLogger('info') } : null;
    const { app, context } = await scenario.setup({ backend, services, storeOptions: bench?.options ?? null });
    const { url, closeRequested: closed } = await listenForParent(app);
    await send({ type: 'ready', url, request: scenario.request(context) });
    await closed;
    if (scenario.report) await send({ type: 'report', lines: await scenario.report(context) });
    await app.close();
  } finally {
    await bench?.dispose();
  }
  await send({ type: 'closed' });
}

runTarget(main);
