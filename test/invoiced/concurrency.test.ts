// Money routes under parallel requests: N clients charge the same invoice balance at once; the core
// locks the invoice, so exactly one charge applies and the rest are refused before any money moves.
// N refunds of one charge never refund more than it took.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { seedCustomer, startInvoiced, type InvoicedClient } from './helpers.ts';

let c: InvoicedClient;
before(async () => {
  c = await startInvoiced();
});
after(async () => c?.server.close());

const N = 6;

test(`${N} parallel charges for one invoice balance: one 201, the rest 400, one Payment`, async () => {
  const { customer, card, invoices } = await seedCustomer(c);
  const body = {
    customer: customer.id,
    amount: 1710,
    applied_to: [{ type: 'invoice', invoice: invoices[0].id, amount: 1710 }],
    method: 'credit_card',
    payment_source_type: 'card',
    payment_source_id: card.id,
  };
  const answers = await Promise.all(Array.from({ length: N }, () => c.call('POST', '/charges', body)));
  assert.deepEqual(answers.map((a) => a.status).sort(), [201, ...Array(N - 1).fill(400)]);
  const payments = await c.ok('GET', '/payments', { filter: { customer: customer.id } });
  assert.equal(payments.length, 1);
  assert.equal((await c.ok('GET', `/invoices/${invoices[0].id}`)).balance, 0);
});

test(`${N} parallel refunds of 500 on a 2000 charge: four succeed, never more than the charge`, async () => {
  const { customer, card, invoices } = await seedCustomer(c);
  const payment = await c.ok('POST', '/charges', {
    customer: customer.id,
    amount: 2000,
    applied_to: [
      { type: 'invoice', invoice: invoices[0].id, amount: 1710 },
      { type: 'invoice', invoice: invoices[1].id, amount: 290 },
    ],
    method: 'credit_card',
    payment_source_type: 'card',
    payment_source_id: card.id,
  });
  const answers = await Promise.all(Array.from({ length: N }, () => c.call('POST', `/charges/${payment.charge.id}/refunds`, { amount: 500 })));
  assert.equal(answers.filter((a) => a.status === 201).length, 4);
  assert.ok(answers.every((a) => a.status === 201 || a.status === 400));
  const after = await c.ok('GET', `/payments/${payment.id}`);
  assert.equal(after.charge.amount_refunded, 2000);
  assert.equal(after.charge.refunded, true);
});
