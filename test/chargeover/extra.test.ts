// chargeover-extra.md conformance cases (issue 13): notes (N1-N3), REST hook subscriptions (H1-H3,
// stored; deliveries come with the webhook issue), exchange rates (R1-R3), user login and
// reset_password (L1-L3), invoice approve and delete (A1, D1-D2), transaction email,
// changeAppliedAmounts and void (T1-T3), reports (G1-G2), the recorded error shapes (E1-E4), the
// reference data (brand, country, currency, _config), and bad input on every new route.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { verify } from '../../src/core/verify/verify.ts';
import { createCustomer, errorBody, okBody, startChargeOver, type CoClient } from './helpers.ts';

let co: CoClient;
let item = 0;
before(async () => {
  co = await startChargeOver();
  await co.server.admin(`/_admin/tenants/${co.server.tenant.slug}/rate-limits`, { method: 'PUT', body: { chargeover: 0 } });
  item = okBody(await co.post('/item', { name: 'Extra item', pricemodel: { base: 10 } }), 201).id;
});
after(async () => {
  const report = await verify(co.server.store.services, co.server.tenant.id);
  assert.ok(report.ok, report.violation ?? '');
  await co.close();
});

const invoice = async (customer: number, rate = 10): Promise<number> =>
  okBody(await co.post('/invoice', { customer_id: customer, line_items: [{ item_id: item, line_rate: rate, line_quantity: 1 }] }), 201).id;
const outbox = async () => (await co.server.admin(`/_admin/tenants/${co.server.tenant.slug}/outbox`)).body.messages as any[];

test('N1-N3: notes on a customer are created, found by obj_type/obj_id (and context_*), and refused on a missing object', async () => {
  const C = await createCustomer(co, { company: 'Noted' });
  const n1 = okBody(await co.post('/note', { note: 'Here is my test note', obj_type: 'customer', obj_id: C }), 201);
  assert.ok(Number.isInteger(n1.id));
  const found = okBody(await co.get(`/note?_dummy=1&where=obj_type%3AEQUALS%3Acustomer,obj_id%3AEQUALS%3A${C}`));
  assert.ok(found.some((n: any) => n.note_id === n1.id));
  for (const n of found) assert.equal(n.obj_id, C);
  const one = okBody(await co.get(`/note/${n1.id}`));
  assert.deepEqual(
    { ...one, note_datetime: undefined },
    {
      note_id: n1.id,
      user_id: null,
      admin_id: null,
      note: 'Here is my test note',
      note_is_pinned: false,
      note_datetime: undefined,
      obj_type: 'customer',
      obj_id: C,
      context_str: 'customer',
      context_id: C,
    },
  );
  assert.match(one.note_datetime, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  assert.equal(okBody(await co.get(`/note?where=context_str:EQUALS:customer,context_id:EQUALS:${C}`)).length, found.length);
  // The docs' names on input, and billing_package as package.
  okBody(await co.post('/note', { note: 'docs style', context_str: 'customer', context_id: C }), 201);
  assert.equal(errorBody(await co.post('/note', { note: 'ghost', obj_type: 'customer', obj_id: 99999999 }), 400).message, 'Invalid obj_type/obj_id');
  okBody(await co.put(`/note/${n1.id}`, { note: 'changed', note_is_pinned: true }), 202);
  assert.equal(okBody(await co.get(`/note/${n1.id}`)).note_is_pinned, true);
  assert.equal(okBody(await co.del(`/note/${n1.id}`)), true);
  assert.equal(errorBody(await co.get(`/note/${n1.id}`), 404).message, 'This note does not exist.');
});

test('H1-H3: REST hook subscriptions are created (201 {id}), listed, deleted (200 true), and an unknown event is 400', async () => {
  const hook = await co.call('POST', '//_resthook', { target_url: 'http://127.0.0.1:19590/h', event: 'customer.insert' });
  const id = okBody(hook, 201).id;
  assert.ok(Number.isInteger(id));
  assert.equal(hook.headers.get('location'), `${co.base}/_resthook/${id}`);
  const listed = okBody(await co.get('/_resthook'));
  assert.deepEqual(
    listed.map((h: any) => [h.resthook_id, h.target_url, h.event]),
    [[id, 'http://127.0.0.1:19590/h', 'customer.insert']],
  );
  assert.equal(okBody(await co.del(`/_resthook/${id}`)), true);
  assert.deepEqual(okBody(await co.get('/_resthook')), []);
  errorBody(await co.del(`/_resthook/${id}`), 404);
  assert.equal(errorBody(await co.post('/_resthook', { target_url: 'http://127.0.0.1:19590/h', event: 'customer.explode' }), 400).message, 'Missing or invalid parameter.');
  for (const bad of [
    { target_url: 'ftp://example.com/h', event: 'user.update' },
    { target_url: 'not a url', event: 'user.update' },
    { event: 'user.update' },
    { target_url: 'https://example.com/h' },
    { target_url: 5, event: 'user.update' },
  ])
    errorBody(await co.post('/_resthook', bad), 400);
});

test('R1-R3: exchange rates set both ways, default table, bad currencies and rates', async () => {
  assert.equal(okBody(await co.post('/currency?action=setExchangeRate', { from: 'USD', to: 'EUR', exchange: 0.924954 })), true);
  assert.equal(okBody(await co.post('/currency?action=getExchangeRate', { from: 'USD', to: 'EUR' })), 0.924954);
  assert.equal(okBody(await co.post('/currency?action=getExchangeRate', { from: 'EUR', to: 'USD' })), 1.081135);
  assert.equal(okBody(await co.post('/currency/_action/getExchangeRate', { from: 'CAD', to: 'CAD' })), 1);
  assert.equal(okBody(await co.post('/currency?action=getExchangeRate', { from: 'USD', to: 'CAD' })), 1.36);
  assert.equal(errorBody(await co.post('/currency?action=getExchangeRate', { from: 'XXX', to: 'USD' }), 400).message, 'Missing or invalid parameter.');
  errorBody(await co.post('/currency?action=setExchangeRate', { from: 'USD', to: 'EUR', exchange: -1 }), 400);
  errorBody(await co.post('/currency?action=setExchangeRate', { from: 'USD', to: 'EUR', exchange: 'lots' }), 400);
  errorBody(await co.post('/currency?action=setExchangeRate', { from: 'USD', to: 'USD', exchange: 2 }), 400);
  errorBody(await co.post('/currency?action=getExchangeRate', {}), 400);
  errorBody(await co.post('/currency?action=getExchangeRate', { from: ['USD'], to: 'EUR' }), 400);
});

test('reference data: brands 1-4, countries (US first, paged), currencies, _config', async () => {
  const b4 = okBody(await co.get('/brand/4'));
  assert.equal(b4.brand_id, 4);
  assert.equal(b4.name, b4.brand);
  assert.equal(okBody(await co.get('/brand')).length, 4);
  assert.equal(errorBody(await co.get('/brand/9'), 404).message, 'This brand does not exist.');
  assert.equal((await co.get('/brand/9')).body.response, null);
  const countries = okBody(await co.get('/country?_dummy=1'));
  assert.equal(countries.length, 10);
  assert.deepEqual(countries[0], { country_id: 1, name: 'United States', iso2: 'US', iso3: 'USA', cctld: 'us' });
  assert.equal(countries[1].name, 'Canada');
  assert.equal(okBody(await co.get('/country?limit=100&offset=200')).length, 49);
  const currencies = okBody(await co.get('/currency'));
  assert.deepEqual(
    currencies.find((c: any) => c.iso4217 === 'EUR'),
    { currency_id: 4, currency: 'Euro', iso4217: 'EUR', symbol: '€', rounding: 2 },
  );
  assert.equal(okBody(await co.post('/_config', { chargeoverjs_token: '20261201134402_123456789' })), true);
  assert.deepEqual(okBody(await co.get('/_config')), { chargeoverjs_token: '20261201134402_123456789' });
  errorBody(await co.post('/_config', { 'Bad-Key': 1 }), 400);
  errorBody(await co.post('/_config', { nested: { a: 1 } }), 400);
  errorBody(await co.post('/_config', '[1]'), 400);
  errorBody(await co.get('/country?limit=abc'), 400);
});

test('L1-L3: user login URL, reset_password with and without a password', async () => {
  const C = await createCustomer(co, { company: 'Logins', superuser_name: 'Lou Gin', superuser_email: 'lou@example.com' });
  const U = okBody(await co.get(`/customer/${C}`)).superuser_id;
  const url = okBody(await co.call('POST', `/user/${U}?action=login`));
  assert.equal(typeof url, 'string');
  assert.ok(url.startsWith(new URL(co.base).origin), url);
  const before = (await outbox()).length;
  assert.equal(okBody(await co.post(`/user/${U}?action=reset_password&_flag_emails=0`, { password: 'xyzzy12345' })), true);
  assert.equal((await outbox()).length, before);
  assert.equal(okBody(await co.call('POST', `/user/${U}?action=reset_password`)), true);
  assert.equal((await outbox()).length, before + 1);
  errorBody(await co.post('/user/99999999?action=login'), 404);
  errorBody(await co.post(`/user/${U}?action=reset_password`, { password: 7 }), 400);
});

test('A1, D1-D2: approve an open invoice; delete one without payments; refuse one with', async () => {
  const C = await createCustomer(co, { company: 'Deletes' });
  const A = await invoice(C);
  assert.equal(okBody(await co.call('POST', `/invoice/${A}?action=approve`)), true);
  assert.equal(okBody(await co.get(`/invoice/${A}`)).invoice_status_str, 'open-unpaid');
  const D = await invoice(C);
  assert.equal(okBody(await co.del(`/invoice/${D}`)), true);
  const gone = await co.get(`/invoice/${D}`);
  assert.equal(errorBody(gone, 404).message, 'This invoice does not exist.');
  assert.equal(gone.body.response, null);
  assert.ok(!okBody(await co.get(`/invoice?where=customer_id:EQUALS:${C}`)).some((i: any) => i.invoice_id === D));
  errorBody(await co.del(`/invoice/${D}`), 404);
  okBody(await co.post('/transaction', { customer_id: C, transaction_type: 'pay', gateway_method: 'check', amount: 4, applied_to: [{ invoice_id: A, applied: 4 }] }), 201);
  assert.equal(errorBody(await co.del(`/invoice/${A}`), 400).message, 'This invoice has payments applied and cannot be deleted.');
  assert.equal(okBody(await co.get(`/invoice/${A}`)).balance, 6);
  // A void invoice cannot be approved.
  const V = await invoice(C);
  okBody(await co.post(`/invoice/${V}?action=void`));
  assert.equal(errorBody(await co.post(`/invoice/${V}?action=approve`), 400).message, 'This invoice cannot be approved.');
  assert.equal(okBody(await co.get(`/customer/${C}`)).balance, 6);
});

test('T1-T3: changeAppliedAmounts moves money between invoices as one change; over-applying changes nothing; email a receipt', async () => {
  const C = await createCustomer(co, { company: 'Moves', superuser_name: 'Mo Ves', superuser_email: 'mo@example.com' });
  const A = await invoice(C);
  const B = await invoice(C);
  const T = okBody(await co.post('/transaction', { customer_id: C, transaction_type: 'pay', gateway_method: 'check', amount: 10, applied_to: [{ invoice_id: A, applied: 10 }] }), 201).id;
  const balances = async () => [okBody(await co.get(`/invoice/${A}`)).balance, okBody(await co.get(`/invoice/${B}`)).balance];
  assert.deepEqual(await balances(), [0, 10]);
  assert.equal(
    okBody(
      await co.post(`/transaction/${T}?action=changeAppliedAmounts`, {
        applied_to: [
          { invoice_id: A, applied: 4 },
          { invoice_id: B, applied: 6 },
        ],
      }),
    ),
    true,
  );
  assert.deepEqual(await balances(), [6, 4]);
  const t = okBody(await co.get(`/transaction/${T}`));
  assert.deepEqual(
    t.applied_to.map((x: any) => [x.invoice_id, x.applied]).sort(),
    [
      [A, 4],
      [B, 6],
    ].sort(),
  );
  // T2: more than the payment → 400, nothing moves.
  errorBody(
    await co.post(`/transaction/${T}?action=changeAppliedAmounts`, {
      applied_to: [
        { invoice_id: A, applied: 6 },
        { invoice_id: B, applied: 10 },
      ],
    }),
    400,
  );
  errorBody(await co.post(`/transaction/${T}?action=changeAppliedAmounts`, { applied_to: [{ invoice_id: A, applied: 11 }] }), 400);
  errorBody(await co.post(`/transaction/${T}?action=changeAppliedAmounts`, { applied_to: [{ invoice_id: A, applied: -1 }] }), 400);
  errorBody(await co.post(`/transaction/${T}?action=changeAppliedAmounts`, { applied_to: 'all' }), 400);
  errorBody(await co.post(`/transaction/${T}?action=changeAppliedAmounts`, { applied_to: [{ invoice_id: 99999999, applied: 1 }] }), 400);
  assert.deepEqual(await balances(), [6, 4]);
  // The id-string form applies what the invoice owes; leaving an invoice out unapplies it.
  assert.equal(okBody(await co.post(`/transaction/${T}?action=changeAppliedAmounts`, { applied_to: [String(B)] })), true);
  assert.deepEqual(await balances(), [10, 0]);
  assert.equal(okBody(await co.get(`/customer/${C}`)).balance, 10);
  // Another customer's invoice is refused.
  const other = await invoice(await createCustomer(co, { company: 'Other' }));
  errorBody(await co.post(`/transaction/${T}?action=changeAppliedAmounts`, { applied_to: [{ invoice_id: other, applied: 1 }] }), 400);
  // T3: e-mail a receipt without a body.
  const before = (await outbox()).length;
  assert.equal(okBody(await co.call('POST', `/transaction/${T}?action=email`)), true);
  const mail = await outbox();
  assert.equal(mail.length, before + 1);
  assert.equal(mail.at(-1).recipient, 'mo@example.com');
  errorBody(await co.post('/transaction/99999999?action=email'), 404);
});

test('E4 and void: the C# slash before ? and "" bodies reach the void action; the payment comes off its invoices', async () => {
  const C = await createCustomer(co, { company: 'Voids' });
  const A = await invoice(C);
  const T = okBody(await co.post('/transaction', { customer_id: C, transaction_type: 'pay', gateway_method: 'check', amount: 10, applied_to: [A] }), 201).id;
  assert.equal(okBody(await co.get(`/invoice/${A}`)).balance, 0);
  assert.equal(okBody(await co.call('POST', `/transaction/${T}/?action=void`, '""', { 'content-type': 'application/json' })), true);
  const t = okBody(await co.get(`/transaction/${T}`));
  assert.equal(t.transaction_status_str, 'void-void');
  assert.match(t.void_datetime, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  assert.deepEqual(t.applied_to, []);
  assert.equal(okBody(await co.get(`/invoice/${A}`)).balance, 10);
  assert.equal(errorBody(await co.post(`/transaction/${T}?action=void`), 400).message, 'The transaction is already void');
  // A refund cannot be voided; a refunded payment neither.
  const P = okBody(await co.post('/transaction', { customer_id: C, transaction_type: 'pay', gateway_method: 'check', amount: 5 }), 201).id;
  const R = Number(okBody(await co.post(`/transaction/${P}?action=refund`, { amount: 1 })).id);
  errorBody(await co.post(`/transaction/${R}?action=void`), 400);
  errorBody(await co.post(`/transaction/${P}?action=void`), 400);
  errorBody(await co.post('/transaction/99999999?action=void'), 404);
});

test('G1-G2: report 44 (invoices) with the example filters, getData and reportData alike; an unknown report is 404', async () => {
  const C = await createCustomer(co, { company: 'Reported' });
  const I = await invoice(C, 12.5);
  const today = okBody(await co.get(`/invoice/${I}`)).date as string;
  const filters = [`invoice_invoice_date:GTE:${today}`, `invoice_invoice_date:LTE:${today}`];
  const data = okBody(await co.post('/_report/44?action=getData', filters));
  assert.ok(data._count >= 1);
  assert.equal(data._report.length, data._count);
  for (const row of data._report) assert.equal(row.invoice_invoice_date_unformatted, today);
  const mine = data._report.find((r: any) => r.invoice_invoice_id === I);
  assert.equal(mine.customer_company, 'Reported');
  assert.equal(mine.invoice_total, '$ 12.50');
  assert.equal(mine.invoice_total_unformatted, 12.5);
  assert.deepEqual(okBody(await co.post('/_report/44?action=reportData', filters)), data);
  assert.deepEqual(okBody(await co.post('/_report/44/_action/getData', filters)), data);
  assert.equal(okBody(await co.post('/_report/44?action=getData', ['invoice_invoice_date:LT:2000-01-01']))._count, 0);
  assert.equal(errorBody(await co.post('/_report/99?action=getData', []), 404).message, 'This report does not exist.');
  errorBody(await co.post('/_report/44?action=getData', ['nosuchcolumn:EQUALS:1']), 400);
  errorBody(await co.post('/_report/44?action=getData', { not: 'an array' }), 400);
});

test('E1-E3: the recorded not-found and no-data answers; C# doubled slashes', async () => {
  const missing = await co.get('/customer/99999999');
  assert.equal(errorBody(missing, 404).message, 'This customer does not exist.');
  assert.equal(missing.body.response, null);
  assert.equal((await co.get('/customer/external_key:nobody')).body.message, 'This customer does not exist.');
  const C = await createCustomer(co, { company: 'Gone', superuser_name: 'Gone User', superuser_email: 'g@example.com' });
  const U = okBody(await co.get(`/customer/${C}`)).superuser_id;
  okBody(await co.del(`/user/${U}`));
  const user = await co.get(`/user/${U}`);
  assert.equal(errorBody(user, 404).message, 'This user does not exist.');
  assert.equal(user.body.response, null);
  // Writes on a missing object keep response:false.
  const put = await co.put('/customer/99999999', { company: 'x' });
  assert.equal(errorBody(put, 404).message, 'This customer does not exist.');
  assert.equal(put.body.response, false);
  for (const path of ['/customer', '/invoice', '/transaction', '/user', '/item', '/note', '/_resthook', '/usage']) {
    const empty = await co.post(path, {});
    assert.equal(errorBody(empty, 400).message, 'A required parameter was missing: No data.', path);
    assert.equal(errorBody(await co.call('POST', path), 400).message, 'A required parameter was missing: No data.', path);
  }
  assert.equal(okBody(await co.get(`//customer/${C}`)).customer_id, C);
  assert.equal(okBody(await co.get(`/customer/${C}/`)).customer_id, C);
});

test('usage: records need a package line item; bad bodies are 400', async () => {
  errorBody(await co.post('/usage', { line_item_id: 854, usage_value: 42, from: '2015-09-15 00:00:00', to: '2015-09-15 23:59:59' }), 400);
  errorBody(await co.post('/usage', { line_item_external_key: 'abc123', usage_value: 1 }), 400);
  errorBody(await co.post('/usage', { line_item_id: 1, usage_value: -1 }), 400);
  errorBody(await co.post('/usage', { line_item_id: 'x', usage_value: 1 }), 400);
  errorBody(await co.post('/usage', { usage_value: 1 }), 400);
});

test('bad input on the new routes: the ChargeOver envelope, never a 5xx', async () => {
  const C = await createCustomer(co, { company: 'Bad inputs' });
  const T = okBody(await co.post('/transaction', { customer_id: C, transaction_type: 'pay', gateway_method: 'check', amount: 1 }), 201).id;
  const calls: Array<[string, string, unknown?]> = [
    ['POST', '/note', { note: '', obj_type: 'customer', obj_id: C }],
    ['POST', '/note', { note: 'x', obj_type: 'planet', obj_id: C }],
    ['POST', '/note', { note: 'x', obj_type: 'customer', obj_id: 'abc' }],
    ['POST', '/note', { note: { a: 1 }, obj_type: 'customer', obj_id: C }],
    ['GET', '/note?where=obj_id:EQUALS:abc'],
    ['GET', '/note?where=nope:EQUALS:1'],
    ['GET', '/note/abc'],
    ['PUT', '/note/99999999', { note: 'x' }],
    ['DELETE', '/note/99999999'],
    ['GET', '/brand/abc'],
    ['GET', '/country/0'],
    ['POST', '/currency?action=nope', {}],
    ['POST', '/currency', { currency: 'XBT' }],
    ['POST', '/_config', { ok: 1, 'no way': 2 }],
    ['DELETE', '/_resthook/abc'],
    ['POST', '/_resthook', '[]'],
    ['POST', `/transaction/${T}?action=changeAppliedAmounts`, { applied_to: [{ invoice_id: 'abc', applied: 1 }] }],
    ['POST', `/transaction/${T}?action=changeAppliedAmounts`, { applied_to: [{ invoice_id: C, applied: 'ten' }] }],
    ['POST', `/transaction/${T}?action=email`, { email: ['a'] }],
    ['POST', '/invoice/abc?action=approve'],
    ['DELETE', '/invoice/external_key:nope'],
    ['POST', '/user/abc?action=login'],
    ['POST', '/_report/abc?action=getData', []],
    ['POST', '/usage', '"text"'],
  ];
  for (const [method, path, body] of calls) {
    const answer = await co.call(method, path, body);
    assert.ok(answer.status >= 400 && answer.status < 500, `${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    errorBody(answer, answer.status);
  }
});
