// Jobs that fall due as a tenant's clock moves: run in the background for real clocks, and
// synchronously when a test clock is moved, so the caller sees every consequence on return.
import type { TenantContext } from '../context.ts';
import { resolvePayment, unresolvedPayments } from '../flows/resolve-payment.ts';
import { runSettlement } from '../settlement/settlement.ts';
import { runDueDeliveries } from '../webhooks/worker.ts';

export async function runDueJobs(ctx: TenantContext): Promise<void> {
  // Payments whose processor answer was lost are inquired about first, so what they took settles.
  for (const id of await unresolvedPayments(ctx)) await resolvePayment(ctx, id);
  await runSettlement(ctx);
  await runDueDeliveries(ctx);
}
