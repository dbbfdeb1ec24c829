// What a subscription tells its customer (for doors whose vendor mails: the subscription's notify
// flag), and its return to active once nothing it billed is left unpaid.
import type { SubscriptionRow } from '../database.ts';
import { recordEvent } from '../events/events.ts';
import { queueEmail } from '../outbox/outbox.ts';
import type { TxContext } from '../work.ts';

async function customerEmail(ctx: TxContext, customerId: number): Promise<string | null> {
  const customer = await ctx.db.selectFrom('customers').select('email').where('id', '=', customerId).executeTakeFirst();
  if (customer?.email) return customer.email;
  const contact = await ctx.db.selectFrom('contacts').select('email').where('customer_id', '=', customerId).where('is_primary', '=', 1).where('deleted_at', 'is', null).executeTakeFirst();
  return contact?.email ?? null;
}

export async function notifyCustomer(ctx: TxContext, sub: SubscriptionRow, subject: string, body: string, meta: Record<string, unknown>): Promise<void> {
  if (sub.notify !== 1) return;
  const to = await customerEmail(ctx, sub.customer_id);
  if (to) await queueEmail(ctx, { to, subject, body, meta: { subscription_id: sub.id, ...meta } });
}

/** A subscription with no renewal left unpaid becomes active again (from past due or unpaid). */
export async function recoverIfSettled(ctx: TxContext, sub: SubscriptionRow): Promise<void> {
  if (sub.status !== 'past_due' && sub.status !== 'unpaid') return;
  const open = await ctx.db.selectFrom('renewals').select('id').where('subscription_id', '=', sub.id).where('status', 'in', ['failed', 'unknown', 'uncollected']).executeTakeFirst();
  if (open) return;
  const now = ctx.clock.now();
  const updated = await ctx.db.updateTable('subscriptions').set({ status: 'active', status_reason: null, updated_at: now }).where('id', '=', sub.id).returningAll().executeTakeFirstOrThrow();
  await recordEvent(ctx, 'subscription.recovered', 'subscription', sub.id, updated, updated.mode);
  await notifyCustomer(ctx, updated, 'Your subscription is active again', 'Thank you: your payment went through and your subscription is active again.', { kind: 'subscription_recovered' });
}
