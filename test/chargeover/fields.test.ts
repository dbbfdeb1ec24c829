// Every where= field of every type, with every operator and odd values: answers are 200 or 400,
// never 500, on both databases; order by each orderable field works.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createCustomer, okBody, startChargeOver, type CoClient } from './helpers.ts';

let co: CoClient;
before(async () => {
  co = await startChargeOver();
  const item = okBody(await co.post('/item', { name: 'F', external_key: 'f1', pricemodel: { base: 1 } }), 201).id;
  const c = await createCustomer(co, { company: 'Fields', external_key: 'fc', bill_country: 'US', terms_id: 2, custom_1: 'x', superuser_name: 'Fi Eld', superuser_email: 'f@example.com' });
  const i = okBody(await co.post('/invoice', { customer_id: c, custom_1: 'y', line_items: [{ item_id: item, line_rate: 3, custom_1: 'z' }] }), 201).id;
  okBody(
    await co.post('/transaction', {
      customer_id: c,
      transaction_type: 'pay',
      gateway_method: 'visa',
      amount: 1,
      applied_to: [{ invoice_id: i }],
      external_key: 'tx1',
      transaction_datetime: '2020-01-02 03:04:05',
    }),
    201,
  );
  okBody(await co.post('/creditcard', { customer_id: c, number: '4111111111111111', expdate_month: 1, expdate_year: 2099 }), 201);
});
after(async () => co.close());

const FIELDS: Record<string, string[]> = {
  customer: [
    'customer_id',
    'parent_customer_id',
    'external_key',
    'token',
    'company',
    'display_as',
    'currency_iso4217',
    'superuser_id',
    'superuser_email',
    'superuser_phone',
    'superuser_token',
    'customer_status_state',
    'customer_status_str',
    'currency_id',
    'bill_country',
    'ship_state',
    'bill_postcode',
    'terms_id',
    'admin_id',
    'brand_id',
    'custom_1',
    'custom_20',
  ],
  user: ['user_id', 'external_key', 'token', 'first_name', 'last_name', 'email', 'phone', 'title', 'customer_id', 'customers.customer_id', 'username', 'user_type_id', 'custom_5'],
  invoice: [
    'invoice_id',
    'customer_id',
    'external_key',
    'token',
    'date',
    'invoice_date',
    'due_date',
    'refnumber',
    'currency_id',
    'invoice_status_str',
    'invoice_status_state',
    'package_id',
    'package_token',
    'line_items.item_id',
    'transaction.transaction_id',
    'terms_id',
    'bill_state',
    'custom_1',
    'line_items.custom_1',
  ],
  transaction: [
    'transaction_id',
    'customer_id',
    'gateway_status',
    'transaction_type',
    'transaction_status.state',
    'transaction_status.str',
    'currency_id',
    'transaction_datetime',
    'transaction_date',
    'creditcard_id',
    'ach_id',
    'tokenized_id',
    'applied_to.invoice_id',
    'applied_to.package_id',
    'token',
    'external_key',
    'gateway_transid',
    'gateway_method',
    'transaction_method',
    'transaction_detail',
    'gateway_msg',
    'gateway_id',
  ],
  item: ['item_id', 'name', 'description', 'external_key', 'token', 'item_type', 'accounting_sku'],
  creditcard: ['creditcard_id', 'customer_id', 'external_key', 'token', 'type'],
};
const OPS = ['EQUALS:1', 'NOTEQUALS:x', 'GT:2', 'LT:2020-01-01', 'GTE:0', 'LTE:zz', 'CONTAINS:1', 'IS:NULL', 'ISNOT:NULL', 'EQUALS:abc%25_\\:x'];

test('no where field, operator or value gives a 500', async () => {
  for (const [type, fields] of Object.entries(FIELDS)) {
    for (const field of fields) {
      await co.newKey();
      for (const op of OPS) {
        const answer = await co.get(`/${type}?where=${encodeURIComponent(`${field}:${op}`).replace(/%5C/g, '\\')}`);
        assert.ok(answer.status === 200 || answer.status === 400, `${type} ${field}:${op} -> ${answer.status} ${JSON.stringify(answer.body)}`);
        if (answer.status === 200) assert.ok(Array.isArray(answer.body.response));
      }
      const count = await co.get(`/${type}/_count?where=${field}:ISNOT:NULL`);
      assert.equal(count.status, 200, `${type} count ${field}`);
      const order = await co.get(`/${type}?order=${field}:DESC`);
      assert.ok(order.status === 200 || order.status === 400, `${type} order ${field} -> ${order.status}`);
    }
  }
  assert.deepEqual(okBody(await co.get('/customer?where=custom_1:EQUALS:x,terms_id:EQUALS:2')).length, 1);
  assert.deepEqual(okBody(await co.get('/invoice?where=line_items.custom_1:EQUALS:z')).length, 1);
  assert.deepEqual(okBody(await co.get('/transaction?where=external_key:EQUALS:tx1,gateway_method:EQUALS:visa')).length, 1);
});
