// Several core calls as one database transaction: every service called with the given context
// joins it (inTransaction reuses an open transaction), so a front door that maps one vendor call
// onto several core operations (a customer and its primary contact) writes all or nothing.
import { inTransaction } from '../store/tx.ts';
import { withDb, type TenantContext } from './context.ts';

export function atomically<T>(ctx: TenantContext, fn: (ctx: TenantContext) => Promise<T>): Promise<T> {
  return inTransaction(ctx.db, (tx) => fn(withDb(ctx, tx)));
}
