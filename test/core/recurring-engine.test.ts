// The due-work runner and the recurring engine through the core, on the database under test:
// dunning (a card that starts declining mid-life walks past due → retries on days 1, 3, 5 →
// cancelled or unpaid; one that recovers is active again), trials, the end of a schedule, amount
// caps, authorization expiry, scheduled invoice payments, overdue notices, settlement cut-offs in the
// tenant's zone, what a clock move reports, and a renewal that fails between its invoice and its
// charge leaving nothing behind to bill twice.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore, type TestStore } from '../helpers/store.ts';
import { contextFor, createTenant, setFaults } from '../../src/core/tenants/tenants.ts';
import { setRecurringSettings } from '../../src/core/tenants/recurring-settings.ts';
import { moveClockBy, setClock } from '../../src/core/clock/tenant-clock.ts';
import { openVaultCustomer } from '../../src/core/flows/vault-customer.ts';
import { createSubscription } from '../../src/core/subscriptions/subscriptions.ts';
import { createPayment } from '../../src/core/payments/payments.ts';
import { createInvoice } from '../../src/core/invoices/invoices.ts';
import { schedulePayments } from '../../src/core/invoices/schedules.ts';
import { listBatches } from '../../src/core/settlement/settlement.ts';
import { pendingDueWork } from '../../src/core/jobs/runner.ts';
import { verify } from '../../src/core/verify/verify.ts';
import { simulator } from '../../src/core/processor/simulator.ts';
import { collectRenewalNow, ignoreRenewal } from '../../src/core/flows/retry-renewal.ts';
import { resetTenant } from '../../src/core/tenants/tenants.ts';
import type { Tenant } from '../../src/core/database.ts';
import type { TenantContext } from '../../src/core/context.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MONTHLY = { unit: 'month' as const, interval: 1, anchors: [], shortMonths: 'clamp' as const };
const GOOD = { number: '4242424242424242', expMonth: 12, expYear: 2099 };

let t: TestStore;
let n = 0;
before(async () => {
  t = await openTestStore();
});
after(async () => {
  await t?.dispose();
});

interface World {
  tenant: Tenant;
  ctx: () => TenantContext;
  advance(ms: number): Promise<Record<string, number>>;
  events(type: string): Promise<Array<{ object_id: number; created_at: number; data: any }>>;
}

async function world(start = '2031-03-10T12:00:00Z', zone = 'UTC'): Promise<World> {
  n++;
  let tenant = await createTenant(t.services, { name: `Engine ${n}`, slug: `engine-${n}` });
  tenant = await setRecurringSettings(t.services, tenant, { timezone: zone });
  tenant = await setClock(t.services, tenant, { to: start, freeze: true });
  const w: World = {
    tenant,
    ctx: () => contextFor(t.services, w.tenant),
    async advance(ms) {
      const moved = await moveClockBy(t.services, w.tenant, ms);
      w.tenant = moved.tenant;
      return moved.ran;
    },
    async events(type) {
      const rows = await t.services.db.selectFrom('events').select(['object_id', 'created_at', 'data']).where('tenant_id', '=', w.tenant.id).where('type', '=', type).orderBy('id').execute();
      return rows.map((r) => ({ object_id: Number(r.object_id), created_at: Number(r.created_at), data: JSON.parse(r.data) }));
    },
  };
  return w;
}

const subscriptionRow = (id: number) => t.services.db.selectFrom('subscriptions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const renewalsOf = (id: number) => t.services.db.selectFrom('renewals').selectAll().where('subscription_id', '=', id).orderBy('period_start').execute();
const transactionsOf = (id: number) => t.services.db.selectFrom('transactions').selectAll().where('subscription_id', '=', id).orderBy('id').execute();

describe('dunning', () => {
  test('a card that starts declining mid-life: past due, retried on days 1, 3 and 5 of the ladder, then cancelled; each step an event and an e-mail', async () => {
    const w = await world();
    const customer = await openVaultCustomer(w.ctx(), { customer: { company: 'Dunned', email: 'dunned@example.com' }, card: GOOD });
    const sub = await createSubscription(w.ctx(), { customerId: customer.id, amount: 2500, schedule: MONTHLY, notify: true });
    await w.advance(HOUR);
    assert.equal((await renewalsOf(sub.id)).length, 1);
    // The card starts declining before the second renewal.
    w.tenant = await setFaults(t.services, w.tenant, { force_decline: 'insufficient_funds' });
    await w.advance(31 * DAY);
    let renewals = await renewalsOf(sub.id);
    assert.equal(renewals.length, 2);
    assert.equal(renewals[1].period_start, '2031-04-10');
    assert.equal(renewals[1].status, 'failed');
    assert.equal(Number(renewals[1].retry_at), Date.UTC(2031, 3, 11), 'first retry the next day');
    assert.equal((await subscriptionRow(sub.id)).status, 'past_due');
    assert.equal((await w.events('subscription.past_due')).length, 1);
    await w.advance(5 * DAY);
    renewals = await renewalsOf(sub.id);
    assert.equal(renewals[1].status, 'uncollected');
    assert.equal(renewals[1].attempts, 4, 'the renewal and three retries');
    const attempts = (await transactionsOf(sub.id)).slice(1);
    assert.deepEqual(
      attempts.map((a) => [new Date(Number(a.created_at)).toISOString().slice(0, 10), a.status]),
      [
        ['2031-04-10', 'declined'],
        ['2031-04-11', 'declined'],
        ['2031-04-13', 'declined'],
        ['2031-04-15', 'declined'],
      ],
    );
    const row = await subscriptionRow(sub.id);
    assert.deepEqual([row.status, row.status_reason], ['cancelled', 'nonpayment']);
    assert.equal((await w.events('subscription.payment_retry_failed')).length, 2);
    assert.equal((await w.events('subscription.cancelled')).length, 1);
    const mail = await t.services.db.selectFrom('outbox').select(['recipient', 'meta']).where('tenant_id', '=', w.tenant.id).execute();
    assert.deepEqual(
      mail.map((m) => JSON.parse(m.meta).kind),
      ['payment_failed', 'payment_failed', 'payment_failed', 'subscription_cancelled'],
    );
    assert.ok(mail.every((m) => m.recipient === 'dunned@example.com'));
    // Cancelled: no more renewals.
    await w.advance(60 * DAY);
    assert.equal((await renewalsOf(sub.id)).length, 2);
    assert.equal((await verify(t.services, w.tenant.id)).violation, null);
  });

  test('with the ladder ending in unpaid (and a ladder of its own), the subscription is marked unpaid and stops renewing', async () => {
    const w = await world();
    w.tenant = await setRecurringSettings(t.services, w.tenant, { dunningDays: [2, 4], dunningFinal: 'unpaid' });
    const customer = await openVaultCustomer(w.ctx(), { customer: { company: 'Unpaid' }, card: { ...GOOD, number: '4000000000000002' } });
    const sub = await createSubscription(w.ctx(), { customerId: customer.id, amount: 990, schedule: MONTHLY });
    await w.advance(HOUR);
    assert.equal(Number((await renewalsOf(sub.id))[0].retry_at), Date.UTC(2031, 2, 12));
    await w.advance(4 * DAY);
    const row = await subscriptionRow(sub.id);
    assert.equal(row.status, 'unpaid');
    assert.equal((await w.events('subscription.unpaid')).length, 1);
    await w.advance(40 * DAY);
    assert.equal((await renewalsOf(sub.id)).length, 1, 'an unpaid subscription does not renew');
  });

  test('a card that recovers before the second retry: the retry pays the invoice and the subscription is active again', async () => {
    const w = await world();
    const customer = await openVaultCustomer(w.ctx(), { customer: { company: 'Recovers', email: 'r@example.com' }, card: GOOD });
    const sub = await createSubscription(w.ctx(), { customerId: customer.id, amount: 1200, schedule: MONTHLY, notify: true });
    w.tenant = await setFaults(t.services, w.tenant, { force_decline: 'declined' });
    await w.advance(2 * DAY); // the renewal and the day-1 retry decline
    assert.equal((await subscriptionRow(sub.id)).status, 'past_due');
    w.tenant = await setFaults(t.services, w.tenant, {});
    await w.advance(DAY); // day 3: the retry goes through
    const [renewal] = await renewalsOf(sub.id);
    assert.equal(renewal.status, 'paid');
    assert.equal(renewal.attempts, 3);
    const invoice = await t.services.db
      .selectFrom('invoices')
      .selectAll()
      .where('id', '=', renewal.invoice_id as number)
      .executeTakeFirstOrThrow();
    assert.equal(invoice.balance, 0);
    assert.equal((await subscriptionRow(sub.id)).status, 'active');
    assert.equal((await w.events('subscription.recovered')).length, 1);
    const paying = (await transactionsOf(sub.id)).filter((x) => x.status === 'captured');
    assert.equal(paying.length, 1);
    assert.equal(paying[0].purpose, 'invoice_payment');
    await w.advance(31 * DAY);
    assert.deepEqual(
      (await renewalsOf(sub.id)).map((r) => r.status),
      ['paid', 'paid'],
    );
    assert.equal((await verify(t.services, w.tenant.id)).violation, null);
  });

  test('no ladder: a failed renewal goes straight to the last step; collected on request later, the subscription is active again', async () => {
    const w = await world();
    w.tenant = await setRecurringSettings(t.services, w.tenant, { dunningDays: [], dunningFinal: 'unpaid' });
    const customer = await openVaultCustomer(w.ctx(), { customer: { company: 'No ladder' }, card: GOOD });
    const sub = await createSubscription(w.ctx(), { customerId: customer.id, amount: 300, schedule: MONTHLY });
    w.tenant = await setFaults(t.services, w.tenant, { force_decline: 'declined' });
    await w.advance(HOUR);
    let [renewal] = await renewalsOf(sub.id);
    assert.deepEqual([renewal.status, renewal.attempts], ['uncollected', 1]);
    assert.equal((await subscriptionRow(sub.id)).status, 'unpaid');
    assert.equal(await collectRenewalNow(w.ctx(), renewal.id), 'declined');
    w.tenant = await setFaults(t.services, w.tenant, {});
    assert.equal(await collectRenewalNow(w.ctx(), renewal.id), 'paid');
    [renewal] = await renewalsOf(sub.id);
    assert.deepEqual([renewal.status, renewal.attempts], ['paid', 3]);
    assert.equal((await subscriptionRow(sub.id)).status, 'active');
    await assert.rejects(collectRenewalNow(w.ctx(), renewal.id), /cannot be collected/);
  });

  test('an ignored renewal stops its retries and no longer keeps the subscription past due', async () => {
    const w = await world();
    const customer = await openVaultCustomer(w.ctx(), { customer: { company: 'Ignored' }, card: { ...GOOD, number: '4000000000000002' } });
    const sub = await createSubscription(w.ctx(), { customerId: customer.id, amount: 300, schedule: MONTHLY });
    await w.advance(HOUR);
    const [renewal] = await renewalsOf(sub.id);
    await ignoreRenewal(w.ctx(), renewal.id);
    assert.equal((await subscriptionRow(sub.id)).status, 'active');
    await w.advance(10 * DAY);
    assert.equal((await renewalsOf(sub.id))[0].attempts, 1, 'no retries');
    // A test tenant with subscriptions and renewals can still be reset.
    w.tenant = await resetTenant(t.services, w.tenant);
    assert.equal((await renewalsOf(sub.id)).length, 0);
  });
});

describe('the run of a schedule', () => {
  test('a trial ends on its day (event), and the first bill falls then; maxOccurrences ends it: completed at the end of its last period', async () => {
    const w = await world();
    const customer = await openVaultCustomer(w.ctx(), { customer: { company: 'Trial' }, card: GOOD });
    const sub = await createSubscription(w.ctx(), { customerId: customer.id, amount: 700, schedule: { ...MONTHLY, trialDays: 14, maxOccurrences: 2 } });
    assert.equal(sub.status, 'trialing');
    assert.equal(sub.next_bill_date, '2031-03-24');
    await w.advance(13 * DAY);
    assert.equal((await subscriptionRow(sub.id)).status, 'trialing');
    await w.advance(DAY);
    assert.equal((await subscriptionRow(sub.id)).status, 'active');
    assert.equal((await w.events('subscription.trial_ended')).length, 1);
    assert.equal((await renewalsOf(sub.id)).length, 1);
    await w.advance(31 * DAY);
    let row = await subscriptionRow(sub.id);
    assert.equal((await renewalsOf(sub.id)).length, 2);
    assert.equal(row.next_bill_date, null);
    assert.equal(row.status, 'active', 'its last period runs to its end');
    assert.equal(Number(row.ends_at), Date.UTC(2031, 4, 24));
    await w.advance(30 * DAY);
    row = await subscriptionRow(sub.id);
    assert.equal(row.status, 'completed');
    assert.equal((await w.events('subscription.completed')).length, 1);
  });

  test('maxAmount: the charges add up to the cap exactly, the last one smaller', async () => {
    const w = await world();
    const customer = await openVaultCustomer(w.ctx(), { customer: { company: 'Capped' }, card: GOOD });
    const sub = await createSubscription(w.ctx(), { customerId: customer.id, amount: 10000, schedule: { unit: 'week', interval: 2, anchors: [], shortMonths: 'clamp', maxAmount: 15000 } });
    await w.advance(40 * DAY);
    assert.deepEqual(
      (await renewalsOf(sub.id)).map((r) => r.amount),
      [10000, 5000],
    );
    assert.deepEqual(
      (await transactionsOf(sub.id)).map((x) => x.amount),
      [10000, 5000],
    );
  });

  test('renewals are due at the start of their day in the tenant zone; settlement cut-offs are midnight there', async () => {
    const w = await world('2031-06-01T12:00:00Z', 'America/New_York');
    const customer = await openVaultCustomer(w.ctx(), { customer: { company: 'Zoned' }, card: GOOD });
    const sub = await createSubscription(w.ctx(), { customerId: customer.id, amount: 500, schedule: { ...MONTHLY, anchors: [{ kind: 'dayOfMonth', day: 15 }] } });
    assert.equal(sub.next_bill_date, '2031-06-15');
    assert.equal(Number(sub.next_bill_at), Date.UTC(2031, 5, 15, 4), 'midnight in New York (UTC-4 in June)');
    await w.advance(13 * DAY + 15 * HOUR); // 2031-06-15T03:00Z: still the 14th in New York
    assert.equal((await renewalsOf(sub.id)).length, 0);
    const ran = await w.advance(HOUR);
    assert.deepEqual(ran, { renewal: 1 });
    await w.advance(DAY);
    const [batch] = await listBatches(w.ctx());
    assert.equal(Number(batch.cutoff_at), Date.UTC(2031, 5, 16, 4), 'the cut-off after the capture, at midnight in New York');
  });
});

describe('other work that time triggers', () => {
  test('an authorization not captured within the window (the tenant setting, or the payment’s own) is voided, with an event', async () => {
    const w = await world();
    w.tenant = await setRecurringSettings(t.services, w.tenant, { authorizationExpiryDays: 7 });
    const auth = (await createPayment(w.ctx(), { type: 'authorize', amount: 4000, currency: 'USD', source: { card: GOOD } })).transaction;
    const short = (await createPayment(w.ctx(), { type: 'authorize', amount: 100, currency: 'USD', source: { card: GOOD }, authorizationWindowMs: DAY })).transaction;
    assert.equal(Number(auth.auth_expires_at), Number(auth.created_at) + 7 * DAY);
    const ran = await w.advance(2 * DAY);
    assert.deepEqual(ran, { authorization_expiry: 1 });
    await w.advance(5 * DAY - 1);
    const status = async (id: number) => (await t.services.db.selectFrom('transactions').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
    assert.equal(await status(short.id), 'voided');
    assert.equal(await status(auth.id), 'authorized');
    await w.advance(1);
    assert.equal(await status(auth.id), 'voided');
    assert.deepEqual(
      (await w.events('transaction.authorization_expired')).map((e) => e.object_id),
      [short.id, auth.id],
    );
  });

  test('a scheduled invoice payment is charged on its date; a decline is retried on the ladder, then failed; an overdue invoice is noted once', async () => {
    const w = await world();
    const good = await openVaultCustomer(w.ctx(), { customer: { company: 'Scheduled' }, card: GOOD });
    const bad = await openVaultCustomer(w.ctx(), { customer: { company: 'Bounces' }, card: { ...GOOD, number: '4000000000000002' } });
    const paid = await createInvoice(w.ctx(), { customerId: good.id, lines: [{ description: 'Work', unitPrice: 3000 }], termsDays: 10 });
    const unpaid = await createInvoice(w.ctx(), { customerId: bad.id, lines: [{ description: 'Work', unitPrice: 3000 }], termsDays: 10 });
    await schedulePayments(w.ctx(), paid.id, [{ amount: 1000, date: '2031-03-12', method: { kind: 'any' } }]);
    await schedulePayments(w.ctx(), unpaid.id, [{ amount: 3000, date: '2031-03-12', method: { kind: 'card' } }]);
    const pending = await pendingDueWork(w.ctx(), Date.UTC(2031, 2, 30));
    assert.equal(pending.counts.scheduled_payment, 2);
    assert.equal(pending.counts.overdue, 2);
    await w.advance(2 * DAY);
    const invoice = async (id: number) => t.services.db.selectFrom('invoices').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    assert.equal((await invoice(paid.id)).balance, 2000);
    await w.advance(6 * DAY);
    const rows = await t.services.db.selectFrom('scheduled_payments').select(['invoice_id', 'status', 'attempts']).where('tenant_id', '=', w.tenant.id).orderBy('id').execute();
    assert.deepEqual(
      rows.map((r) => [r.invoice_id, r.status, r.attempts]),
      [
        [paid.id, 'done', 1],
        [unpaid.id, 'failed', 4],
      ],
    );
    assert.equal((await w.events('invoice.scheduled_payment_failed')).length, 4);
    assert.equal((await w.events('invoice.overdue')).length, 0, 'not yet past due');
    await w.advance(4 * DAY);
    const overdue = await w.events('invoice.overdue');
    assert.deepEqual(overdue.map((e) => e.object_id).sort(), [paid.id, unpaid.id].sort());
    assert.equal(overdue[0].created_at, Date.UTC(2031, 2, 21), 'noted the day after its due date');
    await w.advance(10 * DAY);
    assert.equal((await w.events('invoice.overdue')).length, 2, 'once');
  });

  test('a renewal whose charge fails with an error after its invoice was built leaves nothing; the next run bills it once', async () => {
    const w = await world();
    const customer = await openVaultCustomer(w.ctx(), { customer: { company: 'Crashy' }, card: GOOD });
    const sub = await createSubscription(w.ctx(), { customerId: customer.id, amount: 800, schedule: MONTHLY });
    let broken = true;
    const flaky = { ...simulator, authorize: async (request: Parameters<typeof simulator.authorize>[0]) => (broken ? Promise.reject(new Error('connection reset')) : simulator.authorize(request)) };
    const services = { ...t.services, processor: flaky };
    const moved = await moveClockBy(services, w.tenant, HOUR);
    w.tenant = moved.tenant;
    assert.deepEqual(moved.ran, {});
    const invoices = () => t.services.db.selectFrom('invoices').select('id').where('subscription_id', '=', sub.id).execute();
    assert.equal((await invoices()).length, 0, 'the invoice went with the failed transaction');
    const row = await subscriptionRow(sub.id);
    assert.match(String(row.last_error), /connection reset/);
    // Due at 12:00, set aside for an hour; the retry that fell due at 13:00 (the clock's new time) failed too.
    assert.equal(Number(row.retry_after), Date.UTC(2031, 2, 10, 13) + HOUR, 'set aside for an hour after each try');
    broken = false;
    w.tenant = (await moveClockBy(services, w.tenant, HOUR)).tenant;
    assert.equal((await invoices()).length, 1);
    assert.equal((await renewalsOf(sub.id))[0].status, 'paid');
    assert.equal((await subscriptionRow(sub.id)).last_error, null);
  });

  test('an answer lost at the processor: the renewal is resolved by the runner’s inquiry and paid once', async () => {
    const w = await world();
    const customer = await openVaultCustomer(w.ctx(), { customer: { company: 'Lost' }, card: GOOD });
    const sub = await createSubscription(w.ctx(), { customerId: customer.id, amount: 650, schedule: MONTHLY });
    w.tenant = await setFaults(t.services, w.tenant, { ambiguous_outcome: true });
    const ran = await w.advance(HOUR);
    assert.deepEqual(ran, { renewal: 1, payment_inquiry: 1 });
    const [renewal] = await renewalsOf(sub.id);
    assert.equal(renewal.status, 'paid');
    assert.equal((await transactionsOf(sub.id)).length, 1);
    assert.equal((await verify(t.services, w.tenant.id)).violation, null);
  });
});
