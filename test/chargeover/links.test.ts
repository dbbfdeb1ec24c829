// url_* links resolve on this server: public pages by token, the PDF answers 501 for now, the
// one-time portal login works once, url_self answers the object to an authenticated caller.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createCustomer, okBody, startChargeOver, type CoClient } from './helpers.ts';

let co: CoClient;
before(async () => {
  co = await startChargeOver();
});
after(async () => co.close());

test('invoice, customer and user links', async () => {
  const item = okBody(await co.post('/item', { name: 'Link item', pricemodel: { base: 3 } }), 201).id;
  const c = await createCustomer(co, { company: 'Linked', superuser_name: 'Lin Ked', superuser_email: 'link@example.com' });
  const i = okBody(await co.post('/invoice', { customer_id: c, line_items: [{ item_id: item }] }), 201).id;
  const inv = okBody(await co.get(`/invoice/${i}`));
  const cust = okBody(await co.get(`/customer/${c}`));
  for (const url of [inv.url_permalink, inv.url_paylink, cust.url_paymethodlink, cust.url_statementlink]) {
    const response = await fetch(url);
    assert.equal(response.status, 200, url);
  }
  assert.equal((await fetch(inv.url_pdflink)).status, 501);
  assert.equal((await fetch(inv.url_permalink.replace(inv.token, 'zzzzzzzzzzzz'))).status, 404);
  assert.equal((await fetch(inv.url_self)).status, 401);
  const self = await fetch(inv.url_self, { headers: { authorization: `Basic ${Buffer.from(`${co.publicKey}:${co.privateKey}`).toString('base64')}` } });
  assert.equal(self.status, 200);
  assert.equal(((await self.json()) as any).response.invoice_id, i);
  assert.equal((await fetch(`${co.base}/r/invoice/view/${String(inv.token)}`)).status, 401);
  const login = okBody(await co.post(`/user/${cust.superuser_id}?action=getLoginURL`));
  assert.equal((await fetch(login)).status, 200);
  assert.equal((await fetch(login)).status, 404);
});

test('the permalink and pay page of a paid invoice say paid, not open', async () => {
  const item = okBody(await co.post('/item', { name: 'Paid link item', pricemodel: { base: 7 } }), 201).id;
  const c = await createCustomer(co, { company: 'Paid Link' });
  const i = okBody(await co.post('/invoice', { customer_id: c, line_items: [{ item_id: item }] }), 201).id;
  const inv = okBody(await co.get(`/invoice/${i}`));
  const before = (await (await fetch(inv.url_permalink)).json()) as any;
  assert.equal(before.status, 'open');
  okBody(await co.post('/transaction', { customer_id: c, transaction_type: 'pay', gateway_method: 'check', amount: 7, applied_to: [{ invoice_id: i }] }), 201);
  assert.equal(okBody(await co.get(`/invoice/${i}`)).invoice_status_str, 'closed-paid');
  for (const url of [inv.url_permalink, inv.url_paylink]) {
    const page = (await (await fetch(url)).json()) as any;
    assert.equal(page.status, 'paid', url);
    assert.equal(page.invoice_status_str, 'closed-paid', url);
    assert.equal(page.balance_minor, 0, url);
  }
});
