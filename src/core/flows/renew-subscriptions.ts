// Renew subscriptions (one use-case, one transaction): for each subscription due, claim its period
// (a renewals row unique per subscription and period start: a period another run already billed is
// skipped, whoever ran it), decide the invoice from the rows locked (../subscriptions/renewal-plan.ts),
// issue it, charge the subscription's payment method and apply the payment, note a decline and
// start the dunning ladder, and move the subscription to its next period — with the ledger entries,
// events and e-mails of each, in the same transaction.
//
// The due-work runner hands it a batch of subscriptions due at one moment; each renewal in the batch
// is complete on its own (its invoice, charge and application), and the batch commits together (one
// commit for many renewals; on PostgreSQL its rows are locked FOR UPDATE SKIP LOCKED so that several
// runners share the work). A batch that fails is retried one subscription at
// a time by the runner (../jobs/kinds/renewals.ts). Writes go through each domain's batch writers
// (postMany, recordEvents, insertRows) with the same postings and events as the single-row building
// blocks (issuePosting, capturePosting, applyPosting), so verify sees no difference.
import { sql } from 'kysely';
import type { PaymentMethodRow, SubscriptionLineRow, SubscriptionRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { DomainError, ErrorCode } from '../errors/domain-error.ts';
import { addDaysTo } from '../clock/zone.ts';
import { dayStart, tenantDate } from '../clock/tenant-time.ts';
import { insertRows, updateRowsById, chunks, type ColumnType } from '../bulk.ts';
import { recordEvents, type NewEvent } from '../events/events.ts';
import { postMany, type LedgerPosting } from '../ledger/ledger.ts';
import { issuePosting } from '../invoices/figures.ts';
import { totalsColumns } from '../invoices/figures.ts';
import { computeLines, computeTotals, revenueOf } from '../invoices/totals.ts';
import { numberFromId } from '../invoices/invoices.ts';
import { InvoiceState } from '../invoices/status.ts';
import { applyPosting } from '../invoices/allocations.ts';
import { noteAttemptsMany, type AttemptOutcome } from '../invoices/attempts.ts';
import { queueEmails, type EmailInput } from '../outbox/outbox.ts';
import { capturePosting, processorOf, statusOf, beforeProcessor, type ChargeOptions } from '../payments/processing.ts';
import { nextSeq, transactionRow } from '../payments/rows.ts';
import { TxnStatus } from '../payments/states.ts';
import { randomAlnum } from '../crypto/secrets.ts';
import { faultsOf } from '../tenants/tenants.ts';
import { recurringSettings } from '../tenants/recurring-settings.ts';
import { instrumentOf } from '../vault/vault.ts';
import { subscriptionLines } from '../subscriptions/lines.ts';
import { nextAfterSkip, planRenewal, type RenewalPlan, type UsageTotals } from '../subscriptions/renewal-plan.ts';
import { addQuantities } from '../subscriptions/quantities.ts';
import { BILLABLE_STATUSES, dueInstant, subscriptionSchedule } from '../subscriptions/subscriptions.ts';
import { collectOptions, subscriptionMode } from '../subscriptions/collect-options.ts';
import { PURPOSE_INVOICE_PAYMENT } from './pay-invoice.ts';
import { inWork, type TxContext } from '../work.ts';

export type RenewalResult = 'paid' | 'open' | 'failed' | 'unknown' | 'skipped' | 'already_billed';

export interface RenewalOutcome {
  subscriptionId: number;
  renewalId: number | null;
  periodStart: string;
  result: RenewalResult;
  invoiceId: number | null;
  transactionId: number | null;
  amount: number;
}

export interface RenewOptions {
  /** The instant the renewals run at (the tenant clock of the caller). */
  moment: number;
  /** Bill the next period now even if it is not due yet (ChargeOver's ?action=invoice, a package's first invoice). */
  force?: boolean;
  /** false: only invoice the period, charge nothing (an occurrence skipped before it was due: AffiniPay's ignore). */
  collect?: boolean;
}

/** Subscriptions of the tenant due at or before `moment`, oldest due first. */
export async function dueSubscriptionIds(ctx: TenantContext, moment: number, limit: number): Promise<number[]> {
  const rows = await ctx.db
    .selectFrom('subscriptions')
    .select('id')
    .where('tenant_id', '=', ctx.tenant.id)
    .where('next_bill_at', '<=', moment)
    .where('status', 'in', [...BILLABLE_STATUSES])
    .where('deleted_at', 'is', null)
    .where((eb) => eb.or([eb('retry_after', 'is', null), eb('retry_after', '<=', moment)]))
    .orderBy('next_bill_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}

/** The earliest instant a renewal falls due (null: none); a subscription in back-off after an error counts from its retry. */
export async function nextRenewalDue(ctx: TenantContext): Promise<number | null> {
  const row = await ctx.db
    .selectFrom('subscriptions')
    .select(sql<number | null>`min(case when retry_after is not null and retry_after > next_bill_at then retry_after else next_bill_at end)`.as('at'))
    .where('tenant_id', '=', ctx.tenant.id)
    .where('next_bill_at', 'is not', null)
    .where('status', 'in', [...BILLABLE_STATUSES])
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return row?.at === null || row?.at === undefined ? null : Number(row.at);
}

/**
 * Renews in one transaction the given subscriptions (those still due, unless forced), or, given a
 * number, up to that many of the subscriptions due at the moment that no other runner holds.
 */
export async function renewSubscriptions(ctx: TenantContext, which: readonly number[] | number, options: RenewOptions): Promise<RenewalOutcome[]> {
  const count = typeof which === 'number' ? (await dueSubscriptionIds(ctx, options.moment, which)).length : which.length;
  if (count === 0) return [];
  // Sequence numbers for the charges, taken before the transaction opens (one each; unused ones
  // leave a gap, which is harmless). Inside a caller's transaction they are taken there.
  const first = ctx.db.isTransaction ? null : await beforeProcessor(ctx, count);
  return inWork(ctx, (w) => renewWithin(w, typeof which === 'number' ? count : which, options, { first, count }));
}

interface Customer {
  id: number;
  currency: string;
  default_payment_method_id: number | null;
  email: string | null;
}

async function lockDue(ctx: TxContext, which: readonly number[] | number, options: RenewOptions): Promise<SubscriptionRow[]> {
  let query = ctx.db
    .selectFrom('subscriptions')
    .selectAll()
    .where('tenant_id', '=', ctx.tenant.id)
    .where('deleted_at', 'is', null)
    .where('status', 'in', [...BILLABLE_STATUSES])
    .where('next_bill_date', 'is not', null);
  if (!options.force) {
    query = query.where('next_bill_at', '<=', options.moment).where((eb) => eb.or([eb('retry_after', 'is', null), eb('retry_after', '<=', options.moment)]));
  }
  query = typeof which === 'number' ? query.orderBy('next_bill_at').orderBy('id').limit(which) : query.where('id', 'in', [...which]).orderBy('id');
  // Several runners on PostgreSQL: each takes the rows no other holds, and skips the rest.
  if (ctx.dialect === 'postgres') query = query.forUpdate().skipLocked();
  return query.execute();
}

async function loadCustomers(ctx: TxContext, subs: readonly SubscriptionRow[]): Promise<Map<number, Customer>> {
  const ids = [...new Set(subs.map((s) => s.customer_id))];
  const map = new Map<number, Customer>();
  const needEmail = new Set(subs.filter((s) => s.notify === 1).map((s) => s.customer_id));
  // By primary key only (SQLite would otherwise walk a tenant index over every customer); the
  // tenant is checked on the rows.
  for (const part of chunks(ids)) {
    const rows = await ctx.db.selectFrom('customers').select(['id', 'tenant_id', 'currency', 'default_payment_method_id', 'email']).where('id', 'in', part).execute();
    for (const row of rows) if (row.tenant_id === ctx.tenant.id) map.set(row.id, { id: row.id, currency: row.currency, default_payment_method_id: row.default_payment_method_id, email: row.email });
  }
  const missing = [...needEmail].filter((id) => !map.get(id)?.email);
  for (const part of chunks(missing)) {
    const rows = await ctx.db
      .selectFrom('contacts')
      .select(['customer_id', 'email'])
      .where('tenant_id', '=', ctx.tenant.id)
      .where('customer_id', 'in', part)
      .where('is_primary', '=', 1)
      .where('deleted_at', 'is', null)
      .execute();
    for (const row of rows) {
      const customer = map.get(row.customer_id);
      if (customer && row.email) customer.email = row.email;
    }
  }
  return map;
}

/** The method each subscription charges: its own (when still active), else the customer's default, else its oldest. */
async function loadMethods(ctx: TxContext, subs: readonly SubscriptionRow[], customers: Map<number, Customer>): Promise<Map<number, PaymentMethodRow | null>> {
  const charging = subs.filter((s) => s.collection === 'charge');
  const named = [...new Set(charging.flatMap((s) => (s.payment_method_id === null ? [] : [s.payment_method_id])))];
  const byCustomer = [...new Set(charging.filter((s) => s.payment_method_id === null).map((s) => s.customer_id))];
  const rows: PaymentMethodRow[] = [];
  for (const part of chunks(named)) rows.push(...(await ctx.db.selectFrom('payment_methods').selectAll().where('id', 'in', part).execute()).filter((r) => r.tenant_id === ctx.tenant.id));
  for (const part of chunks(byCustomer)) {
    rows.push(
      ...(await ctx.db
        .selectFrom('payment_methods')
        .selectAll()
        .where('tenant_id', '=', ctx.tenant.id)
        .where('customer_id', 'in', part)
        .where('status', '=', 'active')
        .where('kind', 'in', ['card', 'bank'])
        .orderBy('id')
        .execute()),
    );
  }
  const byId = new Map(rows.map((r) => [r.id, r]));
  const oldest = new Map<number, PaymentMethodRow>();
  for (const row of rows) if (row.customer_id !== null && row.status === 'active' && (row.kind === 'card' || row.kind === 'bank') && !oldest.has(row.customer_id)) oldest.set(row.customer_id, row);
  const out = new Map<number, PaymentMethodRow | null>();
  for (const sub of charging) {
    if (sub.payment_method_id !== null) {
      // A method named for the subscription alone (a card given with a recurring charge) is transient: not in any vault list, still charged.
      const method = byId.get(sub.payment_method_id);
      out.set(sub.id, method && (method.status === 'active' || method.status === 'transient') && (method.kind === 'card' || method.kind === 'bank') ? method : null);
      continue;
    }
    const customer = customers.get(sub.customer_id);
    const preferred = customer?.default_payment_method_id ? byId.get(customer.default_payment_method_id) : undefined;
    out.set(
      sub.id,
      preferred && preferred.status === 'active' && preferred.customer_id === sub.customer_id && (preferred.kind === 'card' || preferred.kind === 'bank')
        ? preferred
        : (oldest.get(sub.customer_id) ?? null),
    );
  }
  return out;
}

async function loadUsage(ctx: TxContext, lines: Map<number, SubscriptionLineRow[]>): Promise<Map<number, UsageTotals>> {
  const usageLines = [...lines.values()].flat().filter((l) => l.usage === 1);
  const map = new Map<number, UsageTotals>();
  if (usageLines.length === 0) return map;
  const rows = await ctx.db
    .selectFrom('subscription_usage')
    .select(['id', 'line_id', 'quantity'])
    .where('tenant_id', '=', ctx.tenant.id)
    .where(
      'line_id',
      'in',
      usageLines.map((l) => l.id),
    )
    .where('renewal_id', 'is', null)
    .orderBy('id')
    .execute();
  for (const row of rows) {
    const totals = map.get(row.line_id) ?? { ids: [], quantity: '0' };
    totals.ids.push(row.id);
    totals.quantity = addQuantities(totals.quantity, row.quantity);
    map.set(row.line_id, totals);
  }
  return map;
}

const isPaused = (sub: SubscriptionRow, at: number): boolean => sub.pause_from !== null && sub.pause_from <= at && (sub.pause_until === null || sub.pause_until > at);

interface Work {
  sub: SubscriptionRow;
  renewalId: number;
  plan: RenewalPlan | null;
  skipped: boolean;
}

async function renewWithin(ctx: TxContext, which: readonly number[] | number, options: RenewOptions, reserved: { first: number | null; count: number }): Promise<RenewalOutcome[]> {
  const now = ctx.clock.now();
  const subs = await lockDue(ctx, which, options);
  if (subs.length === 0) return [];
  if (options.force) {
    for (const sub of subs) {
      if (sub.next_bill_date === null) throw new DomainError(ErrorCode.ILLEGAL_TRANSITION, 'This subscription has nothing left to bill', { details: { reason: 'nothing_to_bill' } });
    }
  }
  // The claim: one renewal per (subscription, period start), whoever bills it.
  const claimed = await insertRows(
    ctx,
    'renewals',
    subs.map((sub) => ({
      tenant_id: ctx.tenant.id,
      subscription_id: sub.id,
      period_start: sub.next_bill_date,
      period_end: null,
      invoice_id: null,
      transaction_id: null,
      amount: 0,
      status: 'pending',
      attempts: 0,
      dunning_step: 0,
      retry_at: null,
      created_at: now,
      updated_at: now,
    })),
    { onConflict: ['subscription_id', 'period_start'], returning: ['id', 'subscription_id'] },
  );
  const renewalOf = new Map(claimed.map((row) => [Number(row.subscription_id), Number(row.id)]));
  const outcomes: RenewalOutcome[] = [];
  const subUpdates: Array<Record<string, unknown> & { id: number }> = [];

  // A period already billed (a retried run, a next bill date moved back by hand): move on, bill nothing.
  for (const sub of subs.filter((s) => !renewalOf.has(s.id))) {
    const next = nextAfterSkip(subscriptionSchedule(sub), sub.next_bill_date as string);
    subUpdates.push({ id: sub.id, next_bill_date: next, next_bill_at: dueInstant(ctx, next), updated_at: now });
    outcomes.push({ subscriptionId: sub.id, renewalId: null, periodStart: sub.next_bill_date as string, result: 'already_billed', invoiceId: null, transactionId: null, amount: 0 });
  }
  const mine = subs.filter((s) => renewalOf.has(s.id));
  const lines = await subscriptionLines(
    ctx,
    mine.map((s) => s.id),
  );
  const usage = await loadUsage(ctx, lines);
  const works: Work[] = mine.map((sub) => {
    const renewalId = renewalOf.get(sub.id) as number;
    if (isPaused(sub, options.moment)) return { sub, renewalId, plan: null, skipped: true };
    const plan = planRenewal({ subscription: sub, schedule: subscriptionSchedule(sub), periodStart: sub.next_bill_date as string, lines: lines.get(sub.id) ?? [], usage, at: options.moment });
    return { sub, renewalId, plan, skipped: plan.lines.length === 0 };
  });
  const billing = works.filter((w) => !w.skipped);
  const customers = await loadCustomers(
    ctx,
    billing.map((w) => w.sub),
  );
  const methods = await loadMethods(
    ctx,
    billing.map((w) => w.sub),
    customers,
  );
  const settings = recurringSettings(ctx.tenant);
  const faults = faultsOf(ctx.tenant);
  const processor = processorOf(ctx);
  let seqCursor = reserved.first;
  const takeSeq = async (): Promise<number> => {
    if (seqCursor !== null && reserved.first !== null && seqCursor < reserved.first + reserved.count) return seqCursor++;
    return nextSeq(ctx, null);
  };

  // 1. Invoices, in their final state (paid when the charge is approved).
  interface Billed {
    work: Work;
    plan: RenewalPlan;
    token: string;
    invoiceId: number;
    customer: Customer;
    invoice: Record<string, unknown>;
    lines: ReturnType<typeof computeLines>;
    method: PaymentMethodRow | null;
    txn: Record<string, unknown> | null;
    txnId: number | null;
    status: 'paid' | 'open' | 'failed' | 'unknown';
    reason: string | null;
  }
  const billed: Billed[] = [];
  for (const work of billing) {
    const plan = work.plan as RenewalPlan;
    const sub = work.sub;
    const customer = customers.get(sub.customer_id);
    if (!customer) throw new DomainError(ErrorCode.NOT_FOUND, `customer ${sub.customer_id} of subscription ${sub.id} not found`);
    const computed = computeLines(plan.lines.map((l) => ({ itemId: l.itemId, description: l.description, quantity: l.quantity, unitPrice: l.unitPrice })));
    const totals = computeTotals(computed);
    const charging = sub.collection === 'charge' && totals.total > 0 && options.collect !== false;
    const method = charging ? (methods.get(sub.id) ?? null) : null;
    let txn: Record<string, unknown> | null = null;
    let status: Billed['status'] = totals.total === 0 ? 'paid' : 'open';
    let reason: string | null = null;
    if (charging && method === null) {
      status = 'failed';
      reason = 'no_payment_method';
    } else if (charging && method !== null) {
      const seq = await takeSeq();
      const outcome = await processor.authorize({
        tenantId: ctx.tenant.id,
        seq,
        operation: 'sale',
        amount: totals.total,
        currency: sub.currency,
        instrument: instrumentOf(ctx, method),
        now: options.moment,
        faults,
        options: JSON.parse(sub.charge_options || '{}') as ChargeOptions,
      });
      const txnStatus = statusOf('sale', outcome);
      const captured = txnStatus === TxnStatus.CAPTURED;
      const fields = collectOptions(sub).charge ?? {};
      txn = transactionRow(
        ctx,
        seq,
        {
          type: 'sale',
          status: txnStatus,
          currency: sub.currency,
          amount: totals.total,
          amount_authorized: captured ? totals.total : 0,
          amount_captured: captured ? totals.total : 0,
          payment_method_id: method.id,
          payment_kind: method.kind,
          customer_id: sub.customer_id,
          decline_reason: outcome.declineReason,
          auth_code: outcome.authCode,
          gateway_ref: outcome.gatewayRef,
          avs_result: outcome.avsResult,
          cvv_result: outcome.cvvResult,
          description: sub.description || null,
          purpose: PURPOSE_INVOICE_PAYMENT,
          subscription_id: sub.id,
          authorized_at: captured ? now : null,
          captured_at: captured ? now : null,
          // The subscription's mode (the runner's context has no credential), account and fields.
          mode: subscriptionMode(sub),
          account_id: fields.accountId ?? null,
          order_id: fields.orderId ?? null,
          vendor_data: JSON.stringify(fields.vendorData ?? {}),
        },
        now,
      );
      status = captured ? 'paid' : txnStatus === TxnStatus.UNKNOWN ? 'unknown' : 'failed';
      reason = captured ? null : (outcome.declineReason ?? 'declined');
    }
    const token = randomAlnum(12);
    const paid = status === 'paid';
    const invoice: Record<string, unknown> = {
      tenant_id: ctx.tenant.id,
      customer_id: sub.customer_id,
      number: `pending-${token}`,
      token,
      status: InvoiceState.OPEN,
      currency: sub.currency,
      issue_date: plan.periodStart,
      due_date: addDaysTo(plan.periodStart, sub.terms_days),
      terms_days: sub.terms_days,
      ...totalsColumns(totals),
      amount_paid: paid ? totals.total : 0,
      amount_credited: 0,
      amount_written_off: 0,
      balance: paid ? 0 : totals.total,
      notes: null,
      vendor_data: '{}',
      created_at: now,
      updated_at: now,
      issued_at: now,
      paid_at: paid ? now : null,
      voided_at: null,
      subscription_id: sub.id,
      overdue_at: null,
    };
    billed.push({ work, plan, token, invoiceId: 0, customer, invoice, lines: computed, method, txn, txnId: null, status, reason });
  }
  const insertedInvoices = await insertRows(
    ctx,
    'invoices',
    billed.map((b) => b.invoice),
    { returning: ['id', 'token'] },
  );
  const invoiceIdByToken = new Map(insertedInvoices.map((row) => [String(row.token), Number(row.id)]));
  for (const b of billed) {
    b.invoiceId = invoiceIdByToken.get(b.token) as number;
    b.invoice.id = b.invoiceId;
    b.invoice.number = numberFromId(b.invoiceId);
  }
  if (billed.length > 0) {
    for (const part of chunks(billed.map((b) => b.invoiceId))) {
      // Numbered from their ids as createInvoice numbers them (numberFromId); by primary key only.
      await ctx.db
        .updateTable('invoices')
        .set({ number: sql<string>`cast(10000 + id as text)` })
        .where('id', 'in', part)
        .execute();
    }
  }
  await insertRows(
    ctx,
    'invoice_lines',
    billed.flatMap((b) => b.lines.map((line, i) => ({ ...line, tenant_id: ctx.tenant.id, invoice_id: b.invoiceId, subscription_line_id: b.plan.lines[i].subscriptionLineId }))),
  );

  // 2. Charges.
  const charged = billed.filter((b) => b.txn !== null);
  const insertedTxns = await insertRows(
    ctx,
    'transactions',
    charged.map((b) => b.txn as Record<string, unknown>),
    { returning: ['id', 'seq'] },
  );
  const txnIdBySeq = new Map(insertedTxns.map((row) => [Number(row.seq), Number(row.id)]));
  for (const b of charged) {
    b.txnId = txnIdBySeq.get(Number((b.txn as { seq: number }).seq)) as number;
    (b.txn as Record<string, unknown>).id = b.txnId;
  }

  // 3. Applications, postings, attempts, events, e-mails.
  const postings: LedgerPosting[] = [];
  const events: NewEvent[] = [];
  const emails: EmailInput[] = [];
  const allocations: Record<string, unknown>[] = [];
  const attempts: Array<{ invoiceId: number; transactionId: number | null; outcome: AttemptOutcome }> = [];
  const renewalUpdates: Array<Record<string, unknown> & { id: number }> = [];
  for (const b of billed) {
    const sub = b.work.sub;
    const invoiceRef = { id: b.invoiceId, customer_id: sub.customer_id, currency: sub.currency };
    const total = Number(b.invoice.total);
    postings.push(issuePosting(invoiceRef, revenueOf(b.invoice as { subtotal: number; discount_total: number; adjustment_total: number }), Number(b.invoice.tax_total), 'invoice_issued'));
    events.push({ mode: subscriptionMode(sub), type: 'invoice.created', objectType: 'invoice', objectId: b.invoiceId, snapshot: { ...b.invoice, amount_paid: 0, balance: total, paid_at: null } });
    if (b.txn) {
      const txnRef = { id: b.txnId as number, type: 'sale', currency: sub.currency, customer_id: sub.customer_id };
      const status = String(b.txn.status);
      events.push({
        mode: subscriptionMode(sub),
        type: status === TxnStatus.CAPTURED ? 'transaction.captured' : status === TxnStatus.UNKNOWN ? 'transaction.unknown' : 'transaction.declined',
        objectType: 'transaction',
        objectId: b.txnId as number,
        snapshot: b.txn,
      });
      if (b.status === 'paid') {
        postings.push(capturePosting(txnRef, total));
        allocations.push({ tenant_id: ctx.tenant.id, transaction_id: b.txnId, invoice_id: b.invoiceId, customer_id: sub.customer_id, kind: 'payment', amount: total, created_at: now });
        postings.push(applyPosting(txnRef, invoiceRef, total));
        events.push({
          mode: subscriptionMode(sub),
          type: 'invoice.payment_applied',
          objectType: 'invoice',
          objectId: b.invoiceId,
          snapshot: { invoice: b.invoice, transaction_id: b.txnId, amount: total },
        });
      } else attempts.push({ invoiceId: b.invoiceId, transactionId: b.txnId, outcome: b.status === 'unknown' ? 'unknown' : 'declined' });
    } else if (b.status === 'failed') attempts.push({ invoiceId: b.invoiceId, transactionId: null, outcome: 'declined' });
    if (b.status === 'paid' && total > 0) events.push({ mode: subscriptionMode(sub), type: 'invoice.paid', objectType: 'invoice', objectId: b.invoiceId, snapshot: b.invoice });
    const failed = b.status === 'failed';
    const failedOn = tenantDate(ctx, options.moment);
    // The first step of the ladder; with no ladder, at once (the dunning kind then takes the last step).
    const collect = collectOptions(sub);
    // A subscription that never retries on its own (collect.retries none) waits to be collected on request.
    const retryAt = !failed || collect.retries === 'none' ? null : settings.dunningDays.length > 0 ? dayStart(ctx, addDaysTo(failedOn, settings.dunningDays[0])) : options.moment;
    renewalUpdates.push({
      id: b.work.renewalId,
      period_end: b.plan.periodEnd,
      invoice_id: b.invoiceId,
      transaction_id: b.txnId,
      amount: total,
      status: b.status,
      attempts: b.txn ? 1 : 0,
      dunning_step: 0,
      retry_at: retryAt,
      updated_at: now,
    });
    const becomesPastDue = failed && (sub.status === 'active' || sub.status === 'trialing');
    const nextDate = b.plan.nextBillDate;
    const next: Record<string, unknown> & { id: number } = {
      id: sub.id,
      next_bill_date: nextDate,
      next_bill_at: dueInstant(ctx, nextDate),
      billed_count: sub.billed_count + 1,
      billed_amount: sub.billed_amount + total,
      current_period_start: b.plan.periodStart,
      current_period_end: b.plan.periodEnd,
      status: becomesPastDue ? 'past_due' : sub.status === 'trialing' && sub.trial_ends_on !== null && sub.trial_ends_on <= b.plan.periodStart ? 'active' : sub.status,
      carry: '[]',
      // Ran out: it ends when the last period does, or at once for one that ends with its last billing.
      ends_at: nextDate === null ? (collect.ends === 'last_billing' ? options.moment : dayStart(ctx, b.plan.periodEnd)) : null,
      retry_after: null,
      last_error: null,
      updated_at: now,
    };
    subUpdates.push(next);
    const renewal = {
      renewal_id: b.work.renewalId,
      subscription_id: sub.id,
      vendor: sub.vendor,
      next_bill_date: nextDate,
      period_start: b.plan.periodStart,
      period_end: b.plan.periodEnd,
      invoice_id: b.invoiceId,
      transaction_id: b.txnId,
      amount: total,
      status: b.status,
    };
    events.push({ mode: subscriptionMode(sub), type: 'subscription.renewed', objectType: 'subscription', objectId: sub.id, snapshot: renewal });
    if (becomesPastDue) events.push({ mode: subscriptionMode(sub), type: 'subscription.past_due', objectType: 'subscription', objectId: sub.id, snapshot: { ...renewal, reason: b.reason } });
    if (sub.notify === 1 && b.customer.email) {
      if (sub.collection === 'invoice' && total > 0) {
        emails.push({
          to: b.customer.email,
          subject: `Invoice #${numberFromId(b.invoiceId)}`,
          body: `Invoice #${numberFromId(b.invoiceId)} for ${b.plan.periodStart} to ${b.plan.periodEnd}: ${total} (minor units, ${sub.currency}) due ${String(b.invoice.due_date)}.`,
          meta: { kind: 'invoice', subscription_id: sub.id, invoice_id: b.invoiceId },
        });
      }
      if (failed) {
        emails.push({
          to: b.customer.email,
          subject: 'Your payment failed',
          body: `We could not collect the payment for invoice #${numberFromId(b.invoiceId)}${retryAt !== null && settings.dunningDays.length > 0 ? `; we will try again on ${addDaysTo(failedOn, settings.dunningDays[0])}` : ''}.`,
          meta: { kind: 'payment_failed', subscription_id: sub.id, invoice_id: b.invoiceId, attempt: 1 },
        });
      }
    }
    outcomes.push({ subscriptionId: sub.id, renewalId: b.work.renewalId, periodStart: b.plan.periodStart, result: b.status, invoiceId: b.invoiceId, transactionId: b.txnId, amount: total });
  }
  // Periods skipped (paused, or nothing to bill yet): the renewal row says so; the schedule moves on.
  for (const work of works.filter((w) => w.skipped)) {
    const sub = work.sub;
    const periodStart = sub.next_bill_date as string;
    const next = nextAfterSkip(subscriptionSchedule(sub), periodStart);
    renewalUpdates.push({ id: work.renewalId, period_end: next, invoice_id: null, transaction_id: null, amount: 0, status: 'skipped', attempts: 0, dunning_step: 0, retry_at: null, updated_at: now });
    subUpdates.push({ id: sub.id, next_bill_date: next, next_bill_at: dueInstant(ctx, next), updated_at: now });
    events.push({
      mode: subscriptionMode(sub),
      type: 'subscription.period_skipped',
      objectType: 'subscription',
      objectId: sub.id,
      snapshot: { subscription_id: sub.id, period_start: periodStart, reason: isPaused(sub, options.moment) ? 'paused' : 'nothing_to_bill' },
    });
    outcomes.push({ subscriptionId: sub.id, renewalId: work.renewalId, periodStart, result: 'skipped', invoiceId: null, transactionId: null, amount: 0 });
  }
  await insertRows(ctx, 'allocations', allocations);
  await postMany(ctx, postings);
  await noteAttemptsMany(ctx, attempts);
  await recordEvents(ctx, events);
  await queueEmails(ctx, emails);
  await updateRenewals(ctx, renewalUpdates);
  await updateSubscriptions(ctx, subUpdates);
  const billedLines = billed.flatMap((b) => b.plan.billedLineIds);
  for (const part of chunks(billedLines)) {
    await ctx.db
      .updateTable('subscription_lines')
      .set((eb) => ({ billings: eb('billings', '+', 1), updated_at: now }))
      .where('id', 'in', part)
      .execute();
  }
  for (const b of billed) {
    if (b.plan.usageIds.length === 0) continue;
    await ctx.db.updateTable('subscription_usage').set({ renewal_id: b.work.renewalId }).where('id', 'in', b.plan.usageIds).execute();
  }
  return outcomes;
}

const RENEWAL_COLUMNS: Record<string, ColumnType> = {
  period_end: 'text',
  invoice_id: 'bigint',
  transaction_id: 'bigint',
  amount: 'bigint',
  status: 'text',
  attempts: 'integer',
  dunning_step: 'integer',
  retry_at: 'bigint',
  updated_at: 'bigint',
};

const SUBSCRIPTION_COLUMNS: Record<string, ColumnType> = {
  next_bill_date: 'text',
  next_bill_at: 'bigint',
  billed_count: 'integer',
  billed_amount: 'bigint',
  current_period_start: 'text',
  current_period_end: 'text',
  status: 'text',
  carry: 'text',
  ends_at: 'bigint',
  retry_after: 'bigint',
  last_error: 'text',
  updated_at: 'bigint',
};

// Each row changes differently: one UPDATE … FROM (VALUES …) per batch (and per shape of row).
async function updateRenewals(ctx: TxContext, rows: Array<Record<string, unknown> & { id: number }>): Promise<void> {
  await updateRowsById(ctx, 'renewals', rows, RENEWAL_COLUMNS);
}

async function updateSubscriptions(ctx: TxContext, rows: Array<Record<string, unknown> & { id: number }>): Promise<void> {
  const groups = new Map<string, Array<Record<string, unknown> & { id: number }>>();
  for (const row of rows) {
    const key = Object.keys(row).join(',');
    const list = groups.get(key) ?? [];
    list.push(row);
    groups.set(key, list);
  }
  for (const group of groups.values()) await updateRowsById(ctx, 'subscriptions', group, SUBSCRIPTION_COLUMNS);
}
