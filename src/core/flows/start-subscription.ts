// Start a subscription on the customer's card on file and charge its first period now, in one
// transaction: the first charge is the recurring amount times the quantity plus any setup fee, or,
// with a trial, the setup fee alone (nothing at all is a zero charge that records the trial). A
// declined first charge is kept (the merchant sees it failed) and no subscription is made.
import type { SubscriptionRow, TransactionRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { isoDate } from '../clock/clock.ts';
import { dayStart } from '../clock/tenant-time.ts';
import { invalid } from '../errors/domain-error.ts';
import { keyedWork } from '../idempotency/keyed.ts';
import type { KeyedOperation } from '../idempotency/claim.ts';
import { beforeProcessor, chargeWithin } from '../payments/processing.ts';
import { recordChargeWithin } from '../payments/recorded-charges.ts';
import { getTransaction } from '../payments/rows.ts';
import { TxnStatus } from '../payments/states.ts';
import { setRefs, type RefChange } from '../refs/refs.ts';
import { firstBillDate, nextBillDate, type Schedule, type ScheduleDraft } from '../subscriptions/schedule.ts';
import { createSubscription, getSubscription } from '../subscriptions/subscriptions.ts';
import { chargeableMethods } from '../vault/vault.ts';
import { mergeVendorData } from '../vendor-data.ts';
import type { TxContext } from '../work.ts';
import { FlowRefusal, refuse } from './refusals.ts';

export interface StartSubscriptionInput {
  customerId: number;
  /** Per unit, minor units. */
  unitAmount: number;
  quantity: number;
  /** Charged once, with the first charge. */
  setupAmount: number;
  currency: string;
  /** Starts today on the tenant clock; trialDays delays the first recurring charge. */
  schedule: ScheduleDraft;
  planId?: number | null;
  description?: string | null;
  vendor: string;
  subscriptionData?: Record<string, unknown>;
  chargeData?: Record<string, unknown>;
  subscriptionRefs?: RefChange[];
}

export interface StartSubscriptionResult {
  /** Null when the first charge was declined. */
  subscription: SubscriptionRow | null;
  charge: TransactionRow;
}

/** What the first charge takes (the rule every door that starts paid subscriptions shares). */
export function firstChargeAmount(input: Pick<StartSubscriptionInput, 'unitAmount' | 'quantity' | 'setupAmount' | 'schedule'>): number {
  const trial = (input.schedule.trialDays ?? 0) > 0;
  return (trial ? 0 : input.unitAmount * input.quantity) + input.setupAmount;
}

async function startWithin(ctx: TxContext, input: StartSubscriptionInput, seq: number | null | undefined): Promise<StartSubscriptionResult> {
  if (!Number.isSafeInteger(input.quantity) || input.quantity < 1) throw invalid('quantity must be a whole number of at least 1', 'quantity');
  if (!Number.isSafeInteger(input.unitAmount) || input.unitAmount <= 0) throw invalid('amount must be more than zero', 'amount');
  if (!Number.isSafeInteger(input.setupAmount) || input.setupAmount < 0) throw invalid('setup amount must be zero or more', 'setup_amount');
  const [methodId] = await chargeableMethods(ctx, input.customerId);
  if (methodId === undefined) throw refuse(FlowRefusal.NO_PAYMENT_METHOD, { customer_id: input.customerId });
  const first = firstChargeAmount(input);
  const trial = (input.schedule.trialDays ?? 0) > 0;
  let charge: TransactionRow;
  if (first > 0) {
    ({ transaction: charge } = await chargeWithin(
      ctx,
      {
        type: 'sale',
        amount: first,
        currency: input.currency,
        source: { methodId },
        customerId: input.customerId,
        description: input.description ?? null,
        vendorData: input.chargeData ? { [input.vendor]: input.chargeData } : {},
      },
      seq,
    ));
    if (charge.status !== TxnStatus.CAPTURED) return { subscription: null, charge };
  } else {
    // A trial without a setup fee: a zero charge records the trial's start.
    ({ charge } = await recordChargeWithin(
      ctx,
      { customerId: input.customerId, amount: 0, currency: input.currency, outcome: 'requested', description: input.description ?? null, vendor: input.vendor, vendorData: input.chargeData },
      {},
      seq,
    ));
  }
  const today = isoDate(ctx.clock.now());
  const placed: Schedule = { ...input.schedule, start: input.schedule.start ?? today };
  // The first period was charged now; without a trial the next bill falls one period on.
  const next = trial ? firstBillDate(placed, today) : nextBillDate(placed, today);
  let subscription = await createSubscription(ctx, {
    customerId: input.customerId,
    planId: input.planId ?? null,
    description: input.description ?? '',
    currency: input.currency,
    amount: input.unitAmount * input.quantity,
    schedule: placed,
    nextBillDate: next,
    vendor: input.vendor,
    vendorData: input.subscriptionData,
  });
  await setRefs(ctx, 'subscription', subscription.id, input.subscriptionRefs);
  // The first charge bills the first period: it counts against the schedule's cap like a renewal,
  // so n billing cycles are n charges, and a single cycle ends with its period.
  if (!trial && next !== null) {
    const last = placed.maxOccurrences !== undefined && placed.maxOccurrences <= 1;
    subscription = await ctx.db
      .updateTable('subscriptions')
      .set({
        billed_count: 1,
        billed_amount: input.unitAmount * input.quantity,
        current_period_start: today,
        current_period_end: next,
        ...(last ? { next_bill_date: null, next_bill_at: null, ends_at: dayStart(ctx, next) } : {}),
      })
      .where('id', '=', subscription.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }
  charge = await ctx.db
    .updateTable('transactions')
    .set({ subscription_id: subscription.id, vendor_data: mergeVendorData(charge.vendor_data, input.vendor, { subscription: subscription.id }) })
    .where('id', '=', charge.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { subscription, charge };
}

const START: KeyedOperation<StartSubscriptionResult> = {
  name: 'start_subscription',
  ref: (result) => ({ type: 'transaction', id: result.charge.id }),
  load: async (ctx, ref) => {
    const charge = await getTransaction(ctx, ref.id);
    const linked = (JSON.parse(charge.vendor_data) as Record<string, { subscription?: number }>) ?? {};
    const id = Object.values(linked).find((ns) => typeof ns?.subscription === 'number')?.subscription;
    return { charge, subscription: id !== undefined ? await getSubscription(ctx, id) : null };
  },
};

export async function startSubscription(ctx: TenantContext, input: StartSubscriptionInput): Promise<StartSubscriptionResult> {
  return keyedWork(
    ctx,
    START,
    (w, seq) => startWithin(w, input, seq),
    () => beforeProcessor(ctx),
  );
}
