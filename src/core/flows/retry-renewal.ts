// Dunning (one use-case, one transaction per step): a renewal whose charge failed is retried on the
// tenant's ladder (days after the failure, 1, 3, 5 by default). A retry charges what the renewal's
// invoice still owes to the subscription's payment method (or the customer's, default first) and
// applies it (charge-and-apply's building block). Approved: the renewal is paid, and a past-due
// subscription with nothing else unpaid is active again. Declined: the next step is scheduled, or
// after the last one the subscription is cancelled for non-payment or marked unpaid (the tenant's
// setting). Each step is an event and, for subscriptions that notify, an e-mail.
import type { InvoiceRow, RenewalRow, SubscriptionRow } from '../database.ts';
import { forUpdate } from '../db.ts';
import type { TenantContext } from '../context.ts';
import { addDaysTo } from '../clock/zone.ts';
import { dayStart, tenantDate } from '../clock/tenant-time.ts';
import { recordEvent } from '../events/events.ts';
import { DomainError, ErrorCode, notFound } from '../errors/domain-error.ts';
import { lockInvoice } from '../invoices/allocations.ts';
import { noteAttempts } from '../invoices/attempts.ts';
import { InvoiceState } from '../invoices/status.ts';
import type { ChargeOptions } from '../payments/processing.ts';
import { recurringSettings } from '../tenants/recurring-settings.ts';
import { chargeableMethods } from '../vault/vault.ts';
import { inWork, type TxContext } from '../work.ts';
import { notifyCustomer as notify, recoverIfSettled } from '../subscriptions/notices.ts';
import { chargeAndApplyWithin } from './charge-and-apply.ts';
import { collectOptions, subscriptionMode } from '../subscriptions/collect-options.ts';

export type RetryResult = 'paid' | 'retry_scheduled' | 'cancelled' | 'unpaid' | 'unknown' | 'not_due';

/** One attempt to collect what a renewal's invoice owes, from the subscription's method(s), applied to it. */
async function attemptCollection(
  ctx: TxContext,
  sub: SubscriptionRow,
  invoice: InvoiceRow,
): Promise<{ result: 'approved' | 'declined' | 'unknown'; transactionId: number | null; message: string | null }> {
  const methodIds = sub.payment_method_id !== null ? [sub.payment_method_id] : await chargeableMethods(ctx, sub.customer_id);
  let result: 'approved' | 'declined' | 'unknown' = 'declined';
  let transactionId: number | null = null;
  let message: string | null = 'No payment method available';
  if (methodIds.length > 0) {
    const fields = collectOptions(sub).charge ?? {};
    const charged = await chargeAndApplyWithin(
      // In the subscription's mode: a runner's context has no credential.
      { ...ctx, mode: subscriptionMode(sub) },
      {
        customerId: sub.customer_id,
        // The method the subscription names is charged whoever holds it (a recurring charge's card need not be the customer's).
        using: sub.payment_method_id !== null ? { kind: 'given', sources: [{ methodId: sub.payment_method_id }] } : { kind: 'saved', methodIds },
        applyTo: [{ invoiceId: invoice.id }],
        subscriptionId: sub.id,
        description: sub.description || null,
        processor: JSON.parse(sub.charge_options || '{}') as ChargeOptions,
        accountId: fields.accountId ?? null,
        orderId: fields.orderId ?? null,
        vendorData: fields.vendorData,
      },
      undefined,
    ).catch((error: unknown) => {
      // A method deleted meanwhile is a failed attempt, not a crash of the ladder.
      if ((error as { code?: string }).code === 'payment_method_unusable' || (error as { code?: string }).code === 'not_found') return null;
      throw error;
    });
    if (charged) {
      result = charged.result;
      transactionId = charged.transaction.id;
      message = charged.message;
    }
  } else await noteAttempts(ctx, [invoice.id], null);
  return { result, transactionId, message };
}

/** The dunning step of one failed renewal due at `moment` (the caller's clock). */
export async function retryRenewal(ctx: TenantContext, renewalId: number): Promise<RetryResult> {
  return inWork(ctx, async (ctx) => {
    const moment = ctx.clock.now();
    let query = ctx.db.selectFrom('renewals').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', renewalId);
    if (ctx.dialect === 'postgres') query = query.forUpdate().skipLocked();
    const renewal = await query.executeTakeFirst();
    if (!renewal || renewal.status !== 'failed' || renewal.retry_at === null || renewal.retry_at > moment || renewal.invoice_id === null) return 'not_due';
    const sub = await forUpdate(ctx.db.selectFrom('subscriptions').selectAll().where('id', '=', renewal.subscription_id), ctx.dialect).executeTakeFirstOrThrow();
    const invoice = await lockInvoice(ctx, renewal.invoice_id);
    const now = ctx.clock.now();
    const stop = async (status: string): Promise<void> => {
      await ctx.db.updateTable('renewals').set({ status, retry_at: null, updated_at: now }).where('id', '=', renewal.id).execute();
    };
    // Paid (or voided) meanwhile by other means: nothing to collect.
    if (invoice.status !== InvoiceState.OPEN || invoice.balance <= 0) {
      await stop(invoice.status === InvoiceState.OPEN ? 'paid' : 'uncollected');
      await recoverIfSettled(ctx, sub);
      return 'paid';
    }
    // A cancelled subscription stops collecting; a completed one still collects its last invoice.
    if (sub.status === 'cancelled' || sub.deleted_at !== null) {
      await stop('uncollected');
      return 'cancelled';
    }
    // No ladder at all (the tenant set none): the failed renewal goes straight to the last step.
    if (recurringSettings(ctx.tenant).dunningDays.length === 0) return exhaust(ctx, renewal, sub, { attempt: renewal.attempts, transactionId: null, message: 'No retries' });
    const attempt = renewal.attempts + 1;
    const { result, transactionId, message } = await attemptCollection(ctx, sub, invoice);
    const snapshot = (extra: Record<string, unknown>) => ({ renewal_id: renewal.id, subscription_id: sub.id, invoice_id: invoice.id, transaction_id: transactionId, attempt, ...extra });
    if (result === 'approved') {
      await ctx.db.updateTable('renewals').set({ status: 'paid', attempts: attempt, transaction_id: transactionId, retry_at: null, updated_at: now }).where('id', '=', renewal.id).execute();
      await recordEvent(ctx, 'subscription.payment_retry_succeeded', 'subscription', sub.id, snapshot({}), subscriptionMode(sub));
      await recoverIfSettled(ctx, sub);
      return 'paid';
    }
    if (result === 'unknown') {
      await ctx.db.updateTable('renewals').set({ status: 'unknown', attempts: attempt, transaction_id: transactionId, retry_at: null, updated_at: now }).where('id', '=', renewal.id).execute();
      return 'unknown';
    }
    const settings = recurringSettings(ctx.tenant);
    const step = renewal.dunning_step + 1;
    if (step < settings.dunningDays.length) {
      const failedOn = tenantDate(ctx, Number(renewal.created_at));
      const retryOn = addDaysTo(failedOn, settings.dunningDays[step]);
      await ctx.db
        .updateTable('renewals')
        .set({ attempts: attempt, dunning_step: step, transaction_id: transactionId ?? renewal.transaction_id, retry_at: dayStart(ctx, retryOn), updated_at: now })
        .where('id', '=', renewal.id)
        .execute();
      await recordEvent(ctx, 'subscription.payment_retry_failed', 'subscription', sub.id, snapshot({ next_retry_on: retryOn, reason: message }), subscriptionMode(sub));
      await notify(ctx, sub, 'Your payment failed again', `We could not collect invoice #${invoice.number}; we will try again on ${retryOn}.`, {
        kind: 'payment_failed',
        invoice_id: invoice.id,
        attempt,
      });
      return 'retry_scheduled';
    }
    return exhaust(ctx, renewal, sub, { attempt, transactionId, message });
  });
}

/** The ladder ran out: the renewal stays unpaid; the subscription is cancelled or marked unpaid. */
async function exhaust(ctx: TxContext, renewal: RenewalRow, sub: SubscriptionRow, last: { attempt: number; transactionId: number | null; message: string | null }): Promise<RetryResult> {
  const now = ctx.clock.now();
  const final = recurringSettings(ctx.tenant).dunningFinal;
  await ctx.db
    .updateTable('renewals')
    .set({ status: 'uncollected', attempts: last.attempt, transaction_id: last.transactionId ?? renewal.transaction_id, retry_at: null, updated_at: now })
    .where('id', '=', renewal.id)
    .execute();
  const set =
    final === 'cancel'
      ? { status: 'cancelled', status_reason: 'nonpayment', cancelled_at: now, next_bill_at: null, updated_at: now }
      : { status: 'unpaid', status_reason: 'nonpayment', updated_at: now };
  const updated = await ctx.db.updateTable('subscriptions').set(set).where('id', '=', sub.id).returningAll().executeTakeFirstOrThrow();
  await recordEvent(
    ctx,
    final === 'cancel' ? 'subscription.cancelled' : 'subscription.unpaid',
    'subscription',
    sub.id,
    { ...updated, reason: 'nonpayment', last_error: last.message },
    subscriptionMode(sub),
  );
  await notify(
    ctx,
    updated,
    final === 'cancel' ? 'Your subscription was cancelled' : 'Your subscription is unpaid',
    final === 'cancel'
      ? 'We could not collect your payment after several attempts, so your subscription was cancelled.'
      : 'We could not collect your payment after several attempts; your subscription is on hold until it is paid.',
    { kind: final === 'cancel' ? 'subscription_cancelled' : 'subscription_unpaid', renewal_id: renewal.id },
  );
  return final === 'cancel' ? 'cancelled' : 'unpaid';
}

/** Failed renewals due for their next step at or before `moment`, oldest first. */
export async function dueRetries(ctx: TenantContext, moment: number, limit: number): Promise<number[]> {
  const rows = await ctx.db
    .selectFrom('renewals')
    .select('id')
    .where('tenant_id', '=', ctx.tenant.id)
    .where('status', '=', 'failed')
    .where('retry_at', '<=', moment)
    .orderBy('retry_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** A renewal charged with an unknown outcome learns it once the payment is resolved. */
export async function renewalPaymentResolved(ctx: TxContext, transactionId: number): Promise<void> {
  const renewal = await ctx.db.selectFrom('renewals').selectAll().where('tenant_id', '=', ctx.tenant.id).where('transaction_id', '=', transactionId).where('status', '=', 'unknown').executeTakeFirst();
  if (!renewal || renewal.invoice_id === null) return;
  const txn = await ctx.db.selectFrom('transactions').select(['status']).where('id', '=', transactionId).executeTakeFirstOrThrow();
  const now = ctx.clock.now();
  const sub = await ctx.db.selectFrom('subscriptions').selectAll().where('id', '=', renewal.subscription_id).executeTakeFirstOrThrow();
  if (txn.status === 'captured' || txn.status === 'settled') {
    await ctx.db.updateTable('renewals').set({ status: 'paid', updated_at: now }).where('id', '=', renewal.id).execute();
    await recoverIfSettled(ctx, sub);
    return;
  }
  // Declined after all: into the dunning ladder from its first step.
  const days = recurringSettings(ctx.tenant).dunningDays;
  const failedOn = tenantDate(ctx, now);
  await ctx.db
    .updateTable('renewals')
    .set({ status: days.length ? 'failed' : 'uncollected', retry_at: days.length ? dayStart(ctx, addDaysTo(failedOn, days[0])) : null, updated_at: now })
    .where('id', '=', renewal.id)
    .execute();
  if (sub.status === 'active' || sub.status === 'trialing') {
    const updated = await ctx.db.updateTable('subscriptions').set({ status: 'past_due', updated_at: now }).where('id', '=', sub.id).returningAll().executeTakeFirstOrThrow();
    await recordEvent(ctx, 'subscription.past_due', 'subscription', sub.id, updated, subscriptionMode(sub));
  }
}

export type CollectNowResult = 'paid' | 'declined' | 'unknown';

/**
 * Collects a renewal's invoice now, on request (AffiniPay's "pay occurrence": a failed, ignored or
 * only-invoiced renewal, or its retry ahead of the ladder). Approved: paid, and the subscription
 * recovers; declined: the attempt counts, the ladder keeps its dates (a renewal not in dunning is
 * marked failed without one).
 */
export async function collectRenewalNow(ctx: TenantContext, renewalId: number): Promise<CollectNowResult> {
  return inWork(ctx, async (ctx) => {
    const renewal = await forUpdate(ctx.db.selectFrom('renewals').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', renewalId), ctx.dialect).executeTakeFirst();
    if (!renewal) throw notFound('renewal', renewalId);
    if (renewal.invoice_id === null || !['failed', 'uncollected', 'ignored', 'open'].includes(renewal.status)) {
      throw new DomainError(ErrorCode.ILLEGAL_TRANSITION, `A renewal that is ${renewal.status} cannot be collected`, {
        details: { reason: renewal.status === 'paid' ? 'already_paid' : 'not_collectable' },
      });
    }
    const sub = await forUpdate(ctx.db.selectFrom('subscriptions').selectAll().where('id', '=', renewal.subscription_id), ctx.dialect).executeTakeFirstOrThrow();
    const invoice = await lockInvoice(ctx, renewal.invoice_id);
    const now = ctx.clock.now();
    if (invoice.status !== InvoiceState.OPEN || invoice.balance <= 0)
      throw new DomainError(ErrorCode.ILLEGAL_TRANSITION, 'The invoice has nothing left to pay', { details: { reason: 'nothing_due' } });
    const { result, transactionId, message } = await attemptCollection(ctx, sub, invoice);
    const attempts = renewal.attempts + 1;
    if (result === 'approved') {
      await ctx.db.updateTable('renewals').set({ status: 'paid', attempts, transaction_id: transactionId, retry_at: null, updated_at: now }).where('id', '=', renewal.id).execute();
      await recordEvent(
        ctx,
        'subscription.renewal_paid',
        'subscription',
        sub.id,
        { renewal_id: renewal.id, vendor: sub.vendor, invoice_id: invoice.id, transaction_id: transactionId, attempt: attempts },
        subscriptionMode(sub),
      );
      await recoverIfSettled(ctx, sub);
      return 'paid';
    }
    const status = result === 'unknown' ? 'unknown' : renewal.status === 'open' || renewal.status === 'ignored' ? 'failed' : renewal.status;
    await ctx.db
      .updateTable('renewals')
      .set({ status, attempts, transaction_id: transactionId ?? renewal.transaction_id, updated_at: now })
      .where('id', '=', renewal.id)
      .execute();
    await recordEvent(
      ctx,
      'subscription.renewal_payment_failed',
      'subscription',
      sub.id,
      { renewal_id: renewal.id, vendor: sub.vendor, invoice_id: invoice.id, transaction_id: transactionId, attempt: attempts, reason: message },
      subscriptionMode(sub),
    );
    return result === 'unknown' ? 'unknown' : 'declined';
  });
}

/**
 * Stops collecting a renewal (AffiniPay's "ignore occurrence"): no more retries, and it no longer
 * keeps the subscription past due; its invoice stays open and can still be collected later.
 */
export async function ignoreRenewal(ctx: TenantContext, renewalId: number): Promise<void> {
  await inWork(ctx, async (ctx) => {
    const renewal = await forUpdate(ctx.db.selectFrom('renewals').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', renewalId), ctx.dialect).executeTakeFirst();
    if (!renewal) throw notFound('renewal', renewalId);
    if (renewal.status === 'ignored') return;
    if (renewal.status === 'paid' || renewal.status === 'skipped')
      throw new DomainError(ErrorCode.ILLEGAL_TRANSITION, `A renewal that is ${renewal.status} cannot be ignored`, { details: { reason: 'not_collectable' } });
    await ctx.db.updateTable('renewals').set({ status: 'ignored', retry_at: null, updated_at: ctx.clock.now() }).where('id', '=', renewal.id).execute();
    const sub = await ctx.db.selectFrom('subscriptions').selectAll().where('id', '=', renewal.subscription_id).executeTakeFirstOrThrow();
    await recordEvent(ctx, 'subscription.renewal_ignored', 'subscription', sub.id, { renewal_id: renewal.id, vendor: sub.vendor, invoice_id: renewal.invoice_id }, subscriptionMode(sub));
    await recoverIfSettled(ctx, sub);
  });
}
