// A recurring charge's whole life on the tenant's clock (issue 14): a charge with recur pays the first
// occurrence; the recurring engine collects the next ones as the clock moves over three months; a
// card that declines leaves an occurrence FAILED (the recurring charge stays ACTIVE and the next one
// is created); paying it again with a good card retries it; the last occurrence (max_occurrences)
// completes the recurring charge. The ledger is verified after every step. Also: the mode of a live
// recurring charge follows it into the renewals the engine runs (transactions and events visible
// only to the live key), and a hold not captured within 7 days voids itself.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { card, startAffiniPay, type AffiniPay } from './client.ts';

let ap: AffiniPay;
const START = '2030-01-15';
// Live mode checks expiry against the tenant's clock (2030 here).
const liveCard = () => card('4242424242424242', { exp_year: 2040 });

before(async () => {
  ap = await startAffiniPay();
  const set = await ap.server.admin(`/_admin/tenants/${ap.server.tenant.slug}/clock`, { body: { to: `${START}T12:00:00Z`, freeze: true } });
  assert.equal(set.status, 200, JSON.stringify(set.body));
});
after(async () => {
  await ap.assertLedger();
  await ap.close();
});

async function step(by: string): Promise<void> {
  await ap.advance(by);
  await ap.assertLedger();
}

async function occurrences(rc: string, key?: string): Promise<any[]> {
  const reply = await ap.call('GET', `/v1/recurring/charges/${rc}/occurrences?page_size=100`, undefined, key ? { key } : {});
  assert.equal(reply.status, 200, reply.text);
  return reply.body.results;
}

async function events(key?: string): Promise<any[]> {
  const reply = await ap.call('GET', '/v1/events?page_size=1000', undefined, key ? { key } : {});
  assert.equal(reply.status, 200, reply.text);
  return reply.body.results;
}

describe('a recurring charge over three months', () => {
  let rc: string;

  test('charge with recur: the first occurrence is paid, the next is pending a month on', async () => {
    const reply = await ap.call('POST', '/v1/charges', { amount: 3000, method: card(), reference: 'Plan', recur: { interval_unit: 'MONTH', interval_delay: 1, max_occurrences: 5 } });
    assert.equal(reply.status, 200, reply.text);
    rc = reply.body.recurring_charge_id;
    const list = await occurrences(rc);
    assert.deepEqual(
      list.map((o) => [o.status, o.due_date]),
      [
        ['PENDING', '2030-02-15'],
        ['PAID', START],
      ],
    );
    await ap.assertLedger();
  });

  test('the engine collects February and March on their days', async () => {
    await step('20d'); // Feb 4: nothing due yet
    assert.equal((await occurrences(rc)).length, 2);
    await step('12d'); // Feb 16
    await step('29d'); // Mar 17
    const list = await occurrences(rc);
    assert.deepEqual(
      list.map((o) => [o.status, o.due_date, o.amount]),
      [
        ['PENDING', '2030-04-15', 3000],
        ['PAID', '2030-03-15', 3000],
        ['PAID', '2030-02-15', 3000],
        ['PAID', START, 3000],
      ],
    );
    const charge = list[1].transactions[0];
    assert.equal(charge.type, 'CHARGE');
    assert.equal(charge.reference, 'Plan');
    assert.equal(charge.recurring_charge_id, rc);
    assert.equal(charge.recurring_charge_occurrence_id, list[1].id);
    // Each renewal was captured on its day and completed by the daily capture since.
    assert.equal((await ap.call('GET', `/v1/transactions/${list[2].transactions[0].id}`)).body.status, 'COMPLETED');
    const got = (await ap.call('GET', `/v1/recurring/charges/${rc}`)).body;
    assert.equal(got.total_occurrences, 3);
    assert.equal(got.total_amount, 9000);
    const types = (await events()).map((e) => e.type);
    assert.ok(types.filter((t) => t === 'recurring_charge.occurrence.paid').length >= 3);
  });

  test('a declining card: April fails, the charge stays ACTIVE and May is pending', async () => {
    const patched = await ap.call('PATCH', `/v1/recurring/charges/${rc}`, { method: card('4000000000000002') });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.method.number, '************0002');
    await step('30d'); // Apr 16
    const list = await occurrences(rc);
    assert.equal(list[0].status, 'PENDING');
    assert.equal(list[0].due_date, '2030-05-15');
    assert.equal(list[1].status, 'FAILED');
    assert.equal(list[1].attempts, 1);
    assert.equal(list[1].transactions[0].status, 'FAILED');
    assert.equal(list[1].transactions[0].failure_code, 'card_declined');
    const got = (await ap.call('GET', `/v1/recurring/charges/${rc}`)).body;
    assert.equal(got.status, 'ACTIVE');
    assert.equal(got.total_occurrences, 4);
    assert.ok((await events()).some((e) => e.type === 'recurring_charge.occurrence.failed' && e.data.id === list[1].id));
    // No automatic retry: days later it is still failed with one attempt.
    await step('5d');
    assert.equal((await occurrences(rc))[1].attempts, 1);
  });

  test('a retry on the still-declining card answers 422 with the occurrence; with a good card it is paid', async () => {
    const failed = (await occurrences(rc))[1];
    const retry = await ap.call('POST', `/v1/recurring/charges/${rc}/occurrences/${failed.id}/pay`);
    assert.equal(retry.status, 422, retry.text);
    assert.equal(retry.body.messages[0].code, 'card_declined');
    assert.equal(retry.body.status, 'FAILED');
    assert.equal(retry.body.attempts, 2);
    await ap.assertLedger();
    assert.equal((await ap.call('PATCH', `/v1/recurring/charges/${rc}`, { method: card() })).status, 200);
    const paid = await ap.call('POST', `/v1/recurring/charges/${rc}/occurrences/${failed.id}/pay`);
    assert.equal(paid.status, 200, paid.text);
    assert.equal(paid.body.status, 'PAID');
    assert.equal(paid.body.attempts, 3);
    assert.equal(paid.body.transactions.length, 3);
    assert.equal(paid.body.transactions[2].status, 'AUTHORIZED');
    await ap.assertLedger();
    // Counted once: still four occurrences.
    assert.equal((await ap.call('GET', `/v1/recurring/charges/${rc}`)).body.total_occurrences, 4);
  });

  test('the fifth occurrence completes it (max_occurrences)', async () => {
    await step('25d'); // May 16
    const got = (await ap.call('GET', `/v1/recurring/charges/${rc}`)).body;
    assert.equal(got.status, 'COMPLETED');
    assert.equal(got.status_reason, 'schedule_complete');
    assert.equal(got.total_occurrences, 5);
    assert.equal(got.total_amount, 15000);
    const list = await occurrences(rc);
    assert.equal(list.length, 5);
    assert.ok(list.every((o) => o.status === 'PAID'));
    assert.ok((await events()).some((e) => e.type === 'recurring_charge.completed' && e.data.id === rc));
    await step('62d');
    assert.equal((await occurrences(rc)).length, 5);
  });
});

describe('modes and holds on the clock', () => {
  test('a live recurring charge renews in live mode: only the live key sees it, its charges and events', async () => {
    const created = await ap.call('POST', '/v1/recurring/charges', { amount: 700, method: liveCard(), schedule: { start: '2030-08-01', interval_unit: 'MONTH', interval_delay: 1 } }, { key: ap.lk });
    assert.equal(created.status, 200, created.text);
    const id = created.body.id;
    assert.equal((await ap.call('GET', `/v1/recurring/charges/${id}`)).status, 404);
    assert.ok(!(await ap.call('GET', '/v1/recurring/charges?page_size=100')).body.results.some((r: any) => r.id === id));
    await step('30d'); // past Aug 1
    const list = await occurrences(id, ap.lk);
    assert.equal(list[1].status, 'PAID');
    const charge = list[1].transactions[0];
    assert.equal((await ap.call('GET', `/v1/transactions/${charge.id}`, undefined, { key: ap.lk })).status, 200);
    assert.equal((await ap.call('GET', `/v1/transactions/${charge.id}`)).status, 404);
    assert.ok((await events(ap.lk)).some((e) => e.type === 'recurring_charge.occurrence.paid' && e.data.recurring_charge_id === id));
    assert.ok(!(await events()).some((e) => e.data?.recurring_charge_id === id || e.data?.id === id));
  });

  test('a hold not captured within 7 days voids itself, in its own mode', async () => {
    const test = await ap.call('POST', '/v1/charges', { amount: 100, auto_capture: false, method: card() });
    const live = await ap.call('POST', '/v1/charges', { amount: 100, auto_capture: false, method: liveCard() }, { key: ap.lk });
    assert.equal(test.status, 200, test.text);
    assert.equal(live.status, 200, live.text);
    await step('6d');
    assert.equal((await ap.call('GET', `/v1/transactions/${test.body.id}`)).body.status, 'AUTHORIZED');
    await step('2d');
    assert.equal((await ap.call('GET', `/v1/transactions/${test.body.id}`)).body.status, 'VOIDED');
    assert.equal((await ap.call('GET', `/v1/transactions/${live.body.id}`, undefined, { key: ap.lk })).body.status, 'VOIDED');
    assert.ok(!(await ap.call('GET', '/v1/charges/holds')).body.results.some((c: any) => c.id === test.body.id));
    assert.ok((await events()).some((e) => e.type === 'transaction.voided' && e.data.id === test.body.id));
    assert.ok((await events(ap.lk)).some((e) => e.type === 'transaction.voided' && e.data.id === live.body.id));
    assert.ok(!(await events()).some((e) => e.data?.id === live.body.id));
  });
});
