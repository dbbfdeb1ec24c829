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

const party = (company: string) => ({
  id: null,
  first_name: 'First',
  last_name: 'Last',
  company,
  address_line_1: '123 Some St',
  address_line_2: '',
  city: 'Some City',
  state: 'IL',
  postal_code: '60000',
  country: 'US',
  phone: '5555555555',
  fax: '5555555555',
  email: 'info@somewebsite.com',
});
const docInvoice = (overrides: Record<string, unknown> = {}) => ({
  id: '',
  currency: 'USD',
  company_name: 'ACME Inc.',
  company_logo_url: '',
  customer_number: '123Customer',
  payable_to: party('Merchant Business'),
  bill_to: party('Some Business'),
  created_at: '',
  date_due: '2019-02-13T06:00:00.000Z',
  items: [
    {
      id: '',
      name: 'Widget',
      description: 'A widget for processors',
      quantity: 1,
      quantity_shipped: 0,
      unit_of_measure: '',
      unit_price: 100,
      discount: 0,
      discount_type: '$',
      taxable: false,
      local_tax: '0',
      national_tax: '0',
      tax_rate: '0',
      amount: 0,
      status: 'pending',
    },
  ],
  advanced_fields: false,
  subtotal: 0,
  tax_percent: '0.00',
  tax: 0,
  total: 0,
  amount_paid: 0,
  adjustment: 0,
  amount_due: 0,
  status: 'pending',
  message: 'Thank you for your business!',
  send_via: 'none',
  last_sent_at: '',
  public_url: '',
  hosted_url: '',
  payment_methods: ['card'],
  card_processor_id: 'bhi5qa5o3hogms88jojg',
  ach_processor_id: '',
  ...overrides,
});

test('#63 #65 #66 #67 the documented invoice: create, update, search, delete', async () => {
  const created = await fp.call('POST', '/invoice', docInvoice());
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const inv = created.body.data;
  assert.match(inv.id, XID);
  assert.match(inv.items[0].id, XID);
  for (const [field, value] of Object.entries({
    subtotal: 100,
    tax: 0,
    total: 100,
    amount_paid: 0,
    amount_due: 100,
    status: 'pending',
    last_sent_at: '0001-01-01T00:00:00Z',
    date_due: '2019-02-13T06:00:00Z',
    currency: 'USD',
    company_name: 'ACME Inc.',
    customer_number: '123Customer',
    tax_percent: '0.00',
    reject_message: '',
    send_via: 'none',
    message: 'Thank you for your business!',
  })) {
    assert.deepEqual(inv[field], value, field);
  }
  assert.equal(inv.items[0].amount, 100);
  assert.equal(inv.items[0].tax_amount, 0);
  assert.equal(inv.items[0].name, 'Widget');
  assert.equal(inv.items[0].status, 'pending');
  assert.equal(inv.payable_to.id, '');
  assert.equal(inv.bill_to.company, 'Some Business');
  assert.match(inv.public_url, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.ok(inv.hosted_url.endsWith(`/invoice/${inv.public_url}`));
  assert.deepEqual(inv.payment_methods, ['card']);
  assert.deepEqual((await fp.call('GET', `/invoice/${inv.id}`)).body.data, inv);
  // #65
  await new Promise((resolve) => setTimeout(resolve, 5));
  const updated = (await fp.call('POST', `/invoice/${inv.id}`, docInvoice({ message: 'new', items: [{ ...docInvoice().items[0], id: inv.items[0].id }] }))).body.data;
  assert.equal(updated.message, 'new');
  assert.equal(updated.created_at, inv.created_at);
  assert.ok(updated.updated_at > inv.updated_at);
  assert.equal(updated.public_url, inv.public_url);
  assert.equal(updated.items[0].id, inv.items[0].id, 'items keep their ids');
  // #66
  const found = await fp.call('POST', '/invoices/search', {
    amount_due: { operator: '=', value: 100 },
    date_due: { start_date: '2019-02-12T00:00:00Z', end_date: '2019-02-14T23:59:59Z' },
    limit: 10,
    offset: 0,
  });
  assert.equal(found.status, 200);
  assert.ok(found.body.total_count >= 1);
  assert.ok(found.body.data.some((i: any) => i.id === inv.id));
  assert.equal((await fp.call('POST', '/invoices/search', { amount_due: { operator: '>', value: 100 } })).body.total_count, 0);
  assert.equal((await fp.call('POST', '/invoices/search', { date_due: { start_date: '2020-01-01T00:00:00Z' } })).body.total_count, 0);
  assert.equal((await fp.call('POST', '/invoices/search', { id: { operator: '=', value: inv.id } })).body.total_count, 1);
  assert.equal((await fp.call('POST', '/invoices/search', { amount_due: { operator: '!=', value: 100 } })).status, 400);
  // #67
  const deleted = await fp.call('DELETE', `/invoice/${inv.id}`);
  assert.equal(deleted.status, 200);
  assert.deepEqual(deleted.body, { status: 'success', msg: 'success' });
  assert.equal((await fp.call('GET', `/invoice/${inv.id}`)).status, 404);
  assert.equal((await fp.call('POST', '/invoices/search', { id: { operator: '=', value: inv.id } })).body.total_count, 0);
  const other = await fp.otherKey();
  const mine = (await fp.call('POST', '/invoice', docInvoice())).body.data;
  assert.equal((await fp.call('GET', `/invoice/${mine.id}`, undefined, { key: other })).status, 404, '#68');
  await fp.assertLedger();
});

test('#64 percent discounts and invoice-level tax', async () => {
  const inv = (await fp.call('POST', '/invoice', docInvoice({ tax_percent: '10.00', items: [{ name: 'Two', quantity: 2, unit_price: 250, discount: 10, discount_type: '%', taxable: false }] }))).body
    .data;
  assert.equal(inv.items[0].amount, 450);
  assert.equal(inv.subtotal, 450);
  assert.equal(inv.tax, 45);
  assert.equal(inv.total, 495);
  assert.equal(inv.amount_due, 495);
  const sent = (await fp.call('POST', '/invoice', docInvoice({ send_via: 'email' }))).body.data;
  assert.notEqual(sent.last_sent_at, '0001-01-01T00:00:00Z');
});

test('invoice bad input', async () => {
  assert.equal((await fp.call('POST', '/invoice', docInvoice({ date_due: 'tomorrow' }))).status, 400);
  assert.equal((await fp.call('POST', '/invoice', docInvoice({ send_via: 'fax' }))).status, 400);
  assert.equal((await fp.call('POST', '/invoice', docInvoice({ items: [{ quantity: 'two' }] }))).status, 400);
  assert.equal((await fp.call('POST', '/invoice', docInvoice({ bill_to: { ...party('x'), id: 'aaaaaaaaaaaaaaaaaaaa' } }))).status, 400);
  assert.equal((await fp.call('POST', '/invoice', docInvoice({ tax_percent: 'ten' }))).status, 400);
});

test('invoice-level tax and adjustment are core figures, exact in integers', async () => {
  // 3000 × 1.15 % = 34.5 exactly, so 35 (half away from zero); the old float arithmetic
  // (3000 * 1.15 = 3449.9999999999995) showed 34 while the core total had no tax at all.
  const exact = (await fp.call('POST', '/invoice', docInvoice({ tax_percent: '1.15', items: [{ name: 'Float trap', quantity: 1, unit_price: 3000 }] }))).body.data;
  assert.deepEqual([exact.subtotal, exact.tax, exact.total, exact.amount_due, exact.tax_percent], [3000, 35, 3035, 3035, '1.15']);
  // Item tax (taxable items only) and invoice-level tax both count; the adjustment is added untaxed.
  const mixed = (
    await fp.call(
      'POST',
      '/invoice',
      docInvoice({
        tax_percent: '10',
        adjustment: -125,
        items: [
          { name: 'Taxed', quantity: 2, unit_price: 333, taxable: true, tax_rate: '5' },
          { name: 'Untaxed', quantity: 1, unit_price: 1000, taxable: false, tax_rate: '5' },
        ],
      }),
    )
  ).body.data;
  // 666 with 5 % = 33.3 → 33; 1000 untaxed; subtotal 1666; 10 % = 166.6 → 167; tax 200; total 1666 + 200 − 125.
  assert.deepEqual(
    [mixed.items[0].tax_amount, mixed.items[1].tax_amount, mixed.items[1].tax_rate, mixed.subtotal, mixed.tax, mixed.adjustment, mixed.total, mixed.tax_percent],
    [33, 0, '5', 1666, 200, -125, 1741, '10.00'],
  );
  assert.equal((await fp.call('POST', '/invoices/search', { amount_due: { operator: '=', value: 1741 } })).body.total_count, 1, 'search reads the core balance');
  // Updating the adjustment moves the total, and the ledger with it.
  const moved = (await fp.call('POST', `/invoice/${mixed.id}`, docInvoice({ tax_percent: '10', adjustment: 0, items: mixed.items }))).body.data;
  assert.deepEqual([moved.adjustment, moved.total, moved.amount_due], [0, 1866, 1866]);
  await fp.assertLedger();
});

test('invoice totals that cannot be: a negative total, a discount above the item', async () => {
  const negative = await fp.call('POST', '/invoice', docInvoice({ adjustment: -101 }));
  assert.equal(negative.status, 400);
  assert.match(negative.body.msg, /negative/);
  assert.equal((await fp.call('POST', '/invoice', docInvoice({ items: [{ name: 'x', quantity: 1, unit_price: 100, discount: 101, discount_type: '%' }] }))).status, 400);
  assert.equal((await fp.call('POST', '/invoice', docInvoice({ items: [{ name: 'x', quantity: 1, unit_price: 100, discount: 101 }] }))).status, 400);
  assert.equal((await fp.call('POST', '/invoice', docInvoice({ adjustment: -100 }))).body.data.total, 0, 'a zero total is fine');
  await fp.assertLedger();
});
