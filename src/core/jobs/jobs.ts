// Jobs that fall due as a tenant's clock moves: run in the background for real clocks, and
// synchronously when a test clock is moved, so the caller sees every consequence on return. The
// work itself is the due-work runner's (./runner.ts) over the kinds in ./registry.ts.
import type { TenantContext } from '../context.ts';
import { runDueWork, type DueWorkReport } from './runner.ts';

/** Runs everything due up to the tenant clock's now. */
export async function runDueJobs(ctx: TenantContext): Promise<DueWorkReport> {
  return runDueWork(ctx, ctx.tenant, { until: ctx.clock.now() });
}
