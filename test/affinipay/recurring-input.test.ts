// Bad input on the recurring routes (never a 5xx, always AffiniPay's {"messages":[…]} with the code a
// client can act on, nothing half-written), and parallel money requests: many "pay occurrence" at
// once make one charge; many charges with recur make one recurring charge each.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { card, startAffiniPay, type AffiniPay, type Reply } from './client.ts';

let ap: AffiniPay;
let accounts: Awaited<ReturnType<AffiniPay['accounts']>>;
let savedCard: string;
let rc: any;
const TOMORROW = '2030-01-16';

before(async () => {
  ap = await startAffiniPay();
  const set = await ap.server.admin(`/_admin/tenants/${ap.server.tenant.slug}/clock`, { body: { to: '2030-01-15T12:00:00Z', freeze: true } });
  assert.equal(set.status, 200);
  accounts = await ap.accounts();
  savedCard = (await ap.call('POST', '/v1/cards', card())).body.id;
  const created = await ap.call('POST', '/v1/recurring/charges', { amount: 1000, method: savedCard, schedule: { start: TOMORROW, interval_unit: 'MONTH', interval_delay: 1 } });
  assert.equal(created.status, 200, created.text);
  rc = created.body;
});
after(async () => {
  await ap.assertLedger();
  await ap.close();
});

function refused(reply: Reply, status: number, code: string, context?: string): void {
  assert.equal(reply.status, status, reply.text);
  assert.ok(Array.isArray(reply.body?.messages), reply.text);
  assert.equal(reply.body.messages[0].code, code, reply.text);
  assert.equal(reply.body.messages[0].level, 'error');
  if (context !== undefined) assert.equal(reply.body.messages[0].context, context, reply.text);
}

const schedule = (extra: Record<string, unknown> = {}) => ({ start: TOMORROW, interval_unit: 'MONTH', interval_delay: 1, ...extra });

describe('bad input on the recurring routes', () => {
  test('create: each wrong field answers its code and context, and makes nothing', async () => {
    const before = (await ap.call('GET', '/v1/recurring/charges')).body.total_entries;
    const post = (body: unknown, options = {}) => ap.call('POST', '/v1/recurring/charges', body, options);
    const base = { amount: 1000, method: savedCard, schedule: schedule() };
    refused(await post(undefined), 422, 'no_content');
    refused(await post(undefined, { raw: '{"amount":', headers: { 'content-type': 'application/json' } }), 400, 'malformed_request');
    refused(await post({ ...base, amount: 0 }), 422, 'invalid_data', 'amount');
    refused(await post({ ...base, amount: 'ten' }), 422, 'invalid_data', 'amount');
    refused(await post({ ...base, amount: undefined }), 422, 'invalid_data', 'amount');
    refused(await post({ ...base, schedule: 'monthly' }), 422, 'invalid_data', 'schedule');
    refused(await post({ ...base, schedule: undefined }), 422, 'invalid_data', 'schedule');
    refused(await post({ ...base, schedule: schedule({ interval_unit: 'YEAR' }) }), 422, 'invalid_data', 'schedule.interval_unit');
    refused(await post({ ...base, schedule: schedule({ interval_unit: undefined }) }), 422, 'invalid_data', 'schedule.interval_unit');
    refused(await post({ ...base, schedule: schedule({ interval_delay: 0 }) }), 422, 'invalid_data', 'schedule.interval_delay');
    refused(await post({ ...base, schedule: schedule({ interval_delay: 'x' }) }), 422, 'invalid_data', 'schedule.interval_delay');
    refused(await post({ ...base, schedule: schedule({ interval_delay: 2, days: ['1'] }) }), 422, 'invalid_data', 'schedule.days');
    refused(await post({ ...base, schedule: schedule({ interval_unit: 'WEEK', days: ['8'] }) }), 422, 'invalid_data', 'schedule.days');
    refused(await post({ ...base, schedule: schedule({ days: ['FIRST'] }) }), 422, 'invalid_data', 'schedule.days');
    refused(await post({ ...base, schedule: schedule({ start: '2030-02-30' }) }), 422, 'invalid_data', 'schedule.start');
    refused(await post({ ...base, schedule: schedule({ start: undefined }) }), 422, 'invalid_data', 'schedule.start');
    refused(await post({ ...base, schedule: schedule({ end: 'soon' }) }), 422, 'invalid_data', 'schedule.end');
    refused(await post({ ...base, schedule: schedule({ start: '2029-01-01', end: '2029-12-31' }) }), 422, 'no_occurrences_for_schedule');
    refused(await post({ ...base, schedule: schedule({ start: '2029-12-15' }) }), 422, 'first_occurrence_due_immediately');
    refused(await post({ ...base, max_amount: 500 }), 422, 'invalid_data', 'max_amount');
    refused(await post({ ...base, max_occurrences: 0 }), 422, 'invalid_data', 'max_occurrences');
    refused(await post({ ...base, reference: 'r'.repeat(129) }), 422, 'invalid_data', 'reference');
    refused(await post({ ...base, data: 'text' }), 422, 'invalid_data', 'data');
    refused(await post({ ...base, method: undefined }), 422, 'no_payment_method');
    refused(await post({ ...base, method: 'nope' }), 422, 'no_card_details_or_token_present');
    refused(await post({ ...base, method: card('4242424242424241') }), 422, 'card_number_invalid');
    refused(await post({ ...base, account_id: 'unknown' }), 404, 'resource_not_found');
    refused(await post({ ...base, account_id: accounts.ACH }), 422, 'incorrect_payment_type');
    refused(await post({ ...base, account_id: accounts.LOP }), 422, 'unavailable_for_merchant_mode');
    refused(await post({ ...base, currency: 'EUR' }), 422, 'unsupported_currency');
    assert.equal((await ap.call('GET', '/v1/recurring/charges')).body.total_entries, before);
  });

  test('charge with recur: a wrong recur charges nothing', async () => {
    const before = (await ap.call('GET', '/v1/transactions')).body.total_entries;
    const post = (recur: unknown, extra = {}) => ap.call('POST', '/v1/charges', { amount: 100, method: card(), recur, ...extra });
    refused(await post('monthly'), 422, 'invalid_data', 'recur');
    refused(await post({ interval_unit: 'MONTH' }), 422, 'invalid_data', 'recur.interval_delay');
    refused(await post({ interval_unit: 'DAY', interval_delay: 1, days: ['1'] }), 422, 'invalid_data', 'recur.days');
    refused(await post({ interval_unit: 'MONTH', interval_delay: 1, amount: -5 }), 422, 'invalid_data', 'recur.amount');
    refused(await post({ interval_unit: 'MONTH', interval_delay: 1, max_amount: 50 }), 422, 'invalid_data', 'recur.max_amount');
    refused(await post({ interval_unit: 'MONTH', interval_delay: 1, end: '2029-01-01' }), 422, 'no_occurrences_for_schedule');
    refused(await post({ interval_unit: 'MONTH', interval_delay: 1 }, { auto_capture: false }), 422, 'invalid_data', 'recur');
    assert.equal((await ap.call('GET', '/v1/transactions')).body.total_entries, before);
  });

  test('reads, updates and occurrences: unknown ids are 404, wrong states 422, wrong methods 400', async () => {
    refused(await ap.call('GET', '/v1/recurring/charges/unknown'), 404, 'resource_not_found');
    refused(await ap.call('GET', `/v1/recurring/charges/${rc.id}/occurrences/unknown`), 404, 'resource_not_found');
    refused(await ap.call('POST', `/v1/recurring/charges/${rc.id}/occurrences/${rc.id}/pay`), 404, 'resource_not_found');
    refused(await ap.call('GET', '/v1/recurring/charges?page_size=abc'), 422, 'invalid_data', 'page_size');
    refused(await ap.call('GET', '/v1/recurring/charges?order_by=amount'), 422, 'search_failed');
    refused(await ap.call('PATCH', `/v1/recurring/charges/${rc.id}`, { amount: 0 }), 422, 'invalid_data', 'amount');
    refused(await ap.call('PATCH', `/v1/recurring/charges/${rc.id}`, { method: { type: 'bank', routing_number: '000000013', account_number: '1100000002' } }), 422, 'incorrect_payment_type');
    refused(await ap.call('PATCH', `/v1/recurring/charges/${rc.id}`, { schedule: { end: '2030-01-15' } }), 422, 'update_results_in_no_occurrences');
    refused(await ap.call('PATCH', `/v1/recurring/charges/${rc.id}`, { method: { type: 'card', exp_month: 13 } }), 422, 'invalid_data', 'method.exp_month');
    refused(await ap.call('PUT', `/v1/recurring/charges/${rc.id}`, { amount: 10 }), 422, 'invalid_data');
    refused(await ap.call('PATCH', `/v1/recurring/charges/${rc.id}`, undefined, { raw: 'not json', headers: { 'content-type': 'application/json' } }), 400, 'malformed_request');
    refused(await ap.call('POST', `/v1/recurring/charges/${rc.id}`), 400, 'invalid_request');
    refused(await ap.call('PUT', `/v1/recurring/charges/${rc.id}/cancel`), 400, 'invalid_request');
    refused(await ap.call('DELETE', `/v1/recurring/charges/${rc.id}/occurrences`), 400, 'invalid_request');
    refused(await ap.call('POST', '/v1/charges/unknown/schedule', { amount: 100, schedule: schedule() }), 404, 'resource_not_found');
    const declined = await ap.call('POST', '/v1/charges', { amount: 100, method: card('4000000000000002') });
    refused(await ap.call('POST', `/v1/charges/${declined.body.id}/schedule`, { amount: 100, schedule: schedule() }), 422, 'not_valid_for_transaction_status');
    // Unchanged by all of the above.
    const got = (await ap.call('GET', `/v1/recurring/charges/${rc.id}`)).body;
    assert.equal(got.amount, 1000);
    assert.equal(got.next_payment, TOMORROW);
  });
});

describe('parallel requests on money routes', () => {
  test('eight parallel "pay occurrence" on one pending occurrence make one charge', async () => {
    const occ = rc.occurrences[0].id;
    const replies = await Promise.all(Array.from({ length: 8 }, () => ap.call('POST', `/v1/recurring/charges/${rc.id}/occurrences/${occ}/pay`)));
    assert.ok(
      replies.every((r) => r.status === 200 || r.status === 422),
      replies.map((r) => r.status).join(','),
    );
    assert.equal(replies.filter((r) => r.status === 200).length, 1);
    for (const r of replies.filter((r) => r.status === 422)) assert.equal(r.body.messages[0].code, 'unavailable_for_current_status');
    const got = await ap.call('GET', `/v1/recurring/charges/${rc.id}/occurrences/${occ}`);
    assert.equal(got.body.status, 'PAID');
    assert.equal(got.body.transactions.length, 1);
    const charges = (await ap.call('GET', '/v1/transactions?page_size=100')).body.results.filter((t: any) => t.recurring_charge_id === rc.id);
    assert.equal(charges.length, 1);
    const after = (await ap.call('GET', `/v1/recurring/charges/${rc.id}`)).body;
    assert.equal(after.total_occurrences, 1);
    assert.equal(after.total_amount, 1000);
    await ap.assertLedger();
  });

  test('parallel charges with recur each make their own recurring charge', async () => {
    const before = (await ap.call('GET', '/v1/recurring/charges?page_size=100')).body.total_entries;
    const replies = await Promise.all(Array.from({ length: 5 }, () => ap.call('POST', '/v1/charges', { amount: 500, method: card(), recur: { interval_unit: 'WEEK', interval_delay: 1 } })));
    assert.ok(
      replies.every((r) => r.status === 200),
      replies.map((r) => r.text).join('\n'),
    );
    assert.equal(new Set(replies.map((r) => r.body.recurring_charge_id)).size, 5);
    assert.equal((await ap.call('GET', '/v1/recurring/charges?page_size=100')).body.total_entries, before + 5);
    await ap.assertLedger();
  });
});

describe('card expiry notices on the clock', () => {
  test('a saved card expiring in March: expiring on Mar 1, expired on Apr 1, for the card and its recurring charge', async () => {
    const expiring = await ap.call('POST', '/v1/cards', card('4242424242424242', { exp_month: 3, exp_year: 2030 }));
    assert.equal(expiring.status, 200, expiring.text);
    const created = await ap.call('POST', '/v1/recurring/charges', { amount: 300, method: expiring.body.id, schedule: { start: '2030-01-20', interval_unit: 'MONTH', interval_delay: 1 } });
    assert.equal(created.status, 200, created.text);
    const notices = async () => (await ap.call('GET', '/v1/events?page_size=1000')).body.results.filter((e: any) => e.type.includes('payment_method.expir'));
    await ap.advance('40d'); // Feb 24
    assert.equal((await notices()).length, 0);
    await ap.advance('6d'); // Mar 2
    const first = await notices();
    assert.deepEqual(first.map((e: any) => e.type).sort(), ['payment_method.expiring', 'recurring_charge.payment_method.expiring']);
    assert.equal(first.find((e: any) => e.type === 'payment_method.expiring').data.id, expiring.body.id);
    assert.equal(first.find((e: any) => e.type === 'recurring_charge.payment_method.expiring').data.id, created.body.id);
    assert.equal(first.find((e: any) => e.type === 'payment_method.expiring').created, '2030-03-01T00:00:00.000Z');
    await ap.advance('31d'); // Apr 2
    const all = (await notices()).map((e: any) => e.type).sort();
    assert.deepEqual(all, ['payment_method.expired', 'payment_method.expiring', 'recurring_charge.payment_method.expired', 'recurring_charge.payment_method.expiring']);
    await ap.advance('60d');
    assert.equal((await notices()).length, 4);
    await ap.assertLedger();
  });
});

describe('purge', () => {
  test('94: purging test data empties the recurring list and stops their collection; live ones stay', async () => {
    const live = await ap.call(
      'POST',
      '/v1/recurring/charges',
      { amount: 100, method: card('4242424242424242', { exp_year: 2045 }), schedule: { start: '2031-01-01', interval_unit: 'MONTH', interval_delay: 1 } },
      { key: ap.lk },
    );
    assert.equal(live.status, 200, live.text);
    assert.ok((await ap.call('GET', '/v1/recurring/charges')).body.total_entries > 0);
    const purged = await ap.call('POST', '/v1/merchant/purge-test-data');
    assert.equal(purged.status, 204);
    assert.equal((await ap.call('GET', '/v1/recurring/charges')).body.total_entries, 0);
    assert.equal((await ap.call('GET', `/v1/recurring/charges/${rc.id}`)).status, 404);
    const liveList = await ap.call('GET', '/v1/recurring/charges', undefined, { key: ap.lk });
    assert.deepEqual(
      liveList.body.results.map((r: any) => r.id),
      [live.body.id],
    );
    await ap.advance('70d');
    assert.equal((await ap.call('GET', '/v1/transactions')).body.total_entries, 0);
    await ap.assertLedger();
  });
});
