import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { docSale, startFluidPay, XID, type FluidPayClient } from './client.ts';

let fp: FluidPayClient;
before(async () => {
  fp = await startFluidPay();
});
after(async () => {
  await fp?.close();
});

const address = {
  first_name: 'John',
  last_name: 'Smith',
  company: 'Test Company',
  address_line_1: '123 Some St',
  address_line_2: '',
  city: 'Wheaton',
  state: 'IL',
  postal_code: '60187',
  country: 'US',
  phone: '5555555555',
  fax: '5555555555',
  email: 'help@website.com',
};
const docCustomer = () => ({
  description: 'test description',
  payment_method: { card: { card_number: '4111111111111111', expiration_date: '12/20' } },
  billing_address: { ...address },
  shipping_address: { ...address },
});

test('#44-#51 customer vault: create, get, search, addresses, cards, defaults, deletes', async () => {
  const created = await fp.call('POST', '/customer', docCustomer());
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const c = created.body.data;
  assert.match(c.id, XID);
  assert.equal(c.description, 'test description');
  assert.deepEqual(
    { ...c.payment_method.card, id: undefined, created_at: undefined, updated_at: undefined },
    {
      id: undefined,
      card_type: 'visa',
      first_six: '411111',
      last_four: '1111',
      masked_card: '411111******1111',
      expiration_date: '12/20',
      created_at: undefined,
      updated_at: undefined,
    },
  );
  assert.equal(c.billing_address.id, c.shipping_address.id);
  assert.equal(c.billing_address.customer_id, c.id);
  assert.equal(c.billing_address.address_line_1, '123 Some St');
  assert.ok(!created.text.includes('4111111111111111'));

  // #45
  const got = await fp.call('GET', `/customer/${c.id}`);
  assert.deepEqual(got.body.data, c);
  const search = await fp.call('POST', '/customer/search', { id: { operator: '=', value: c.id }, limit: 10, offset: 0 });
  assert.equal(search.body.total_count, 1);
  assert.equal(search.body.data.length, 1);
  assert.equal(search.body.data[0].id, c.id);
  // #46
  const added = await fp.call('POST', `/customer/${c.id}/address`, { ...address, first_name: 'Jane', address_line_2: 'STE 1 ' });
  assert.equal(added.status, 200);
  const addr = added.body.data;
  assert.notEqual(addr.id, c.billing_address.id);
  assert.equal(addr.customer_id, c.id);
  assert.equal(addr.address_line_2, 'STE 1 ');
  const list = await fp.call('GET', `/customer/${c.id}/addresses`);
  assert.equal(list.body.data.length, 2);
  assert.equal(list.body.count, 2);
  // #47
  const one = await fp.call('GET', `/customer/${c.id}/address/${addr.id}`);
  assert.ok(Array.isArray(one.body.data));
  assert.equal(one.body.count, 1);
  const upd = await fp.call('POST', `/customer/${c.id}/address/${addr.id}`, { address_line_2: '' });
  assert.deepEqual(upd.body, { status: 'success', msg: 'success', data: null });
  const reread = (await fp.call('GET', `/customer/${c.id}/address/${addr.id}`)).body.data[0];
  assert.equal(reread.address_line_2, '');
  assert.equal(reread.first_name, 'Jane');
  // #48 #49
  const card = await fp.call('POST', `/customer/${c.id}/paymentmethod/card`, { card_number: '4111111111111111', expiration_date: '12/20' });
  assert.equal(card.status, 200);
  assert.match(card.body.data.card.id, XID);
  assert.equal(card.body.data.card.last_four, '1111');
  const cards = await fp.call('GET', `/customer/${c.id}/paymentmethod/card`);
  assert.equal(cards.body.count, 2);
  assert.equal((await fp.call('POST', `/customer/${c.id}/paymentmethod/ach`, { routing_number: '490000018' })).status, 400);
  const oneCard = await fp.call('GET', `/customer/${c.id}/paymentmethod/card/${card.body.data.card.id}`);
  assert.equal(oneCard.body.data.length, 1);
  assert.equal(oneCard.body.count, 1);
  const wrapped = await fp.call('POST', `/customer/${c.id}/paymentmethod/card/${card.body.data.card.id}`, { card: { card_number: '5555555555554444', expiration_date: '01/29' } });
  assert.equal(wrapped.status, 200);
  const changed = (await fp.call('GET', `/customer/${c.id}/paymentmethod/card/${card.body.data.card.id}`)).body.data[0];
  assert.equal(changed.card_type, 'mastercard');
  assert.equal(changed.expiration_date, '01/29');
  // #50
  const setDefaults = await fp.call('POST', `/customer/${c.id}`, { payment_method: 'card', payment_method_id: card.body.data.card.id, billing_address_id: addr.id });
  assert.deepEqual(setDefaults.body, { status: 'success', msg: 'success', data: null });
  const after = (await fp.call('GET', `/customer/${c.id}`)).body.data;
  assert.equal(after.payment_method.card.id, card.body.data.card.id);
  assert.equal(after.billing_address.id, addr.id);
  assert.equal(after.shipping_address.id, c.shipping_address.id);
  const other = (await fp.call('POST', '/customer', docCustomer())).body.data;
  assert.equal((await fp.call('POST', `/customer/${c.id}`, { payment_method_id: other.payment_method.card.id })).status, 400);
  const byDefault = await fp.call('POST', '/customer/search', { payment_method_id: { operator: '=', value: card.body.data.card.id } });
  assert.deepEqual(
    byDefault.body.data.map((x: any) => x.id),
    [c.id],
  );
  const byBilling = await fp.call('POST', '/customer/search', { billing_address_id: { operator: '=', value: other.billing_address.id } });
  assert.deepEqual(
    byBilling.body.data.map((x: any) => x.id),
    [other.id],
  );
  // #51
  assert.deepEqual((await fp.call('DELETE', `/customer/${c.id}/paymentmethod/card/${card.body.data.card.id}`)).body, { status: 'success', msg: 'success', data: null });
  assert.equal((await fp.call('GET', `/customer/${c.id}/paymentmethod/card/${card.body.data.card.id}`)).status, 404);
  assert.equal((await fp.call('GET', `/customer/${c.id}`)).body.data.payment_method, null, 'deleting the default clears it');
  assert.equal((await fp.call('DELETE', `/customer/${c.id}/address/${addr.id}`)).status, 200);
  assert.equal((await fp.call('GET', `/customer/${c.id}`)).body.data.billing_address, null);
  assert.deepEqual((await fp.call('DELETE', `/customer/${c.id}`)).body, { status: 'success', msg: 'success', data: null });
  assert.equal((await fp.call('GET', `/customer/${c.id}`)).status, 404);
  assert.equal((await fp.call('GET', `/customer/${c.id}/addresses`)).status, 404);
});

test("the current clients' /vault paths reach the same handlers", async () => {
  const created = await fp.call('POST', '/vault/customer', docCustomer());
  assert.equal(created.status, 200);
  const id = created.body.data.id;
  assert.equal((await fp.call('GET', `/vault/${id}`)).body.data.id, id);
  assert.equal((await fp.call('GET', `/vault/customer/${id}`)).body.data.id, id);
  assert.equal((await fp.call('POST', '/vault/customer/search', { id: { operator: '=', value: id } })).body.total_count, 1);
  assert.equal((await fp.call('POST', `/vault/customer/${id}/address`, address)).status, 200);
  assert.equal((await fp.call('GET', `/vault/customer/${id}/addresses`)).body.count, 2);
  assert.equal((await fp.call('POST', `/vault/${id}`, { description: 'via vault' })).status, 200);
  assert.equal((await fp.call('GET', `/customer/${id}`)).body.data.description, 'via vault');
  assert.equal((await fp.call('DELETE', `/vault/${id}`)).status, 200);
  assert.equal((await fp.call('GET', `/vault/${id}`)).status, 404);
});

test('#20 #35 create_vault_record and charging a vault customer', async () => {
  const sale = await fp.call('POST', '/transaction', docSale({ create_vault_record: true }));
  const customerId = sale.body.data.customer_id;
  assert.match(customerId, XID);
  const customer = (await fp.call('GET', `/customer/${customerId}`)).body.data;
  assert.equal(customer.payment_method.card.last_four, '5439');
  assert.equal(customer.billing_address.first_name, 'John');
  assert.equal(customer.billing_address.id, customer.shipping_address.id);
  const declined = await fp.call('POST', '/transaction', docSale({ create_vault_record: true, payment_method: { card: { number: '4000000000000002', expiration_date: '12/30' } } }));
  assert.equal(declined.body.data.customer_id, '');

  const charge = await fp.call('POST', '/transaction', { type: 'sale', amount: 2500, payment_method: { customer: { id: customerId } } });
  assert.equal(charge.status, 200, JSON.stringify(charge.body));
  const t = charge.body.data;
  assert.equal(t.status, 'pending_settlement');
  assert.equal(t.customer_id, customerId);
  assert.equal(t.payment_method, 'token');
  assert.equal(t.payment_type, 'card');
  assert.equal(t.billing_address.first_name, 'John');
  assert.equal(t.response_body.card.last_four, '5439');
  assert.equal(t.response_body.card.masked_card, '401200******5439');
  const found = await fp.call('POST', '/transaction/search', { customer_id: { operator: '=', value: customerId } });
  assert.equal(found.body.total_count, 2);
  const byAddress = await fp.call('POST', '/transaction/search', { billing_address: { address_id: { operator: '=', value: customer.billing_address.id } } });
  assert.equal(byAddress.body.total_count, 2);
  assert.equal((await fp.call('POST', '/transaction', { type: 'sale', amount: 100, payment_method: { customer: { id: 'aaaaaaaaaaaaaaaaaaaa' } } })).status, 404);
  const other = await fp.otherKey();
  assert.equal((await fp.call('GET', `/customer/${customerId}`, undefined, { key: other })).status, 404, '#68');
  assert.equal((await fp.call('POST', '/transaction', { type: 'sale', amount: 100, payment_method: { customer: { id: customerId } } }, { key: other })).status, 404);
  // Deleting a customer that has payments removes the vault record; the payments stay.
  assert.equal((await fp.call('DELETE', `/customer/${customerId}`)).status, 200);
  assert.equal((await fp.call('GET', `/customer/${customerId}`)).status, 404);
  assert.equal((await fp.call('GET', `/transaction/${t.id}`)).body.data[0].customer_id, customerId);
  await fp.assertLedger();
});

test('vault bad input is a 400 failed envelope', async () => {
  const before = (await fp.call('POST', '/customer/search', {})).body.total_count;
  assert.equal((await fp.call('POST', '/customer', { payment_method: { card: { card_number: '4242424242424241', expiration_date: '12/20' } } })).status, 400);
  assert.equal((await fp.call('POST', '/customer', { payment_method: { card: { card_number: '4111111111111111' } } })).status, 400);
  assert.equal((await fp.call('POST', '/customer', { billing_address: { phone: '630-555 ext' } })).status, 400);
  assert.equal((await fp.call('POST', '/customer', { description: 5 })).status, 400);
  assert.equal((await fp.call('POST', '/customer/search', { id: { operator: '<', value: 'x' } })).status, 400);
  const malformed = await fp.call('POST', '/customer', undefined, { raw: '{"description":' });
  assert.equal(malformed.status, 400);
  assert.equal(malformed.body.status, 'failed');
  assert.equal((await fp.call('POST', '/customer/search', {})).body.total_count, before, 'nothing written');
});
