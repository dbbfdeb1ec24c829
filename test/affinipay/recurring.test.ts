// Spec §5 cases 72–89: recurring charges and their occurrences over HTTP, on a test clock frozen at
// 2030-01-15 12:00 UTC: create (and its first-occurrence rules), get, patch, put, pay, ignore, cancel,
// delete, list filters, a charge with recur, schedule a charge, and the max_amount's smaller last
// charge. The ledger is verified at the end.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { card, startAffiniPay, type AffiniPay } from './client.ts';

let ap: AffiniPay;
let accounts: Awaited<ReturnType<AffiniPay['accounts']>>;
let savedCard: string;
const TODAY = '2030-01-15';
const TOMORROW = '2030-01-16';
const NEXTMONTH = '2030-02-15';

before(async () => {
  ap = await startAffiniPay();
  const set = await ap.server.admin(`/_admin/tenants/${ap.server.tenant.slug}/clock`, { body: { to: `${TODAY}T12:00:00Z`, freeze: true } });
  assert.equal(set.status, 200, JSON.stringify(set.body));
  accounts = await ap.accounts();
  const saved = await ap.call('POST', '/v1/cards', card());
  assert.equal(saved.status, 200, saved.text);
  savedCard = saved.body.id;
});
after(async () => {
  await ap.assertLedger();
  await ap.close();
});

const code = (reply: { body: any }) => reply.body?.messages?.[0]?.code;

async function create(extra: Record<string, unknown> = {}, schedule: Record<string, unknown> = {}): Promise<any> {
  const reply = await ap.call('POST', '/v1/recurring/charges', {
    description: 'Monthly recurring charge',
    account_id: accounts.OP,
    amount: '1250',
    method: savedCard,
    schedule: { start: TOMORROW, interval_unit: 'MONTH', interval_delay: 1, ...schedule },
    ...extra,
  });
  assert.equal(reply.status, 200, reply.text);
  return reply.body;
}

async function eventTypes(): Promise<string[]> {
  const reply = await ap.call('GET', '/v1/events?page_size=1000');
  assert.equal(reply.status, 200, reply.text);
  return reply.body.results.map((e: any) => e.type);
}

describe('recurring charges', () => {
  let rc: any;

  test('72: create answers the recurring charge with one pending occurrence', async () => {
    rc = await create();
    assert.equal(rc.status, 'ACTIVE');
    assert.equal(rc.amount, 1250);
    assert.equal(rc.currency, 'USD');
    assert.equal(rc.total_occurrences, 0);
    assert.equal(rc.total_amount, 0);
    assert.equal(rc.next_payment, TOMORROW);
    assert.equal(rc.account_id, accounts.OP);
    assert.equal(rc.method.number, '************4242');
    assert.equal(rc.occurrences.length, 1);
    assert.deepEqual(
      { status: rc.occurrences[0].status, due_date: rc.occurrences[0].due_date, amount: rc.occurrences[0].amount, attempts: rc.occurrences[0].attempts },
      { status: 'PENDING', due_date: TOMORROW, amount: 1250, attempts: 0 },
    );
    assert.equal(rc.occurrences[0].recurring_charge_id, rc.id);
    const types = await eventTypes();
    assert.ok(types.includes('recurring_charge.created'));
    assert.ok(types.includes('recurring_charge.occurrence.created'));
  });

  test('73–75: a first occurrence due today, no occurrence at all, days with DAY: refused, nothing made', async () => {
    const before = (await ap.call('GET', '/v1/recurring/charges')).body.total_entries;
    const base = { account_id: accounts.OP, amount: '1250', method: savedCard };
    const today = await ap.call('POST', '/v1/recurring/charges', { ...base, schedule: { start: TODAY, interval_unit: 'MONTH', interval_delay: 1 } });
    assert.equal(today.status, 422);
    assert.equal(code(today), 'first_occurrence_due_immediately');
    const none = await ap.call('POST', '/v1/recurring/charges', { ...base, schedule: { start: TOMORROW, end: TODAY, interval_unit: 'MONTH', interval_delay: 1 } });
    assert.equal(none.status, 422);
    assert.equal(code(none), 'no_occurrences_for_schedule');
    const days = await ap.call('POST', '/v1/recurring/charges', { ...base, schedule: { start: TOMORROW, interval_unit: 'DAY', interval_delay: 1, days: ['1'] } });
    assert.equal(days.status, 422);
    assert.equal(code(days), 'invalid_data');
    assert.equal(days.body.messages[0].context, 'schedule.days');
    assert.equal((await ap.call('GET', '/v1/recurring/charges')).body.total_entries, before);
  });

  test('76: get has no occurrences and the schedule in AffiniPay words', async () => {
    const reply = await ap.call('GET', `/v1/recurring/charges/${rc.id}`);
    assert.equal(reply.status, 200);
    assert.ok(!('occurrences' in reply.body));
    assert.equal(reply.body.schedule.interval_unit, 'MONTH');
    assert.equal(reply.body.schedule.interval_delay, 1);
    assert.equal(reply.body.description, 'Monthly recurring charge');
  });

  test('77: patch the method expiry keeps the number; a method hash without type is invalid_data', async () => {
    const reply = await ap.call('PATCH', `/v1/recurring/charges/${rc.id}`, { method: { type: 'card', exp_month: 7, exp_year: 2035 } });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.method.exp_month, 7);
    assert.equal(reply.body.method.exp_year, 2035);
    assert.equal(reply.body.method.number, '************4242');
    const untyped = await ap.call('PATCH', `/v1/recurring/charges/${rc.id}`, { method: { exp_month: 8 } });
    assert.equal(untyped.status, 422);
    assert.equal(code(untyped), 'invalid_data');
    assert.equal(untyped.body.messages[0].context, 'method.type');
    // The saved card itself is untouched.
    assert.equal((await ap.call('GET', `/v1/cards/${savedCard}`)).body.exp_month, 10);
  });

  test('78: put replaces amount, method and schedule; the pending occurrence follows', async () => {
    const reply = await ap.call('PUT', `/v1/recurring/charges/${rc.id}`, { amount: '5000', method: savedCard, schedule: { start: NEXTMONTH, interval_unit: 'MONTH', interval_delay: 1 } });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.amount, 5000);
    assert.equal(reply.body.next_payment, NEXTMONTH);
    const list = await ap.call('GET', `/v1/recurring/charges/${rc.id}/occurrences`);
    assert.equal(list.body.total_entries, 1);
    assert.equal(list.body.results[0].amount, 5000);
    assert.equal(list.body.results[0].due_date, NEXTMONTH);
    assert.equal(list.body.results[0].id, rc.occurrences[0].id);
    const types = await eventTypes();
    assert.ok(types.includes('recurring_charge.updated'));
    assert.ok(types.includes('recurring_charge.occurrence.updated'));
    const missing = await ap.call('PUT', `/v1/recurring/charges/${rc.id}`, { amount: '5000', method: savedCard });
    assert.equal(missing.status, 422);
    assert.equal(missing.body.messages[0].sub_code, 'not_null');
  });

  test('79–81: pay the pending occurrence, not twice; ignore the next, then pay it', async () => {
    const occ = rc.occurrences[0].id;
    const paid = await ap.call('POST', `/v1/recurring/charges/${rc.id}/occurrences/${occ}/pay`);
    assert.equal(paid.status, 200, paid.text);
    assert.equal(paid.body.status, 'PAID');
    assert.equal(paid.body.attempts, 1);
    assert.ok(paid.body.last_attempt);
    assert.equal(paid.body.transactions[0].type, 'CHARGE');
    assert.equal(paid.body.transactions[0].status, 'AUTHORIZED');
    assert.equal(paid.body.transactions[0].amount, 5000);
    assert.equal(paid.body.transactions[0].recurring_charge_id, rc.id);
    assert.equal(paid.body.transactions[0].recurring_charge_occurrence_id, occ);
    const list = await ap.call('GET', `/v1/recurring/charges/${rc.id}/occurrences`);
    assert.equal(list.body.total_entries, 2);
    assert.equal(list.body.results[0].status, 'PENDING');
    assert.equal(list.body.results[0].due_date, '2030-03-15');
    assert.equal(list.body.results[1].status, 'PAID');
    const again = await ap.call('POST', `/v1/recurring/charges/${rc.id}/occurrences/${occ}/pay`);
    assert.equal(again.status, 422);
    assert.equal(code(again), 'unavailable_for_current_status');
    const pending = list.body.results[0].id;
    const ignored = await ap.call('POST', `/v1/recurring/charges/${rc.id}/occurrences/${pending}/ignore`);
    assert.equal(ignored.status, 200, ignored.text);
    assert.equal(ignored.body.status, 'IGNORED');
    assert.equal(ignored.body.attempts, 0);
    const ignorePaid = await ap.call('POST', `/v1/recurring/charges/${rc.id}/occurrences/${occ}/ignore`);
    assert.equal(ignorePaid.status, 422);
    assert.equal(code(ignorePaid), 'unavailable_for_current_status');
    const payIgnored = await ap.call('POST', `/v1/recurring/charges/${rc.id}/occurrences/${pending}/pay`);
    assert.equal(payIgnored.status, 200, payIgnored.text);
    assert.equal(payIgnored.body.status, 'PAID');
    const got = await ap.call('GET', `/v1/recurring/charges/${rc.id}`);
    assert.equal(got.body.total_occurrences, 2);
    assert.equal(got.body.total_amount, 10000);
    assert.equal(got.body.next_payment, '2030-04-15');
    const other = await create();
    const foreign = await ap.call('GET', `/v1/recurring/charges/${other.id}/occurrences/${occ}`);
    assert.equal(foreign.status, 404);
    assert.equal(code(foreign), 'resource_not_found');
    await ap.assertLedger();
  });

  test('82: cancel completes it as user_canceled; it stays listed; a second cancel is refused', async () => {
    const reply = await ap.call('POST', `/v1/recurring/charges/${rc.id}/cancel`);
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.status, 'COMPLETED');
    assert.equal(reply.body.status_reason, 'user_canceled');
    const list = await ap.call('GET', '/v1/recurring/charges?page_size=100');
    assert.ok(list.body.results.some((r: any) => r.id === rc.id));
    const again = await ap.call('POST', `/v1/recurring/charges/${rc.id}/cancel`);
    assert.equal(again.status, 422);
    assert.equal(code(again), 'unavailable_for_current_status');
    const pending = (await ap.call('GET', `/v1/recurring/charges/${rc.id}/occurrences`)).body.results[0];
    assert.equal(pending.status, 'PENDING');
    const pay = await ap.call('POST', `/v1/recurring/charges/${rc.id}/occurrences/${pending.id}/pay`);
    assert.equal(pay.status, 422);
    assert.equal(code(pay), 'unavailable_for_current_status');
    assert.ok((await eventTypes()).includes('recurring_charge.completed'));
  });

  test('83: delete answers DELETED, leaves the list, still reads by id; twice is refused', async () => {
    const doomed = await create();
    const reply = await ap.call('DELETE', `/v1/recurring/charges/${doomed.id}`);
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.status, 'DELETED');
    const list = await ap.call('GET', '/v1/recurring/charges?page_size=100');
    assert.ok(!list.body.results.some((r: any) => r.id === doomed.id));
    assert.equal((await ap.call('GET', `/v1/recurring/charges/${doomed.id}`)).body.status, 'DELETED');
    assert.equal((await ap.call('DELETE', `/v1/recurring/charges/${doomed.id}`)).status, 422);
    assert.ok((await eventTypes()).includes('recurring_charge.deleted'));
  });

  test('84–85: a charge with recur; list by status and exact reference, newest first', async () => {
    const reply = await ap.call('POST', '/v1/charges', {
      amount: '2000',
      method: savedCard,
      account_id: accounts.OP,
      reference: 'Donation Plan #1234',
      recur: { description: 'Monthly donation from Sample Customer', interval_unit: 'MONTH', interval_delay: 1 },
    });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.status, 'AUTHORIZED');
    assert.equal(reply.body.amount, 2000);
    assert.equal(reply.body.reference, 'Donation Plan #1234');
    assert.ok(reply.body.recurring_charge_id);
    assert.ok(reply.body.recurring_charge_occurrence_id);
    const occ = await ap.call('GET', `/v1/recurring/charges/${reply.body.recurring_charge_id}/occurrences/${reply.body.recurring_charge_occurrence_id}`);
    assert.equal(occ.status, 200, occ.text);
    assert.equal(occ.body.status, 'PAID');
    assert.equal(occ.body.transactions[0].id, reply.body.id);
    const got = await ap.call('GET', `/v1/recurring/charges/${reply.body.recurring_charge_id}`);
    assert.equal(got.body.amount, 2000);
    assert.equal(got.body.status, 'ACTIVE');
    assert.equal(got.body.total_occurrences, 1);
    assert.equal(got.body.next_payment, '2030-02-15');
    assert.equal(got.body.reference, 'Donation Plan #1234');
    const active = await ap.call('GET', '/v1/recurring/charges?status=ACTIVE&page_size=100');
    assert.ok(active.body.results.length > 0);
    assert.ok(active.body.results.every((r: any) => r.status === 'ACTIVE'));
    const byRef = await ap.call('GET', `/v1/recurring/charges?reference=${encodeURIComponent('Donation Plan #1234')}`);
    assert.deepEqual(
      byRef.body.results.map((r: any) => r.id),
      [reply.body.recurring_charge_id],
    );
    assert.equal((await ap.call('GET', `/v1/recurring/charges?reference=${encodeURIComponent('Donation Plan')}`)).body.total_entries, 0);
    const all = (await ap.call('GET', '/v1/recurring/charges?page_size=100')).body.results;
    const created = all.map((r: any) => r.created);
    assert.deepEqual(created, [...created].sort().reverse());
    const types = await eventTypes();
    const mine = types.filter((t) => t.startsWith('recurring_charge'));
    assert.deepEqual(mine.slice(0, 4).reverse(), ['recurring_charge.created', 'recurring_charge.occurrence.created', 'recurring_charge.occurrence.paid', 'recurring_charge.occurrence.created']);
  });

  test('86: recur with its own amount every two weeks: the next occurrence is that amount, 14 days on', async () => {
    const reply = await ap.call('POST', '/v1/charges', { amount: '25000', method: card(), recur: { amount: 7500, interval_unit: 'WEEK', interval_delay: 2 } });
    assert.equal(reply.status, 200, reply.text);
    const list = await ap.call('GET', `/v1/recurring/charges/${reply.body.recurring_charge_id}/occurrences`);
    assert.equal(list.body.results[0].status, 'PENDING');
    assert.equal(list.body.results[0].amount, 7500);
    assert.equal(list.body.results[0].due_date, '2030-01-29');
    assert.equal(list.body.results[1].amount, 25000);
    const rcBody = (await ap.call('GET', `/v1/recurring/charges/${reply.body.recurring_charge_id}`)).body;
    assert.equal(rcBody.amount, 7500);
    assert.equal(rcBody.total_amount, 25000);
  });

  test('87: recur with a hold is refused; a declined recur charge makes no recurring charge', async () => {
    const before = (await ap.call('GET', '/v1/recurring/charges')).body.total_entries;
    const held = await ap.call('POST', '/v1/charges', { amount: 100, auto_capture: false, method: card(), recur: { interval_unit: 'MONTH', interval_delay: 1 } });
    assert.equal(held.status, 422);
    assert.equal(code(held), 'invalid_data');
    const declined = await ap.call('POST', '/v1/charges', { amount: 100, method: card('4000000000000002'), recur: { interval_unit: 'MONTH', interval_delay: 1 } });
    assert.equal(declined.status, 422);
    assert.equal(code(declined), 'card_declined');
    assert.equal(declined.body.status, 'FAILED');
    assert.equal((await ap.call('GET', '/v1/recurring/charges')).body.total_entries, before);
  });

  test('88: schedule a charge reuses its card', async () => {
    const charged = await ap.call('POST', '/v1/charges', { amount: 100, method: card() });
    const reply = await ap.call('POST', `/v1/charges/${charged.body.id}/schedule`, { amount: '10000', schedule: { start: NEXTMONTH, interval_unit: 'MONTH', interval_delay: '1' } });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.status, 'ACTIVE');
    assert.equal(reply.body.amount, 10000);
    assert.equal(reply.body.schedule.interval_delay, 1);
    assert.equal(reply.body.next_payment, NEXTMONTH);
    assert.equal(reply.body.occurrences[0].status, 'PENDING');
    assert.equal(reply.body.occurrences[0].recurring_charge_id, reply.body.id);
    assert.equal(reply.body.method.number, '************4242');
    const refund = await ap.call('POST', `/v1/charges/${charged.body.id}/refund`, { amount: 100 });
    assert.equal(refund.status, 200, refund.text);
    const ofRefund = await ap.call('POST', `/v1/charges/${refund.body.id}/schedule`, { amount: '10000', schedule: { start: NEXTMONTH, interval_unit: 'MONTH', interval_delay: 1 } });
    assert.equal(ofRefund.status, 422);
    assert.equal(code(ofRefund), 'not_valid_for_transaction_status');
  });

  test('89: max_amount makes the last occurrence smaller and completes the charge', async () => {
    const capped = await create({ amount: '10000', max_amount: 15000 });
    const first = await ap.call('POST', `/v1/recurring/charges/${capped.id}/occurrences/${capped.occurrences[0].id}/pay`);
    assert.equal(first.status, 200, first.text);
    const next = (await ap.call('GET', `/v1/recurring/charges/${capped.id}/occurrences`)).body.results[0];
    assert.equal(next.amount, 5000);
    const second = await ap.call('POST', `/v1/recurring/charges/${capped.id}/occurrences/${next.id}/pay`);
    assert.equal(second.status, 200, second.text);
    assert.equal(second.body.amount, 5000);
    assert.equal(second.body.transactions[0].amount, 5000);
    const done = (await ap.call('GET', `/v1/recurring/charges/${capped.id}`)).body;
    assert.equal(done.status, 'COMPLETED');
    assert.equal(done.status_reason, 'schedule_complete');
    assert.equal(done.total_amount, 15000);
    assert.equal(done.total_occurrences, 2);
    assert.equal((await ap.call('GET', `/v1/recurring/charges/${capped.id}/occurrences`)).body.total_entries, 2);
    await ap.assertLedger();
  });
});
