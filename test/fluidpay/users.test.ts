import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFluidPay, XID, type FluidPayClient } from './client.ts';

let fp: FluidPayClient;
before(async () => {
  fp = await startFluidPay();
});
after(async () => {
  await fp?.close();
});

const docUser = {
  username: 'testmerchant43',
  name: 'test merchant user',
  phone: '6305555555',
  email: 'info@website.com',
  timezone: 'ETC/UTC',
  password: 'T@est12345678',
  status: 'active',
  role: 'admin',
};

async function tokenAuth(username: string, password: string) {
  const response = await fetch(`${fp.server.url}/fluidpay/api/token-auth`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }).toString(),
  });
  return { status: response.status, body: (await response.json()) as any };
}

test('#1-#14 users, token-auth, logout, passwords', async () => {
  // #1
  const created = await fp.call('POST', '/user', docUser);
  assert.equal(created.status, 200);
  assert.equal(created.body.msg, 'success');
  const user = created.body.data;
  assert.match(user.id, XID);
  for (const [field, value] of Object.entries({
    username: 'testmerchant43',
    name: 'test merchant user',
    phone: '6305555555',
    timezone: 'ETC/UTC',
    status: 'active',
    role: 'admin',
    account_type: 'merchant',
  })) {
    assert.equal(user[field], value, field);
  }
  assert.match(user.account_type_id, XID);
  assert.ok(!('password' in user));
  assert.ok(!created.text.includes('T@est12345678'));
  // #2
  const duplicate = await fp.call('POST', '/user', docUser);
  assert.equal(duplicate.status, 400);
  assert.equal(duplicate.body.status, 'failed');
  // #3 #4
  const login = await tokenAuth('testmerchant43', 'T@est12345678');
  assert.equal(login.status, 200);
  // The seed's status and token, plus what current clients read (fluidpay-v2 §3.5).
  assert.deepEqual(Object.keys(login.body).sort(), ['data', 'msg', 'sid', 'status', 'token']);
  assert.equal(login.body.status, 'successful');
  assert.deepEqual(login.body.data, { token: login.body.token, sid: login.body.sid });
  assert.match(login.body.token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
  const claims = JSON.parse(Buffer.from(login.body.token.split('.')[1], 'base64url').toString());
  assert.equal(claims.sub, user.id);
  assert.equal(claims.mid, user.account_type_id);
  assert.ok(claims.exp > claims.iat);
  const wrong = await tokenAuth('testmerchant43', 'nope-nope-nope');
  assert.equal(wrong.status, 401);
  assert.notEqual(wrong.body.status, 'success');
  const json = await fp.call('POST', '/token-auth', { username: 'testmerchant43', password: 'T@est12345678' }, { key: null });
  assert.equal(json.status, 200);
  // #5
  const bearer = `Bearer ${login.body.token}`;
  const me = await fp.call('GET', '/user', undefined, { key: bearer });
  assert.equal(me.status, 200);
  assert.equal(me.body.data.username, 'testmerchant43');
  // #6
  const logout = await fp.call('GET', '/logout', undefined, { key: bearer });
  assert.deepEqual(logout.body, { status: 'success', msg: 'Request processed successfully', data: null });
  assert.equal((await fp.call('GET', '/user', undefined, { key: bearer })).status, 401);
  assert.equal((await fp.call('GET', '/logout')).status, 401, 'logout with an API key');
  assert.equal((await fp.call('GET', '/user', undefined, { key: 'Bearer a.b.c' })).status, 401);
  // #7
  assert.equal((await fp.call('GET', '/users', undefined, { key: null })).status, 401);
  // #8
  const renamed = await fp.call('POST', `/user/${user.id}`, { name: 'renamed', phone: '6305550000' });
  assert.equal(renamed.body.data.name, 'renamed');
  assert.equal(renamed.body.data.username, 'testmerchant43');
  assert.ok(renamed.body.data.updated_at >= renamed.body.data.created_at);
  // #9
  assert.equal((await fp.call('GET', `/user/${user.id}`)).body.data.id, user.id);
  const users = await fp.call('GET', '/users');
  assert.equal(users.body.total_count, users.body.data.length);
  assert.ok(users.body.data.some((u: any) => u.id === user.id));
  // #10
  assert.equal((await fp.call('POST', '/user', { ...docUser, username: 'x1', role: 'owner' })).status, 400);
  // Seed case 10 as fluidpay-v2 §4 changes it: a formatted phone is stored as digits; letters are still a 400.
  const formatted = await fp.call('POST', '/user', { ...docUser, username: 'x2', phone: '630-555-5555' });
  assert.equal(formatted.status, 200);
  assert.equal(formatted.body.data.phone, '6305555555');
  assert.equal((await fp.call('POST', '/user', { ...docUser, username: 'x2b', phone: 'call me' })).status, 400);
  assert.equal((await fp.call('POST', '/user', { ...docUser, username: 'x3', password: 'short' })).status, 400);
  assert.equal((await fp.call('POST', '/user', { ...docUser, username: undefined })).status, 400);
  // #11
  const session = `Bearer ${(await tokenAuth('testmerchant43', 'T@est12345678')).body.token}`;
  assert.equal((await fp.call('POST', '/user/change-password', { username: 'testmerchant43', current_password: 'wrong-password', new_password: 'N3w-password!' }, { key: session })).status, 400);
  assert.equal((await fp.call('POST', '/user/change-password', { username: 'someoneelse', current_password: 'T@est12345678', new_password: 'N3w-password!' }, { key: session })).status, 403);
  const changed = await fp.call('POST', '/user/change-password', { username: 'testmerchant43', current_password: 'T@est12345678', new_password: 'N3w-password!' }, { key: session });
  assert.deepEqual(changed.body, { status: 'success', msg: 'Request processed successfully', data: null });
  assert.equal((await tokenAuth('testmerchant43', 'N3w-password!')).status, 200);
  assert.equal((await tokenAuth('testmerchant43', 'T@est12345678')).status, 401);
  // #12 #13 and a real reset through the outbox
  assert.deepEqual((await fp.call('POST', '/forgot-username', { email: 'nobody@example.com' }, { key: null })).body, { status: 'success', msg: 'Request processed successfully', data: null });
  assert.equal((await fp.call('POST', '/forgot-password/reset', { username: 'testmerchant43', reset_code: '000000x', password: 'Other-pass1' }, { key: null })).status, 400);
  assert.equal((await fp.call('POST', '/forgot-password', { username: 'testmerchant43' }, { key: null })).status, 200);
  assert.equal((await fp.call('POST', '/forgot-password', { username: 'nobody-at-all' }, { key: null })).status, 200, 'no account existence leak');
  const outbox = await fp.server.admin(`/_admin/tenants/${fp.server.tenant.slug}/outbox`);
  const mail = outbox.body.messages.find((m: any) => JSON.parse(m.meta).kind === 'password_reset');
  const code = JSON.parse(mail.meta).reset_code;
  assert.ok(mail.body.includes(code));
  assert.equal((await fp.call('POST', '/forgot-password/reset', { username: 'testmerchant43', reset_code: code, password: 'Reset-pass1' }, { key: null })).status, 200);
  assert.equal((await fp.call('POST', '/forgot-password/reset', { username: 'testmerchant43', reset_code: code, password: 'Reset-pass2' }, { key: null })).status, 400, 'single use');
  assert.equal((await tokenAuth('testmerchant43', 'Reset-pass1')).status, 200);
  assert.equal((await fp.call('POST', '/forgot-username', { email: 'info@website.com' }, { key: null })).status, 200);
  // roles: a standard user may not manage users
  await fp.call('POST', '/user', { ...docUser, username: 'standard1', role: 'standard' });
  const standard = `Bearer ${(await tokenAuth('standard1', 'T@est12345678')).body.token}`;
  assert.equal((await fp.call('POST', '/user', { ...docUser, username: 'x4' }, { key: standard })).status, 403);
  assert.equal((await fp.call('GET', '/users', undefined, { key: standard })).status, 200);
  // #14
  assert.deepEqual((await fp.call('DELETE', `/user/${user.id}`)).body, { status: 'success', msg: 'success', data: null }); // fluidpay-v2 §3.3
  assert.equal((await fp.call('GET', `/user/${user.id}`)).status, 404);
  assert.equal((await tokenAuth('testmerchant43', 'Reset-pass1')).status, 401);
  const other = await fp.otherKey();
  const standardId = (await fp.call('GET', '/user', undefined, { key: standard })).body.data.id;
  assert.equal((await fp.call('GET', `/user/${standardId}`, undefined, { key: other })).status, 404, '#68');
});

test('#15-#18 API keys', async () => {
  await fp.call('POST', '/user', { ...docUser, username: 'keyowner' });
  const bearer = `Bearer ${(await tokenAuth('keyowner', 'T@est12345678')).body.token}`;
  // #15
  const created = await fp.call('POST', '/user/apikey', { name: 'friendlyname', type: 'api' }, { key: bearer });
  assert.equal(created.status, 200);
  const key = created.body.data;
  assert.match(key.api_key, /^[0-9A-Za-z]{27}$/);
  assert.equal(key.name, 'friendlyname');
  assert.equal(key.account_type, 'merchant');
  assert.match(key.id, XID);
  // #16
  const list = await fp.call('GET', '/user/apikeys', undefined, { key: bearer });
  assert.equal(list.body.total_count, list.body.data.length);
  assert.ok(list.body.data.some((k: any) => k.api_key === key.api_key));
  assert.equal((await fp.call('GET', '/user/apikey', undefined, { key: bearer })).body.total_count, list.body.total_count);
  const asKey = await fp.call('GET', '/user', undefined, { key: key.api_key });
  assert.equal(asKey.status, 200);
  assert.equal(asKey.body.data.username, 'keyowner');
  // #17
  const deleted = await fp.call('DELETE', `/user/apikey/${key.api_key}`, undefined, { key: bearer });
  assert.deepEqual(deleted.body, { status: 'success', msg: 'success', data: null }); // fluidpay-v2 §3.2
  assert.equal((await fp.call('GET', '/user', undefined, { key: key.api_key })).status, 401);
  // #18
  assert.equal((await fp.call('POST', '/user/apikey', { type: 'secret' }, { key: bearer })).status, 400);
  const pub = (await fp.call('POST', '/user/apikey', { name: 'public', type: 'pub' }, { key: bearer })).body.data;
  assert.equal(pub.type, 'pub');
  assert.equal((await fp.call('GET', '/user', undefined, { key: pub.api_key })).status, 401);
  // a disabled owner's keys stop working
  const owned = (await fp.call('POST', '/user/apikey', { name: 'k2' }, { key: bearer })).body.data;
  const ownerId = (await fp.call('GET', '/user', undefined, { key: bearer })).body.data.id;
  assert.equal((await fp.call('POST', `/user/${ownerId}`, { status: 'disabled' })).status, 200);
  assert.equal((await fp.call('GET', '/user', undefined, { key: owned.api_key })).status, 401);
  assert.equal((await fp.call('GET', '/user', undefined, { key: bearer })).status, 401);
});
