// One state with the other doors, and money routes under parallel requests: a ChargeOver customer
// and its card are ChargeDesk's to charge; a ChargeDesk charge and customer are ChargeOver's to
// read; N racing records with one transaction_id and duplicate=update give one charge; N racing
// refunds of one charge never refund more than it took.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chargeOverOn, type ChargeOverOn } from '../cross-door/helpers.ts';
import { startChargeDesk, type ChargeDeskClient } from './client.ts';

let cd: ChargeDeskClient;
let co: ChargeOverOn;
before(async () => {
  cd = await startChargeDesk();
  co = await chargeOverOn(cd.server);
});
after(async () => {
  await cd?.assertLedger();
  await cd?.close();
});

test('a ChargeOver customer with a card is charged through ChargeDesk, and each door reads the other’s objects', async () => {
  const customer = await co.ok('POST', '/customer', { company: 'Cross Co', superuser_email: 'cross@example.com' });
  await co.ok('POST', '/creditcard', { customer_id: customer.id, number: '4111111111111111', expdate_year: '2099', expdate_month: '12', name: 'Cross' });
  const list = await cd.call('GET', '/customers');
  const seen = list.body.data.find((c: any) => c.customer_company === 'Cross Co');
  assert.ok(seen, JSON.stringify(list.body));
  assert.match(seen.customer_id, /^cus-/);
  assert.equal(seen.card_on_file, 1);
  const charged = await cd.call('POST', '/gateway/products/charge', { using: 'card', customer: { id: seen.customer_id }, amount: '12.00', currency: 'USD' });
  assert.equal(charged.status, 200, JSON.stringify(charged.body));
  assert.equal(charged.body.charge.last_4_digits, '1111');
  const transactions = await co.ok('GET', `/transaction?where=customer_id:EQUALS:${customer.id}`);
  assert.ok(
    transactions.some((t: any) => Number(t.amount) === 12),
    JSON.stringify(transactions),
  );
  const record = await cd.call('POST', '/customers', { customer_id: 'cd-made', name: 'Made Here', email: 'made@example.com' });
  assert.equal(record.status, 200);
  const seenThere = await co.ok('GET', '/customer?limit=100');
  assert.ok(seenThere.length >= 2, JSON.stringify(seenThere));
});

test('N racing record creates with one transaction_id and duplicate=update give one charge', async () => {
  const replies = await Promise.all(
    Array.from({ length: 8 }, (_, i) => cd.call('POST', '/charges', { amount: `${10 + i}.00`, currency: 'USD', customer: { id: 'racer' }, transaction_id: 'race-1', duplicate: 'update' })),
  );
  for (const reply of replies) assert.equal(reply.status, 200, reply.text);
  assert.equal(new Set(replies.map((r) => r.body.charge_id)).size, 1);
  assert.equal((await cd.call('GET', '/charges', { transaction_id: 'race-1' })).body.count, 1);
  assert.equal((await cd.call('GET', '/customers', { customer_id: 'racer' })).body.count, 1);
  const plain = await Promise.all(Array.from({ length: 6 }, () => cd.call('POST', '/charges', { amount: '1.00', currency: 'USD', customer: { id: 'racer2' }, transaction_id: 'race-2' })));
  assert.equal(plain.filter((r) => r.status === 200).length, 1);
  assert.equal(plain.filter((r) => r.status === 400 && r.body.error.incorrect_parameter === 'transaction_id').length, 5);
});

test('N racing refunds of one gateway charge refund at most what it took', async () => {
  await cd.call('POST', '/customers', { customer_id: 'refunder', card_on_file: 1 });
  const charge = (await cd.call('POST', '/gateway/products/charge', { using: 'card', customer: { id: 'refunder' }, amount: '30.00', currency: 'USD' })).body.charge;
  const replies = await Promise.all(Array.from({ length: 6 }, () => cd.call('POST', `/gateway/charges/${charge.charge_id}/refund`, { amount: '10.00' })));
  assert.equal(replies.filter((r) => r.status === 200).length, 3);
  for (const reply of replies) assert.ok(reply.status < 500, reply.text);
  const after = await cd.call('GET', `/charges/${charge.charge_id}`);
  assert.deepEqual([after.body.amount_refunded, after.body.status], ['30.00', 'refunded']);
});
