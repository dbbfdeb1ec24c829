// Subscription lists by customer and creation time, newest first (ChargeDesk's /subscriptions and
// a customer's subscriptions).
import type { SubscriptionRow } from '../database.ts';
import type { TenantContext } from '../context.ts';

export interface SubscriptionFilter {
  customerIds?: readonly number[];
  /** Inclusive bounds on created_at (epoch ms). */
  from?: number;
  to?: number;
  offset?: number;
  limit?: number;
}

export async function subscriptionsNewestFirst(ctx: TenantContext, filter: SubscriptionFilter): Promise<SubscriptionRow[]> {
  let query = ctx.db.selectFrom('subscriptions').selectAll().where('tenant_id', '=', ctx.tenant.id).where('deleted_at', 'is', null);
  if (filter.customerIds) {
    if (filter.customerIds.length === 0) return [];
    query = query.where('customer_id', 'in', [...filter.customerIds]);
  }
  if (filter.from !== undefined) query = query.where('created_at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('created_at', '<=', filter.to);
  return query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .offset(filter.offset ?? 0)
    .limit(filter.limit ?? 20)
    .execute();
}
