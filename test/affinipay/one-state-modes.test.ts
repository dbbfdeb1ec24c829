// One state across doors, and the modes kept apart: a customer and card made through ChargeOver
// are a Quick Bill contact and a saved card here (and a charge on that card is the customer's
// payment there); a contact made here is a ChargeOver customer; a charge made here is in the admin
// API's event log and `verify`. A live key and a test key never see each other's objects. The door
// on its own port answers at the root, as the Ruby gem calls it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../../src/http/app.ts';
import { affiniPayDoor } from '../../src/vendors/affinipay/door.ts';
import { chargeOverOn, type ChargeOverOn } from '../cross-door/helpers.ts';
import { decodeXid } from '../../src/vendors/affinipay/ids.ts';
import { bank, card, startAffiniPay, YEAR, type AffiniPay } from './client.ts';

let ap: AffiniPay;
let co: ChargeOverOn;
let bearer: string;
before(async () => {
  ap = await startAffiniPay();
  co = await chargeOverOn(ap.server);
  bearer = await ap.accessToken('client_credentials');
});
after(async () => {
  await ap.assertLedger();
  await ap.close();
});

describe('one state with the other doors', () => {
  test('a ChargeOver customer and card: a contact and a saved card here; a charge on the card is the customer’s payment there', async () => {
    const customerId = (
      await co.ok('POST', '/customer', { company: 'Cross Door Ltd', bill_addr1: '12 Harbour Rd', bill_city: 'Portsmouth', bill_state: 'NH', bill_postcode: '03801', bill_country: 'US' })
    ).id;
    await co.ok('POST', '/creditcard', { customer_id: customerId, number: '4111111111111111', expdate_month: 9, expdate_year: 2031, name: 'Ada Cross' });
    const contacts = await ap.call('GET', '/contacts?qf=name:Cross Door', undefined, { bearer });
    assert.equal(contacts.body.total_entries, 1, contacts.text);
    const contact = contacts.body.results[0];
    assert.equal(contact.type, 'organization');
    assert.equal(contact.name, 'Cross Door Ltd');
    assert.equal(contact.addresses[0].line1, '12 Harbour Rd');
    assert.equal(contact.addresses[0].country_code, 'US');
    const cards = await ap.call('GET', '/v1/cards?page_size=100');
    const seen = cards.body.results.find((c: any) => c.number.endsWith('1111'));
    assert.ok(seen, cards.text);
    assert.equal(seen.name, 'Ada Cross');
    assert.equal(seen.exp_year, 2031);
    assert.equal(seen.card_type, 'VISA');
    const charge = await ap.call('POST', '/v1/charges', { amount: 2500, method: seen.id });
    assert.equal(charge.status, 200, charge.text);
    const payments = await co.ok('GET', `/transaction?where=customer_id:EQUALS:${customerId}`);
    assert.equal(payments.length, 1);
    assert.equal(payments[0].amount, 25);
  });

  test('a Quick Bill contact is a ChargeOver customer; its invoice is ChargeOver’s to list', async () => {
    const contact = await ap.call('POST', '/contacts', { type: 'person', first_name: 'Ellen', last_name: 'Ripley', email_addresses: [{ address: 'eripley@weyland-yutani.com' }] }, { bearer });
    // The contact is a core customer: ChargeOver finds it under the same core id.
    const decoded = decodeXid('p_', 'customer', contact.body.id);
    assert.ok(decoded);
    const found = await co.ok('GET', `/customer/${decoded.id}`);
    assert.equal(found.customer_id, decoded.id);
    const banks = await ap.call('GET', '/bank-accounts', undefined, { bearer });
    const invoice = await ap.call(
      'POST',
      '/invoices',
      {
        contact_id: contact.body.id,
        bank_account_id: banks.body[0].id,
        invoice_date: '2024-03-01',
        currency: 'USD',
        line_items: [{ description: 'Fee', rate_per_quantity: '5000', quantity: '2', rate_type: 'units' }],
        invoice_messages: [{ email_addresses: ['eripley@weyland-yutani.com'] }],
      },
      { bearer },
    );
    assert.equal(invoice.status, 200, invoice.text);
    const listed = await co.ok('GET', `/invoice?where=customer_id:EQUALS:${found.customer_id}`);
    assert.equal(listed.length, 1);
    assert.equal(listed[0].total, 100);
  });

  test('a charge here is in the admin API’s event log, and verify holds', async () => {
    const charge = await ap.call('POST', '/v1/charges', { amount: 777, method: card() });
    const events = await ap.server.admin(`/_admin/tenants/${ap.server.tenant.slug}/events?type=transaction.captured`);
    assert.equal(events.status, 200, JSON.stringify(events.body));
    assert.ok(JSON.stringify(events.body).includes('"amount":777'), 'the charge is in the core event log');
    const verify = await ap.server.admin(`/_admin/verify?tenant=${ap.server.tenant.slug}`);
    assert.equal(verify.status, 200, JSON.stringify(verify.body));
    assert.equal(verify.body.ok, true);
    void charge;
  });
});

describe('test and live modes', () => {
  test('what a live key makes, a test key never sees (and the other way round)', async () => {
    const liveCard = { ...card('4242424242424242', { exp_year: 2099 }) };
    const live = {
      charge: await ap.call('POST', '/v1/charges', { amount: 100, method: liveCard, source_id: 'live:1' }, { key: ap.lk }),
      hold: await ap.call('POST', '/v1/charges', { amount: 100, auto_capture: false, method: liveCard }, { key: ap.lk }),
      card: await ap.call('POST', '/v1/cards', { number: '4242424242424242', exp_month: 1, exp_year: 2099, reference: 'mode-ref' }, { key: ap.lk }),
      bank: await ap.call('POST', '/v1/banks', { routing_number: '000000013', account_number: '55554444' }, { key: ap.lk }),
    };
    for (const [what, reply] of Object.entries(live)) assert.equal(reply.status, 200, `${what}: ${reply.text}`);
    const signature = await ap.call('POST', `/v1/transactions/${live.charge.body.id}/sign`, { mime_type: 'chargeio/jsignature', data: '[]' }, { key: ap.lk });
    const notFound = [
      `/v1/transactions/${live.charge.body.id}`,
      `/v1/transactions/${live.hold.body.id}`,
      `/v1/cards/${live.card.body.id}`,
      `/v1/banks/${live.bank.body.id}`,
      `/v1/signatures/${signature.body.signature_id}`,
      '/v1/transactions/source-id?id=live:1',
    ];
    for (const path of notFound) assert.equal((await ap.call('GET', path)).status, 404, path);
    for (const [method, path] of [
      ['POST', `/v1/charges/${live.hold.body.id}/capture`],
      ['POST', `/v1/charges/${live.charge.body.id}/refund`],
      ['POST', `/v1/transactions/${live.charge.body.id}/void`],
      ['POST', `/v1/transactions/${live.charge.body.id}/sign`],
    ]) {
      const reply = await ap.call(method, path, { mime_type: 'chargeio/jsignature', data: '[]' });
      assert.equal(reply.status, 404, `${method} ${path}: ${reply.text}`);
    }
    const charge = await ap.call('POST', '/v1/charges', { amount: 100, method: live.card.body.id });
    assert.equal(charge.status, 422, 'a live card is no method of a test key');
    const lists = {
      transactions: await ap.call('GET', '/v1/transactions?page_size=100'),
      holds: await ap.call('GET', '/v1/charges/holds?page_size=100'),
      cards: await ap.call('GET', '/v1/cards?page_size=100'),
      banks: await ap.call('GET', '/v1/banks?page_size=100'),
      events: await ap.call('GET', '/v1/events?page_size=1000'),
    };
    const liveIds = new Set(Object.values(live).map((r) => r.body.id));
    for (const [what, list] of Object.entries(lists)) {
      for (const item of list.body.results) {
        assert.ok(!liveIds.has(item.id), `${what} shows a live ${item.id}`);
        if (item.data) assert.ok(!liveIds.has(item.data.id), `${what} shows a live event`);
      }
    }
    const refRefused = await ap.call('GET', '/v1/cards?reference=mode-ref');
    assert.equal(refRefused.body.total_entries, 0);
    // And the live key sees its own, and none of the test key's.
    const liveList = await ap.call('GET', '/v1/transactions?page_size=100', undefined, { key: ap.lk });
    assert.deepEqual(liveList.body.results.map((t: any) => t.id).sort(), [live.charge.body.id, live.hold.body.id].sort());
    const liveEvents = await ap.call('GET', '/v1/events?page_size=1000', undefined, { key: ap.lk });
    assert.ok(liveEvents.body.results.every((e: any) => liveIds.has(e.data.id)));
    const liveCards = await ap.call('GET', '/v1/cards', undefined, { key: ap.lk });
    assert.deepEqual(
      liveCards.body.results.map((c: any) => c.id),
      [live.card.body.id],
    );
    // Test-mode expiry is lenient (spec §6 #47); live mode checks it.
    const expiredLive = await ap.call('POST', '/v1/charges', { amount: 100, method: card('4242424242424242', { exp_year: 2001 }) }, { key: ap.lk });
    assert.equal(expiredLive.status, 422);
    assert.equal(expiredLive.body.messages[0].code, 'card_expired');
    const expiredTest = await ap.call('POST', '/v1/charges', { amount: 100, method: card('4242424242424242', { exp_year: 2001 }) });
    assert.equal(expiredTest.status, 200);
    // A bank payment in live mode has no account (the seed has no live ACH account).
    assert.equal((await ap.call('POST', '/v1/charges', { amount: 100, method: bank() }, { key: ap.lk })).body.messages[0].code, 'no_account_for_payment_method');
  });

  test('a token has no mode: a live key redeems one made with the public key, and the saved card is live', async () => {
    const token = await ap.call('POST', '/v1/tokens', { type: 'card', number: '4242424242424242', exp_month: 1, exp_year: 2099 }, { key: ap.pk });
    const saved = await ap.call('POST', '/v1/cards', { token_id: token.body.id }, { key: ap.lk });
    assert.equal(saved.status, 200, saved.text);
    assert.equal((await ap.call('GET', `/v1/cards/${saved.body.id}`, undefined, { key: ap.lk })).status, 200);
    assert.equal((await ap.call('GET', `/v1/cards/${saved.body.id}`)).status, 404);
    void YEAR;
  });
});

describe('the door on its own port', () => {
  test('answers at the root, where the Ruby gem’s site points (any path becomes /v1/…)', async () => {
    const app = await buildApp({ services: ap.server.store.services, logLevel: 'silent', only: affiniPayDoor });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const address = app.server.address();
      const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const auth = { authorization: `Basic ${Buffer.from(`${ap.sk}:`).toString('base64')}` };
      assert.equal((await fetch(`${url}/status`)).status, 200);
      const merchant = await fetch(`${url}/v1/merchant`, { headers: auth });
      assert.equal(merchant.status, 200);
      const charge = await fetch(`${url}/v1/charges`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ amount: 100, method: card() }) });
      assert.equal(charge.status, 200);
      const unknown = await fetch(`${url}/v2/nothing`, { headers: auth });
      assert.equal(unknown.status, 404);
      assert.equal(((await unknown.json()) as any).messages[0].code, 'resource_not_found');
    } finally {
      await app.close();
    }
  });
});
