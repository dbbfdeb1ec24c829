// Jobs that fall due as a tenant's clock moves: run in the background for real clocks, and
// synchronously when a test clock is moved, so the caller sees every consequence on return.
import type { TenantContext } from '../context.ts';
import { runSettlement } from '../settlement/settlement.ts';

export async function runDueJobs(ctx: TenantContext): Promise<void> {
  await runSettlement(ctx);
}
