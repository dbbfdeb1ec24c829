// An Invoiced subscription renews through the recurring engine: each period the engine raises an
// invoice for the plan times the quantity and charges the customer's default payment source, on the
// tenant's clock; `cycles` ends it; a declining card leaves the renewal's invoice open and the
// subscription past due. The ledger invariants hold after every clock move.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { verify } from '../../src/core/verify/verify.ts';
import { CARD, DECLINED_CARD, startInvoiced, type InvoicedClient } from './helpers.ts';

let c: InvoicedClient;
before(async () => {
  c = await startInvoiced();
});
after(async () => c?.server.close());

async function advance(by: string): Promise<void> {
  const reply = await c.server.admin(`/_admin/tenants/${c.server.tenant.slug}/clock/advance`, { body: { by } });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  const report = await verify(c.server.store.services, c.server.tenant.id);
  assert.ok(report.ok, `verify after advancing ${by}: ${report.violation}`);
}

async function customerWithCard(name: string, card: Record<string, unknown>): Promise<number> {
  const customer = await c.ok('POST', '/customers', { name });
  const token = await c.ok('POST', '/tokens', { card });
  await c.ok('POST', `/customers/${customer.id}/payment_sources`, { method: 'credit_card', invoiced_token: token.id, make_default: true });
  return customer.id;
}

async function invoicesOf(customer: number): Promise<any[]> {
  const answer = await c.call('GET', '/invoices', { filter: { customer }, sort: 'id ASC' });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return [...answer.body].sort((a: any, b: any) => a.id - b.id);
}

test('a monthly subscription is invoiced and charged each month, then finishes after its cycles', async () => {
  await c.ok('POST', '/plans', { id: 'renew-monthly', name: 'Renewing', amount: 25, interval: 'month' });
  const customer = await customerWithCard('Renewing customer', CARD);
  const sub = await c.ok('POST', '/subscriptions', { customer, plan: 'renew-monthly', quantity: 2, cycles: 3 });
  assert.equal(sub.recurring_total, 50);
  await advance('1h');
  const first = await invoicesOf(customer);
  assert.equal(first.length, 1, 'the first period is billed when the subscription starts');
  assert.deepEqual([first[0].total, first[0].balance, first[0].status, first[0].paid], [50, 0, 'paid', true]);

  await advance('32d');
  const second = await invoicesOf(customer);
  assert.equal(second.length, 2);
  assert.deepEqual([second[1].total, second[1].status], [50, 'paid']);
  assert.ok(second[1].date > second[0].date, 'each renewal is dated on its own day');
  const renewed = await c.ok('GET', `/subscriptions/${sub.id}`);
  assert.equal(renewed.status, 'active');
  assert.ok(renewed.renews_next > second[1].date);
  assert.deepEqual([renewed.period_start, renewed.period_end === null], [second[1].date, false]);

  await advance('62d');
  assert.equal((await invoicesOf(customer)).length, 3, 'cycles: 3 bills three periods and no more');
  const finished = await c.ok('GET', `/subscriptions/${sub.id}`);
  assert.equal(finished.status, 'finished');
  assert.equal(finished.renews_next, null);
  const payments = await c.call('GET', '/payments', { filter: { customer } });
  assert.equal(payments.status, 200);
  assert.equal(payments.body.length, 3);
});

test('a declining card leaves the renewal invoice open and the subscription past due', async () => {
  await c.ok('POST', '/plans', { id: 'renew-declines', name: 'Declines', amount: 10, interval: 'month' });
  const customer = await customerWithCard('Declining customer', DECLINED_CARD);
  const sub = await c.ok('POST', '/subscriptions', { customer, plan: 'renew-declines' });
  await advance('1h');
  const invoices = await invoicesOf(customer);
  assert.equal(invoices.length, 1);
  assert.deepEqual([invoices[0].total, invoices[0].balance, invoices[0].paid], [10, 10, false]);
  assert.equal((await c.ok('GET', `/subscriptions/${sub.id}`)).status, 'past_due');
});
