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

test('#19 documented card sale reproduces the documented body field for field', async () => {
  const reply = await fp.call('POST', '/transaction', docSale());
  assert.equal(reply.status, 200);
  assert.equal(reply.body.status, 'success');
  assert.equal(reply.body.msg, 'success');
  const data = reply.body.data;
  assert.match(data.id, XID);
  const expected = {
    type: 'sale',
    amount: 1112,
    tax_amount: 100,
    tax_exempt: false,
    shipping_amount: 100,
    discount_amount: 0,
    payment_adjustment_type: '',
    payment_adjustment_value: 0,
    currency: 'usd',
    description: 'test transaction',
    order_id: 'someOrderID',
    po_number: 'somePONumber',
    ip_address: '4.2.2.2',
    email_receipt: false,
    email_address: 'user@home.com',
    payment_method: 'card',
    payment_type: 'card',
    status: 'pending_settlement',
    response: 'approved',
    response_code: 100,
    amount_authorized: 1112,
    amount_captured: 1112,
    amount_settled: 0,
    tip_amount: 0,
    idempotency_key: '',
    idempotency_time: 0,
    transaction_source: 'api',
    customer_id: '',
    referenced_transaction_id: '',
    processor_type: 'tsys_sierra',
    processor_name: 'main mid',
    settled_at: null,
  };
  for (const [field, value] of Object.entries(expected)) assert.deepEqual(data[field], value, field);
  const card = data.response_body.card;
  assert.deepEqual(Object.keys(data.response_body), ['card']);
  assert.match(card.id, XID);
  assert.equal(card.card_type, 'visa');
  assert.equal(card.first_six, '401200');
  assert.equal(card.last_four, '5439');
  assert.equal(card.masked_card, '401200******5439');
  assert.equal(card.expiration_date, '12/20');
  assert.equal(card.status, 'approved');
  assert.match(card.auth_code, /^[A-Z]{3}\d{3}$/);
  assert.equal(card.processor_response_code, '00');
  assert.equal(card.processor_response_text, `APPROVAL ${card.auth_code} `);
  assert.equal(card.processor_type, 'tsys_sierra');
  assert.equal(card.processor_id, data.processor_id);
  assert.equal(card.avs_response_code, '0');
  assert.equal(card.cvv_response_code, 'M');
  assert.deepEqual(card.processor_specific, {});
  assert.equal(data.billing_address.address_line_2, '');
  assert.equal(data.shipping_address.city, 'Wheaton');
  assert.deepEqual(
    Object.keys(data.billing_address).sort(),
    ['address_line_1', 'address_line_2', 'city', 'company', 'country', 'email', 'fax', 'first_name', 'last_name', 'phone', 'postal_code', 'state'].sort(),
  );
  assert.ok(data.captured_at && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(data.captured_at));
  assert.ok(!reply.text.includes('4012000098765439'), 'no PAN in the response');
  await fp.assertLedger();
});

test('#21 #22 GET /transaction/{id} is an array of one with total_count; unknown id is 404', async () => {
  const sale = await fp.call('POST', '/transaction', docSale());
  const reply = await fp.call('GET', `/transaction/${sale.body.data.id}`);
  assert.equal(reply.status, 200);
  assert.ok(Array.isArray(reply.body.data));
  assert.equal(reply.body.data.length, 1);
  assert.equal(reply.body.data[0].id, sale.body.data.id);
  assert.equal(reply.body.total_count, 1);
  assert.deepEqual(reply.body.data[0], sale.body.data);
  const missing = await fp.call('GET', '/transaction/bbbbbbbbbbbbbbbbbbbb');
  assert.equal(missing.status, 404);
  assert.deepEqual({ status: missing.body.status, data: missing.body.data }, { status: 'failed', data: null });
  assert.ok(missing.body.msg);
  const malformed = await fp.call('GET', '/transaction/not-an-id');
  assert.equal(malformed.status, 404);
});

test('#23 #24 authorize then capture with overrides', async () => {
  const auth = await fp.call('POST', '/transaction', docSale({ type: 'authorize', amount: 1000, tax_amount: 0, shipping_amount: 0 }));
  assert.equal(auth.status, 200);
  assert.equal(auth.body.data.status, 'authorized');
  assert.equal(auth.body.data.amount_authorized, 1000);
  assert.equal(auth.body.data.amount_captured, 0);
  assert.equal(auth.body.data.captured_at, null);
  const id = auth.body.data.id;
  const cap = await fp.call('POST', `/transaction/${id}/capture`, { amount: 1000, tax_amount: 100, tax_exempt: false, shipping_amount: 0 });
  assert.equal(cap.status, 200);
  assert.deepEqual(cap.body, { status: 'success', msg: 'success', data: null });
  const got = (await fp.call('GET', `/transaction/${id}`)).body.data[0];
  assert.equal(got.status, 'pending_settlement');
  assert.equal(got.amount_captured, 1000);
  assert.equal(got.tax_amount, 100);
  assert.ok(got.captured_at);
  await fp.assertLedger();
});

test('#25 #26 #27 capture limits and states', async () => {
  const auth = await fp.call('POST', '/transaction', docSale({ type: 'authorize', amount: 1000, tax_amount: 0, shipping_amount: 0 }));
  const id = auth.body.data.id;
  const over = await fp.call('POST', `/transaction/${id}/capture`, { amount: 1001 });
  assert.equal(over.status, 400);
  assert.equal(over.body.status, 'failed');
  assert.equal((await fp.call('GET', `/transaction/${id}`)).body.data[0].status, 'authorized');
  const sale = await fp.call('POST', '/transaction', docSale());
  assert.equal((await fp.call('POST', `/transaction/${sale.body.data.id}/capture`, {})).status, 400);
  const empty = await fp.call('POST', `/transaction/${id}/capture`, {});
  assert.equal(empty.status, 200);
  const got = (await fp.call('GET', `/transaction/${id}`)).body.data[0];
  assert.equal(got.amount_captured, got.amount_authorized);
  assert.equal((await fp.call('POST', `/transaction/${id}/capture`, {})).status, 400, 'second capture refused');
  await fp.assertLedger();
});

test('#28 #29 void a pending sale (POST and the GET alias), refund before settlement refused', async () => {
  const sale = await fp.call('POST', '/transaction', docSale());
  const id = sale.body.data.id;
  assert.equal((await fp.call('POST', `/transaction/${id}/refund`, {})).status, 400);
  const voided = await fp.call('POST', `/transaction/${id}/void`);
  assert.equal(voided.status, 200);
  assert.deepEqual(voided.body, { status: 'success', msg: 'success', data: null });
  assert.equal((await fp.call('GET', `/transaction/${id}`)).body.data[0].status, 'voided');
  assert.equal((await fp.call('POST', `/transaction/${id}/void`)).status, 400);
  const auth = await fp.call('POST', '/transaction', docSale({ type: 'authorize' }));
  assert.equal((await fp.call('GET', `/transaction/${auth.body.data.id}/void`)).status, 200);
  assert.equal((await fp.call('GET', `/transaction/${auth.body.data.id}`)).body.data[0].status, 'voided');
  await fp.assertLedger();
});

test('#32 documented ACH sale of 10112 declines with the documented ach body', async () => {
  const body = docSale({
    amount: 10112,
    payment_method: {
      ach: {
        routing_number: '490000018',
        account_number: '999999',
        sec_code: 'ccd',
        account_type: 'checking',
        check_number: '1223',
        accountholder_authentication: { dl_state: 'IL', dl_number: 'r500123123' },
      },
    },
    billing_address: { ...(docSale().billing_address as object), email: 'user@home.com' },
    shipping_address: undefined,
  });
  const reply = await fp.call('POST', '/transaction', body);
  assert.equal(reply.status, 200);
  assert.equal(reply.body.status, 'success');
  const data = reply.body.data;
  const expected = {
    status: 'declined',
    response: 'declined',
    response_code: 200,
    payment_method: 'ach',
    payment_type: 'ach',
    processor_type: 'sage_ach',
    processor_name: 'sage11',
    amount: 10112,
    amount_authorized: 0,
    amount_captured: 0,
    amount_settled: 0,
    captured_at: null,
    settled_at: null,
    customer_id: '',
  };
  for (const [field, value] of Object.entries(expected)) assert.deepEqual(data[field], value, field);
  const ach = data.response_body.ach;
  assert.deepEqual(
    { ...ach, id: undefined, created_at: undefined, updated_at: undefined, processor_id: undefined },
    {
      id: undefined,
      sec_code: 'ccd',
      account_type: 'checking',
      masked_account_number: '99**99',
      routing_number: '490000018',
      auth_code: '',
      response: 'declined',
      response_code: 200,
      processor_response_code: 'D',
      processor_response_text: 'DECLINE CHECK   CHECK LIMIT EXCEEDED',
      processor_type: 'sage_ach',
      processor_id: undefined,
      processor_specific: { result_codes: ['Decline Message', 'Transaction Limit Exceeded'], type_codes: ['Unknown Presentment'] },
      created_at: undefined,
      updated_at: undefined,
    },
  );
  assert.equal(ach.processor_id, data.processor_id);
  assert.equal(data.billing_address.email, 'user@home.com');
  assert.deepEqual(Object.values(data.shipping_address), Array(12).fill(''));
});

test('#33 ACH 5000 approves; missing billing address or tel without check number is 400', async () => {
  const ach = { routing_number: '490000018', account_number: '999999', sec_code: 'WEB' };
  const ok = await fp.call('POST', '/transaction', docSale({ amount: 5000, payment_method: { ach } }));
  assert.equal(ok.body.data.status, 'pending_settlement');
  assert.equal(ok.body.data.response_code, 100);
  assert.equal(ok.body.data.response_body.ach.sec_code, 'web');
  assert.equal((await fp.call('POST', '/transaction', docSale({ amount: 5000, payment_method: { ach }, billing_address: undefined }))).status, 400);
  assert.equal((await fp.call('POST', '/transaction', docSale({ amount: 5000, payment_method: { ach: { ...ach, sec_code: 'tel' } } }))).status, 400);
  await fp.assertLedger();
});

test('card declines answer 200 with the declined transaction', async () => {
  const cases: Array<[string, number]> = [
    ['4000000000000002', 201],
    ['4000000000009995', 202],
    ['4000000000000069', 223],
  ];
  for (const [number, code] of cases) {
    const reply = await fp.call('POST', '/transaction', docSale({ payment_method: { card: { number, expiration_date: '12/30' } } }));
    assert.equal(reply.status, 200, number);
    assert.equal(reply.body.status, 'success');
    assert.equal(reply.body.data.status, 'declined');
    assert.equal(reply.body.data.response, 'declined');
    assert.equal(reply.body.data.response_code, code);
    assert.equal(reply.body.data.amount_authorized, 0);
    assert.equal(reply.body.data.captured_at, null);
    assert.equal(reply.body.data.response_body.card.status, 'declined');
  }
});

test('#31 bad input: failed envelope, nothing written', async () => {
  const before = (await fp.call('POST', '/transaction/search', { limit: 1 })).body.total_count;
  const bad: Array<[string, unknown]> = [
    [
      'two payment methods',
      docSale({ payment_method: { card: { number: '4111111111111111', expiration_date: '12/20' }, ach: { routing_number: '490000018', account_number: '999999', sec_code: 'ccd' } } }),
    ],
    ['no payment method', docSale({ payment_method: {} })],
    ['missing amount', docSale({ amount: undefined })],
    ['amount as string', docSale({ amount: '1112' })],
    ['zero amount', docSale({ amount: 0 })],
    ['type void', docSale({ type: 'void' })],
    ['missing type', docSale({ type: undefined })],
    ['Luhn failure', docSale({ payment_method: { card: { number: '4242424242424241', expiration_date: '12/20' } } })],
    ['missing card number', docSale({ payment_method: { card: { expiration_date: '12/20' } } })],
    ['missing expiration', docSale({ payment_method: { card: { number: '4111111111111111' } } })],
    ['bad expiration', docSale({ payment_method: { card: { number: '4111111111111111', expiration_date: '13/20' } } })],
    ['bad cvc', docSale({ payment_method: { card: { number: '4111111111111111', expiration_date: '12/20', cvc: 'abc' } } })],
    ['bad ip', docSale({ ip_address: 'not-an-ip' })],
    ['long order id', docSale({ order_id: 'x'.repeat(18) })],
    ['unknown processor', docSale({ processor_id: 'aaaaaaaaaaaaaaaaaaaa' })],
    ['bad state', docSale({ billing_address: { state: 'Illinois' } })],
    ['payment_method string', docSale({ payment_method: 'card' })],
    ['unknown token', docSale({ payment_method: { token: 'nope' } })],
    ['array body', [1, 2]],
    ['ACH without routing number', docSale({ payment_method: { ach: { account_number: '999999', sec_code: 'ccd' } } })],
    ['ACH without account number', docSale({ payment_method: { ach: { routing_number: '490000018', sec_code: 'ccd' } } })],
    ['ACH without sec_code', docSale({ payment_method: { ach: { routing_number: '490000018', account_number: '999999' } } })],
    ['ACH bad sec_code', docSale({ payment_method: { ach: { routing_number: '490000018', account_number: '999999', sec_code: 'xyz' } } })],
    ['ACH short routing', docSale({ payment_method: { ach: { routing_number: '49000', account_number: '999999', sec_code: 'ccd' } } })],
    ['vault charge without customer id', docSale({ payment_method: { customer: {} } })],
    ['terminal without id', docSale({ payment_method: { terminal: {} } })],
    ['currency not ISO', docSale({ currency: 'dollars' })],
    ['negative tax', docSale({ tax_amount: -1 })],
    ['bad adjustment type', docSale({ payment_adjustment: { type: 'bonus', value: 1 } })],
    ['email_receipt as string', docSale({ email_receipt: 'yes' })],
  ];
  for (const [name, body] of bad) {
    const reply = await fp.call('POST', '/transaction', body);
    assert.equal(reply.status, 400, name);
    assert.equal(reply.body.status, 'failed', name);
    assert.equal(reply.body.data, null, name);
    assert.ok(reply.body.msg, name);
  }
  const malformed = await fp.call('POST', '/transaction', undefined, { raw: '{"type":"sale",' });
  assert.equal(malformed.status, 400);
  assert.equal(malformed.body.status, 'failed');
  assert.ok(malformed.body.msg);
  const after = (await fp.call('POST', '/transaction/search', { limit: 1 })).body.total_count;
  assert.equal(after, before, 'nothing written');
});

test('auth: no key, unknown key, pub key → 401; another merchant sees 404', async () => {
  assert.equal((await fp.call('POST', '/transaction/search', {}, { key: null })).status, 401);
  const unknown = await fp.call('POST', '/transaction/search', {}, { key: 'api_notarealkey00000000000000000' });
  assert.equal(unknown.status, 401);
  assert.equal(unknown.body.status, 'failed');
  const sale = await fp.call('POST', '/transaction', docSale());
  const other = await fp.otherKey();
  assert.equal((await fp.call('GET', `/transaction/${sale.body.data.id}`, undefined, { key: other })).status, 404);
  assert.equal((await fp.call('POST', `/transaction/${sale.body.data.id}/void`, undefined, { key: other })).status, 404);
  const search = await fp.call('POST', '/transaction/search', {}, { key: other });
  assert.equal(search.body.total_count, 0);
});
