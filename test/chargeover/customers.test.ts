// Conformance cases 1-20 and 56, 60 (spec 5): auth, envelope, routing, customers, lists.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createCustomer, errorBody, okBody, startChargeOver, type CoClient } from './helpers.ts';

let co: CoClient;
before(async () => {
  co = await startChargeOver();
});
after(async () => co.close());

const KARLI = {
  company: 'Test Company Name',
  bill_addr1: '16 Dog Lane',
  bill_addr2: 'Suite D',
  bill_city: 'Storrs',
  bill_state: 'CT',
  superuser_name: 'Karli Marie',
  superuser_phone: '860-647-8567',
  superuser_email: 'karli@example.com',
};
let C = 0;

test('1-2: missing or wrong credentials are 401 with WWW-Authenticate: Basic', async () => {
  const none = await fetch(`${co.base}/customer`);
  const body = (await none.json()) as { code: number; status: string; response: unknown };
  assert.equal(none.status, 401);
  assert.match(none.headers.get('www-authenticate') ?? '', /^Basic /);
  assert.deepEqual([body.code, body.status, body.response], [401, 'Error', false]);
  const wrong = await fetch(`${co.base}/customer`, { headers: { authorization: `Basic ${Buffer.from(`${co.publicKey}:nope`).toString('base64')}` } });
  assert.equal(wrong.status, 401);
});

test('3-5: unknown endpoint 400, malformed JSON 400, missing object 404', async () => {
  errorBody(await co.get('/nosuchthing'), 400);
  errorBody(await co.call('POST', '/customer', '{"company": ', { 'content-type': 'application/json' }), 400);
  errorBody(await co.get('/customer/99999999'), 404);
  errorBody(await co.get('/customer/external_key:nope'), 404);
  assert.equal((await co.get('/_count')).status, 400);
});

test('6-8: create a customer with a primary contact', async () => {
  const answer = await co.post('/customer', KARLI);
  C = okBody(answer, 201).id;
  assert.ok(Number.isInteger(C));
  assert.ok(answer.headers.get('location')?.endsWith(`/api/v3/customer/${C}`));
  const c = okBody(await co.get(`/customer/${C}`));
  assert.equal(c.customer_id, C);
  assert.equal(c.company, 'Test Company Name');
  assert.deepEqual([c.bill_addr1, c.bill_addr2, c.bill_city, c.bill_state], ['16 Dog Lane', 'Suite D', 'Storrs', 'CT']);
  assert.deepEqual([c.superuser_name, c.superuser_first_name, c.superuser_last_name, c.superuser_email, c.superuser_phone], ['Karli Marie', 'Karli', 'Marie', 'karli@example.com', '860-647-8567']);
  assert.ok(Number.isInteger(c.superuser_id));
  assert.match(c.token, /^[a-z0-9]{12}$/);
  assert.deepEqual([c.balance, c.total, c.paid], [0, 0, 0]);
  assert.deepEqual([c.customer_status_state, c.customer_status_str], ['a', 'active-current']);
  assert.equal(c.bill_block, '16 Dog Lane\nSuite D\nStorrs CT');
  const u = okBody(await co.get(`/user/${c.superuser_id}`));
  assert.deepEqual([u.first_name, u.last_name, u.email, u.customer_id], ['Karli', 'Marie', 'karli@example.com', C]);
});

test('9-11: update, lookups by external key and token, duplicate external key', async () => {
  const answer = await co.put(`/customer/${C}`, {
    company: 'Test API Company, LLC',
    bill_addr1: '220 ChargeOver Street',
    bill_addr2: 'Suite 10',
    bill_city: 'Minneapolis',
    bill_state: 'MN',
    bill_postcode: '55416',
    bill_country: 'USA',
    external_key: 'abcd3325',
    superuser_name: 'David Palmer',
    superuser_email: 'david@palmer.com',
    superuser_phone: '860-634-1111',
  });
  assert.deepEqual(okBody(answer, 202), { id: C });
  const c = okBody(await co.get(`/customer/${C}`));
  assert.deepEqual([c.company, c.bill_addr1, c.bill_postcode, c.bill_country, c.external_key], ['Test API Company, LLC', '220 ChargeOver Street', '55416', 'USA', 'abcd3325']);
  assert.deepEqual([c.superuser_name, c.superuser_email, c.superuser_phone], ['David Palmer', 'david@palmer.com', '860-634-1111']);
  assert.equal(okBody(await co.get('/customer/external_key:abcd3325')).customer_id, C);
  assert.equal(okBody(await co.get(`/customer/token:${c.token}`)).customer_id, C);
  const dup = errorBody(await co.post('/customer', { company: 'Test Company 464', external_key: 'abcd3325' }), 400);
  assert.equal(dup.message, 'A customer already exists with the external_key value "abcd3325"');
});

test('12-17: where, count, paging, order', async () => {
  const canada = await createCustomer(co, { company: 'Maple Co', bill_country: 'Canada' });
  const list = okBody(await co.get('/customer?where=bill_country:EQUALS:Canada'));
  assert.ok(list.length >= 1 && list.every((x: any) => x.bill_country === 'Canada') && list.some((x: any) => x.customer_id === canada));
  assert.ok(okBody(await co.get('/customer?where=company:CONTAINS:test')).some((x: any) => x.customer_id === C));
  for (let i = 0; i < 12; i++) await createCustomer(co, { company: `Filler ${i}` });
  const total = okBody(await co.get('/customer/_count'));
  assert.ok(Number.isInteger(total) && total >= 14);
  assert.ok(okBody(await co.get('/customer/_count?where=company:CONTAINS:test')) >= 1);
  assert.equal(okBody(await co.get('/customer')).length, 10);
  assert.equal(okBody(await co.get('/customer?offset=10&limit=15')).length, Math.min(15, total - 10));
  assert.ok(okBody(await co.get('/customer?limit=1000')).length <= 100);
  const top = okBody(await co.get('/customer?order=customer_id:DESC&limit=1'));
  assert.equal(top[0].customer_id, Math.max(...okBody(await co.get('/customer?limit=100')).map((x: any) => x.customer_id)));
  assert.deepEqual(
    okBody(await co.get('/customer?where=superuser_email:EQUALS:david@palmer.com')).map((x: any) => x.customer_id),
    [C],
  );
  errorBody(await co.get('/customer?where=nosuchfield:EQUALS:1'), 400);
  errorBody(await co.get('/customer?where=company:LIKE:1'), 400);
  errorBody(await co.get('/customer?order=company:SIDEWAYS'), 400);
  assert.equal(okBody(await co.get('/customer?_dummy=1&where=company%3AEQUALS%3AMaple%20Co')).length, 1);
});

test('18-20: setInactive, setActive, setSuperUser', async () => {
  assert.deepEqual((await co.post(`/customer/${C}?action=setInactive`)).body, { code: 200, status: 'OK', message: '', details: {}, response: true });
  let c = okBody(await co.get(`/customer/${C}`));
  assert.deepEqual([c.customer_status_state, c.customer_status_str], ['i', 'inactive-manual']);
  assert.ok(okBody(await co.get('/customer?where=customer_status_state:EQUALS:i')).some((x: any) => x.customer_id === C));
  assert.equal(okBody(await co.post(`/customer/${C}?action=setActive`)), true);
  assert.equal(okBody(await co.get(`/customer/${C}`)).customer_status_state, 'a');
  const U = okBody(await co.post('/user', { customer_id: C, name: 'Jessica Maye', email: 'jmae@example.com' }), 201).id;
  assert.equal(okBody(await co.post(`/customer/${C}?action=setSuperUser`, { user_id: U })), true);
  c = okBody(await co.get(`/customer/${C}`));
  assert.deepEqual([c.superuser_id, c.superuser_email], [U, 'jmae@example.com']);
  errorBody(await co.post(`/customer/${C}?action=setSuperUser`, { user_id: 99999 }), 400);
  errorBody(await co.post(`/customer/${C}?action=noSuchAction`), 400);
  errorBody(await co.post('/customer', { company: 'Steal', superuser_id: U }), 400);
});

test('56: IS:NULL and ISNOT:NULL', async () => {
  const nulls = okBody(await co.get('/customer?where=external_key:IS:NULL&limit=100'));
  assert.ok(nulls.length > 0 && nulls.every((x: any) => x.external_key === null));
  const set = okBody(await co.get('/customer?where=external_key:ISNOT:NULL&limit=100'));
  assert.ok(set.length > 0 && set.every((x: any) => x.external_key !== null));
  assert.equal(nulls.length + set.length, okBody(await co.get('/customer/_count')));
});

test('60: deleted customers keep their external key retired', async () => {
  const id = await createCustomer(co, { company: 'Gone', external_key: 'kx1' });
  assert.equal(okBody(await co.del(`/customer/${id}`)), true);
  errorBody(await co.get(`/customer/${id}`), 404);
  errorBody(await co.get('/customer/external_key:kx1'), 404);
  errorBody(await co.post('/customer', { company: 'Reuse', external_key: 'kx1' }), 400);
  errorBody(await co.post('/customer', {}), 400);
  errorBody(await co.post('/customer', { company: 'X', invoice_delivery: 'pigeon' }), 400);
});
