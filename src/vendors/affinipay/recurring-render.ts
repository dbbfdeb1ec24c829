// Recurring charges and occurrences in AffiniPay's words (spec §3.C11, §3.C12). A recurring charge is
// a core subscription this door made; its occurrences are the subscription's renewals in date order
// plus the next one, not billed yet (its next bill date). An occurrence's id carries the recurring
// charge's core id and its place (n) among them, so the pending one keeps its id once it is billed.
import { modeOf, type TenantContext } from '../../core/context.ts';
import type { RenewalRow, SubscriptionRow, TransactionRow } from '../../core/database.ts';
import { collectOptions } from '../../core/subscriptions/collect-options.ts';
import { occurrencesOf, renewalCharges } from '../../core/subscriptions/occurrences.ts';
import { chargeAmount } from '../../core/subscriptions/schedule-amounts.ts';
import { subscriptionSchedule } from '../../core/subscriptions/subscriptions.ts';
import { subscriptionsByIds } from '../../core/subscriptions/queries.ts';
import { paymentMethodsByIds } from '../../core/vault/queries.ts';
import { accountId, accountsOf } from './accounts.ts';
import { notFoundError } from './errors.ts';
import { decodeId, occurrenceId, OCCURRENCE_PLACES as PLACES, recurringId, sameSecond } from './ids.ts';

export { occurrenceId, recurringId };
import { renderMethod, VENDOR } from './methods.ts';
import { renderSchedule } from './recurring-wire.ts';
import { renderContext, renderTransaction } from './transactions.ts';
import { timestamp } from './wire.ts';

/** Whether a subscription is one of this door's recurring charges seen by this credential. */
export const isRecurringCharge = (ctx: TenantContext, sub: SubscriptionRow): boolean => sub.vendor === VENDOR && sub.mode === modeOf(ctx);

/** A recurring charge of the credential's mode by its AffiniPay id; anything else is not found. */
export async function findRecurring(ctx: TenantContext, idText: unknown): Promise<SubscriptionRow> {
  const decoded = decodeId('recurring_charge', idText);
  if (!decoded) throw notFoundError();
  const [sub] = await subscriptionsByIds(ctx, [decoded.id]);
  if (!sub || !isRecurringCharge(ctx, sub) || !sameSecond(decoded, sub.created_at)) throw notFoundError();
  return sub;
}

/** The place of an occurrence of this recurring charge named by its id; not found otherwise (spec §4.11). */
export function occurrenceNumber(sub: SubscriptionRow, idText: unknown): number {
  const decoded = decodeId('occurrence', idText);
  if (!decoded || Math.floor(decoded.id / PLACES) !== sub.id || !sameSecond(decoded, sub.created_at)) throw notFoundError();
  return decoded.id % PLACES;
}

export function wireStatus(sub: SubscriptionRow): { status: string; status_reason?: string } {
  if (sub.status === 'cancelled' && sub.status_reason === 'deleted') return { status: 'DELETED', status_reason: 'user_canceled' };
  if (sub.status === 'cancelled') return { status: 'COMPLETED', status_reason: 'user_canceled' };
  if (sub.status === 'completed') return { status: 'COMPLETED', status_reason: 'schedule_complete' };
  return { status: 'ACTIVE' };
}

const OCCURRENCE_STATUS: Record<string, string> = { paid: 'PAID', failed: 'FAILED', uncollected: 'FAILED', ignored: 'IGNORED', open: 'PENDING', pending: 'PAYING', unknown: 'PAYING' };

export interface OccurrenceView {
  n: number;
  renewal: RenewalRow | null;
  body: Record<string, unknown>;
}

/** Every occurrence of a recurring charge, oldest first: its renewals, then the next one while it collects or was left pending by a cancel. */
export async function occurrenceViews(ctx: TenantContext, sub: SubscriptionRow): Promise<OccurrenceView[]> {
  const renewals = (await occurrencesOf(ctx, [sub.id])).get(sub.id) ?? [];
  const charges = await renewalCharges(ctx, renewals);
  const txns = [...charges.values()].flat();
  const rc = await renderContext(ctx, txns);
  const id = recurringId(sub);
  const views: OccurrenceView[] = renewals.map((renewal, i) => {
    const made = charges.get(renewal.id) ?? [];
    const body: Record<string, unknown> = {
      id: occurrenceId(sub, i + 1),
      created: timestamp(renewal.created_at),
      modified: timestamp(renewal.updated_at),
      recurring_charge_id: id,
      amount: renewal.amount,
      status: OCCURRENCE_STATUS[renewal.status] ?? 'PENDING',
      due_date: renewal.period_start,
      attempts: renewal.attempts,
    };
    if (made.length > 0) {
      body.last_attempt = timestamp(made[made.length - 1].created_at);
      body.transactions = made.map((t: TransactionRow) => renderTransaction(t, rc));
    }
    return { n: i + 1, renewal, body };
  });
  const deleted = sub.status_reason === 'deleted';
  if (sub.next_bill_date !== null && !deleted) {
    const schedule = subscriptionSchedule(sub);
    const since = renewals.length > 0 ? renewals[renewals.length - 1].updated_at : sub.created_at;
    views.push({
      n: renewals.length + 1,
      renewal: null,
      body: {
        id: occurrenceId(sub, renewals.length + 1),
        created: timestamp(since),
        modified: timestamp(Math.max(since, sub.updated_at)),
        recurring_charge_id: id,
        amount: chargeAmount(schedule, sub.amount, sub.billed_amount) ?? 0,
        status: 'PENDING',
        due_date: sub.next_bill_date,
        attempts: 0,
      },
    });
  }
  return views;
}

/** A recurring charge (spec §3.C11); `occurrences` only in the answers that create one. */
export async function renderRecurring(ctx: TenantContext, sub: SubscriptionRow, options: { withOccurrences?: boolean } = {}): Promise<Record<string, unknown>> {
  const charge = collectOptions(sub).charge ?? {};
  const schedule = subscriptionSchedule(sub);
  const [accounts, methods] = await Promise.all([accountsOf(ctx), paymentMethodsByIds(ctx, sub.payment_method_id === null ? [] : [sub.payment_method_id])]);
  const account = accounts.find((a) => a.id === charge.accountId);
  const method = sub.payment_method_id === null ? undefined : methods.get(sub.payment_method_id);
  const own = ((charge.vendorData ?? {}) as Record<string, Record<string, unknown>>)[VENDOR] ?? {};
  const out: Record<string, unknown> = {
    id: recurringId(sub),
    created: timestamp(sub.created_at),
    modified: timestamp(sub.updated_at),
    ...wireStatus(sub),
    ...(account ? { account_id: accountId(account) } : {}),
    ...(method ? { method: renderMethod(method) } : {}),
    schedule: renderSchedule(schedule),
    ...(sub.description ? { description: sub.description } : {}),
    amount: sub.amount,
    currency: sub.currency,
    ...(typeof charge.orderId === 'string' ? { reference: charge.orderId } : {}),
    ...(schedule.maxOccurrences !== undefined ? { max_occurrences: schedule.maxOccurrences } : {}),
    ...(schedule.maxAmount !== undefined ? { max_amount: schedule.maxAmount } : {}),
    total_occurrences: sub.billed_count,
    total_amount: sub.billed_amount,
    ...(sub.next_bill_date !== null ? { next_payment: sub.next_bill_date } : {}),
    ...(own.data !== undefined ? { data: own.data } : {}),
  };
  if (options.withOccurrences) out.occurrences = (await occurrenceViews(ctx, sub)).map((v) => v.body);
  return out;
}
