// An invoice created through FluidPay is one core invoice: ChargeOver lists and reads it with the
// same figures (per-currency exponents included), pays it, updates it without wiping FluidPay's
// fields (and FluidPay's update keeps ChargeOver's), and its recipient is one customer, not one per
// invoice. Both doors on one tenant, over HTTP, with the ledger checked after.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeId } from '../../src/vendors/fluidpay/ids.ts';
import { startFluidPay, type FluidPayClient } from '../fluidpay/client.ts';
import { chargeOverOn, type ChargeOverOn } from './helpers.ts';

let fp: FluidPayClient;
let coOk: ChargeOverOn['ok'];

before(async () => {
  fp = await startFluidPay();
  const chargeOver = await chargeOverOn(fp.server);
  coOk = chargeOver.ok;
});
after(async () => {
  await fp?.close();
});

const billTo = (email: string) => ({
  id: null,
  first_name: 'Rita',
  last_name: 'Recipient',
  company: 'Recipient Co',
  address_line_1: '1 Main St',
  address_line_2: '',
  city: 'Springfield',
  state: 'IL',
  postal_code: '62701',
  country: 'US',
  phone: '5551234567',
  fax: '',
  email,
});

async function fluidPayInvoice(body: Record<string, unknown>): Promise<any> {
  const reply = await fp.call('POST', '/invoice', { currency: 'USD', date_due: '2030-02-13T06:00:00Z', bill_to: billTo('rita@example.com'), payable_to: { id: null }, ...body });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return reply.body.data;
}

const internalId = (fluidPayId: string): number => decodeId('invoice', fluidPayId)!.id;

test('a FluidPay invoice is listed and read by ChargeOver with the same totals', async () => {
  const inv = await fluidPayInvoice({
    tax_percent: '7.125',
    adjustment: 250,
    items: [
      { name: 'Widget', quantity: 3, unit_price: 1999, discount: 10, discount_type: '%', taxable: true, tax_rate: '8.25' },
      { name: 'Setup', quantity: 1, unit_price: 5000, discount: 500, discount_type: '$', taxable: false },
    ],
  });
  // 3 × 1999 = 5997, 10 % = 599.7 → 600, amount 5397, item tax 8.25 % = 445.25 → 445;
  // 5000 − 500 = 4500; subtotal 9897; invoice tax 7.125 % of 9897 = 705.16 → 705; tax 1150;
  // total 9897 + 1150 + 250 = 11297.
  assert.deepEqual(
    [inv.items[0].amount, inv.items[0].tax_amount, inv.items[1].amount, inv.subtotal, inv.tax, inv.adjustment, inv.total, inv.amount_due],
    [5397, 445, 4500, 9897, 1150, 250, 11297, 11297],
  );
  assert.equal(inv.tax_percent, '7.125');
  const id = internalId(inv.id);
  const listed = (await coOk('GET', '/invoice?limit=500')) as any[];
  const row = listed.find((x) => x.invoice_id === id);
  assert.ok(row, 'ChargeOver lists the FluidPay invoice');
  assert.deepEqual([row.subtotal, row.taxes, row.total, row.balance, row.is_void], [98.97, 11.5, 112.97, 112.97, false]);
  assert.equal(row.invoice_status_str, 'open-unpaid');
  const one = await coOk('GET', `/invoice/${id}`);
  assert.deepEqual(
    one.line_items.map((l: any) => [l.line_quantity, l.line_rate, l.line_subtotal, l.tax_total]),
    [
      [3, 19.99, 53.97, 4.45],
      [1, 50, 45, 0],
    ],
  );
  assert.equal(one.total, inv.total / 100);
  await fp.assertLedger();
});

test('the recipient is one customer for its invoices, marked as made for an invoice', async () => {
  const first = await fluidPayInvoice({ items: [{ name: 'A', quantity: 1, unit_price: 100 }] });
  const second = await fluidPayInvoice({ bill_to: billTo('RITA@example.com'), items: [{ name: 'B', quantity: 1, unit_price: 200 }] });
  const [a, b] = [await coOk('GET', `/invoice/${internalId(first.id)}`), await coOk('GET', `/invoice/${internalId(second.id)}`)];
  assert.equal(a.customer_id, b.customer_id, 'the same e-mail bills the same recipient customer');
  const customer = await coOk('GET', `/customer/${a.customer_id}`);
  assert.equal(customer.company, 'Recipient Co');
  assert.equal(customer.bill_city, 'Springfield');
  const stored = await fp.server.store.services.db.selectFrom('customers').select(['invoice_recipient']).where('id', '=', a.customer_id).executeTakeFirstOrThrow();
  assert.equal(stored.invoice_recipient, 1);
  // A customer a client registered is never joined by an address typed on an invoice.
  const registered = await coOk('POST', '/customer', { company: 'Registered', email: 'reg@example.com' });
  const third = await fluidPayInvoice({ bill_to: billTo('reg@example.com'), items: [{ name: 'C', quantity: 1, unit_price: 300 }] });
  assert.notEqual((await coOk('GET', `/invoice/${internalId(third.id)}`)).customer_id, registered.id);
  // Without an e-mail nothing identifies the recipient: a customer of its own.
  const anonymous = await fluidPayInvoice({ bill_to: billTo(''), items: [{ name: 'D', quantity: 1, unit_price: 400 }] });
  assert.notEqual((await coOk('GET', `/invoice/${internalId(anonymous.id)}`)).customer_id, a.customer_id);
  await fp.assertLedger();
});

test("paid through ChargeOver, FluidPay shows what was paid; each door keeps the other door's fields on update", async () => {
  const inv = await fluidPayInvoice({ message: 'Thanks', items: [{ name: 'Consulting', quantity: 2, unit_price: 5000 }] });
  const id = internalId(inv.id);
  const { customer_id: customerId } = await coOk('GET', `/invoice/${id}`);
  await coOk('POST', '/transaction', { customer_id: customerId, gateway_method: 'check', transaction_type: 'pay', amount: 40, applied_to: [{ invoice_id: id }] });
  let seen = (await fp.call('GET', `/invoice/${inv.id}`)).body.data;
  assert.deepEqual([seen.amount_paid, seen.amount_due, seen.status], [4000, 6000, 'partially_paid']);
  // ChargeOver's update adds its fields; FluidPay's stay.
  await coOk('PUT', `/invoice/${id}`, { custom_1: 'from chargeover', memo: 'a memo' });
  seen = (await fp.call('GET', `/invoice/${inv.id}`)).body.data;
  assert.deepEqual([seen.message, seen.public_url, seen.items[0].name], ['Thanks', inv.public_url, 'Consulting']);
  // FluidPay's full-object update keeps ChargeOver's namespace.
  const updated = await fp.call('POST', `/invoice/${inv.id}`, { currency: 'USD', date_due: '2030-02-13T06:00:00Z', message: 'Updated', items: [{ ...seen.items[0] }], adjustment: -500 });
  assert.equal(updated.status, 200, JSON.stringify(updated.body));
  assert.deepEqual([updated.body.data.total, updated.body.data.amount_due], [9500, 5500]);
  const co1 = await coOk('GET', `/invoice/${id}`);
  assert.deepEqual([co1.custom_1, co1.total, co1.balance], ['from chargeover', 95, 55]);
  // A total below what was paid is refused, and nothing changes.
  const refused = await fp.call('POST', `/invoice/${inv.id}`, { currency: 'USD', date_due: '2030-02-13T06:00:00Z', items: [{ ...seen.items[0], unit_price: 1000 }] });
  assert.equal(refused.status, 400);
  assert.equal((await fp.call('GET', `/invoice/${inv.id}`)).body.data.total, 9500);
  await coOk('POST', '/transaction', { customer_id: customerId, gateway_method: 'check', transaction_type: 'pay', amount: 55, applied_to: [{ invoice_id: id }] });
  seen = (await fp.call('GET', `/invoice/${inv.id}`)).body.data;
  assert.deepEqual([seen.amount_paid, seen.amount_due, seen.status], [9500, 0, 'paid']);
  await fp.assertLedger();
});

test('voided through ChargeOver or deleted through FluidPay: gone for FluidPay, void for ChargeOver', async () => {
  const voidedThere = await fluidPayInvoice({ items: [{ name: 'X', quantity: 1, unit_price: 700 }] });
  assert.equal(await coOk('POST', `/invoice/${internalId(voidedThere.id)}?action=void`), true);
  assert.equal((await fp.call('GET', `/invoice/${voidedThere.id}`)).status, 404);
  assert.equal((await fp.call('DELETE', `/invoice/${voidedThere.id}`)).status, 404);
  const deletedHere = await fluidPayInvoice({ items: [{ name: 'Y', quantity: 1, unit_price: 800 }] });
  assert.equal((await fp.call('DELETE', `/invoice/${deletedHere.id}`)).status, 200);
  const co1 = await coOk('GET', `/invoice/${internalId(deletedHere.id)}`);
  assert.deepEqual([co1.is_void, co1.balance, co1.invoice_status_str], [true, 0, 'closed-void']);
  await fp.assertLedger();
});

test('per-currency exponents: the same minor units read as yen, dollars and dinars', async () => {
  const expected: Record<string, [number, number]> = { JPY: [1235, 235], USD: [12.35, 2.35], KWD: [1.235, 0.235] };
  for (const currency of ['JPY', 'USD', 'KWD']) {
    // 1000 × 1 with 23.5 % tax = 1235 minor units in every currency.
    const inv = await fluidPayInvoice({ currency, bill_to: billTo(`${currency.toLowerCase()}@example.com`), tax_percent: '23.5', items: [{ name: 'Unit', quantity: 1, unit_price: 1000 }] });
    assert.deepEqual([inv.currency, inv.tax, inv.total], [currency, 235, 1235]);
    const co1 = await coOk('GET', `/invoice/${internalId(inv.id)}`);
    assert.deepEqual([co1.currency_iso4217, co1.total, co1.taxes], [currency, ...expected[currency]]);
  }
  await fp.assertLedger();
});
