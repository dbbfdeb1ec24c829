// One state across doors: a customer, its address, a card and an invoice created through each live
// door are read — and changed — through the other, over HTTP, on one tenant. The field mapping is in
// each door's README. The ledger is checked after.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { verify } from '../../src/core/verify/verify.ts';
import { encodeId } from '../../src/vendors/fluidpay/ids.ts';
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
  const report = await verify(fp.server.store.services, fp.server.tenant.id);
  await fp?.close();
  assert.ok(report.ok, report.violation ?? '');
});
const fpOk = async (method: string, path: string, body?: unknown): Promise<any> => {
  const answer = await fp.call(method, path, body);
  assert.equal(answer.status, 200, `${method} ${path}: ${answer.text}`);
  return answer.body.data;
};

/** The FluidPay id of a core object, as FluidPay derives it (kind, id, creation second). */
async function fluidPayId(kind: 'customer' | 'invoice' | 'address' | 'card', table: 'customers' | 'invoices' | 'addresses' | 'payment_methods', id: number): Promise<string> {
  const row = await fp.server.store.services.db.selectFrom(table).select(['created_at']).where('id', '=', id).executeTakeFirstOrThrow();
  return encodeId(kind, id, row.created_at);
}

describe('made through ChargeOver, seen and changed through FluidPay', () => {
  let customerId: number;
  let vaultId: string;

  test('customer, its billing address and its card', async () => {
    customerId = (await coOk('POST', '/customer', { company: 'Cross Door Ltd', bill_addr1: '12 Harbour Rd', bill_city: 'Portsmouth', bill_state: 'NH', bill_postcode: '03801', bill_country: 'US' }))
      .id;
    await coOk('POST', '/creditcard', { customer_id: customerId, number: '4111111111111111', expdate_month: 9, expdate_year: 2031, name: 'Ada Cross' });
    vaultId = await fluidPayId('customer', 'customers', customerId);
    const seen = await fpOk('GET', `/vault/${vaultId}`);
    assert.equal(seen.billing_address.address_line_1, '12 Harbour Rd');
    assert.equal(seen.billing_address.city, 'Portsmouth');
    assert.equal(seen.billing_address.postal_code, '03801');
    assert.equal(seen.payment_method.card.last_four, '1111', 'the first card is the default in every door');
    assert.equal(seen.payment_method.card.expiration_date, '09/31');
  });

  test('FluidPay changes the address; ChargeOver shows the change', async () => {
    const seen = await fpOk('GET', `/vault/${vaultId}`);
    await fpOk('POST', `/customer/${vaultId}/address/${seen.billing_address.id}`, { city: 'Dover', postal_code: '03820' });
    const customer = await coOk('GET', `/customer/${customerId}`);
    assert.equal(customer.bill_city, 'Dover');
    assert.equal(customer.bill_postcode, '03820');
    assert.equal(customer.bill_addr1, '12 Harbour Rd');
  });

  test('an invoice: FluidPay reads it with the same figures, and its update keeps ChargeOver’s fields', async () => {
    const item = (await coOk('POST', '/item', { name: 'Consulting', type: 'service', pricemodel: { base: 100 } })).id;
    const invoiceId = (await coOk('POST', '/invoice', { customer_id: customerId, custom_1: 'PO-77', line_items: [{ item_id: item, line_rate: 120, line_quantity: 2 }] })).id;
    const fpId = await fluidPayId('invoice', 'invoices', invoiceId);
    const seen = await fpOk('GET', `/invoice/${fpId}`);
    assert.equal(seen.total, 24000);
    assert.equal(seen.amount_due, 24000);
    assert.equal(seen.items.length, 1);
    assert.equal(seen.items[0].amount, 24000);
    assert.equal(seen.bill_to.city, 'Dover', "the customer's billing address");
    const listed = await fp.call('POST', '/invoices/search', { id: { operator: '=', value: fpId } });
    assert.equal(listed.body.total_count, 1);

    await fpOk('POST', `/invoice/${fpId}`, { ...seen, items: [{ ...seen.items[0], unit_price: 15000, quantity: 2 }] });
    const after = await coOk('GET', `/invoice/${invoiceId}`);
    assert.equal(after.total, 300);
    assert.equal(after.custom_1, 'PO-77', "ChargeOver's own field survives FluidPay's update");
  });
});

describe('made through FluidPay, seen and changed through ChargeOver', () => {
  let customerId: number;
  let vaultId: string;

  test('vault customer with a card and a billing address', async () => {
    const made = await fpOk('POST', '/vault/customer', {
      description: 'from fluidpay',
      payment_method: { card: { card_number: '4012888888881881', expiration_date: '10/30' } },
      billing_address: {
        first_name: 'Grace',
        last_name: 'Vault',
        company: 'Vault Co',
        address_line_1: '9 Quay St',
        city: 'Bristol',
        state: 'RI',
        postal_code: '02809',
        country: 'US',
        email: 'grace@vault.example',
      },
    });
    vaultId = made.id;
    const customers = await coOk('GET', `/customer?where=company:EQUALS:Vault Co`);
    assert.equal(customers.length, 1);
    customerId = customers[0].customer_id;
    assert.equal(customers[0].bill_addr1, '9 Quay St');
    assert.equal(customers[0].bill_city, 'Bristol');
    const cards = await coOk('GET', `/creditcard?where=customer_id:EQUALS:${customerId}`);
    assert.equal(cards.length, 1);
    assert.match(cards[0].mask_number, /1881$/);
  });

  test('ChargeOver changes the billing address; FluidPay shows the change', async () => {
    await coOk('PUT', `/customer/${customerId}`, { bill_city: 'Newport', bill_postcode: '02840' });
    const seen = await fpOk('GET', `/vault/${vaultId}`);
    assert.equal(seen.billing_address.city, 'Newport');
    assert.equal(seen.billing_address.postal_code, '02840');
    assert.equal(seen.billing_address.address_line_1, '9 Quay St');
  });

  test('ChargeOver pays an invoice FluidPay sent, with the card FluidPay vaulted', async () => {
    const invoice = await fpOk('POST', '/invoice', {
      currency: 'USD',
      bill_to: { id: (await fpOk('GET', `/vault/${vaultId}`)).billing_address.id },
      date_due: '2030-01-31T00:00:00Z',
      items: [{ name: 'Widget', description: 'Widget', quantity: 3, unit_price: 2500, taxable: false }],
    });
    const ids = await coOk('GET', `/invoice?where=customer_id:EQUALS:${customerId}`);
    assert.equal(ids.length, 1);
    assert.equal(ids[0].total, 75);
    await coOk('POST', `/invoice/${ids[0].invoice_id}?action=pay`, {});
    const after = await fpOk('GET', `/invoice/${invoice.id}`);
    assert.equal(after.amount_due, 0);
    assert.equal(after.status, 'paid');
  });
});
