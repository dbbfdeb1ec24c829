// The background delivery loop of a server process: woken when this process queues deliveries
// (just after the business transaction, never inside it), and every few seconds for what it was
// not woken for (other instances' events, retries falling due on real clocks, a restart's backlog).
// Each pass runs runDueDeliveries for every tenant with pending deliveries, on that tenant's clock.
import type { CoreServices } from '../context.ts';
import { contextFor } from '../tenants/tenants.ts';
import { runtimeOf } from './runtime.ts';
import { runDueDeliveries } from './worker.ts';

export interface DeliveryLoop {
  /** Runs a pass now (and waits for it). */
  runNow(): Promise<void>;
  stop(): Promise<void>;
}

/** Tenants with deliveries still pending (an index seek per tenant, whatever the backlog). */
async function tenantsWithWork(services: CoreServices) {
  return services.db
    .selectFrom('tenants as t')
    .selectAll('t')
    .where((eb) => eb.exists(eb.selectFrom('webhook_deliveries as d').select('d.id').whereRef('d.tenant_id', '=', 't.id').where('d.status', '=', 'pending')))
    .execute();
}

export function startDeliveryLoop(services: CoreServices, options: { intervalMs?: number; wakeDelayMs?: number } = {}): DeliveryLoop {
  const runtime = runtimeOf(services);
  const intervalMs = options.intervalMs ?? runtime.settings.intervalMs;
  const wakeDelayMs = options.wakeDelayMs ?? 5;
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  let wake: NodeJS.Timeout | null = null;

  const pass = async (): Promise<void> => {
    const tenants = await tenantsWithWork(services);
    await Promise.all(tenants.map((tenant) => runDueDeliveries(contextFor(services, tenant))));
  };
  const run = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await pass();
        } catch (error) {
          services.log.error({ err: error }, 'webhook delivery pass failed');
        }
      } while (again && !stopped);
    })().finally(() => (running = null));
    return running;
  };
  const timer = setInterval(() => void run(), Math.max(50, intervalMs));
  timer.unref();
  const unsubscribe = runtime.onNudge(() => {
    if (stopped || wake) return;
    // Queued inside a transaction that commits in a moment: look just after.
    wake = setTimeout(() => {
      wake = null;
      void run();
    }, wakeDelayMs);
    wake.unref();
  });
  void run();
  return {
    runNow: run,
    async stop() {
      stopped = true;
      runtime.stopping = true;
      clearInterval(timer);
      if (wake) clearTimeout(wake);
      unsubscribe();
      await running;
      await Promise.all([...runtime.lanes.values()].map((lane) => lane.queued ?? lane.running));
    },
  };
}
