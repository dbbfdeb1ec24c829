// Conformance cases 28-36, 46-48, 57 (spec 5): invoices, line items, totals, void, email, schedules.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createCustomer, errorBody, okBody, startChargeOver, type CoClient } from './helpers.ts';

let co: CoClient;
let C = 0;
let I = 0;
let L1 = 0;
const items: Record<string, number> = {};
before(async () => {
  co = await startChargeOver();
  for (const name of ['307', '293', '3']) items[name] = okBody(await co.post('/item', { name: `Item ${name}`, type: 'service', pricemodel: { base: 10, paycycle: 'evy', pricemodel: 'fla' } }), 201).id;
  C = await createCustomer(co, { company: 'Invoice Co', external_key: 'abcd3325', superuser_name: 'Pay Er', superuser_email: 'payer@example.com' });
});
after(async () => co.close());

const body = () => ({
  customer_id: C,
  bill_addr1: '72 E Blue Grass Road',
  bill_city: 'Willington',
  bill_state: 'Connecticut',
  bill_postcode: '06279',
  line_items: [
    { item_id: items['307'], descrip: 'My description goes here', line_rate: 29.95, line_quantity: 12 },
    { item_id: items['293'], descrip: 'Another description', line_rate: 12.95, line_quantity: 2 },
  ],
});

test('28-30: create an invoice, read it with lines, list without lines', async () => {
  const answer = await co.post('/invoice', body());
  I = okBody(answer, 201).id;
  assert.ok(answer.headers.get('location')?.endsWith(`/api/v3/invoice/${I}`));
  const inv = okBody(await co.get(`/invoice/${I}`));
  assert.equal(inv.line_items.length, 2);
  assert.ok(inv.line_items.every((l: any) => Number.isInteger(l.line_item_id)));
  L1 = inv.line_items[0].line_item_id;
  assert.deepEqual(
    inv.line_items.map((l: any) => l.line_total),
    [359.4, 25.9],
  );
  assert.deepEqual([inv.subtotal, inv.total, inv.balance, inv.payments, inv.is_paid, inv.is_void], [385.3, 385.3, 385.3, 0, false, false]);
  assert.equal(inv.invoice_status_state, 'o');
  assert.ok(['open-unpaid', 'open-overdue'].includes(inv.invoice_status_str));
  assert.equal(inv.refnumber, String(I));
  assert.ok(inv.url_permalink.endsWith(`/r/invoice/view/${inv.token}`) && inv.url_paylink.endsWith(`/r/trans/pay/${inv.token}`) && inv.url_pdflink.endsWith(`/r/invoice/pdf/${inv.token}`));
  assert.equal(inv.customer_id, C);
  assert.equal(inv.due_date, inv.date);
  assert.equal(inv.bill_block, '72 E Blue Grass Road\r\nWillington, Connecticut 06279');
  for (const path of ['/invoice', `/invoice?where=invoice_id:EQUALS:${I}`]) {
    const list = okBody(await co.get(path));
    assert.ok(list.length >= 1 && list.every((x: any) => !('line_items' in x)));
  }
});

test('31-32: validation and customer references', async () => {
  errorBody(await co.post('/invoice', { customer_id: C }), 400);
  errorBody(await co.post('/invoice', { customer_id: C, line_items: [{ item_id: 999999, line_rate: 1 }] }), 400);
  errorBody(await co.post('/invoice', { customer_id: 99999999, line_items: [{ item_id: items['3'], line_rate: 1 }] }), 400);
  errorBody(await co.post('/invoice', { customer_id: C, line_items: [{ item_id: items['3'], line_rate: 'abc' }] }), 400);
  errorBody(await co.post('/invoice', { customer_id: C, date: '2015-13-45', line_items: [{ item_id: items['3'] }] }), 400);
  const before = okBody(await co.get('/invoice/_count'));
  const a = okBody(await co.post('/invoice', { customer_external_key: 'abcd3325', line_items: [{ item_id: items['3'], line_rate: 5, line_quantity: 1 }] }), 201).id;
  assert.equal(okBody(await co.get(`/invoice/${a}`)).customer_id, C);
  const token = okBody(await co.get(`/customer/${C}`)).token;
  const b = okBody(await co.post('/invoice', { customer_token: token, line_items: [{ item_id: items['3'], line_rate: 5 }] }), 201).id;
  assert.equal(okBody(await co.get(`/invoice/${b}`)).customer_id, C);
  assert.equal(okBody(await co.get('/invoice/_count')), before + 2);
  okBody(await co.post(`/invoice/${a}?action=void`));
  okBody(await co.post(`/invoice/${b}?action=void`));
});

test('33-35: update keeps listed lines, adds new ones, drops the rest; totals follow', async () => {
  assert.deepEqual(
    okBody(await co.put(`/invoice/${I}`, { line_items: [{ item_id: items['3'], line_rate: 29.95, line_quantity: 3, descrip: 'Add this new line item to the invoice.' }, { line_item_id: L1 }] }), 202),
    { id: I },
  );
  const inv = okBody(await co.get(`/invoice/${I}`));
  assert.equal(inv.line_items.length, 2);
  assert.ok(inv.line_items.some((l: any) => l.line_item_id === L1));
  assert.ok(inv.line_items.some((l: any) => l.line_total === 89.85 && l.line_item_id !== L1));
  assert.equal(inv.total, 449.25);
  assert.deepEqual(okBody(await co.put(`/invoice/${I}`, { date: '2015-06-08', terms_id: 2 }), 202), { id: I });
  const dated = okBody(await co.get(`/invoice/${I}`));
  assert.deepEqual([dated.date, dated.due_date, dated.terms_name, dated.line_items.length], ['2015-06-08', '2015-07-08', 'Net 30', 2]);
  errorBody(await co.put(`/invoice/${I}`, { date: 'June' }), 400);
  errorBody(await co.put(`/invoice/${I}`, { line_items: [{ line_item_id: 424242 }] }), 400);
  errorBody(await co.put(`/invoice/${I}`, { line_items: [] }), 400);
  const open = okBody(await co.get(`/invoice?where=customer_id:EQUALS:${C},invoice_status_state:EQUALS:o&limit=1000`));
  assert.ok(open.some((x: any) => x.invoice_id === I) && open.every((x: any) => x.customer_id === C && x.invoice_status_state === 'o'));
  const c = okBody(await co.get(`/customer/${C}`));
  assert.deepEqual([c.total, c.balance, c.paid], [449.25, 449.25, 0]);
  assert.ok(okBody(await co.get(`/invoice?where=line_items.item_id:EQUALS:${items['3']}`)).some((x: any) => x.invoice_id === I));
});

test('36: a customer with an open invoice cannot be deleted', async () => {
  errorBody(await co.del(`/customer/${C}`), 400);
});

test('46-48: void, email, schedule and unschedule', async () => {
  const other = await createCustomer(co, { company: 'Void Co', superuser_email: 'void@example.com', superuser_name: 'Vo Id' });
  const I5 = okBody(await co.post('/invoice', { customer_id: other, line_items: [{ item_id: items['3'], line_rate: 15.95 }] }), 201).id;
  assert.equal(okBody(await co.post(`/invoice/${I5}?action=email`, { email: 'johndoe@send-invoice-to.com', from: 'you@your-company.com', message_id: '1' })), true);
  assert.equal(okBody(await co.post(`/invoice/${I5}?action=email`, {})), true);
  const mail = (await co.server.admin('/_admin/tenants/acme/outbox')).body.messages;
  assert.ok(mail.some((m: any) => m.recipient === 'johndoe@send-invoice-to.com') && mail.some((m: any) => m.recipient === 'void@example.com'));
  assert.deepEqual((await co.post(`/invoice/${I5}?action=schedule`, { schedule: [{ amount: 10, date: '2030-10-28', paymethod: 'any' }] })).body, {
    code: 200,
    status: 'OK',
    message: '',
    details: {},
    response: true,
  });
  errorBody(await co.post(`/invoice/${I5}?action=schedule`, { schedule: [{ amount: 100, date: '2030-10-28' }] }), 400);
  errorBody(await co.post(`/invoice/${I5}?action=schedule`, { schedule: [{ amount: 1, date: '2030-10-28', paymethod: 'cash' }] }), 400);
  errorBody(await co.post(`/invoice/${I5}?action=schedule`, { schedule: [] }), 400);
  assert.equal(okBody(await co.post(`/invoice/${I5}?action=unschedule`)), true);
  assert.equal(okBody(await co.post(`/invoice/${I5}?action=void`)), true);
  const inv = okBody(await co.get(`/invoice/${I5}`));
  assert.deepEqual([inv.is_void, inv.balance, inv.invoice_status_str, inv.invoice_status_state], [true, 0, 'closed-void', 'c']);
  assert.ok(inv.void_datetime);
  errorBody(await co.post(`/invoice/${I5}?action=void`), 400);
  assert.equal(okBody(await co.del(`/customer/${other}`)), true);
});

test('57: date ranges', async () => {
  const d = await createCustomer(co, { company: 'Dates' });
  const x = okBody(await co.post('/invoice', { customer_id: d, date: '2015-02-03', line_items: [{ item_id: items['3'], line_rate: 1 }] }), 201).id;
  okBody(await co.post('/invoice', { customer_id: d, date: '2015-02-07', line_items: [{ item_id: items['3'], line_rate: 1 }] }), 201);
  const found = okBody(await co.get('/invoice?where=date:GTE:2015-02-01,date:LTE:2015-02-05'));
  assert.deepEqual(
    found.map((i: any) => i.invoice_id),
    [x],
  );
  const inv = okBody(await co.get(`/invoice/${x}`));
  assert.deepEqual([inv.invoice_status_str, inv.is_overdue, inv.invoice_status_name], ['open-overdue', true, 'Overdue']);
  assert.equal(okBody(await co.get(`/customer/${d}`)).customer_status_str, 'active-overdue');
});
