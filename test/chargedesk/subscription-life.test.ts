// A ChargeDesk gateway subscription's life over months of the tenant's clock, over HTTP: renewals,
// a declined renewal (the customer's card now declines) making it past_due, the dunning ladder (1, 3,
// 5 days) retrying until it is paid (active again) or running out (unpaid, the tenant's ladder end),
// a cancel at period end that stops billing; with the notifications of each change read from the
// event log through the door's one mapping and received by a real webhook receiver, and the ledger
// verified after each step.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startChargeDesk, type ChargeDeskClient } from './client.ts';
import { startReceiver, type Receiver } from '../webhooks/helpers.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const GOOD = '4242424242424242';
const DECLINES = '4000000000000002';

let cd: ChargeDeskClient;
let receiver: Receiver;
before(async () => {
  cd = await startChargeDesk();
  receiver = await startReceiver();
  cd.deliverWebhooks();
  // ChargeDesk's ladder ends in `unpaid` (spec 4.6); the tenant's setting says so.
  await cd.settings({ dunning_final: 'unpaid', notice_days: 3 });
  // The ladder counts whole days from a failure's date (a retry is due at the start of a later
  // day): the steps below look an hour after each move, which must not cross midnight on the
  // tenant's clock (UTC) whatever time the suite runs at. So the story starts at noon.
  const now = await cd.now();
  const noon = Math.floor(now / DAY) * DAY + 12 * HOUR;
  await cd.advance((noon > now ? noon : noon + DAY) - now);
});
after(async () => {
  await cd?.close();
  await receiver?.close();
});

/** Each notification the receiver got: [event, the object's ChargeDesk id]. */
function received(): Array<[string, string]> {
  return receiver.received.map((r) => {
    const body = JSON.parse(r.body) as { event: string; class: string; data: Record<string, Record<string, string>> };
    const object = body.data[body.class] ?? {};
    return [body.event, object[`${body.class}_id`] ?? ''];
  });
}

async function receivedFor(id: string, event: string): Promise<void> {
  await receiver.waitFor(() => received().some(([e, of]) => e === event && of === id), 10_000);
}

async function setCard(customer: string, number: string): Promise<void> {
  assert.equal((await cd.call('POST', `/customers/${customer}`, { card_on_file: 0 })).status, 200);
  const added = await cd.call('POST', `/customers/${customer}`, { card: { number, exp_month: 12, exp_year: 2099 } });
  assert.equal(added.status, 200, JSON.stringify(added.body));
}

const subscription = async (id: string) => (await cd.call('GET', `/subscriptions/${id}`)).body;

/** Moves the clock to `at` (epoch ms on the tenant's clock), running what falls due. */
async function moveTo(at: number): Promise<void> {
  const now = await cd.now();
  assert.ok(at > now, 'the clock only moves forward');
  await cd.advance(at - now);
}

test('renew, decline, past_due, retry paid or unpaid, cancel at period end: statuses, notifications and ledger at each step', async () => {
  const hook = await cd.call('POST', '/webhooks', { url: `${receiver.url}/cd`, all: 1 });
  assert.equal(hook.status, 200, JSON.stringify(hook.body));
  for (const [id, json] of [
    ['life-a', false],
    ['life-b', true],
  ] as const) {
    const made = await cd.call('POST', '/customers', { customer_id: id, email: `${id}@example.com`, card_on_file: 1 }, { json });
    assert.equal(made.status, 200, JSON.stringify(made.body));
  }
  // A in form encoding, B in JSON: the same subscription either way.
  const a = await cd.call('POST', '/gateway/products/charge', { using: 'card', customer: { id: 'life-a' }, amount: '10.00', currency: 'USD', product: { interval: 'month' } });
  const b = await cd.call('POST', '/gateway/products/charge', { using: 'card', customer: { id: 'life-b' }, amount: '20.00', currency: 'USD', product: { interval: 'month' } }, { json: true });
  assert.equal(a.status, 200, JSON.stringify(a.body));
  assert.equal(b.status, 200, JSON.stringify(b.body));
  const subA = a.body.subscription.subscription_id as string;
  const subB = b.body.subscription.subscription_id as string;
  assert.equal(a.body.subscription.status, 'active');
  assert.equal(b.body.subscription.billing_cycles_current, 1);
  await cd.assertLedger();
  await receivedFor(subA, 'subscription_new');
  await receivedFor(a.body.charge.charge_id, 'charge_paid');
  await receivedFor('life-b', 'customer_first_paid');

  // Three days before the first renewal: the upcoming payment is noticed (notice_days = 3).
  const periodEnd = (a.body.subscription.current_period_end as number) * 1000;
  let mark = await cd.lastEventId();
  await moveTo(periodEnd - 3 * DAY + HOUR);
  let codes = (await cd.notifications(mark)).codes;
  assert.deepEqual(
    codes.filter((c) => c === 'subscription_upcoming_payment'),
    ['subscription_upcoming_payment', 'subscription_upcoming_payment'],
    'one notice for each subscription',
  );
  await receivedFor(subA, 'subscription_upcoming_payment');
  assert.equal((await subscription(subA)).status, 'active', 'a notice changes nothing');

  // Both cards now decline: the renewal fails, both go past_due.
  await setCard('life-a', DECLINES);
  await setCard('life-b', DECLINES);
  mark = await cd.lastEventId();
  await moveTo(periodEnd + HOUR);
  codes = (await cd.notifications(mark)).codes;
  for (const code of ['charge_new', 'charge_failed', 'subscription_past_due']) assert.equal(codes.filter((c) => c === code).length, 2, `${code} for each: ${codes.join(',')}`);
  assert.ok(!codes.includes('charge_paid'));
  for (const id of [subA, subB]) {
    const sub = await subscription(id);
    assert.equal(sub.status, 'past_due');
    assert.equal(sub.status_text, 'Past Due');
    assert.equal(sub.charges, 2, 'the first charge and the failed renewal');
    await receivedFor(id, 'subscription_past_due');
  }
  const failed = (await cd.call('GET', '/charges', { status: 'failed', customer: { id: 'life-a' } })).body;
  assert.equal(failed.data.length, 1);
  assert.equal(failed.data[0].subscription_id, subA, 'the renewal charge names its subscription');
  assert.equal(failed.data[0].amount, '10.00');
  await cd.assertLedger();

  // A's customer fixes the card; the first retry (1 day on) is paid and A is active again. B fails again.
  await setCard('life-a', GOOD);
  mark = await cd.lastEventId();
  await moveTo(periodEnd + DAY + HOUR);
  codes = (await cd.notifications(mark)).codes;
  assert.ok(codes.includes('charge_paid'), codes.join(','));
  assert.ok(codes.includes('charge_failed'), codes.join(','));
  assert.ok(codes.includes('subscription_updated'), 'A recovered');
  assert.ok(!codes.includes('subscription_canceled'));
  const recovered = await subscription(subA);
  assert.equal(recovered.status, 'active');
  assert.equal(recovered.charges, 3);
  assert.equal((await subscription(subB)).status, 'past_due');
  await cd.assertLedger();

  // B's ladder runs out on day 5: unpaid, which ChargeDesk notifies as canceled ("canceled or unpaid").
  mark = await cd.lastEventId();
  await moveTo(periodEnd + 5 * DAY + HOUR);
  codes = (await cd.notifications(mark)).codes;
  assert.equal(codes.filter((c) => c === 'charge_failed').length, 2, 'the retries of days 3 and 5');
  assert.equal(codes.filter((c) => c === 'subscription_canceled').length, 1);
  const unpaid = await subscription(subB);
  assert.equal(unpaid.status, 'unpaid');
  assert.equal(unpaid.status_text, 'Unpaid');
  assert.deepEqual(unpaid.methods_active, []);
  await receivedFor(subB, 'subscription_canceled');
  await cd.assertLedger();

  // The next month: A renews paid; B (unpaid) is not billed.
  const nextEnd = (recovered.current_period_end as number) * 1000;
  assert.ok(nextEnd > periodEnd + 27 * DAY, 'the period moved on a month');
  mark = await cd.lastEventId();
  await moveTo(nextEnd + HOUR);
  codes = (await cd.notifications(mark)).codes;
  assert.equal(codes.filter((c) => c === 'charge_paid').length, 1);
  assert.equal(codes.filter((c) => c === 'subscription_upcoming_payment').length, 1, 'only A has a payment coming');
  const renewed = await subscription(subA);
  assert.equal(renewed.status, 'active');
  assert.equal(renewed.charges, 4);
  assert.equal(renewed.billing_cycles_current, 3);
  assert.equal((await subscription(subB)).charges, 5, 'B: the first charge, the failed renewal and its three retries, no more');
  await cd.assertLedger();

  // Cancel A at the period's end: pending_cancel, no notice of a payment, canceled at the end, never billed again.
  const cancel = await cd.call('POST', `/gateway/subscriptions/${subA}/cancel`, { at_period_end: 1, log_reason: 'moving on' });
  assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
  assert.equal(cancel.body.status, 'pending_cancel');
  assert.equal(cancel.body.status_text, 'Pending Cancel');
  const lastEnd = (cancel.body.current_period_end as number) * 1000;
  mark = await cd.lastEventId();
  await moveTo(lastEnd + 40 * DAY);
  codes = (await cd.notifications(mark)).codes;
  assert.deepEqual(
    codes.filter((c) => c.startsWith('subscription_')),
    ['subscription_canceled'],
  );
  assert.ok(!codes.includes('charge_new'), 'not billed after the cancel');
  const ended = await subscription(subA);
  assert.equal(ended.status, 'canceled');
  assert.ok(ended.ended_at > 0 && ended.canceled_at > 0);
  assert.equal(ended.charges, 4);
  await receivedFor(subA, 'subscription_canceled');
  await cd.assertLedger();

  // Every notification the receiver got is in ChargeDesk's envelope.
  for (const r of receiver.received) {
    const body = JSON.parse(r.body);
    assert.deepEqual(Object.keys(body), ['event_id', 'created', 'class', 'event', 'data']);
    assert.match(body.event_id, /^event-[A-Za-z0-9]{18}$/);
  }
});

test('a trial subscription: the trial ending is noticed, the first charge comes at its end', async () => {
  await cd.call('POST', '/customers', { customer_id: 'life-t', email: 'trial@example.com', card_on_file: 1 });
  const made = await cd.call('POST', '/gateway/products/charge', { using: 'card', customer: { id: 'life-t' }, amount: '8.00', currency: 'USD', product: { interval: 'month', trial_period_days: 10 } });
  assert.equal(made.status, 200, JSON.stringify(made.body));
  assert.equal(made.body.subscription.status, 'trialing');
  const id = made.body.subscription.subscription_id as string;
  const trialEnd = (made.body.subscription.trial_end as number) * 1000;
  const mark = await cd.lastEventId();
  await moveTo(trialEnd - 3 * DAY + 2 * DAY);
  const codes = (await cd.notifications(mark)).codes;
  assert.ok(codes.includes('subscription_trial_ending'), codes.join(','));
  assert.ok(!codes.includes('subscription_upcoming_payment'));
  assert.equal((await subscription(id)).status, 'trialing');
  await moveTo(trialEnd + DAY);
  const active = await subscription(id);
  assert.equal(active.status, 'active');
  assert.equal(active.charges, 2, 'the trial record and the first paid period');
  await cd.assertLedger();
});

test('billing_cycles_total: the last cycle billed, it ends at that period’s end (canceled, ended_at set, canceled_at 0)', async () => {
  await cd.call('POST', '/customers', { customer_id: 'life-c', email: 'cycles@example.com', card_on_file: 1 });
  const made = await cd.call('POST', '/gateway/products/charge', {
    using: 'card',
    customer: { id: 'life-c' },
    amount: '3.00',
    currency: 'USD',
    product: { interval: 'week', billing_cycles_total: 3 },
  });
  assert.equal(made.status, 200, JSON.stringify(made.body));
  const id = made.body.subscription.subscription_id as string;
  assert.equal(made.body.subscription.billing_cycles_total, 3);
  const mark = await cd.lastEventId();
  await cd.advance('60d');
  const ended = await subscription(id);
  assert.equal(ended.charges, 3, 'three cycles, three charges');
  assert.equal(ended.billing_cycles_current, 3);
  assert.equal(ended.status, 'canceled');
  assert.ok(ended.ended_at > 0);
  assert.equal(ended.canceled_at, 0);
  const codes = (await cd.notifications(mark)).codes;
  assert.equal(codes.filter((c) => c === 'subscription_canceled').length, 1);
  await cd.assertLedger();
});
