// Work a flow does before its transaction opens: the processor's simulated latency and the
// sequence numbers of the charges it expects to make.
import type { TenantContext } from '../context.ts';
import { beforeProcessor } from '../payments/processing.ts';
import type { ReservedSeqs } from './charge-sources.ts';

export async function reserveCharges(ctx: TenantContext, count: number): Promise<ReservedSeqs> {
  const n = Math.max(1, count);
  return { first: await beforeProcessor(ctx, n), count: n };
}
