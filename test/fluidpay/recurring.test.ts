import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { firstBillDate, nextBillDate } from '../../src/core/subscriptions/schedule.ts';
import { parseSchedule } from '../../src/vendors/fluidpay/schedule-wire.ts';
import { startFluidPay, XID, type FluidPayClient } from './client.ts';

let fp: FluidPayClient;
before(async () => {
  fp = await startFluidPay();
});
after(async () => {
  await fp?.close();
});

test('#52-#54 add-ons', async () => {
  const created = await fp.call('POST', '/recurring/addon', { name: 'test plan', description: 'just a simple test plan', amount: 100, duration: 0 });
  assert.equal(created.status, 200);
  const a = created.body.data;
  assert.match(a.id, XID);
  assert.deepEqual(
    { name: a.name, description: a.description, amount: a.amount, percentage: a.percentage, duration: a.duration },
    { name: 'test plan', description: 'just a simple test plan', amount: 100, percentage: null, duration: 0 },
  );
  const pct = (await fp.call('POST', '/recurring/addon', { name: 'p', percentage: 10 })).body.data;
  assert.equal(pct.amount, null);
  assert.equal(pct.percentage, 10);
  assert.equal((await fp.call('POST', '/recurring/addon', { name: 'both', amount: 1, percentage: 1 })).status, 400);
  assert.equal((await fp.call('POST', '/recurring/addon', { name: 'neither' })).status, 400);
  assert.equal((await fp.call('POST', '/recurring/addon', { name: 'neg', amount: -1 })).status, 400);
  const list = await fp.call('GET', '/recurring/addons');
  assert.equal(list.body.total_count, list.body.data.length);
  assert.equal((await fp.call('POST', '/recurring/addons')).body.total_count, list.body.total_count);
  const updated = await fp.call('POST', `/recurring/addon/${a.id}`, { description: 'x' });
  assert.equal(updated.body.data.description, 'x');
  assert.equal(updated.body.data.amount, 100);
  assert.equal((await fp.call('POST', `/recurring/addon/${a.id}`, {})).body.data.description, 'x', 'an empty update returns the object');
  assert.equal((await fp.call('GET', `/recurring/addon/${a.id}`)).body.data[0].id, a.id);
  assert.deepEqual((await fp.call('DELETE', `/recurring/addon/${a.id}`)).body, { status: 'success', msg: 'success', data: null });
  assert.equal((await fp.call('GET', `/recurring/addon/${a.id}`)).status, 404);
});

test('#55-#61 discounts, plans and subscriptions', async () => {
  const discount = (await fp.call('POST', '/recurring/discount', { name: 'test discount', amount: 100 })).body.data;
  assert.match(discount.id, XID);
  assert.ok((await fp.call('GET', '/recurring/discounts')).body.data.some((d: any) => d.id === discount.id));
  const addon = (await fp.call('POST', '/recurring/addon', { name: 'test_addon', description: 'source', amount: 300 })).body.data;
  // #56: the documented plan body
  const planBody = {
    name: 'test plan',
    description: 'just a simple test plan',
    amount: 100,
    billing_cycle_interval: 1,
    billing_frequency: 'twice_monthly',
    billing_days: '1,15',
    duration: 0,
    add_ons: [{ id: addon.id, description: 'this will add to the cost of the subscription', amount: 100, duration: 0 }],
    discounts: [{ id: discount.id, description: 'this will discount the cost of the subscription', amount: 50, duration: 0 }],
  };
  const plan = await fp.call('POST', '/recurring/plan', planBody);
  assert.equal(plan.status, 200, JSON.stringify(plan.body));
  const p = plan.body.data;
  assert.equal(p.total_add_ons, 100);
  assert.equal(p.total_discounts, 50);
  assert.deepEqual(p.add_ons[0], {
    id: addon.id,
    name: 'test_addon',
    description: 'this will add to the cost of the subscription',
    amount: 100,
    percentage: null,
    duration: 0,
    created_at: null,
    updated_at: null,
  });
  assert.equal(p.discounts[0].amount, 50);
  assert.equal(p.discounts[0].name, 'test discount');
  for (const [field, value] of Object.entries({ name: 'test plan', amount: 100, billing_cycle_interval: 1, billing_frequency: 'twice_monthly', billing_days: '1,15', duration: 0 }))
    assert.equal(p[field], value, field);
  // a later edit of the source add-on does not change the plan
  await fp.call('POST', `/recurring/addon/${addon.id}`, { amount: 999 });
  assert.equal((await fp.call('GET', `/recurring/plan/${p.id}`)).body.data[0].add_ons[0].amount, 100);
  // #57
  assert.equal((await fp.call('POST', '/recurring/plan', { ...planBody, add_ons: [{ id: 'aaaaaaaaaaaaaaaaaaaa' }] })).status, 400);
  assert.equal((await fp.call('POST', '/recurring/plan', { ...planBody, add_ons: [{ id: discount.id }] })).status, 400, 'a discount is not an add-on');
  assert.equal((await fp.call('POST', '/recurring/plan', { ...planBody, billing_frequency: 'weekly' })).status, 400);
  assert.equal((await fp.call('POST', '/recurring/plan', { ...planBody, billing_days: '1' })).status, 400);
  assert.equal((await fp.call('POST', '/recurring/plan', { ...planBody, billing_cycle_interval: 0 })).status, 400);
  // #58
  assert.ok((await fp.call('GET', '/recurring/plans')).body.total_count >= 1);
  assert.equal((await fp.call('POST', `/recurring/plan/${p.id}`, { amount: 200 })).body.data.amount, 200);

  // #59: subscription from the plan with the discount and no add-ons
  const customer = (await fp.call('POST', '/customer', { payment_method: { card: { card_number: '4111111111111111', expiration_date: '12/30' } } })).body.data;
  const sub = await fp.call('POST', '/recurring/subscription', {
    plan_id: p.id,
    description: 'some description',
    customer: { id: customer.id },
    amount: 100,
    billing_cycle_interval: 1,
    billing_frequency: 'monthly',
    billing_days: '1',
    duration: 0,
    next_bill_date: '2030-11-21',
    add_ons: [],
    discounts: [{ id: discount.id, description: 'this will discount the cost of the subscription', amount: 50, duration: 0 }],
  });
  assert.equal(sub.status, 200, JSON.stringify(sub.body));
  const s = sub.body.data;
  assert.match(s.id, XID);
  assert.equal(s.total_adds, 0);
  assert.equal(s.total_discounts, 50);
  assert.equal(s.add_ons, null);
  assert.deepEqual(s.customer, { id: customer.id });
  assert.equal(s.plan_id, p.id);
  assert.equal(s.next_bill_date, '2030-11-21');
  assert.deepEqual(s.discounts[0], { id: discount.id, description: 'this will discount the cost of the subscription', amount: 50, percentage: null, duration: 0 });
  // from the plan alone: fields filled, next bill date computed on the schedule (1st or 15th)
  const fromPlan = (await fp.call('POST', '/recurring/subscription', { plan_id: p.id, customer: { id: customer.id } })).body.data;
  assert.equal(fromPlan.amount, 200);
  assert.equal(fromPlan.billing_frequency, 'twice_monthly');
  assert.equal(fromPlan.total_adds, 100);
  assert.match(fromPlan.next_bill_date, /^\d{4}-\d{2}-(01|15)$/);
  // #60
  assert.equal(
    (await fp.call('POST', '/recurring/subscription', { customer: { id: 'aaaaaaaaaaaaaaaaaaaa' }, amount: 1, billing_cycle_interval: 1, billing_frequency: 'daily', billing_days: '7' })).status,
    400,
  );
  assert.equal((await fp.call('POST', '/recurring/subscription', { amount: 1, billing_cycle_interval: 1, billing_frequency: 'daily', billing_days: '7' })).status, 400);
  // #61
  const moved = await fp.call('POST', `/recurring/subscription/${s.id}`, { next_bill_date: '2031-01-01' });
  assert.equal(moved.body.data.next_bill_date, '2031-01-01');
  assert.equal(moved.body.data.total_discounts, 50);
  assert.equal((await fp.call('GET', `/recurring/subscription/${s.id}`)).body.data.id, s.id);
  assert.equal((await fp.call('GET', `/subscription/${s.id}`)).body.data.id, s.id);
  assert.equal((await fp.call('POST', `/recurring/subscription/${s.id}/status/paused`)).status, 200);
  assert.equal((await fp.call('POST', `/recurring/subscription/${s.id}/status/sleeping`)).status, 400);
  assert.ok((await fp.call('POST', '/recurring/subscription/search', {})).body.total_count >= 2);
  assert.deepEqual((await fp.call('DELETE', `/recurring/subscription/${s.id}`)).body, { status: 'success', msg: 'success', data: null });
  assert.equal((await fp.call('GET', `/recurring/subscription/${s.id}`)).status, 404);
  assert.deepEqual((await fp.call('DELETE', `/recurring/plan/${p.id}`)).body, { status: 'success', msg: 'success', data: null });
  const other = await fp.otherKey();
  assert.equal((await fp.call('GET', `/recurring/discount/${discount.id}`, undefined, { key: other })).status, 404, '#68');
});

test('schedule arithmetic: daily, monthly with clamping, twice monthly', () => {
  const weekly = parseSchedule('daily', 1, '7');
  assert.equal(nextBillDate(weekly, '2030-01-01'), '2030-01-08');
  assert.equal(nextBillDate(parseSchedule('daily', 2, '7'), '2030-01-01'), '2030-01-15');
  const quarterly = parseSchedule('monthly', 3, '15');
  assert.equal(firstBillDate(quarterly, '2030-01-20'), '2030-02-15');
  assert.equal(nextBillDate(quarterly, '2030-02-15'), '2030-05-15');
  const endOfMonth = parseSchedule('monthly', 1, '31');
  assert.equal(firstBillDate(endOfMonth, '2030-02-01'), '2030-02-28');
  assert.equal(nextBillDate(endOfMonth, '2030-01-31'), '2030-02-28');
  const twice = parseSchedule('twice_monthly', 1, '1,15');
  assert.equal(firstBillDate(twice, '2030-01-02'), '2030-01-15');
  assert.equal(nextBillDate(twice, '2030-01-15'), '2030-02-01');
  assert.equal(nextBillDate(twice, '2030-02-01'), '2030-02-15');
  assert.throws(() => parseSchedule('twice_monthly', 1, '15,1'));
  assert.throws(() => parseSchedule('monthly', 1, '32'));
  assert.throws(() => parseSchedule('daily', 1, '0'));
});
