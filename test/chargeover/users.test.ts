// Conformance cases 21-27 (spec 5): users/contacts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createCustomer, errorBody, okBody, startChargeOver, type CoClient } from './helpers.ts';

let co: CoClient;
let C = 0;
let U2 = 0;
before(async () => {
  co = await startChargeOver();
  C = await createCustomer(co, { company: 'Users Inc', superuser_name: 'Karli Marie', superuser_email: 'karli@example.com' });
});
after(async () => co.close());

test('21: add a contact; the password is never returned', async () => {
  const answer = await co.post('/user', { customer_id: C, username: 'my_test_username_393', password: 'some test password', name: 'Ryan Bantz', email: 'ryan@adgadgagadg.com', phone: '888-555-1212' });
  U2 = okBody(answer, 201).id;
  assert.ok(answer.headers.get('location')?.endsWith(`/api/v3/user/${U2}`));
  const u = okBody(await co.get(`/user/${U2}`));
  assert.deepEqual(
    [u.username, u.name, u.first_name, u.last_name, u.email, u.phone, u.customer_id],
    ['my_test_username_393', 'Ryan Bantz', 'Ryan', 'Bantz', 'ryan@adgadgagadg.com', '888-555-1212', C],
  );
  assert.equal('password' in u, false);
  errorBody(await co.post('/user', { name: 'No Customer' }), 400);
  errorBody(await co.post('/user', { customer_id: 999999, name: 'Ghost' }), 400);
  errorBody(await co.post('/user', { customer_id: C, name: 'Dup', username: 'my_test_username_393' }), 400);
});

test('22-24: update, query, paging', async () => {
  assert.deepEqual(okBody(await co.put(`/user/${U2}`, { name: 'Jessica Maye', email: 'jmae2@example.com', phone: '888-222-3432' }), 202), { id: U2 });
  const u = okBody(await co.get(`/user/${U2}`));
  assert.deepEqual([u.first_name, u.last_name], ['Jessica', 'Maye']);
  const jessicas = okBody(await co.get('/user?where=first_name:EQUALS:Jessica'));
  assert.ok(jessicas.length >= 1 && jessicas.every((x: any) => x.first_name === 'Jessica'));
  const other = await createCustomer(co, { company: 'Other', superuser_name: 'Other Person' });
  const mine = okBody(await co.get(`/user?where=customers.customer_id:EQUALS:${C}`));
  assert.deepEqual(
    mine.map((x: any) => x.customer_id),
    [C, C],
  );
  for (let i = 0; i < 8; i++) okBody(await co.post('/user', { customer_id: other, name: `Filler ${i}` }), 201);
  const all = okBody(await co.get('/user?limit=100')).map((x: any) => x.user_id);
  const page = okBody(await co.get('/user?offset=8&limit=2')).map((x: any) => x.user_id);
  assert.deepEqual(page, all.slice(8, 10));
  assert.equal(okBody(await co.get('/user/_count')), all.length);
});

test('25-26: password reset and set, login URL', async () => {
  const outbox = async () => (await co.server.admin('/_admin/tenants/acme/outbox')).body.messages.length as number;
  const before = await outbox();
  assert.equal(okBody(await co.post(`/user/${U2}?action=password`)), true);
  assert.equal(okBody(await co.post(`/user/${U2}?action=password`, { password: 'here is the new password' })), true);
  assert.equal(await outbox(), before + 2);
  assert.equal(okBody(await co.post(`/user/${U2}?action=password&_flag_emails=0`, { password: 'quiet' })), true);
  assert.equal(await outbox(), before + 2);
  errorBody(await co.post(`/user/${U2}?action=password`, { password: '' }), 400);
  const a = okBody(await co.post(`/user/${U2}?action=getLoginURL`));
  const b = okBody(await co.post(`/user/${U2}?action=getLoginURL`));
  assert.match(a, /^https?:\/\/[^/]+\/.*signup\/r\/logintoken\/[0-9a-f]{32}$/);
  assert.notEqual(a, b);
});

test('27: delete a contact; a deleted primary contact is replaced by the next one', async () => {
  assert.deepEqual((await co.del(`/user/${U2}`)).body, { code: 200, status: 'OK', message: '', details: {}, response: true });
  errorBody(await co.get(`/user/${U2}`), 404);
  const c = okBody(await co.get(`/customer/${C}`));
  await co.del(`/user/${c.superuser_id}`);
  assert.equal(okBody(await co.get(`/customer/${C}`)).superuser_id, null);
});
