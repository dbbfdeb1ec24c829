// Take a charge off a door's books (ChargeDesk's DELETE /charges/{id}): one transaction. A recorded
// charge is voided and its money reversed; a processor charge keeps its money and carries the mark.
import type { TenantContext } from '../context.ts';
import { withdrawWithin, type WithdrawResult } from '../payments/recorded-charges.ts';
import { inWork } from '../work.ts';

export async function withdrawCharge(ctx: TenantContext, id: number, mark: { vendor: string; fields: Record<string, unknown> }): Promise<WithdrawResult> {
  return inWork(ctx, (w) => withdrawWithin(w, id, mark));
}
