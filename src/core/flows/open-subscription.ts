// Open a subscription (one use-case, one transaction): the subscription and its lines, and — when
// its first bill falls today and the vendor bills at once (a ChargeOver package is invoiced on
// create unless held) — that first renewal, through the same renewal flow the runner uses.
import type { SubscriptionRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { tenantToday } from '../clock/tenant-time.ts';
import { checkNewSubscription, insertSubscription, type SubscriptionInput } from '../subscriptions/subscriptions.ts';
import { inWork } from '../work.ts';
import { renewSubscriptions, type RenewalOutcome } from './renew-subscriptions.ts';

export interface OpenedSubscription {
  subscription: SubscriptionRow;
  /** The first renewal, when it was billed at once. */
  first: RenewalOutcome | null;
}

export async function openSubscription(ctx: TenantContext, input: SubscriptionInput, options: { billFirstPeriodNow?: boolean } = {}): Promise<OpenedSubscription> {
  await checkNewSubscription(ctx, input);
  return inWork(ctx, async (ctx) => {
    const created = await insertSubscription(ctx, input);
    if (!options.billFirstPeriodNow || created.next_bill_date === null || created.next_bill_date > tenantToday(ctx)) return { subscription: created, first: null };
    const [first] = await renewSubscriptions(ctx, [created.id], { moment: ctx.clock.now(), force: true });
    const subscription = await ctx.db.selectFrom('subscriptions').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    return { subscription, first: first ?? null };
  });
}

/** Bills the next period now instead of on its day (ChargeOver's ?action=invoice): the renewal the runner would make. */
export async function renewNow(ctx: TenantContext, subscriptionId: number): Promise<RenewalOutcome | null> {
  const [outcome] = await renewSubscriptions(ctx, [subscriptionId], { moment: ctx.clock.now(), force: true });
  return outcome ?? null;
}
