// ChargeDesk subscriptions under the recurring engine, over HTTP: a gateway subscription is renewed
// on its date (a charge of the subscription on the card on file), one cancelled at period end is not
// billed again and ends then, and a record subscription (another system bills it) is never billed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startChargeDesk, type ChargeDeskClient } from './client.ts';

let cd: ChargeDeskClient;
before(async () => {
  cd = await startChargeDesk();
  await cd.call('POST', '/customers', { customer_id: 'cus-renew', email: 'renew@example.com', card_on_file: 1 });
});
after(async () => {
  await cd?.assertLedger();
  await cd?.close();
});

/** Charges (core transactions) of each subscription, by core subscription id. */
async function chargesBySubscription(): Promise<Map<number, number[]>> {
  const rows = await cd.server.store.services.db
    .selectFrom('transactions')
    .select(['subscription_id', 'amount'])
    .where('tenant_id', '=', cd.server.tenant.id)
    .where('subscription_id', 'is not', null)
    .orderBy('id')
    .execute();
  const out = new Map<number, number[]>();
  for (const row of rows) out.set(Number(row.subscription_id), [...(out.get(Number(row.subscription_id)) ?? []), Number(row.amount)]);
  return out;
}

/** The core id of the subscription made last (its first charge carries it). */
const lastSubscriptionId = async () => [...(await chargesBySubscription()).keys()].at(-1)!;

test('a gateway subscription renews monthly; cancel at period end bills no more; a record subscription is never billed', async () => {
  const kept = await cd.call('POST', '/gateway/products/charge', { using: 'card', customer: { id: 'cus-renew' }, amount: '12.00', currency: 'USD', product: { interval: 'month' } });
  assert.equal(kept.status, 200, JSON.stringify(kept.body));
  const keptId = await lastSubscriptionId();
  const ending = await cd.call('POST', '/gateway/products/charge', { using: 'card', customer: { id: 'cus-renew' }, amount: '7.00', currency: 'USD', product: { interval: 'month' } });
  assert.equal(ending.status, 200, JSON.stringify(ending.body));
  const endingId = await lastSubscriptionId();
  assert.notEqual(keptId, endingId);
  const record = await cd.call('POST', '/subscriptions', { subscription_id: 'sub-elsewhere', customer_id: 'cus-renew', amount: '99.00', currency: 'USD', interval: 'month' });
  assert.equal(record.status, 200, JSON.stringify(record.body));

  const cancel = await cd.call('POST', `/gateway/subscriptions/${ending.body.subscription.subscription_id}/cancel`, { at_period_end: 1 });
  assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
  assert.equal(cancel.body.status, 'pending_cancel');

  await cd.advance('32d');
  const charges = await chargesBySubscription();
  assert.deepEqual(charges.get(keptId), [1200, 1200], 'the first charge, then one renewal');
  assert.deepEqual(charges.get(endingId), [700], 'cancelled at the end of the first period: no renewal');
  assert.equal(charges.size, 2, 'the record subscription was not billed');

  const kept2 = await cd.call('GET', `/subscriptions/${kept.body.subscription.subscription_id}`);
  assert.equal(kept2.body.status, 'active');
  const ended = await cd.call('GET', `/subscriptions/${ending.body.subscription.subscription_id}`);
  assert.equal(ended.body.status, 'canceled');
  const invoices = await cd.server.store.services.db.selectFrom('invoices').select('subscription_id').where('tenant_id', '=', cd.server.tenant.id).where('subscription_id', 'is not', null).execute();
  assert.deepEqual(
    invoices.map((row) => Number(row.subscription_id)),
    [keptId],
    'one renewal invoice, for the kept subscription',
  );
});
