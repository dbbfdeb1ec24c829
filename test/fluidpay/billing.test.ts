// FluidPay subscriptions billed by the recurring engine, over HTTP: charged on next_bill_date to the
// customer's card (or the one named), the sale carrying the subscription id and transaction_source
// recurring; next_bill_date moves on; duration counts billings and then the subscription is
// completed; add-on durations count billings; a declining card makes it past_due (and it still
// advances); paused stops billing, active resumes it; cancelled ends it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFluidPay, type FluidPayClient } from './client.ts';
import { nextBillDate } from '../../src/core/subscriptions/schedule.ts';
import { parseSchedule } from '../../src/vendors/fluidpay/schedule-wire.ts';

let fp: FluidPayClient;
before(async () => {
  fp = await startFluidPay();
  const answer = await fp.server.admin(`/_admin/tenants/${fp.server.tenant.slug}/clock`, { body: { to: '2031-05-10T15:00:00Z', freeze: true } });
  assert.equal(answer.status, 200);
});
after(async () => {
  await fp?.assertLedger();
  await fp?.close();
});

const customerWith = async (number: string) =>
  (await fp.call('POST', '/vault/customer', { description: 'billing', payment_method: { card: { card_number: number, expiration_date: '12/20' } } })).body.data as {
    id: string;
    data?: unknown;
    payment_method?: any;
  };

/** The day after today on the test tenant's clock: subscriptions here bill first then. */
async function tomorrow(): Promise<string> {
  const now = (await fp.server.admin(`/_admin/tenants/${fp.server.tenant.slug}/clock`)).body.clock.now as number;
  return new Date(now + 86_400_000).toISOString().slice(0, 10);
}

async function subscribe(customer: string, extra: Record<string, unknown> = {}) {
  const first = await tomorrow();
  const answer = await fp.call('POST', '/recurring/subscription', {
    customer: { id: customer },
    amount: 1500,
    billing_cycle_interval: 1,
    billing_frequency: 'monthly',
    billing_days: String(Number(first.slice(8, 10))),
    duration: 0,
    next_bill_date: first,
    ...extra,
  });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body.data;
}

const sales = async (subscriptionId: string) => {
  const answer = await fp.call('POST', '/transaction/search', { limit: 100 });
  return (answer.body.data as any[]).filter((t) => t.subscription_id === subscriptionId).sort((a, b) => a.created_at.localeCompare(b.created_at));
};
const get = async (id: string) => (await fp.call('GET', `/recurring/subscription/${id}`)).body.data;

test('billed on next_bill_date: a recurring sale carrying the subscription id; next_bill_date moves a month on; duration completes it', async () => {
  const customer = await customerWith('4111111111111111');
  const sub = await subscribe(customer.id, { duration: 2, add_ons: [] });
  assert.equal(sub.status, 'active');
  assert.equal(sub.next_bill_date, '2031-05-11');
  await fp.advance('1d');
  let after = await get(sub.id);
  assert.equal(after.next_bill_date, '2031-06-11', 'a month on, on its billing day');
  const [first] = await sales(sub.id);
  assert.ok(first, 'a sale was made');
  assert.equal(first.amount, 1500);
  assert.equal(first.type, 'sale');
  assert.equal(first.transaction_source, 'recurring');
  assert.equal(first.status, 'pending_settlement');
  assert.equal(first.customer_id, customer.id);
  await fp.advance('31d');
  assert.equal((await sales(sub.id)).length, 2);
  after = await get(sub.id);
  assert.equal(after.next_bill_date, null, 'duration 2: no more bills');
  await fp.advance('31d');
  after = await get(sub.id);
  assert.equal(after.status, 'completed');
  assert.equal((await sales(sub.id)).length, 2);
});

test('add-ons and discounts apply for their duration in billings; the total is amount + adds − discounts', async () => {
  const customer = await customerWith('4111111111111111');
  const addon = (await fp.call('POST', '/recurring/addon', { name: 'setup help', amount: 500, duration: 1 })).body.data;
  const discount = (await fp.call('POST', '/recurring/discount', { name: 'intro', amount: 300, duration: 2 })).body.data;
  const sub = await subscribe(customer.id, { add_ons: [{ id: addon.id }], discounts: [{ id: discount.id }] });
  await fp.advance('95d');
  assert.deepEqual((await sales(sub.id)).map((t) => t.amount).slice(0, 3), [1500 + 500 - 300, 1500 - 300, 1500]);
});

test('the card named in customer.payment_method_id is the one charged (and echoed)', async () => {
  const customer = await customerWith('4111111111111111');
  const second = (await fp.call('POST', `/customer/${customer.id}/paymentmethod/card`, { card_number: '5424000000000015', expiration_date: '12/30' })).body.data.card;
  assert.ok(second?.id, JSON.stringify(second));
  const sub = await subscribe(customer.id, { customer: { id: customer.id, payment_method_type: 'card', payment_method_id: second.id } });
  assert.equal(sub.customer.payment_method_id, second.id);
  await fp.advance('1d');
  const [sale] = await sales(sub.id);
  assert.equal(sale.response_body.card.last_four, '0015');
});

test('a declining card: the sale is recorded declined, the subscription past_due, and its next bill date still advances', async () => {
  const customer = await customerWith('4000000000000002');
  const sub = await subscribe(customer.id);
  await fp.advance('1d');
  const before = await get(sub.id);
  assert.equal(before.status, 'past_due');
  assert.equal(before.next_bill_date, nextBillDate(parseSchedule('monthly', 1, sub.billing_days), sub.next_bill_date), 'advanced all the same');
  const [sale] = await sales(sub.id);
  assert.equal(sale.status, 'declined');
  assert.equal(sale.transaction_source, 'recurring');
});

test('paused stops billing; active resumes from today without billing the missed periods; cancelled ends it', async () => {
  const customer = await customerWith('4111111111111111');
  const sub = await subscribe(customer.id);
  assert.equal((await fp.call('GET', `/recurring/subscription/${sub.id}/status/paused`)).body.data.status, 'paused');
  await fp.advance('40d');
  assert.equal((await sales(sub.id)).length, 0);
  const resumed = (await fp.call('POST', `/recurring/subscription/${sub.id}/status/active`)).body.data;
  assert.equal(resumed.status, 'active');
  assert.ok(resumed.next_bill_date >= (await tomorrow()).slice(0, 8), `picks up from today, the missed period not billed: ${resumed.next_bill_date}`);
  await fp.advance('31d');
  assert.equal((await sales(sub.id)).length, 1);
  assert.equal((await fp.call('POST', `/recurring/subscription/${sub.id}/status/cancelled`)).body.data.status, 'cancelled');
  await fp.advance('62d');
  assert.equal((await sales(sub.id)).length, 1);
  assert.equal((await fp.call('POST', `/recurring/subscription/${sub.id}/status/sleeping`)).status, 400);
});
