// The ChargeOver door as a pure translator (issue 8): no SQL or store calls in the door, routes in
// one static table, external keys as core references under a unique index (so racing creates
// with one key give one object), customer + contact + login as one core use-case, bill_/ship_ as
// the customer's default address rows, and where= fields translated onto core fields.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { issueDoorCredential as issueCredential } from '../../src/vendors/index.ts';
import { signatureOf } from '../../src/vendors/chargeover/auth.ts';
import { createCustomer, errorBody, okBody, startChargeOver, type CoClient } from './helpers.ts';

const N = 8;
let co: CoClient;
let item = 0;
before(async () => {
  co = await startChargeOver();
  // Parallel bursts must not trip ChargeOver's 250 a minute.
  await co.server.admin(`/_admin/tenants/${co.server.tenant.slug}/rate-limits`, { method: 'PUT', body: { chargeover: 0 } });
  item = okBody(await co.post('/item', { name: 'Seam item', pricemodel: { base: 5 } }), 201).id;
});
after(async () => co.close());

const burst = <T>(fn: (i: number) => Promise<T>) => Promise.all(Array.from({ length: N }, (_, i) => fn(i)));
const DOOR = join(import.meta.dirname, '../../src/vendors/chargeover');

test('the door runs no SQL and imports nothing from the store but row types', () => {
  const forbidden = /from 'kysely'|\.selectFrom\(|\.insertInto\(|\.updateTable\(|\.deleteFrom\(|ctx\.db|services\.db/;
  for (const file of readdirSync(DOOR).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(join(DOOR, file), 'utf8');
    assert.doesNotMatch(text, forbidden, file);
    for (const line of text.split('\n').filter((l) => /from '[^']*\/store\//.test(l))) assert.match(line, /^import type \{[^}]*\} from '\.\.\/\.\.\/store\/schema\.ts';$/, `${file}: ${line}`);
    // No transactions opened here either: use-cases open them in the core.
    assert.doesNotMatch(text, /\binWork\(/, file);
  }
});

test('routes are one static table: no side-effect imports, every type a key', () => {
  assert.doesNotMatch(readFileSync(join(DOOR, 'door.ts'), 'utf8'), /^import '\.\//m);
  const router = readFileSync(join(DOOR, 'router.ts'), 'utf8');
  for (const type of ['customer', 'user', 'invoice', 'transaction', 'creditcard', 'ach', 'tokenized', 'item', 'package', '_bulk', '_report'])
    assert.match(router, new RegExp(`^  ${type}[:,]`, 'm'), type);
});

test('N parallel transaction creates with one external_key: one 201, the rest the duplicate-key 400', async () => {
  const C = await createCustomer(co, { company: 'Racer' });
  const answers = await burst(() => co.post('/transaction', { customer_id: C, transaction_type: 'pay', gateway_method: 'check', amount: 3, external_key: 'race-tx' }));
  assert.equal(answers.filter((a) => a.status === 201).length, 1, JSON.stringify(answers.map((a) => a.body.message)));
  for (const a of answers.filter((x) => x.status !== 201)) assert.equal(errorBody(a, 400).message, 'A transaction already exists with the external_key value "race-tx"');
  const won = answers.find((a) => a.status === 201)?.body.response.id;
  assert.equal(okBody(await co.get('/transaction/external_key:race-tx')).transaction_id, won);
  assert.deepEqual(
    okBody(await co.get('/transaction?where=external_key:EQUALS:race-tx')).map((t: any) => t.transaction_id),
    [won],
  );
  // The losers left no money behind: one payment of 3.
  assert.equal(okBody(await co.get(`/customer/${C}`)).balance, -3);
  assert.equal(okBody(await co.get(`/transaction/_count?where=customer_id:EQUALS:${C}`)), 1);
  const again = errorBody(await co.post('/transaction', { customer_id: C, transaction_type: 'cre', gateway_method: 'credit', amount: 1, external_key: 'race-tx' }), 400);
  assert.equal(again.message, 'A transaction already exists with the external_key value "race-tx"');
});

test('N parallel customer creates with one external_key: one customer', async () => {
  const answers = await burst((i) => co.post('/customer', { company: `Race ${i}`, external_key: 'race-cust', superuser_name: `Race Person${i}` }));
  assert.equal(answers.filter((a) => a.status === 201).length, 1, JSON.stringify(answers.map((a) => a.body.message)));
  for (const a of answers.filter((x) => x.status !== 201)) assert.equal(errorBody(a, 400).message, 'A customer already exists with the external_key value "race-cust"');
  assert.equal(okBody(await co.get('/customer/_count?where=external_key:EQUALS:race-cust')), 1);
  // Each loser's contact went with its customer (one transaction per use-case).
  assert.equal(okBody(await co.get('/user/_count?where=first_name:EQUALS:Race')), 1);
});

test('duplicate external keys of items and stored cards are the duplicate-key 400', async () => {
  okBody(await co.post('/item', { name: 'Keyed', external_key: 'dup-item' }), 201);
  assert.equal(errorBody(await co.post('/item', { name: 'Keyed again', external_key: 'dup-item' }), 400).message, 'A item already exists with the external_key value "dup-item"');
  const C = await createCustomer(co, { company: 'Carded' });
  const card = { customer_id: C, number: '4111111111111111', expdate_month: 1, expdate_year: 2099, external_key: 'dup-card' };
  const first = okBody(await co.post('/creditcard', card), 201).id;
  assert.equal(errorBody(await co.post('/creditcard', card), 400).message, 'A payment method already exists with the external_key value "dup-card"');
  assert.equal(okBody(await co.get('/creditcard/external_key:dup-card')).creditcard_id, first);
  assert.equal(okBody(await co.get(`/creditcard?where=external_key:EQUALS:dup-card`)).length, 1);
  errorBody(await co.get('/ach/external_key:dup-card'), 404);
});

test('a customer whose superuser cannot get its login is not created (one use-case, one transaction)', async () => {
  const C = await createCustomer(co, { company: 'Login Owner', superuser_name: 'Own Er', superuser_username: 'taken_name' });
  assert.ok(C);
  const before = okBody(await co.get('/customer/_count'));
  errorBody(await co.post('/customer', { company: 'Second', external_key: 'kept-free', superuser_name: 'Sec Ond', superuser_username: 'taken_name' }), 400);
  assert.equal(okBody(await co.get('/customer/_count')), before);
  // Its external key was not taken either.
  okBody(await co.post('/customer', { company: 'Second', external_key: 'kept-free' }), 201);
  const U = okBody(await co.post('/user', { customer_id: C, name: 'Us Er', username: 'user_one' }), 201).id;
  errorBody(await co.put(`/user/${U}`, { name: 'Renamed Person', username: 'taken_name' }), 400);
  assert.equal(okBody(await co.get(`/user/${U}`)).first_name, 'Us');
});

test('bill_/ship_ are the default address rows: merged on update, notes kept, empty lines are null', async () => {
  const C = await createCustomer(co, { company: 'Addressed', bill_addr1: '1 Main St', bill_city: 'Storrs', bill_state: 'CT', bill_notes: 'Back door', ship_country: 'Canada' });
  let c = okBody(await co.get(`/customer/${C}`));
  assert.deepEqual([c.bill_addr1, c.bill_addr2, c.bill_city, c.bill_state, c.bill_notes, c.ship_country, c.ship_addr1], ['1 Main St', null, 'Storrs', 'CT', 'Back door', 'Canada', null]);
  okBody(await co.put(`/customer/${C}`, { bill_city: 'Mansfield', ship_addr1: '9 Side Rd' }), 202);
  c = okBody(await co.get(`/customer/${C}`));
  assert.deepEqual([c.bill_addr1, c.bill_city, c.bill_notes, c.ship_addr1, c.ship_country], ['1 Main St', 'Mansfield', 'Back door', '9 Side Rd', 'Canada']);
  assert.equal(c.bill_block, '1 Main St\nMansfield CT');
  okBody(await co.put(`/customer/${C}`, { bill_state: null }), 202);
  assert.equal(okBody(await co.get(`/customer/${C}`)).bill_state, null);
  assert.ok(okBody(await co.get('/customer?where=bill_city:EQUALS:mansfield')).some((r: any) => r.customer_id === C));
  assert.ok(okBody(await co.get('/customer?where=bill_state:IS:NULL&limit=100')).some((r: any) => r.customer_id === C));
  assert.ok(!okBody(await co.get('/customer?where=bill_addr1:IS:NULL&limit=100')).some((r: any) => r.customer_id === C));
  assert.ok(okBody(await co.get('/customer?where=bill_addr2:IS:NULL&limit=100')).some((r: any) => r.customer_id === C));
  // An invoice keeps the address it was issued to.
  const I = okBody(await co.post('/invoice', { customer_id: C, line_items: [{ item_id: item }] }), 201).id;
  okBody(await co.put(`/customer/${C}`, { bill_addr1: '2 New St' }), 202);
  const inv = okBody(await co.get(`/invoice/${I}`));
  assert.deepEqual([inv.bill_addr1, inv.bill_city, inv.bill_notes, inv.ship_addr1], ['1 Main St', 'Mansfield', 'Back door', '9 Side Rd']);
});

test('where= translations: refnumber, write_datetime, transaction tokens, statuses', async () => {
  const C = await createCustomer(co, { company: 'Numbers' });
  const plain = okBody(await co.post('/invoice', { customer_id: C, line_items: [{ item_id: item }] }), 201).id;
  const named = okBody(await co.post('/invoice', { customer_id: C, refnumber: 'INV-7', line_items: [{ item_id: item }] }), 201).id;
  const found = async (where: string) => okBody(await co.get(`/invoice?where=customer_id:EQUALS:${C},${where}`)).map((i: any) => i.invoice_id);
  assert.deepEqual(await found(`refnumber:EQUALS:${plain}`), [plain]);
  assert.deepEqual(await found('refnumber:EQUALS:inv-7'), [named]);
  assert.deepEqual(await found(`refnumber:EQUALS:${named}`), []);
  assert.deepEqual(await found('refnumber:NOTEQUALS:INV-7'), [plain]);
  assert.deepEqual(await found('refnumber:CONTAINS:nv'), [named]);
  assert.deepEqual(await found('invoice_status_str:EQUALS:open-unpaid'), [plain, named]);

  const all = okBody(await co.get('/customer/_count'));
  assert.equal(okBody(await co.get('/customer/_count?where=write_datetime:GTE:2000-01-01')), all);
  assert.equal(okBody(await co.get('/customer/_count?where=write_datetime:LT:2000-01-01%2000:00:00')), 0);
  const mine = okBody(await co.get(`/customer/${C}`));
  assert.deepEqual(
    okBody(await co.get(`/customer?where=write_datetime:EQUALS:${encodeURIComponent(mine.write_datetime)},customer_id:EQUALS:${C}`)).map((c: any) => c.customer_id),
    [C],
  );
  errorBody(await co.get('/customer?where=write_datetime:GT:yesterday'), 400);

  const T = okBody(await co.post('/transaction', { customer_id: C, transaction_type: 'pay', gateway_method: 'check', amount: 1, gateway_status: 0 }), 201).id;
  const t = okBody(await co.get(`/transaction/${T}`));
  assert.match(t.token, /^[a-z0-9]{12}$/);
  assert.equal(okBody(await co.get(`/transaction/token:${t.token}`)).transaction_id, T);
  assert.deepEqual(
    okBody(await co.get(`/transaction?where=token:EQUALS:${t.token}`)).map((x: any) => x.transaction_id),
    [T],
  );
  assert.deepEqual(
    okBody(await co.get(`/transaction?where=customer_id:EQUALS:${C},gateway_status:EQUALS:0`)).map((x: any) => x.transaction_id),
    [T],
  );
  assert.deepEqual(
    okBody(await co.get(`/transaction?where=customer_id:EQUALS:${C},transaction_status.str:EQUALS:failed-failed`)).map((x: any) => x.transaction_id),
    [T],
  );
  assert.deepEqual(okBody(await co.get(`/transaction?where=customer_id:EQUALS:${C},gateway_status:EQUALS:1`)), []);
});

test('signature-v1: N parallel requests with one nonce, one gets through', async () => {
  const cred = await issueCredential(co.server.store.services, co.server.tenant.id, { vendor: 'chargeover', publicId: 'co_public_race' });
  const nonce = randomBytes(4).toString('hex');
  const ts = String(Math.floor(Date.now() / 1000));
  const url = `${co.base}/customer?limit=1`;
  const header = `ChargeOver co_public_key="co_public_race" co_nonce="${nonce}" co_timestamp="${ts}" co_signature_method="HMAC-SHA256" co_version="1.0" co_signature="${signatureOf(cred.secret, 'co_public_race', url, nonce, ts, '')}"`;
  const statuses = await burst(async () => (await fetch(url, { headers: { authorization: header } })).status);
  assert.deepEqual(statuses.sort(), [200, ...Array<number>(N - 1).fill(401)]);
});
