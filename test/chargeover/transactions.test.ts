// Conformance cases 37-45, 49, 59 (spec 5): recorded payments, credits, application, invoice pay,
// attempts against stored methods, refunds, mark declined; and the stored-method endpoints.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createCustomer, errorBody, okBody, startChargeOver, type CoClient } from './helpers.ts';

let co: CoClient;
let item = 0;
before(async () => {
  co = await startChargeOver();
  item = okBody(await co.post('/item', { name: 'Service', pricemodel: { base: 10 } }), 201).id;
});
after(async () => co.close());

async function invoice(customer: number, rate: number): Promise<number> {
  return okBody(await co.post('/invoice', { customer_id: customer, line_items: [{ item_id: item, line_rate: rate, line_quantity: 1 }] }), 201).id;
}
const PAYMENT = {
  gateway_id: 1,
  gateway_status: 1,
  gateway_transid: 'abcd1234',
  gateway_msg: 'test gateway message',
  gateway_method: 'check',
  transaction_type: 'pay',
  transaction_detail: 'here are some details',
  transaction_datetime: '2013-06-20 18:48:17',
};

test('37-42: record a payment, apply it, query both ways, validation, explicit split', async () => {
  const C = await createCustomer(co, { company: 'Payer' });
  const I = await invoice(C, 449.25);
  const answer = await co.post('/transaction', { ...PAYMENT, customer_id: C, amount: 100, applied_to: [{ invoice_id: I }] });
  const T = okBody(answer, 201).id;
  assert.ok(answer.headers.get('location')?.endsWith(`/api/v3/transaction/${T}`));
  const t = okBody(await co.get(`/transaction/${T}`));
  assert.deepEqual([t.transaction_type, t.transaction_type_name, t.gateway_status, t.gateway_method, t.amount, t.applied, t.unapplied], ['pay', 'Payment', 1, 'check', 100, 100, 0]);
  assert.deepEqual(t.applied_to, [{ invoice_id: I, applied: 100 }]);
  assert.deepEqual([t.customer_id, t.transaction_date, t.transaction_method, t.transaction_status_str], [C, '2013-06-20', 'Paid by Check', 'ok-successful']);
  assert.match(t.token, /^[a-z0-9]{12}$/);
  const inv = okBody(await co.get(`/invoice/${I}`));
  assert.deepEqual([inv.payments, inv.applied, inv.balance], [100, 100, 349.25]);
  assert.deepEqual(
    okBody(await co.get(`/invoice?where=transaction.transaction_id:EQUALS:${T}`)).map((x: any) => x.invoice_id),
    [I],
  );
  assert.ok(okBody(await co.get(`/transaction?where=applied_to.invoice_id:EQUALS:${I}`)).some((x: any) => x.transaction_id === T));
  const pays = okBody(await co.get('/transaction?where=transaction_type:EQUALS:pay'));
  assert.ok(pays.length >= 1 && pays.every((x: any) => x.transaction_type === 'pay'));
  const count = okBody(await co.get('/transaction/_count'));
  errorBody(await co.post('/transaction', { ...PAYMENT, customer_id: C, amount: 1, gateway_method: 'bitcoin' }), 400);
  errorBody(await co.post('/transaction', { ...PAYMENT, customer_id: C, amount: 1, transaction_type: 'spl' }), 400);
  errorBody(await co.post('/transaction', { ...PAYMENT, customer_id: C, amount: -5 }), 400);
  errorBody(await co.post('/transaction', { ...PAYMENT, customer_id: C, amount: 5, applied_to: [{ invoice_id: 987654 }] }), 400);
  errorBody(await co.post('/transaction', { ...PAYMENT, customer_id: C, amount: 5, applied_to: [{ invoice_id: I, applied: 6 }] }), 400);
  assert.equal(okBody(await co.get('/transaction/_count')), count);
  const I2 = await invoice(C, 20);
  okBody(
    await co.post('/transaction', {
      ...PAYMENT,
      customer_id: C,
      amount: 15.95,
      applied_to: [
        { invoice_id: I, applied: 10.95 },
        { invoice_id: I2, applied: 5.0 },
      ],
    }),
    201,
  );
  assert.equal(okBody(await co.get(`/invoice/${I}`)).payments, 110.95);
  assert.equal(okBody(await co.get(`/invoice/${I2}`)).payments, 5);
  const c = okBody(await co.get(`/customer/${C}`));
  assert.deepEqual([c.paid, c.total, c.balance], [115.95, 469.25, 353.3]);
});

test('43: overpayment becomes customer balance, spent with use_customer_balance; credits and auto_apply', async () => {
  const C3 = await createCustomer(co, { company: 'Over' });
  const T2 = okBody(await co.post('/transaction', { ...PAYMENT, customer_id: C3, amount: 20 }), 201).id;
  assert.equal(okBody(await co.get(`/transaction/${T2}`)).unapplied, 20);
  assert.equal(okBody(await co.get(`/customer/${C3}`)).balance, -20);
  const I3 = await invoice(C3, 15.95);
  assert.equal(okBody(await co.post(`/invoice/${I3}?action=pay`, { use_customer_balance: true })), true);
  const inv = okBody(await co.get(`/invoice/${I3}`));
  assert.deepEqual([inv.balance, inv.invoice_status_str, inv.is_paid], [0, 'closed-paid', true]);
  assert.equal(okBody(await co.get(`/transaction/${T2}`)).unapplied, 4.05);
  const older = await invoice(C3, 30);
  const newer = await invoice(C3, 42.5);
  const credit = okBody(await co.post('/transaction', { customer_id: C3, transaction_type: 'cre', gateway_method: 'credit', amount: '42.50', auto_apply: 'best_fit' }), 201).id;
  assert.equal(okBody(await co.get(`/invoice/${newer}`)).credits, 42.5);
  assert.equal(okBody(await co.get(`/transaction/${credit}`)).transaction_type_name, 'Credit');
  okBody(await co.post('/transaction', { ...PAYMENT, customer_id: C3, amount: 10, auto_apply: 'oldest_first' }), 201);
  assert.equal(okBody(await co.get(`/invoice/${older}`)).balance, 20);
});

test('44-45: pay an invoice with a card or a bank account given inline; declines', async () => {
  const C = await createCustomer(co, { company: 'Card Payer' });
  const I = await invoice(C, 449.25);
  const card = {
    number: '4111 1111 1111 1111',
    expdate_year: '2017',
    expdate_month: '08',
    name: 'Keith Palmer',
    address: '72 E Blue Grass Road',
    city: 'Willington',
    state: 'CT',
    postcode: '06279',
    country: 'United States',
  };
  assert.deepEqual((await co.post(`/invoice/${I}?action=pay`, card)).body, { code: 200, status: 'OK', message: '', details: {}, response: true });
  const inv = okBody(await co.get(`/invoice/${I}`));
  assert.deepEqual([inv.is_paid, inv.balance, inv.invoice_status_str, inv.invoice_status_state], [true, 0, 'closed-paid', 'c']);
  assert.ok(inv.paid_date);
  const t = okBody(await co.get(`/transaction?where=customer_id:EQUALS:${C}`))[0];
  assert.deepEqual([t.transaction_method, t.transaction_detail, t.gateway_status, t.amount], ['Visa', 'x1111', 1, 449.25]);
  errorBody(await co.post(`/invoice/${I}?action=pay`, card), 400);
  const I4 = await invoice(C, 12);
  assert.equal(okBody(await co.post(`/invoice/${I4}?action=pay`, { number: '1234-1234-1234', routing: '072403004', name: 'Keith Palmer', type: 'chec' })), true);
  const ach = okBody(await co.get(`/transaction?where=customer_id:EQUALS:${C}&order=transaction_id:DESC&limit=1`))[0];
  assert.deepEqual([ach.transaction_method, ach.transaction_detail], ['ACH/eCheck', 'x1234']);
  const I6 = await invoice(C, 5);
  const declined = errorBody(await co.post(`/invoice/${I6}?action=pay`, { ...card, number: '4000000000000002' }), 400);
  assert.ok(Number.isInteger(declined.details.transaction_id));
  const after = okBody(await co.get(`/invoice/${I6}`));
  assert.deepEqual([after.balance, after.declines], [5, 1]);
  assert.equal(okBody(await co.get(`/transaction/${declined.details.transaction_id}`)).gateway_status, 0);
  const count = okBody(await co.get('/transaction/_count'));
  errorBody(await co.post(`/invoice/${I6}?action=pay`, { ...card, number: '4242424242424241' }), 400);
  errorBody(await co.post(`/invoice/${I6}?action=pay`, { number: '1234', routing: '123456789' }), 400);
  assert.equal(okBody(await co.get('/transaction/_count')), count);
});

test('49: attempt a payment with stored methods; card, ACH and tokenized endpoints', async () => {
  const C = await createCustomer(co, { company: 'Stored' });
  errorBody(await co.post('/transaction?action=pay', { customer_id: C }), 400);
  const I6 = await invoice(C, 25);
  errorBody(await co.post('/transaction?action=pay', { customer_id: C, applied_to: [{ invoice_id: I6 }] }), 400);
  okBody(await co.post(`/invoice/${I6}?action=schedule`, { schedule: [{ amount: 10, date: '2030-01-01' }] }));
  const cc = okBody(await co.post('/creditcard', { customer_id: C, number: '4242424242424242', expdate_month: '5', expdate_year: '2099', name: 'Card Holder' }), 201).id;
  const card = okBody(await co.get(`/creditcard/${cc}`));
  assert.deepEqual([card.mask_number, card.type, card.expdate_year, card.customer_id], ['xxxx-xxxx-xxxx-4242', 'visa', '2099', C]);
  assert.equal(okBody(await co.get(`/creditcard?where=customer_id:EQUALS:${C}`)).length, 1);
  assert.equal(okBody(await co.get(`/customer/${C}`)).default_creditcard_id, cc);
  const answer = await co.post('/transaction?action=pay', { customer_id: C, applied_to: [{ invoice_id: I6 }] });
  const T = okBody(answer, 200).id;
  assert.ok(Number.isInteger(T));
  const t = okBody(await co.get(`/transaction/${T}`));
  assert.deepEqual(t.applied_to, [{ invoice_id: I6, applied: 25 }]);
  const schedules = await co.server.store.services.db.selectFrom('scheduled_payments').select('status').where('invoice_id', '=', I6).execute();
  assert.deepEqual(
    schedules.map((r) => r.status),
    ['cancelled'],
  );
  assert.equal(t.creditcard_id, cc);
  const ach = okBody(await co.post('/ach', { customer_id: C, number: '1234-1234-1234', routing: '072403004', name: 'Keith', type: 'chec' }), 201).id;
  assert.equal(okBody(await co.get(`/ach/${ach}`)).mask_number, 'x1234');
  const tok = okBody(await co.post('/tokenized', { customer_id: C, type: 'customer', token: 'cus_1CoGUjtUMyLIDR' }), 201).id;
  assert.deepEqual(okBody(await co.get(`/tokenized/${tok}`)), {
    tokenized_id: tok,
    type: 'customer',
    token: 'cus_1CoGUjtUMyLIDR',
    customer_id: C,
    external_key: null,
    write_datetime: okBody(await co.get(`/tokenized/${tok}`)).write_datetime,
  });
  assert.equal(okBody(await co.del(`/creditcard/${cc}`)), true);
  errorBody(await co.get(`/creditcard/${cc}`), 404);
  errorBody(await co.post('/creditcard', { customer_id: C, number: '4242424242424241', expdate_month: 1, expdate_year: 2099 }), 400);
  const other = await createCustomer(co, { company: 'Other' });
  errorBody(await co.post('/transaction?action=pay', { customer_id: other, amount: 5, paymethods: [{ ach_id: ach }] }), 400);
  const paid = okBody(await co.post('/transaction?action=pay', { customer_id: C, amount: 7, paymethods: [{ ach_id: ach }] }), 200).id;
  const refund = okBody(await co.post(`/transaction/${paid}?action=refund`, { amount: 2 }));
  assert.equal(typeof refund.id, 'string');
  const r = okBody(await co.get(`/transaction/${refund.id}`));
  assert.deepEqual([r.transaction_type, r.amount], ['ref', -2]);
  errorBody(await co.post(`/transaction/${paid}?action=refund`, { amount: 6 }), 400);
});

test('59: mark a recorded payment declined; its invoices reopen', async () => {
  const C = await createCustomer(co, { company: 'Bounced' });
  const I = await invoice(C, 50);
  const T = okBody(await co.post('/transaction', { ...PAYMENT, gateway_method: 'ach', customer_id: C, amount: 50, applied_to: [{ invoice_id: I }] }), 201).id;
  assert.equal(okBody(await co.get(`/invoice/${I}`)).invoice_status_str, 'closed-paid');
  assert.equal(okBody(await co.post(`/transaction/${T}/_action/decline`, { gateway_msg: 'Insufficient Funds' })), true);
  const t = okBody(await co.get(`/transaction/${T}`));
  assert.deepEqual([t.gateway_status, t.gateway_msg, t.applied_to], [0, 'Insufficient Funds', []]);
  const inv = okBody(await co.get(`/invoice/${I}`));
  assert.deepEqual([inv.balance, inv.declines, inv.invoice_status_state, inv.paid_date], [50, 1, 'o', null]);
  assert.equal(okBody(await co.get(`/customer/${C}`)).paid, 0);
  errorBody(await co.post(`/transaction/${T}?action=decline`), 400);
  const T2 = okBody(await co.post('/transaction', { ...PAYMENT, customer_id: C, amount: 5 }), 201).id;
  assert.equal(okBody(await co.post(`/transaction/${T2}?action=reject`, {})), true);
});
