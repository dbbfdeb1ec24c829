// Money routes of ChargeDesk subscriptions hit in parallel give what one request gives: N cancels of
// one subscription cancel it once (one 200, the rest "already canceled", one notification, one
// cancellation-log entry); N identical plan changes with prorate=1&invoice=1 charge the proration once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startChargeDesk, type ChargeDeskClient } from './client.ts';

const N = 8;
let cd: ChargeDeskClient;
before(async () => {
  cd = await startChargeDesk();
  await cd.call('POST', '/customers', { customer_id: 'cus-par', email: 'par@example.com', card_on_file: 1 });
});
after(async () => {
  await cd?.assertLedger();
  await cd?.close();
});

for (const json of [false, true]) {
  const encoding = json ? 'JSON' : 'form';

  test(`${N} parallel cancels of one subscription cancel it once (${encoding})`, async () => {
    const made = await cd.call('POST', '/gateway/products/charge', { using: 'card', customer: { id: 'cus-par' }, amount: '15.00', currency: 'USD', product: { interval: 'month' } }, { json });
    assert.equal(made.status, 200, JSON.stringify(made.body));
    const id = made.body.subscription.subscription_id as string;
    const mark = await cd.lastEventId();
    const replies = await Promise.all(Array.from({ length: N }, () => cd.call('POST', `/gateway/subscriptions/${id}/cancel`, { log_reason: `race ${encoding}` }, { json })));
    assert.deepEqual(replies.map((r) => r.status).sort(), [200, ...Array(N - 1).fill(400)], replies.map((r) => r.text).join('\n'));
    for (const r of replies.filter((r) => r.status === 400)) assert.equal(r.body.error.message, 'Subscription is already canceled');
    const codes = (await cd.notifications(mark)).codes;
    assert.equal(codes.filter((c) => c === 'subscription_canceled').length, 1);
    const log = await cd.call('GET', '/log/cancellations', { action: 'cancel' });
    assert.equal(log.body.data.filter((e: { subscription_id: string }) => e.subscription_id === id).length, 1);
    const after = (await cd.call('GET', `/subscriptions/${id}`)).body;
    assert.equal(after.status, 'canceled');
    await cd.assertLedger();
  });

  test(`${N} parallel identical plan changes with invoice=1 charge the proration once (${encoding})`, async () => {
    const suffix = json ? 'j' : 'f';
    for (const [id, amount] of [
      [`plan-small-${suffix}`, '10.00'],
      [`plan-big-${suffix}`, '40.00'],
    ])
      assert.equal((await cd.call('POST', '/products', { product_id: id, name: id, amount, currency: 'USD', interval: 'month' })).status, 200);
    const made = await cd.call(
      'POST',
      '/gateway/products/charge',
      { using: 'card', customer: { id: 'cus-par' }, amount: '10.00', currency: 'USD', product: { product_id: `plan-small-${suffix}`, interval: 'month' } },
      { json },
    );
    assert.equal(made.status, 200, JSON.stringify(made.body));
    const id = made.body.subscription.subscription_id as string;
    await cd.advance('10d');
    const before = (await cd.call('GET', `/subscriptions/${id}`)).body;
    const replies = await Promise.all(
      Array.from({ length: N }, () => cd.call('POST', `/gateway/subscriptions/${id}/plans`, { plans: [{ id: `plan-big-${suffix}`, quantity: 1 }], prorate: 1, invoice: 1 }, { json })),
    );
    for (const r of replies) assert.equal(r.status, 200, r.text);
    for (const r of replies) assert.equal(r.body.amount, '40.00');
    const after = (await cd.call('GET', `/subscriptions/${id}`)).body;
    assert.equal(after.charges, before.charges + 1, 'one proration charge, not one per request');
    const charges = (await cd.call('GET', '/charges', { customer: { id: 'cus-par' }, count: 50 })).body.data.filter((c: { subscription_id: string }) => c.subscription_id === id);
    const prorations = charges.filter((c: { amount: string }) => c.amount !== '10.00');
    assert.equal(prorations.length, 1, JSON.stringify(charges.map((c: { amount: string }) => c.amount)));
    // 30.00 more a month for the part of the period left (about two thirds of it).
    const amount = Number(prorations[0].amount);
    assert.ok(amount > 15 && amount < 30, `proration ${amount}`);
    await cd.assertLedger();
  });
}
