// Several core services as one unit: a front door that maps one vendor call onto more than one core
// operation (a customer and its primary contact, a contact and its login) gets all or nothing.
import { inTransaction } from '../store/tx.ts';
import { withDb, type TenantContext } from './context.ts';

export async function atomically<T>(ctx: TenantContext, work: (ctx: TenantContext) => Promise<T>): Promise<T> {
  return inTransaction(ctx.db, (tx) => work(withDb(ctx, tx)));
}
