// The due-work runner: everything that happens because time passed (./registry.ts), for one tenant,
// up to an instant. It takes the earliest due item of any kind, runs what is due at that moment with
// the tenant's clock reading that moment (so a renewal is dated on its day, a retry on its day), and
// repeats until nothing is due by the target: moving a test clock three months runs three monthly
// renewals, each on its own date, before the call returns. Real clocks run it in the background
// (src/server.ts) with the target now. Several runners may run at once (instances sharing
// PostgreSQL): each kind claims its items under row locks or unique indexes, so an item is done once.
import type { Tenant } from '../database.ts';
import type { CoreServices, TenantContext } from '../context.ts';
import { contextFor } from '../tenants/tenants.ts';
import type { DueItem, DueWorkKind } from './kind.ts';
import { DUE_WORK } from './registry.ts';

export interface DueWorkReport {
  /** Items done per kind (only kinds that did something). */
  ran: Record<string, number>;
  /** Moments the runner stepped through. */
  moments: number;
}

/** A clock that reads one instant. */
const fixedClock = (at: number) => ({ now: () => at });

// A kind that claims work is due but does none at that moment, and still claims it afterwards (a bug,
// or another runner holding its rows), is left out for the rest of this run instead of being asked
// again forever.
const MAX_STEPS = 1_000_000;

export async function runDueWork(services: CoreServices, tenant: Tenant, options: { until?: number; kinds?: readonly DueWorkKind[] } = {}): Promise<DueWorkReport> {
  const base = contextFor(services, tenant);
  const until = options.until ?? base.clock.now();
  const kinds = [...(options.kinds ?? DUE_WORK)];
  const ran: Record<string, number> = {};
  const stuck = new Set<string>();
  let moments = 0;
  for (let step = 0; step < MAX_STEPS; step++) {
    let best: { kind: DueWorkKind; at: number } | null = null;
    for (const kind of kinds) {
      if (stuck.has(kind.name)) continue;
      const at = await kind.nextDue(base, until);
      if (at !== null && at <= until && (best === null || at < best.at)) best = { kind, at };
    }
    if (!best) break;
    moments++;
    const ctx: TenantContext = { ...base, clock: fixedClock(best.at) };
    const done = await best.kind.run(ctx, best.at);
    if (done > 0) ran[best.kind.name] = (ran[best.kind.name] ?? 0) + done;
    else if (((await best.kind.nextDue(base, until)) ?? Infinity) > best.at) {
      // Done meanwhile by someone else (another runner, the delivery loop): nothing is stuck.
    } else {
      stuck.add(best.kind.name);
      services.log.warn({ tenant: tenant.id, kind: best.kind.name, at: new Date(best.at).toISOString() }, 'due work reported due but nothing was done; skipping this kind for the rest of the run');
    }
  }
  return { ran, moments };
}

/** What is due up to `until` (default now), per kind, for operators. */
export async function pendingDueWork(ctx: TenantContext, until: number, limit = 100): Promise<{ items: DueItem[]; counts: Record<string, number> }> {
  const items: DueItem[] = [];
  const counts: Record<string, number> = {};
  for (const kind of DUE_WORK) {
    const mine = await kind.pending(ctx, until, limit);
    if (mine.length) counts[kind.name] = mine.length;
    items.push(...mine);
  }
  items.sort((a, b) => a.dueAt - b.dueAt || a.objectId - b.objectId);
  return { items: items.slice(0, limit), counts };
}

/** Names of the kinds, in the order they run at one instant. */
export const DUE_WORK_KINDS = DUE_WORK.map((kind) => kind.name);
