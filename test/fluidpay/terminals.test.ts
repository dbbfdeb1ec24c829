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

test('#62 GET /terminals lists the seeded devices, inactive included', async () => {
  const reply = await fp.call('GET', '/terminals');
  assert.equal(reply.status, 200);
  assert.equal(reply.body.msg, 'success'); // fluidpay-v2 §5.1
  assert.equal(reply.body.total_count, reply.body.data.length);
  assert.ok(reply.body.data.length >= 2);
  for (const t of reply.body.data) {
    assert.match(t.id, XID);
    for (const field of ['manufacturer', 'model', 'serial_number', 'tpn', 'status']) assert.equal(typeof t[field], 'string', field);
    assert.equal(typeof t.auto_settle, 'boolean');
    assert.match(t.settle_at, /^\d{2}:\d{2}:\d{2}$/);
  }
  assert.deepEqual(reply.body.data.map((t: any) => t.status).sort(), ['active', 'inactive']);
  assert.equal((await fp.call('POST', '/terminals')).body.total_count, reply.body.total_count);
});

test('#34 terminal sale reproduces the documented terminal body', async () => {
  const terminals = (await fp.call('GET', '/terminals')).body.data;
  const active = terminals.find((t: any) => t.status === 'active');
  const inactive = terminals.find((t: any) => t.status === 'inactive');
  const sale = await fp.call('POST', '/transaction', {
    type: 'sale',
    amount: 500,
    tax_amount: 100,
    shipping_amount: 100,
    order_id: 'someOrderID',
    payment_method: { terminal: { id: active.id, expiration_date: '12/20', cvc: '999', print_receipt: 'Both', signature_required: true } },
  });
  assert.equal(sale.status, 200, JSON.stringify(sale.body));
  const data = sale.body.data;
  for (const [field, value] of Object.entries({
    status: 'pending_settlement',
    response: 'approved',
    response_code: 100,
    payment_method: 'terminal',
    payment_type: '',
    processor_id: '',
    processor_type: '',
    amount_authorized: 500,
    amount_captured: 500,
    amount_settled: 0,
    settled_at: null,
  })) {
    assert.deepEqual(data[field], value, field);
  }
  assert.ok(data.captured_at);
  const t = data.response_body.terminal;
  assert.deepEqual(Object.keys(data.response_body), ['terminal']);
  assert.equal(t.response_code, 100);
  assert.equal(t.card_type, 'mastercard');
  assert.equal(t.payment_type, 'credit');
  assert.equal(t.entry_type, 'swiped');
  assert.equal(t.first_four, '5424');
  assert.equal(t.last_four, '3333');
  assert.equal(t.masked_card, '5424********3333');
  assert.equal(t.cardholder_name, 'FDCS TEST CARD /MASTERCARD');
  assert.equal(t.processor_specific.TotalAmt, '5.00');
  assert.equal(t.processor_specific.InvNum, 'someOrderID');
  assert.equal(Object.keys(t.processor_specific).length, 26);
  for (const value of Object.values(t.processor_specific)) assert.equal(typeof value, 'string');
  assert.equal((await fp.call('POST', '/transaction', { type: 'sale', amount: 500, payment_method: { terminal: { id: inactive.id } } })).status, 400);
  assert.equal((await fp.call('POST', '/transaction', { type: 'sale', amount: 500, payment_method: { terminal: { id: '1ucio551tlv85l7moe5s' } } })).status, 400);
  const found = await fp.call('POST', '/transaction/search', { payment_method: { operator: '=', value: 'terminal' } });
  assert.equal(found.body.total_count, 1);
  await fp.assertLedger();
});
