// Conformance cases 50-55 (bulk, reports, escaping), the signature scheme (clients.md) and bad
// input that must leave nothing behind.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { issueDoorCredential as issueCredential } from '../../src/vendors/index.ts';
import { signatureOf, stringToSign } from '../../src/vendors/chargeover/auth.ts';
import { createCustomer, errorBody, okBody, startChargeOver, type CoClient } from './helpers.ts';

let co: CoClient;
let item = 0;
before(async () => {
  co = await startChargeOver();
  item = okBody(await co.post('/item', { name: 'Bulk item', pricemodel: { base: 2.95 } }), 201).id;
});
after(async () => co.close());

test('50: the documented bulk example (independent sub-requests)', async () => {
  const c2 = await createCustomer(co, { company: 'Two' });
  await createCustomer(co, { company: 'Existing', external_key: 'abcd1234' });
  const answer = await co.post('/_bulk', [
    { request_method: 'GET', uri: `/api/v3/customer/${c2}`, payload: null },
    { request_method: 'POST', uri: '/api/v3/customer', payload: { company: 'Bulk Co' } },
    { request_method: 'POST', uri: '/api/v3/customer', payload: { company: 'Dup', external_key: 'abcd1234' } },
  ]);
  const items = okBody(answer)._bulk;
  assert.equal(items.length, 3);
  assert.equal(items[0].code, 200);
  assert.equal(items[0].response.customer_id, c2);
  assert.deepEqual(Object.keys(items[1]).sort(), ['code', 'message', 'response', 'status']);
  assert.equal(items[1].code, 201);
  assert.ok(Number.isInteger(items[1].response.id));
  assert.deepEqual(items[2], { code: 400, status: 'Error', message: 'A customer already exists with the external_key value "abcd1234"', response: false });
  assert.equal(okBody(await co.get(`/customer/${items[1].response.id}`)).company, 'Bulk Co');
});

test('51-52: JSONPath references; more than 25 requests is refused whole', async () => {
  const answer = await co.post('/_bulk', [
    { request_method: 'POST', uri: '/api/v3/customer', payload: { company: 'Referenced' }, id: 'the_customer' },
    { request_method: 'POST', uri: '/api/v3/invoice', payload: { customer_jsonpath: 'the_customer:$.response.id', line_items: [{ item_id: item, line_rate: 2.95, line_quantity: 2 }] } },
    { request_method: 'POST', uri: '/api/v3/invoice', payload: { customer_jsonpath: 'nobody:$.response.id', line_items: [{ item_id: item }] } },
    { request_method: 'PATCH', uri: '/api/v3/customer' },
    { request_method: 'POST', uri: '/api/v3/_bulk', payload: [] },
  ]);
  const items = okBody(answer)._bulk;
  assert.deepEqual(
    items.map((i: any) => i.code),
    [201, 201, 400, 400, 400],
  );
  const inv = okBody(await co.get(`/invoice/${items[1].response.id}`));
  assert.equal(inv.customer_id, items[0].response.id);
  assert.equal(inv.line_items[0].line_total, 5.9);
  const count = okBody(await co.get('/customer/_count'));
  const tooMany = Array.from({ length: 26 }, (_, i) => ({ request_method: 'POST', uri: '/api/v3/customer', payload: { company: `N${i}` } }));
  errorBody(await co.post('/_bulk', tooMany), 400);
  errorBody(await co.post('/_bulk', { not: 'an array' }), 400);
  assert.equal(okBody(await co.get('/customer/_count')), count);
});

test('53-54: reports', async () => {
  const reports = okBody(await co.get('/_report'));
  assert.ok(reports.every((r: any) => typeof r.name === 'string' && Number.isInteger(r.report_id)) && reports.some((r: any) => r.report_id === 58));
  const c = await createCustomer(co, { company: 'Reporter' });
  okBody(await co.post('/transaction', { customer_id: c, transaction_type: 'pay', gateway_method: 'check', amount: 50, transaction_date: '2017-09-14' }), 201);
  okBody(await co.post('/transaction', { customer_id: c, transaction_type: 'pay', gateway_method: 'check', amount: 10, transaction_date: '1999-09-14' }), 201);
  const data = okBody(await co.post('/_report/58?action=reportData', ['transaction_transaction_date:GTE:2000-01-01', 'transaction_transaction_date:LTE:2100-01-01']));
  assert.equal(data._count, data._report.length);
  assert.equal(data._count, 1);
  const row = data._report[0];
  assert.equal(row.transaction_amount, '$ 50.00');
  assert.equal(row.transaction_amount_unformatted, 50);
  assert.equal(row.transaction_transaction_date, 'Sep 14, 2017');
  assert.equal(okBody(await co.post('/_report/58?action=reportData&order=transaction_amount:DESC&limit=1'))._report.length, 1);
  const all = okBody(await co.call('GET', '/_report/37?action=reportData&offset=0&limit=50'));
  assert.equal(all._count, okBody(await co.get('/customer/_count')));
  errorBody(await co.post('/_report/999?action=reportData', []), 404);
  errorBody(await co.post('/_report/58?action=reportData', ['nope:EQUALS:1']), 400);
});

test('55: escaped colons and commas in where values', async () => {
  const id = okBody(await co.post('/item', { name: 'Escaped', external_key: 'Example:ID' }), 201).id;
  for (const path of ['/item?where=external_key:EQUALS:Example\\:ID', '/item?where=external_key%3AEQUALS%3AExample%5C%3AID']) {
    const found = okBody(await co.get(path));
    assert.deepEqual(
      found.map((i: any) => [i.item_id, i.external_key]),
      [[id, 'Example:ID']],
    );
  }
  const c = await createCustomer(co, { company: 'a,b Company' });
  assert.deepEqual(
    okBody(await co.get('/customer?where=company%3ACONTAINS%3Aa%5C%2Cb')).map((x: any) => x.customer_id),
    [c],
  );
  assert.equal(okBody(await co.get(`/item/external_key:${encodeURIComponent('Example:ID')}`)).item_id, id);
});

test('signature-v1: the worked example string, a valid request, tampering, staleness, replay', async () => {
  const worked = stringToSign(
    'co_public_test',
    'http://127.0.0.1:8001/api/v3/customer?_dummy=1&where=bill_state%3AEQUALS%3AAZ,company%3ACONTAINS%3Aa%5C%2Cb&order=customer_id%3AASC&offset=0&limit=10',
    'uqvls483',
    '1795435162',
    '',
  );
  assert.equal(
    worked.toString(),
    'co_public_test||http://127.0.0.1:8001/api/v3/customer?_dummy=1&where=bill_state%3aequals%3aaz,company%3acontains%3aa%5c%2cb&order=customer_id%3aasc&offset=0&limit=10||uqvls483||1795435162||',
  );
  const cred = await issueCredential(co.server.store.services, co.server.tenant.id, { vendor: 'chargeover', publicId: 'co_public_test' });
  const send = async (method: string, path: string, body: string | undefined, opts: { nonce?: string; ts?: number; signBody?: string } = {}) => {
    const url = `${co.base}${path}`;
    const nonce = opts.nonce ?? randomBytes(4).toString('hex');
    const ts = String(opts.ts ?? Math.floor(Date.now() / 1000));
    const sig = signatureOf(cred.secret, 'co_public_test', url, nonce, ts, opts.signBody ?? body ?? '');
    const header = `ChargeOver co_public_key="co_public_test" co_nonce="${nonce}" co_timestamp="${ts}" co_signature_method="HMAC-SHA256" co_version="1.0" co_signature="${sig}"`;
    const response = await fetch(url, { method, headers: { authorization: header, ...(body ? { 'content-type': 'application/json' } : {}) }, body });
    return { status: response.status, body: (await response.json()) as any };
  };
  const list = await send('GET', '/customer?_dummy=1&where=bill_state%3AEQUALS%3AAZ,company%3ACONTAINS%3Aa%5C%2Cb&order=customer_id%3AASC&offset=0&limit=10', undefined);
  assert.equal(list.status, 200);
  assert.ok(Array.isArray(list.body.response));
  const body = JSON.stringify({ company: 'Signed Co' });
  const made = await send('POST', '/customer', body, { nonce: 'abcd1234' });
  assert.equal(made.status, 201);
  const replay = await send('POST', '/customer', body, { nonce: 'abcd1234' });
  assert.equal(replay.status, 401);
  assert.equal((await send('POST', '/customer', body, { signBody: body.replace('Signed', 'Signef') })).status, 401);
  assert.equal((await send('GET', '/customer', undefined, { ts: Math.floor(Date.now() / 1000) - 301 })).status, 401);
  assert.equal((await send('GET', '/customer', undefined, { ts: Math.floor(Date.now() / 1000) + 301 })).status, 401);
  assert.equal(okBody(await co.get('/customer?where=company:EQUALS:Signed%20Co')).length, 1);
});

test('bad input: wrong types, unknown ids, malformed bodies leave nothing written', async () => {
  const counts = async () => [okBody(await co.get('/customer/_count')), okBody(await co.get('/invoice/_count')), okBody(await co.get('/transaction/_count')), okBody(await co.get('/user/_count'))];
  const before = await counts();
  const c = await createCustomer(co, { company: 'Victim' });
  const afterCreate = await counts();
  // The doc's own examples carry comments and trailing commas: read leniently (spec 1.4, X17).
  const lenient = okBody(await co.call('POST', '/customer', '{"company": "Lenient, Inc", // a comment\n "custom_1": "/* kept */", /* gone */ }', { 'content-type': 'application/json' }), 201).id;
  assert.equal(okBody(await co.get(`/customer/${lenient}`)).custom_1, '/* kept */');
  errorBody(await co.call('POST', '/customer', '{"company": "x",,}', { 'content-type': 'application/json' }), 400);
  errorBody(await co.call('POST', '/customer', '{"company": ', { 'content-type': 'application/json' }), 400);
  errorBody(await co.post('/customer', '[1,2]'), 400);
  errorBody(await co.post('/customer', { company: { nested: true } }), 400);
  errorBody(await co.post('/customer', { company: 'T', terms_id: 'soon' }), 400);
  errorBody(await co.post('/customer', { company: 'T', currency_id: 99 }), 400);
  errorBody(await co.post('/customer', { company: 'T', no_taxes: 'perhaps' }), 400);
  errorBody(await co.post('/user', { customer_id: 'abc', name: 'X' }), 400);
  errorBody(await co.post('/invoice', { customer_id: c, line_items: 'lots' }), 400);
  errorBody(await co.post('/invoice', { customer_id: c, line_items: [{ item_id: item, line_quantity: 'many' }] }), 400);
  errorBody(await co.post('/transaction', { customer_id: c, transaction_type: 'pay', amount: 'ten' }), 400);
  errorBody(await co.post('/transaction', { customer_id: c, transaction_type: 'pay', amount: 1, applied_to: 'all' }), 400);
  errorBody(await co.put('/customer/999999', { company: 'nobody' }), 404);
  errorBody(await co.put('/invoice/token:nope', { memo: 'x' }), 404);
  errorBody(await co.post('/invoice/999999?action=void'), 404);
  errorBody(await co.del('/transaction/1'), 400);
  errorBody(await co.get('/customer?offset=-1'), 400);
  errorBody(await co.get('/customer?limit=abc'), 400);
  errorBody(await co.get('/customer/1?action=setActive'), 400);
  errorBody(await co.post('/package', { customer_id: c, line_items: [{ item_id: 999999 }] }), 400);
  errorBody(await co.get('/package?where=colour:EQUALS:red'), 400);
  const after = await counts();
  assert.deepEqual(after.slice(1), afterCreate.slice(1));
  assert.equal(after[0], afterCreate[0] + 1); // the lenient one
  assert.equal(afterCreate[0], before[0] + 1);
});
