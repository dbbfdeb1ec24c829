// Every ChargeOver route that moves money, hit by N parallel identical requests: with different
// idempotency keys (or none) they give the business outcome one request would; with one key they
// make one write and all answer alike. On both databases (PostgreSQL is where the door used to
// charge an invoice once per request).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { verify } from '../../src/core/verify/verify.ts';
import { createCustomer, okBody, startChargeOver, type CoClient } from '../chargeover/helpers.ts';

const N = 8;
let co: CoClient;
let item: number;

before(async () => {
  co = await startChargeOver();
  // Parallel bursts must not trip ChargeOver's 250 a minute.
  await co.server.admin(`/_admin/tenants/${co.server.tenant.slug}/rate-limits`, { method: 'PUT', body: { chargeover: 0 } });
  item = okBody(await co.post('/item', { name: 'Service', type: 'service', pricemodel: { base: 100 } }), 201).id;
});
after(async () => {
  await co?.close();
});

const CARD = { number: '4111111111111111', expdate_month: 12, expdate_year: 2099, name: 'Grace Hopper' };
const db = () => co.server.store.services.db;

async function customerWithInvoice(rate = 100): Promise<{ customer: number; invoice: number }> {
  const customer = await createCustomer(co, { company: `Race ${Math.random().toString(36).slice(2, 8)}` });
  const invoice = okBody(await co.post('/invoice', { customer_id: customer, line_items: [{ item_id: item, line_rate: rate, line_quantity: 1 }] }), 201).id;
  return { customer, invoice };
}

async function charged(customer: number): Promise<{ count: number; total: number }> {
  const rows = await db()
    .selectFrom('transactions')
    .select(['amount_captured'])
    .where('customer_id', '=', customer)
    .where('type', '=', 'sale')
    .where('status', 'in', ['captured', 'settled'])
    .execute();
  return { count: rows.length, total: rows.reduce((sum, row) => sum + row.amount_captured, 0) };
}

async function invoiceBalance(invoice: number): Promise<number> {
  return (await db().selectFrom('invoices').select('balance').where('id', '=', invoice).executeTakeFirstOrThrow()).balance;
}

async function assertLedger(): Promise<void> {
  const report = await verify(co.server.store.services, co.server.tenant.id);
  assert.ok(report.ok, report.violation ?? '');
}

const burst = <T>(fn: (i: number) => Promise<T>) => Promise.all(Array.from({ length: N }, (_, i) => fn(i)));

describe('different keys (or none): the outcome of one request', () => {
  test('invoice pay with a card: one charge, the rest told there is nothing due', async () => {
    const { customer, invoice } = await customerWithInvoice();
    const answers = await burst(() => co.post(`/invoice/${invoice}?action=pay`, CARD));
    assert.equal(answers.filter((a) => a.status === 200).length, 1, JSON.stringify(answers.map((a) => a.body.message)));
    for (const a of answers.filter((x) => x.status !== 200)) assert.deepEqual([a.status, a.body.message], [400, `Invoice ${invoice} has no balance due`]);
    assert.deepEqual(await charged(customer), { count: 1, total: 10000 });
    assert.equal(await invoiceBalance(invoice), 0);
    await assertLedger();
  });

  test('invoice pay with saved methods, and with the customer balance', async () => {
    const { customer, invoice } = await customerWithInvoice();
    okBody(await co.post('/creditcard', { customer_id: customer, ...CARD }), 201);
    const saved = await burst(() => co.post(`/invoice/${invoice}?action=pay`, {}));
    assert.equal(saved.filter((a) => a.status === 200).length, 1);
    assert.deepEqual(await charged(customer), { count: 1, total: 10000 });

    // A cheque on account, then a second invoice paid from that balance by N requests at once.
    okBody(await co.post('/transaction', { customer_id: customer, amount: 100, transaction_type: 'pay', gateway_method: 'check' }), 201);
    const second = okBody(await co.post('/invoice', { customer_id: customer, line_items: [{ item_id: item, line_rate: 60, line_quantity: 1 }] }), 201).id;
    const fromBalance = await burst(() => co.post(`/invoice/${second}?action=pay`, { use_customer_balance: true }));
    assert.equal(fromBalance.filter((a) => a.status === 200).length, 1);
    assert.equal(await invoiceBalance(second), 0);
    const applied = await db()
      .selectFrom('allocations')
      .select((eb) => eb.fn.sum<number>('amount').as('n'))
      .where('invoice_id', '=', second)
      .executeTakeFirstOrThrow();
    assert.equal(Number(applied.n), 6000);
    await assertLedger();
  });

  test('transaction?action=pay for named invoices: one charge of what they owe', async () => {
    const { customer, invoice } = await customerWithInvoice(75);
    okBody(await co.post('/creditcard', { customer_id: customer, ...CARD }), 201);
    const answers = await burst(() => co.post('/transaction?action=pay', { customer_id: customer, applied_to: [{ invoice_id: invoice }] }));
    assert.equal(answers.filter((a) => a.status === 200).length, 1, JSON.stringify(answers.map((a) => a.body.message)));
    assert.deepEqual(await charged(customer), { count: 1, total: 7500 });
    assert.equal(await invoiceBalance(invoice), 0);
    await assertLedger();
  });

  test('recording a payment applied to an invoice: one is applied, the rest exceed its balance', async () => {
    const { customer, invoice } = await customerWithInvoice(40);
    const answers = await burst(() =>
      co.post('/transaction', { customer_id: customer, amount: 40, transaction_type: 'pay', gateway_method: 'check', applied_to: [{ invoice_id: invoice, applied: 40 }] }),
    );
    assert.equal(answers.filter((a) => a.status === 201).length, 1, JSON.stringify(answers.map((a) => a.body.message)));
    assert.deepEqual(await charged(customer), { count: 1, total: 4000 });
    assert.equal(await invoiceBalance(invoice), 0);
    await assertLedger();
  });

  test('refund of a whole payment: one refund', async () => {
    const { customer, invoice } = await customerWithInvoice(30);
    okBody(await co.post(`/invoice/${invoice}?action=pay`, CARD));
    const payment = await db().selectFrom('transactions').select('id').where('customer_id', '=', customer).where('type', '=', 'sale').executeTakeFirstOrThrow();
    const answers = await burst(() => co.post(`/transaction/${payment.id}?action=refund`, {}));
    assert.equal(answers.filter((a) => a.status === 200).length, 1, JSON.stringify(answers.map((a) => a.body.message)));
    const refunds = await db().selectFrom('transactions').select('amount').where('parent_id', '=', payment.id).execute();
    assert.deepEqual(
      refunds.map((r) => r.amount),
      [3000],
    );
    await assertLedger();
  });
});

describe('one key: one write, identical answers', () => {
  const keyed = (key: string) => ({ 'idempotency-key': key });

  test('invoice pay', async () => {
    const { customer, invoice } = await customerWithInvoice();
    const answers = await burst(() => co.call('POST', `/invoice/${invoice}?action=pay`, CARD, keyed(`pay-${invoice}`)));
    assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([200]));
    assert.equal(new Set(answers.map((a) => JSON.stringify(a.body))).size, 1);
    assert.equal(answers.filter((a) => a.headers.get('idempotent-replayed') === null).length, 1);
    assert.deepEqual(await charged(customer), { count: 1, total: 10000 });
    await assertLedger();
  });

  test('transaction?action=pay, a recorded payment and a refund', async () => {
    const { customer, invoice } = await customerWithInvoice(50);
    okBody(await co.post('/creditcard', { customer_id: customer, ...CARD }), 201);
    const pays = await burst(() => co.call('POST', '/transaction?action=pay', { customer_id: customer, applied_to: [{ invoice_id: invoice }] }, keyed(`tp-${invoice}`)));
    assert.equal(new Set(pays.map((a) => JSON.stringify([a.status, a.body]))).size, 1);
    assert.equal(pays[0].status, 200);
    const paymentId = pays[0].body.response.id;

    const records = await burst(() => co.call('POST', '/transaction', { customer_id: customer, amount: 5, transaction_type: 'pay', gateway_method: 'check' }, keyed(`rec-${invoice}`)));
    assert.equal(new Set(records.map((a) => JSON.stringify([a.status, a.body]))).size, 1);
    assert.equal(records[0].status, 201);

    const refunds = await burst(() => co.call('POST', `/transaction/${paymentId}?action=refund`, { amount: 10 }, keyed(`ref-${invoice}`)));
    assert.equal(new Set(refunds.map((a) => JSON.stringify([a.status, a.body]))).size, 1);
    assert.equal(refunds[0].status, 200);

    assert.deepEqual(await charged(customer), { count: 2, total: 5500 });
    const refundRows = await db().selectFrom('transactions').select('amount').where('parent_id', '=', paymentId).execute();
    assert.deepEqual(
      refundRows.map((r) => r.amount),
      [1000],
    );
    await assertLedger();
  });
});
