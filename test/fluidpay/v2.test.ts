// fluidpay-v2.md conformance cases (issue 13): the v2 vault (V1-V9), users and keys (U1-U7), phone
// formats (P1-P4), the other client tolerances (§1, §4, §5), and bad input on every new route.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureDemo } from '../../src/vendors/index.ts';
import { FLUIDPAY_SUITE_API_KEY } from '../../src/vendors/fluidpay/suite-key.ts';
import { contextFor } from '../../src/core/tenants/tenants.ts';
import { createToken, storeCard } from '../../src/core/vault/vault.ts';
import { docSale, startFluidPay, XID, type FluidPayClient } from './client.ts';

let fp: FluidPayClient;
before(async () => {
  fp = await startFluidPay();
});
after(async () => {
  await fp.assertLedger();
  await fp?.close();
});

const javaAddress = {
  first_name: 'John',
  last_name: 'Smith',
  company: 'Some Business',
  address_line_1: '123 Some St',
  address_line_2: 'STE 1',
  city: 'Some Town',
  state: 'IL',
  postal_code: '60185',
  country: 'US',
  phone: '55555555',
  fax: '5555555555',
  email: 'user@somesite.com',
};
/** The java client's create body (§2.2), every unused key null as on its wire. */
const javaCustomer = (payment: Record<string, unknown>, description = 'test description') => ({
  id: null,
  description,
  flags: null,
  id_format: null,
  default_payment: { card: null, ach: null, token: null, apple_pay: null, google_pay_token: null, ...payment },
  default_billing_address: { ...javaAddress },
  default_shipping_address: { ...javaAddress },
});
const CARD = { card: { number: '4111111111111111', expiration_date: '12/30' } };

async function newToken(number = '4242424242424242'): Promise<string> {
  const ctx = contextFor(fp.server.store.services, fp.server.tenant);
  const method = await storeCard(ctx, { number, expMonth: 12, expYear: 2030 }, { transient: true });
  return (await createToken(ctx, method.id)).token;
}

let V1: any;
let V3address = '';
let V4card = '';

test('V1: create with default_payment.card and identical addresses: v2 record plus the legacy keys', async () => {
  const reply = await fp.call('POST', '/vault/customer', javaCustomer(CARD));
  assert.equal(reply.status, 200, reply.text);
  assert.equal(reply.body.msg, 'success');
  const c = reply.body.data;
  assert.match(c.id, XID);
  assert.equal(c.data.customer.defaults.payment_method_type, 'card');
  assert.equal(c.payment_method_type, 'card');
  assert.equal(c.payment_method.card.last_four, '1111');
  assert.equal(c.billing_address.line_1, '123 Some St');
  assert.equal(c.billing_address.address_line_1, '123 Some St');
  assert.equal(c.billing_address.line_2, 'STE 1');
  assert.equal(c.data.customer.defaults.billing_address_id, c.data.customer.defaults.shipping_address_id);
  assert.equal(c.billing_address.id, c.shipping_address.id);
  assert.equal(c.data.customer.addresses.length, 1);
  assert.equal(c.data.customer.addresses[0].line_1, '123 Some St');
  assert.match(c.data.customer.addresses[0].hash, /^[0-9a-f]{40}$/);
  assert.equal(c.data.customer.payments.cards[0].masked_number, '411111******1111');
  assert.equal(c.data.customer.defaults.payment_method_id, c.payment_method.card.id);
  assert.equal(c.description, 'test description');
  assert.deepEqual(c.data.customer.flags, []);
  assert.match(c.owner_id, XID);
  assert.ok(!reply.text.includes('4111111111111111'));
  const got = await fp.call('GET', `/vault/${c.id}`);
  assert.deepEqual(got.body.data, c);
  V1 = c;
});

test('V2: create with default_payment.ach: no legacy payment_method, type ach, masked account, no ach object', async () => {
  const reply = await fp.call('POST', '/vault/customer', javaCustomer({ ach: { account_number: '1234567890', routing_number: '123456789', account_type: 'checking', sec_code: 'web' } }));
  assert.equal(reply.status, 200, reply.text);
  const c = reply.body.data;
  assert.equal(c.payment_method, null);
  assert.equal(c.payment_method_type, 'ach');
  assert.equal(c.data.customer.defaults.payment_method_type, 'ach');
  assert.match(c.data.customer.payments.ach[0].masked_account_number, /7890$/);
  assert.equal(c.data.customer.payments.ach[0].routing_number, '123456789');
  assert.equal(c.data.customer.payments.ach[0].sec_code, 'web');
  assert.ok(!('ach' in (c.payment_method ?? {})));
  assert.ok(!reply.text.includes('1234567890'));
  // Two members at once, or a bad one, write nothing.
  assert.equal((await fp.call('POST', '/vault/customer', javaCustomer({ ...CARD, token: 'tok' }))).status, 400);
  assert.equal((await fp.call('POST', '/vault/customer', javaCustomer({ ach: { account_number: '12', routing_number: '123456789' } }))).status, 400);
});

test('V3: add an address with line_1 (java): data is the address, shown in the customer record', async () => {
  const reply = await fp.call('POST', `/vault/customer/${V1.id}/address`, { ...javaAddress, address_line_1: undefined, address_line_2: undefined, line_1: '9 Elm', line_2: 'Apt 2' });
  assert.equal(reply.status, 200, reply.text);
  const a = reply.body.data;
  assert.notEqual(a.id, V1.id);
  assert.equal(a.customer_id, V1.id);
  assert.equal(a.line_1, '9 Elm');
  assert.equal(a.address_line_1, '9 Elm');
  assert.equal(a.created_address_id, a.id);
  assert.ok(a.data.customer.addresses.some((x: any) => x.id === a.id));
  const got = (await fp.call('GET', `/vault/${V1.id}`)).body.data;
  assert.ok(got.data.customer.addresses.some((x: any) => x.id === a.id && x.line_1 === '9 Elm'));
  // The defaults stay (the customer had both).
  assert.equal(got.billing_address.id, V1.billing_address.id);
  // The singular list alias; both spellings in each element; line_1 wins over address_line_1.
  const list = await fp.call('GET', `/vault/customer/${V1.id}/address`);
  assert.equal(list.body.data.length, 2);
  for (const x of list.body.data) assert.equal(x.line_1, x.address_line_1);
  assert.equal((await fp.call('POST', `/vault/customer/${V1.id}/address/${a.id}`, { line_1: 'winner', address_line_1: 'loser', notes: null })).body.msg, 'success');
  assert.equal((await fp.call('GET', `/vault/customer/${V1.id}/address/${a.id}`)).body.data[0].address_line_1, 'winner');
  await fp.call('POST', `/vault/customer/${V1.id}/address/${a.id}`, { line_1: '9 Elm' });
  V3address = a.id;
  // A customer without addresses gets its first one as both defaults.
  const bare = (await fp.call('POST', '/vault/customer', { description: 'bare' })).body.data;
  assert.equal(bare.billing_address, null);
  const first = (await fp.call('POST', `/vault/customer/${bare.id}/address`, { line_1: '1 First St' })).body.data;
  const after = (await fp.call('GET', `/vault/${bare.id}`)).body.data;
  assert.equal(after.billing_address.id, first.id);
  assert.equal(after.shipping_address.id, first.id);
});

test('V4: add a card (card_number or number): data.card.id and the mask', async () => {
  const reply = await fp.call('POST', `/vault/customer/${V1.id}/card?validate=false&currency=USD`, { card_number: '4111111111111111', expiration_date: '12/30' });
  assert.equal(reply.status, 200, reply.text);
  assert.ok(reply.body.data.card.id);
  assert.equal(reply.body.data.card.masked_card, '411111******1111');
  assert.equal(reply.body.data.id, V1.id);
  assert.equal(reply.body.data.created_payment_method_id, reply.body.data.card.id);
  assert.ok(!('ach' in reply.body.data));
  V4card = reply.body.data.card.id;
  const other = await fp.call('POST', `/vault/customer/${V1.id}/card`, { number: '5454545454545454', expiration_date: '01/2031' });
  assert.equal(other.status, 200);
  assert.equal(other.body.data.card.card_type, 'mastercard');
  assert.equal(other.body.data.card.expiration_date, '01/31');
  // The java wrapper, too.
  assert.equal((await fp.call('POST', `/vault/customer/${V1.id}/card`, { card: { card_number: '4111111111111111', expiration_date: '12/30' } })).status, 200);
  // Update in place (POST …/card/{id}); the type in the path must match.
  assert.equal((await fp.call('POST', `/vault/customer/${V1.id}/card/${V4card}`, { card_number: '4111111111111111', expiration_date: '01/31' })).body.msg, 'success');
  assert.equal((await fp.call('POST', `/vault/customer/${V1.id}/ach/${V4card}`, { account_number: '12345678' })).status, 404);
});

test("V5: defaults point at the V4 card and V3 address; another customer's card is 400", async () => {
  const reply = await fp.call('POST', `/vault/customer/${V1.id}`, {
    description: 'test update description',
    notes: null,
    flags: null,
    defaults: { billing_address_id: V3address, shipping_address_id: null, payment_method_id: V4card, payment_method_type: 'card' },
  });
  assert.deepEqual(reply.body, { status: 'success', msg: 'success', data: null });
  const got = (await fp.call('GET', `/vault/${V1.id}`)).body.data;
  assert.equal(got.payment_method.card.id, V4card);
  assert.equal(got.payment_method.card.expiration_date, '01/31');
  assert.equal(got.billing_address.id, V3address);
  assert.equal(got.shipping_address.id, V1.shipping_address.id, 'null leaves it');
  assert.equal(got.description, 'test update description');
  const someoneElse = (await fp.call('POST', '/vault/customer', javaCustomer(CARD, 'other'))).body.data;
  const foreign = await fp.call('POST', `/vault/customer/${V1.id}`, { defaults: { payment_method_id: someoneElse.payment_method.card.id } });
  assert.equal(foreign.status, 400);
  assert.equal((await fp.call('POST', `/vault/customer/${V1.id}`, { defaults: { payment_method_id: V4card, payment_method_type: 'ach' } })).status, 400);
  // notes and flags; flags [] clears.
  await fp.call('POST', `/vault/customer/${V1.id}`, { notes: 'a note', flags: ['surcharge_exempt'] });
  let v = (await fp.call('GET', `/vault/${V1.id}`)).body.data.data.customer;
  assert.equal(v.notes, 'a note');
  assert.deepEqual(v.flags, ['surcharge_exempt']);
  await fp.call('POST', `/vault/customer/${V1.id}`, { flags: [] });
  v = (await fp.call('GET', `/vault/${V1.id}`)).body.data.data.customer;
  assert.deepEqual(v.flags, []);
  assert.equal(v.notes, 'a note');
});

test('V6: an unknown token is 400; deleting the default card clears it; token, Apple Pay and Google Pay methods', async () => {
  const unknown = await fp.call('POST', `/vault/customer/${V1.id}/token`, { token: 'not-ours' });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.body.status, 'failed');
  const deleted = await fp.call('DELETE', `/vault/customer/${V1.id}/card/${V4card}`);
  assert.deepEqual(deleted.body, { status: 'success', msg: 'success', data: null });
  const got = (await fp.call('GET', `/vault/${V1.id}`)).body.data;
  assert.equal(got.payment_method, null);
  assert.equal(got.data.customer.defaults.payment_method_id, '');
  assert.equal((await fp.call('DELETE', `/vault/customer/${V1.id}/card/${V4card}`)).status, 404);
  // A token this server issued becomes a method; its first use is the default when there is none.
  const bare = (await fp.call('POST', '/vault/customer', { description: 'tokens' })).body.data;
  const token = await fp.call('POST', `/vault/customer/${bare.id}/token`, { token: await newToken() });
  assert.equal(token.status, 200, token.text);
  assert.ok(!('card' in token.body.data));
  const tokenId = token.body.data.created_payment_method_id;
  const withToken = (await fp.call('GET', `/vault/${bare.id}`)).body.data;
  assert.equal(withToken.data.customer.defaults.payment_method_id, tokenId);
  assert.equal(withToken.payment_method_type, 'token');
  assert.equal(withToken.payment_method, null);
  assert.equal((await fp.call('POST', `/vault/customer/${bare.id}/token`, { token: await newToken('5454545454545454') })).status, 200);
  assert.equal((await fp.call('POST', `/vault/customer/${bare.id}/token/${tokenId}`, { token: await newToken('4111111111111111') })).body.msg, 'success');
  const apple = await fp.call('POST', `/vault/customer/${bare.id}/applepay`, { key_id: 'k', processor_id: 'p', temporary_token: 'opaque' });
  assert.equal(apple.status, 200, apple.text);
  const google = await fp.call('POST', `/vault/customer/${bare.id}/googlepay`, { google_pay_token: 'opaque-google' });
  assert.equal(google.status, 200, google.text);
  // Charge the Google Pay method explicitly: wallets approve like the test card.
  const sale = await fp.call('POST', '/transaction', {
    type: 'sale',
    amount: 500,
    payment_method: { customer: { id: bare.id, payment_method_type: 'googlepay', payment_method_id: google.body.data.created_payment_method_id } },
  });
  assert.equal(sale.body.data.response, 'approved', sale.text);
  assert.equal(sale.body.data.customer_payment_type, 'googlepay');
  assert.equal((await fp.call('DELETE', `/vault/customer/${bare.id}/googlepay/${google.body.data.created_payment_method_id}`)).body.msg, 'success');
  // ACH: add, update, delete.
  const ach = (await fp.call('POST', `/vault/customer/${bare.id}/ach`, { account_number: '123456789', routing_number: '123456789' })).body.data.created_payment_method_id;
  assert.equal((await fp.call('POST', `/vault/customer/${bare.id}/ach/${ach}`, { account_number: '99998888', account_type: 'savings' })).body.msg, 'success');
  const achRow = (await fp.call('GET', `/vault/${bare.id}`)).body.data.data.customer.payments.ach.find((a: any) => a.id === ach);
  assert.equal(achRow.account_type, 'savings');
  assert.match(achRow.masked_account_number, /8888$/);
  assert.equal((await fp.call('DELETE', `/vault/customer/${bare.id}/ach/${ach}`)).body.msg, 'success');
});

test("V7: search by description (eq), Go's empty criteria ignored, notes, flags, address fields, types", async () => {
  const unique = `unique-${Date.now()}`;
  const c = (await fp.call('POST', '/vault/customer', javaCustomer(CARD, unique))).body.data;
  const found = await fp.call('POST', '/vault/customer/search', { id: null, description: { operator: 'eq', value: unique }, notes: null, flags: null, created_at: null, updated_at: null });
  assert.equal(found.status, 200, found.text);
  assert.equal(found.body.msg, 'success');
  assert.equal(found.body.total_count, 1);
  assert.equal(found.body.data[0].id, c.id);
  const everyone = (await fp.call('POST', '/vault/customer/search', { limit: 100 })).body.total_count;
  const empty = await fp.call('POST', '/vault/customer/search', { description: { operator: '', value: '' }, created_at: { start_date: '', end_date: '' }, limit: 100, offset: 0 });
  assert.equal(empty.status, 200);
  assert.equal(empty.body.total_count, everyone);
  assert.equal((await fp.call('POST', '/vault/customer/search', { description: { operator: 'like', value: unique.slice(0, 12).toUpperCase() }, limit: 100 })).body.total_count >= 1, true);
  assert.equal((await fp.call('POST', '/vault/customer/search', { address_line_1: { operator: '=', value: '123 Some St' }, description: { operator: '=', value: unique } })).body.total_count, 1);
  assert.equal((await fp.call('POST', '/vault/customer/search', { line_1: { operator: '=', value: 'Nowhere' }, description: { operator: '=', value: unique } })).body.total_count, 0);
  await fp.call('POST', `/vault/customer/${c.id}`, { flags: ['surcharge_exempt'] });
  assert.equal((await fp.call('POST', '/vault/customer/search', { flags: { operator: '=', value: 'surcharge_exempt' }, description: { operator: '=', value: unique } })).body.total_count, 1);
  assert.equal((await fp.call('POST', '/vault/customer/search', { flags: { operator: '!=', value: 'surcharge_exempt' }, description: { operator: '=', value: unique } })).body.total_count, 0);
  assert.equal((await fp.call('POST', '/vault/customer/search', { payment_method_type: { operator: '=', value: 'card' }, description: { operator: '=', value: unique } })).body.total_count, 1);
  assert.equal((await fp.call('POST', '/vault/customer/search', { payment_method_type: { operator: '=', value: 'ach' }, description: { operator: '=', value: unique } })).body.total_count, 0);
  assert.equal((await fp.call('POST', '/vault/customer/search', { address_id: { operator: '=', value: c.billing_address.id } })).body.total_count, 1);
  assert.equal(
    (await fp.call('POST', '/vault/customer/search', { created_at: { start_date: '2000-01-01T00:00:00.000', end_date: '' }, description: { operator: '=', value: unique } })).body.total_count,
    1,
  );
  assert.equal((await fp.call('POST', '/vault/customer/search', { description: { operator: '~', value: 'x' } })).status, 400);
});

test("V8: charge a v2 customer by its defaults; an address id wins over the request's object; blank objects do not", async () => {
  const sale = await fp.call('POST', '/transaction', {
    type: 'authorize',
    amount: 1000,
    payment_method: { customer: { id: V1.id, payment_method_type: 'card', payment_method_id: null, billing_address_id: null, shipping_address_id: null } },
    billing_address: { ...javaAddress, address_line_1: 'From the request' },
    shipping_address: { first_name: '', last_name: '', address_line_1: '' },
  });
  // V6 deleted V1's default card: a new default first.
  assert.equal(sale.status, 400);
  const card = (await fp.call('POST', `/vault/customer/${V1.id}/card`, { card_number: '4111111111111111', expiration_date: '12/30' })).body.data.card.id;
  await fp.call('POST', `/vault/customer/${V1.id}`, { defaults: { payment_method_id: card } });
  const ok = await fp.call('POST', '/transaction', {
    type: 'authorize',
    amount: 1000,
    payment_method: { customer: { id: V1.id, payment_method_type: 'card', payment_method_id: null, billing_address_id: null, shipping_address_id: null } },
    billing_address: { ...javaAddress, address_line_1: 'From the request' },
    shipping_address: { first_name: '', last_name: '', address_line_1: '' },
  });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.data.response, 'approved');
  assert.equal(ok.body.data.customer_id, V1.id);
  assert.equal(ok.body.data.billing_address.address_line_1, 'From the request');
  assert.equal(ok.body.data.shipping_address.address_line_1, '123 Some St', 'a blank object falls back to the default');
  assert.equal(ok.body.data.payment_method, 'token');
  assert.equal(ok.body.data.payment_type, 'card');
  const byId = await fp.call('POST', '/transaction', {
    type: 'sale',
    amount: 1000,
    payment_method: { customer: { id: V1.id, payment_method_type: 'card', payment_merhod_id: card, billing_address_id: V3address } },
    billing_address: { ...javaAddress },
  });
  assert.equal(byId.status, 200, byId.text);
  assert.equal(byId.body.data.billing_address.address_line_1, '9 Elm');
  assert.equal(byId.body.data.customer_payment_id, card);
  const wrongType = await fp.call('POST', '/transaction', { type: 'sale', amount: 100, payment_method: { customer: { id: V1.id, payment_method_type: 'ach', payment_method_id: card } } });
  assert.equal(wrongType.status, 400);
});

test('V9: the same bodies with extra null keys (java style) behave alike; null is absent everywhere', async () => {
  const reply = await fp.call('POST', '/vault/customer', { ...javaCustomer(CARD), notes: null, id_format: null, default_billing_address: { ...javaAddress, company: null, line_1: null } });
  assert.equal(reply.status, 200, reply.text);
  assert.equal(reply.body.data.billing_address.address_line_1, '123 Some St');
  assert.equal(reply.body.data.billing_address.company, '');
  const sale = await fp.call('POST', '/transaction', docSale({ order_id: 'some order id', tip_amount: 100, discount_amount: 50, currency: null, processor_id: null, email_receipt: null }));
  assert.equal(sale.status, 200, sale.text);
  assert.equal(sale.body.data.tip_amount, 100);
  assert.equal(sale.body.data.discount_amount, 50);
  assert.equal(sale.body.data.order_id, 'some order id');
});

test('§4-5: tax plus shipping above the amount, email_reciept, java capture/refund amount 0, Go search zero values', async () => {
  const sale = await fp.call('POST', '/transaction', docSale({ type: 'authorize', amount: 100, tax_amount: 9000, shipping_amount: 5000, tax_exempt: true, email_receipt: null, email_reciept: true }));
  assert.equal(sale.status, 200, sale.text);
  assert.equal(sale.body.data.tax_amount, 9000);
  assert.equal(sale.body.data.email_receipt, true);
  const id = sale.body.data.id;
  assert.equal((await fp.call('POST', `/transaction/${id}/capture`, { amount: 0 })).body.msg, 'success');
  assert.equal((await fp.call('GET', `/transaction/${id}`)).body.data[0].amount_captured, 100);
  const go = await fp.call('POST', '/transaction/search', { amount: { operator: '', value: 0 }, created_at: { start_date: '', end_date: '' }, limit: 10, offset: 0 });
  assert.equal(go.status, 200, go.text);
  assert.equal(go.body.total_count, (await fp.call('POST', '/transaction/search', { limit: 10, offset: 0 })).body.total_count);
  assert.equal((await fp.call('GET', '/terminals')).body.msg, 'success');
});

test('P1-P4: formatted phones are stored as digits; letters are 400', async () => {
  const user = { username: 'Aphone12345', name: 'p', email: 'p@example.com', timezone: 'CET', password: 'a1B!aaaaaaaaaaaaaaa', status: 'active', role: 'admin' };
  const p1 = await fp.call('POST', '/user', { ...user, phone: '(849) 489-2963' });
  assert.equal(p1.status, 200, p1.text);
  assert.equal(p1.body.data.phone, '8494892963');
  assert.equal(p1.body.data.timezone, 'CET');
  const p2 = await fp.call('POST', '/transaction', docSale({ billing_address: { ...(docSale().billing_address as object), fax: '555555555', phone: '(849) 489-2963' } }));
  assert.equal(p2.status, 200, p2.text);
  assert.equal(p2.body.data.billing_address.phone, '8494892963');
  assert.equal(p2.body.data.billing_address.fax, '555555555');
  assert.equal((await fp.call('POST', '/user', { ...user, username: 'Aphone2', phone: 'call me' })).status, 400);
  assert.equal((await fp.call('POST', '/user', { ...user, username: 'Aphone3', phone: '+1 (630) 555-5555 ext' })).status, 400);
  assert.equal((await fp.call('POST', '/user', { ...user, username: 'Aphone4', phone: '123456789012345' })).status, 400);
  const vaulted = await fp.call('POST', '/vault/customer', { default_billing_address: { line_1: '1 St', phone: '+1 630.555/5555', fax: '(630) 555-0000' } });
  assert.equal(vaulted.body.data.billing_address.phone, '16305555555');
  assert.equal(vaulted.body.data.billing_address.fax, '6305550000');
});

test("U1-U7: the key's owner, keys by id and value, deletes, self-delete refused, forgot-* aliases, token-auth, fphc", async () => {
  await ensureDemo(fp.server.store.services);
  const suite = FLUIDPAY_SUITE_API_KEY;
  // U1
  const me = await fp.call('GET', '/user', undefined, { key: suite });
  assert.equal(me.status, 200, me.text);
  assert.equal(me.body.msg, 'success');
  assert.equal(me.body.data.username, 'demo');
  assert.equal(me.body.data.role, 'admin');
  assert.ok((await fp.call('GET', '/users', undefined, { key: suite })).body.total_count > 0);
  // U2
  const made = await fp.call('POST', '/user/apikey', { type: 'api', name: 'k' }, { key: suite });
  assert.equal(made.status, 200);
  assert.equal(made.body.data.user_id, me.body.data.id);
  const keys = (await fp.call('GET', '/user/apikeys', undefined, { key: suite })).body.data;
  assert.equal(keys.at(-1).id, made.body.data.id);
  assert.equal(keys.at(-1).user_id, me.body.data.id);
  assert.deepEqual((await fp.call('DELETE', `/user/apikey/${made.body.data.id}`, undefined, { key: suite })).body, { status: 'success', msg: 'success', data: null });
  assert.equal((await fp.call('GET', '/user', undefined, { key: made.body.data.api_key })).status, 401);
  // U3
  const second = (await fp.call('POST', '/user/apikey', { type: 'api', name: 'k2' }, { key: suite })).body.data;
  assert.equal((await fp.call('DELETE', `/user/apikey/${second.api_key}`, undefined, { key: suite })).body.msg, 'success');
  assert.equal((await fp.call('DELETE', `/user/apikey/${second.api_key}`, undefined, { key: suite })).status, 404);
  // U4
  const created = await fp.call(
    'POST',
    '/user',
    { username: 'testtoken401', name: 'test token merchant', phone: '6308886655', email: 'info@website.com', timezone: 'CET', password: 'T@est12345678', status: 'active', role: 'admin' },
    { key: suite },
  );
  assert.equal(created.status, 200, created.text);
  assert.deepEqual((await fp.call('DELETE', `/user/${created.body.data.id}`, undefined, { key: suite })).body, { status: 'success', msg: 'success', data: null });
  const self = await fp.call('DELETE', `/user/${me.body.data.id}`, undefined, { key: suite });
  assert.equal(self.status, 400);
  assert.equal(self.body.msg, 'cannot delete yourself');
  assert.equal((await fp.call('GET', '/user', undefined, { key: suite })).status, 200);
  // U5
  const forgot = await fp.call('POST', '/user/forgot-username', { email: 'x@example.com' }, { key: null });
  assert.deepEqual(forgot.body, (await fp.call('POST', '/forgot-username', { email: 'x@example.com' }, { key: null })).body);
  assert.equal(forgot.status, 200);
  assert.equal((await fp.call('POST', '/user/forgot-password', { username: 'nobody' }, { key: null })).status, 200);
  assert.equal((await fp.call('POST', '/user/forgotten-password/reset', { username: 'demo', reset_code: 'bogus', password: 'Whatever-1' }, { key: null })).status, 400);
  assert.equal((await fp.call('POST', '/user/forgot-password/reset', { username: 'demo', reset_code: 'bogus', password: 'Whatever-1' }, { key: null })).status, 400);
  // U6
  const response = await fetch(`${fp.server.url}/fluidpay/api/token-auth`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: 'test_merchant', password: 'Fluidpay247!' }).toString(),
  });
  const login = (await response.json()) as any;
  assert.equal(response.status, 200);
  assert.equal(login.data.token, login.token);
  assert.ok(login.sid);
  assert.equal(login.msg, 'success');
  // U7
  const health = await fp.call('GET', '/fphc', undefined, { key: null });
  assert.equal(health.status, 200);
  assert.equal(health.body.status, 'success');
  // The test tenant's key (issued outside a user) acts as its first admin, made on first use.
  const mine = await fp.call('GET', '/user');
  assert.equal(mine.status, 200);
  assert.equal(mine.body.data.role, 'admin');
  assert.equal((await fp.call('GET', '/user')).body.data.id, mine.body.data.id);
});

test('bad input on the new routes: the failed envelope, never a 5xx', async () => {
  const c = (await fp.call('POST', '/vault/customer', javaCustomer(CARD, 'bad inputs'))).body.data;
  const calls: Array<[string, string, unknown]> = [
    ['POST', '/vault/customer', { default_payment: 'card' }],
    ['POST', '/vault/customer', { default_payment: { card: { number: '4111111111111112', expiration_date: '12/30' } } }],
    ['POST', '/vault/customer', { default_payment: { card: { number: '4111111111111111', expiration_date: '13/30' } } }],
    ['POST', '/vault/customer', { default_payment: { ach: { account_number: '1234', routing_number: '12' } } }],
    ['POST', '/vault/customer', { default_payment: { ach: { account_number: '12345', routing_number: '123456789', sec_code: 'xyz' } } }],
    ['POST', '/vault/customer', { default_payment: { token: 5 } }],
    ['POST', '/vault/customer', { default_payment: { google_pay_token: '' } }],
    ['POST', '/vault/customer', { default_payment: { apple_pay: 'x' } }],
    ['POST', '/vault/customer', { default_billing_address: { line_1: 5 } }],
    ['POST', '/vault/customer', { flags: 'surcharge_exempt' }],
    ['POST', '/vault/customer', { id: 'has spaces!' }],
    ['POST', `/vault/customer/${c.id}`, { defaults: 'x' }],
    ['POST', `/vault/customer/${c.id}`, { defaults: { billing_address_id: 'nope' } }],
    ['POST', `/vault/customer/${c.id}`, { defaults: { payment_method_type: 'cash', payment_method_id: c.payment_method.card.id } }],
    ['POST', `/vault/customer/${c.id}`, { flags: [1] }],
    ['POST', `/vault/customer/${c.id}/card`, { card_number: 'abc', expiration_date: '12/30' }],
    ['POST', `/vault/customer/${c.id}/card`, {}],
    ['POST', `/vault/customer/${c.id}/ach`, { account_number: '123', routing_number: '123456789' }],
    ['POST', `/vault/customer/${c.id}/token`, {}],
    ['POST', `/vault/customer/${c.id}/applepay`, {}],
    ['POST', `/vault/customer/${c.id}/googlepay`, { google_pay_token: 5 }],
    ['POST', `/vault/customer/${c.id}/bitcoin`, {}],
    ['POST', `/vault/customer/${c.id}/card/nope`, { expiration_date: '12/30' }],
    ['POST', `/vault/customer/${c.id}/card/${c.payment_method.card.id}`, { expiration_date: 'soon' }],
    ['POST', `/vault/customer/${c.id}/applepay/${c.payment_method.card.id}`, {}],
    ['DELETE', `/vault/customer/${c.id}/ach/${c.payment_method.card.id}`, undefined],
    ['POST', '/vault/customer/nope/card', { card_number: '4111111111111111', expiration_date: '12/30' }],
    ['POST', '/vault/customer/search', { notes: { operator: '=', value: 5 } }],
    ['POST', '/vault/customer/search', { payment_method_type: 'card' }],
    ['POST', '/vault/customer/search', { created_at: { start_date: 'yesterday' } }],
    ['POST', '/transaction', { type: 'sale', amount: 100, tip_amount: -1, payment_method: { customer: { id: c.id } } }],
    ['POST', '/transaction', { type: 'sale', amount: 100, payment_method: { customer: { id: c.id, payment_method_type: 'cash' } } }],
    ['POST', '/transaction', { type: 'sale', amount: 100, payment_method: { customer: { id: c.id, billing_address_id: 'nope' } } }],
    ['DELETE', '/user/apikey/nope', undefined],
    ['POST', '/user/forgot-username', {}],
    ['POST', '/user/forgotten-password/reset', { username: 'demo' }],
  ];
  for (const [method, path, body] of calls) {
    const reply = await fp.call(method, path, body);
    assert.ok(reply.status >= 400 && reply.status < 500, `${method} ${path}: ${reply.status} ${reply.text}`);
    assert.equal(reply.body.status, 'failed', `${method} ${path}`);
    assert.equal(reply.body.data, null, `${method} ${path}`);
  }
});
