// Recurring charges (AffiniPay's, spec §4.9–4.12): a payment method charged an amount on a schedule,
// each date an occurrence. On the recurring engine: a recurring charge is a subscription that names
// its method (the payer is a customer made for it when the method has none), never retries on its
// own and ends as soon as its last occurrence is billed (../subscriptions/collect-options.ts); each
// occurrence is a renewal, collected by the engine's renewals on the tenant's clock or on request
// (./occurrences.ts). Each use-case here is one transaction with its events.
import type { PaymentMethodRow, SubscriptionRow, TransactionRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { tenantToday } from '../clock/tenant-time.ts';
import { createCustomer } from '../customers/customers.ts';
import { DomainError, ErrorCode } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { beforeProcessor, chargeWithin, resolveSource, type ChargeOptions, type PaymentInput, type PaymentSource } from '../payments/processing.ts';
import { TxnStatus } from '../payments/states.ts';
import type { CollectOptions } from '../subscriptions/collect-options.ts';
import { uncapped } from '../subscriptions/renewal-plan.ts';
import { firstBillDate, nextBillDate, type Schedule } from '../subscriptions/schedule.ts';
import { dueInstant, insertSubscription, lockSubscription } from '../subscriptions/subscriptions.ts';
import { insertMethod, PaymentMethodStatus } from '../vault/vault.ts';
import { inWork, type TxContext } from '../work.ts';

export interface RecurringInput {
  /** Each occurrence's amount (the last one smaller under a maximum amount). */
  amount: number;
  currency: string;
  description: string;
  /** With its start. */
  schedule: Schedule;
  /** The merchant account, the order reference and the door's fields each of its charges carries. */
  charge: NonNullable<CollectOptions['charge']>;
  /** Processor options of its charges. */
  processor: ChargeOptions;
  vendor: string;
  vendorData?: Record<string, unknown>;
}

/** A recurring charge's own rules on the engine: no automatic retries, it ends with its last billing. */
const collect = (charge: RecurringInput['charge']): CollectOptions => ({ retries: 'none', ends: 'last_billing', charge });

/** The payer of a recurring charge: the method's customer, else a customer made for it from the method's holder. */
async function payerOf(ctx: TxContext, method: PaymentMethodRow): Promise<number> {
  if (method.customer_id !== null) return method.customer_id;
  const address = JSON.parse(method.billing_address || '{}') as { email?: string | null; phone?: string | null };
  const [first, ...rest] = (method.holder_name ?? '').trim().split(/\s+/);
  const customer = await createCustomer(ctx, { firstName: first || null, lastName: rest.join(' ') || null, email: address.email ?? null, phone: address.phone ?? null });
  return customer.id;
}

async function open(ctx: TxContext, input: RecurringInput, method: PaymentMethodRow, nextBill?: string | null): Promise<SubscriptionRow> {
  return insertSubscription(ctx, {
    customerId: await payerOf(ctx, method),
    description: input.description,
    currency: input.currency,
    amount: input.amount,
    schedule: input.schedule,
    nextBillDate: nextBill,
    paymentMethodId: method.id,
    chargeOptions: input.processor,
    // The payment method's mode: a live card makes a live recurring charge, whoever's context runs it.
    mode: method.mode === 'live' ? 'live' : 'test',
    options: collect(input.charge),
    vendor: input.vendor,
    vendorData: input.vendorData,
  });
}

/** The method a recurring charge keeps: a saved one as it is; a token's or details given now, stored for it alone (transient). */
export async function methodFor(ctx: TxContext, source: PaymentSource): Promise<PaymentMethodRow> {
  const { method } = await resolveSource(ctx, source, null);
  return method;
}

/** A new recurring charge whose first occurrence is due on the schedule's first date (the door checked it is not today). */
export async function createRecurring(ctx: TenantContext, input: RecurringInput & { source: PaymentSource }): Promise<SubscriptionRow> {
  return inWork(ctx, async (w) => open(w, input, await methodFor(w, input.source)));
}

export interface ChargeAndRecurResult {
  charge: TransactionRow;
  /** Null when the charge was declined (nothing recurs). */
  recurring: SubscriptionRow | null;
}

/**
 * Charge now and, if approved, start a recurring charge on the same method whose first occurrence
 * (today) that charge paid (spec §4.9): the occurrence counts the charge's amount; the next one is
 * the schedule's next date after today, unless the caps are already met (then it is complete).
 */
export async function chargeAndRecur(ctx: TenantContext, payment: PaymentInput, input: RecurringInput): Promise<ChargeAndRecurResult> {
  const seq = await beforeProcessor(ctx);
  return inWork(ctx, async (w) => {
    const { transaction } = await chargeWithin(w, payment, seq);
    if (transaction.status !== TxnStatus.CAPTURED || transaction.payment_method_id === null) return { charge: transaction, recurring: null };
    const method = await w.db.selectFrom('payment_methods').selectAll().where('id', '=', transaction.payment_method_id).executeTakeFirstOrThrow();
    const today = tenantToday(w);
    const schedule = input.schedule;
    const next = nextBillDate(uncapped(schedule), today);
    const done = next === null || (schedule.maxOccurrences !== undefined && schedule.maxOccurrences <= 1) || (schedule.maxAmount !== undefined && transaction.amount >= schedule.maxAmount);
    const opened = await open(w, input, method, null);
    const now = w.clock.now();
    const renewal = await w.db
      .insertInto('renewals')
      .values({
        tenant_id: w.tenant.id,
        subscription_id: opened.id,
        period_start: today,
        period_end: next,
        invoice_id: null,
        transaction_id: transaction.id,
        amount: transaction.amount,
        status: 'paid',
        attempts: 1,
        dunning_step: 0,
        retry_at: null,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const recurring = await w.db
      .updateTable('subscriptions')
      .set({
        billed_count: 1,
        billed_amount: transaction.amount,
        current_period_start: today,
        current_period_end: next,
        next_bill_date: done ? null : next,
        next_bill_at: done ? null : dueInstant(w, next),
        ...(done ? { status: 'completed', status_reason: 'schedule_complete', ended_at: now } : {}),
        updated_at: now,
      })
      .where('id', '=', opened.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const charge = await w.db.updateTable('transactions').set({ subscription_id: recurring.id }).where('id', '=', transaction.id).returningAll().executeTakeFirstOrThrow();
    await recordEvent(
      w,
      'subscription.renewed',
      'subscription',
      recurring.id,
      {
        renewal_id: Number(renewal.id),
        subscription_id: recurring.id,
        vendor: recurring.vendor,
        next_bill_date: recurring.next_bill_date,
        period_start: today,
        transaction_id: charge.id,
        amount: charge.amount,
        status: 'paid',
      },
      recurring.mode,
    );
    if (done) await recordEvent(w, 'subscription.completed', 'subscription', recurring.id, recurring, recurring.mode);
    return { charge, recurring };
  });
}

export interface RecurringChanges {
  amount?: number;
  description?: string;
  schedule?: Schedule;
  /** Another method: a saved one, a token's, or details given now. */
  source?: PaymentSource;
  /** The stored method with these fields changed (a new expiry, a holder's address): kept as a copy for this recurring charge. */
  methodChanges?: { expMonth?: number; expYear?: number; holderName?: string | null; address?: Record<string, string | null> };
  orderId?: string | null;
  chargeVendorData?: Record<string, unknown>;
  vendor: string;
  vendorData?: Record<string, unknown>;
}

function refuse(message: string, reason: string): DomainError {
  return new DomainError(ErrorCode.ILLEGAL_TRANSITION, message, { details: { reason } });
}

/** A copy of a stored method with some fields changed, for one recurring charge (the saved method itself is untouched). */
async function changedCopy(ctx: TxContext, methodId: number, changes: NonNullable<RecurringChanges['methodChanges']>): Promise<PaymentMethodRow> {
  const stored = await ctx.db.selectFrom('payment_methods').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', methodId).executeTakeFirstOrThrow();
  const { id: _id, tenant_id: _t, created_at: _c, deleted_at: _d, token: _token, mode: _mode, expiry_notice_at: _at, expiry_notices: _n, ...values } = stored;
  const address = { ...(JSON.parse(stored.billing_address || '{}') as Record<string, unknown>), ...(changes.address ?? {}) };
  return insertMethod(ctx, {
    ...values,
    status: PaymentMethodStatus.TRANSIENT,
    exp_month: changes.expMonth ?? stored.exp_month,
    exp_year: changes.expYear ?? stored.exp_year,
    holder_name: changes.holderName !== undefined ? changes.holderName : stored.holder_name,
    billing_address: JSON.stringify(address),
  });
}

/**
 * Changes an active recurring charge (spec §4.11 PUT/PATCH): amount, description, schedule, method,
 * reference and fields. The pending occurrence moves to the schedule's first date on or after today
 * and after the last billed one (the door checked there is one), with its new amount.
 */
export async function reviseRecurring(ctx: TenantContext, id: number, changes: RecurringChanges): Promise<SubscriptionRow> {
  return inWork(ctx, async (w) => {
    const sub = await lockSubscription(w, id);
    if (!['active', 'past_due', 'trialing'].includes(sub.status)) throw refuse('Only an active recurring charge can be changed', 'not_active');
    const now = w.clock.now();
    const set: Partial<SubscriptionRow> = { updated_at: now };
    if (changes.amount !== undefined) set.amount = changes.amount;
    if (changes.description !== undefined) set.description = changes.description;
    if (changes.source) set.payment_method_id = (await methodFor(w, changes.source)).id;
    else if (changes.methodChanges && sub.payment_method_id !== null) set.payment_method_id = (await changedCopy(w, sub.payment_method_id, changes.methodChanges)).id;
    if (changes.schedule) {
      set.schedule = JSON.stringify(changes.schedule);
      const last = await w.db
        .selectFrom('renewals')
        .select((eb) => eb.fn.max('period_start').as('last'))
        .where('subscription_id', '=', id)
        .executeTakeFirst();
      const today = tenantToday(w);
      const from = last?.last && String(last.last) >= today ? String(last.last) : null;
      const next = from === null ? firstBillDate(uncapped(changes.schedule), today) : nextBillDate(uncapped(changes.schedule), from);
      set.next_bill_date = next;
      set.next_bill_at = dueInstant(w, next, now);
    }
    const options = JSON.parse(sub.options || '{}') as CollectOptions;
    if (changes.orderId !== undefined || changes.chargeVendorData !== undefined) {
      options.charge = {
        ...options.charge,
        ...(changes.orderId !== undefined ? { orderId: changes.orderId } : {}),
        ...(changes.chargeVendorData !== undefined ? { vendorData: changes.chargeVendorData } : {}),
      };
      set.options = JSON.stringify(options);
    }
    if (changes.vendorData) {
      const all = JSON.parse(sub.vendor_data || '{}') as Record<string, Record<string, unknown>>;
      set.vendor_data = JSON.stringify({ ...all, [changes.vendor]: { ...(all[changes.vendor] ?? {}), ...changes.vendorData } });
    }
    const row = await w.db.updateTable('subscriptions').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await recordEvent(w, 'subscription.updated', 'subscription', id, { ...row, previous: { amount: sub.amount, next_bill_date: sub.next_bill_date } }, row.mode);
    return row;
  });
}
