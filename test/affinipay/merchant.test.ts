// Spec §5 cases 1–14: status, authentication, the merchant and its accounts per mode, merchant and
// ACH account updates, and the transport errors (bad JSON, no content, wrong content type, wrong
// method), each as AffiniPay's envelope.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAffiniPay, type AffiniPay } from './client.ts';

let ap: AffiniPay;
let accounts: Awaited<ReturnType<AffiniPay['accounts']>>;
before(async () => {
  ap = await startAffiniPay();
  accounts = await ap.accounts();
});
after(async () => {
  await ap.assertLedger();
  await ap.close();
});

function onlyMessage(body: any, code: string) {
  assert.ok(Array.isArray(body.messages), JSON.stringify(body));
  assert.equal(body.messages[0].code, code, JSON.stringify(body));
  assert.equal(body.messages[0].level, 'error');
}

describe('status and authentication', () => {
  test('1: GET /status needs no auth and answers NORMAL', async () => {
    const reply = await ap.call('GET', '/status', undefined, { key: null });
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, { status: 'NORMAL' });
  });

  test('2: GET /v1/merchant without credentials is 401 not_authorized', async () => {
    const reply = await ap.call('GET', '/v1/merchant', undefined, { key: null });
    assert.equal(reply.status, 401);
    onlyMessage(reply.body, 'not_authorized');
    assert.equal(reply.body.messages[0].message, 'Not authorized');
  });

  test('3: the public key is refused outside /v1/tokens', async () => {
    const reply = await ap.call('GET', '/v1/merchant', undefined, { key: ap.pk });
    assert.equal(reply.status, 401);
    onlyMessage(reply.body, 'not_authorized');
    const wrong = await ap.call('GET', '/v1/merchant', undefined, { key: 'm_test_sk_nosuchkeyatall000000' });
    assert.equal(wrong.status, 401);
  });
});

describe('the merchant', () => {
  test('4: with the test key: public key, the test card accounts (one primary), the ACH account masked', async () => {
    const reply = await ap.call('GET', '/v1/merchant');
    assert.equal(reply.status, 200);
    const merchant = reply.body;
    assert.match(merchant.public_key, /^m_/);
    assert.equal(merchant.public_key, ap.pk);
    assert.match(merchant.id, /^[A-Za-z0-9_-]{22}$/);
    const ids = merchant.merchant_accounts.map((a: any) => a.id);
    assert.deepEqual(ids.sort(), [accounts.OP, accounts.TR].sort());
    assert.ok(!ids.includes(accounts.LOP));
    for (const account of merchant.merchant_accounts) assert.equal(account.status, 'ACTIVE');
    assert.equal(merchant.merchant_accounts.filter((a: any) => a.primary).length, 1);
    assert.equal(merchant.merchant_accounts.find((a: any) => a.primary).name, 'Operating');
    assert.equal(merchant.merchant_accounts.find((a: any) => a.name === 'Trust').trust_account, true);
    assert.match(merchant.ach_accounts[0].routing_number, /^\*+\d{3}$/);
    assert.equal(merchant.ach_accounts[0].name, 'Test Bank Account');
    assert.equal(merchant.ach_accounts[0].bank_name, 'FIRST BANK OF TESTING');
    assert.equal(merchant.merchant_accounts[0].cvv_policy, 'REQUIRE_MATCH_LENIENT');
    assert.equal(merchant.merchant_accounts[0].avs_policy, 'ADDR_OR_POSTAL_CODE_LENIENT');
  });

  test('5: with the live key only the live account', async () => {
    const reply = await ap.call('GET', '/v1/merchant', undefined, { key: ap.lk });
    assert.equal(reply.status, 200);
    assert.deepEqual(
      reply.body.merchant_accounts.map((a: any) => a.id),
      [accounts.LOP],
    );
    assert.deepEqual(reply.body.ach_accounts, []);
  });

  test('6: PATCH changes only the name; a later GET agrees', async () => {
    await ap.call('PATCH', '/v1/merchant', { contact_email: 'owner@biz1.example', city: 'Austin' });
    const reply = await ap.call('PATCH', '/v1/merchant', { name: 'My New Business Name' });
    assert.equal(reply.status, 200);
    assert.equal(reply.body.name, 'My New Business Name');
    assert.equal(reply.body.contact_email, 'owner@biz1.example');
    assert.equal(reply.body.city, 'Austin');
    const again = await ap.call('GET', '/v1/merchant');
    assert.equal(again.body.name, 'My New Business Name');
    assert.equal(again.body.contact_email, 'owner@biz1.example');
  });

  test('7: PUT replaces the editable fields and echoes them', async () => {
    const body = {
      name: 'Biz1 Updated',
      contact_name: 'Jane Doe',
      contact_email: 'jane@example.com',
      contact_phone: '+15125551234',
      address1: '123 Main St',
      city: 'Austin',
      state: 'TX',
      postal_code: '78730',
      country: 'US',
      timezone: 'America/New_York',
      live_events_urls: 'http://merchant.example.com/events/live,http://system2.example.com/messages',
      test_events_urls: 'http://merchant.example.com/events/test',
    };
    const reply = await ap.call('PUT', '/v1/merchant', body);
    assert.equal(reply.status, 200, reply.text);
    for (const [key, value] of Object.entries(body)) assert.equal(reply.body[key], value, key);
    assert.ok(Array.isArray(reply.body.ach_accounts));
    const missingName = await ap.call('PUT', '/v1/merchant', { city: 'Austin' });
    assert.equal(missingName.status, 422);
    assert.equal(missingName.body.messages[0].code, 'invalid_data');
    assert.equal(missingName.body.messages[0].context, 'name');
    assert.equal(missingName.body.messages[0].sub_code, 'not_null');
  });

  test('8: an event URL list over 1024 characters is invalid_data', async () => {
    const url = `http://merchant.example.com/${'e'.repeat(1025 - 'http://merchant.example.com/'.length)}`;
    assert.equal(url.length, 1025);
    const reply = await ap.call('PATCH', '/v1/merchant', { test_events_urls: url });
    assert.equal(reply.status, 422);
    onlyMessage(reply.body, 'invalid_data');
    assert.equal(reply.body.messages[0].context, 'test_events_urls');
    const notUrl = await ap.call('PATCH', '/v1/merchant', { live_events_urls: 'not a url' });
    assert.equal(notUrl.status, 422);
    const badCidr = await ap.call('PATCH', '/v1/merchant', { api_allowed_ip_address_ranges: '16.42.10.0/33' });
    assert.equal(badCidr.status, 422);
    const goodCidr = await ap.call('PATCH', '/v1/merchant', { api_allowed_ip_address_ranges: '16.42.10.0/30' });
    assert.equal(goodCidr.status, 200, 'stored, not enforced: the caller is not locked out');
    assert.equal((await ap.call('GET', '/v1/merchant')).status, 200);
  });
});

describe('ACH accounts', () => {
  test('9: PATCH sets required fields and allowed countries; the rest unchanged and masked', async () => {
    const before = (await ap.call('GET', '/v1/merchant')).body.ach_accounts[0];
    const reply = await ap.call('PATCH', `/v1/ach-accounts/${accounts.ACH}`, { required_payment_fields: 'name,address1,postal_code', transaction_allowed_countries: 'US' });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.required_payment_fields, 'name,address1,postal_code');
    assert.equal(reply.body.transaction_allowed_countries, 'US');
    assert.equal(reply.body.account_type, before.account_type);
    assert.equal(reply.body.bank_name, before.bank_name);
    assert.match(reply.body.account_number, /^\*+\d{4}$/);
    const reset = await ap.call('PATCH', `/v1/ach-accounts/${accounts.ACH}`, { required_payment_fields: '' });
    assert.equal(reset.body.required_payment_fields, '');
  });

  test('10: an unknown account (or one of the other mode) is 404 resource_not_found', async () => {
    const reply = await ap.call('PUT', '/v1/ach-accounts/nonexistent', { name: 'x', primary: true, required_payment_fields: '' });
    assert.equal(reply.status, 404);
    onlyMessage(reply.body, 'resource_not_found');
    const card = await ap.call('PATCH', `/v1/ach-accounts/${accounts.OP}`, { name: 'x' });
    assert.equal(card.status, 404);
    const unknownField = await ap.call('PATCH', `/v1/ach-accounts/${accounts.ACH}`, { required_payment_fields: 'name,shoe_size' });
    assert.equal(unknownField.status, 422);
    const lastPrimary = await ap.call('PATCH', `/v1/ach-accounts/${accounts.ACH}`, { primary: false });
    assert.equal(lastPrimary.status, 422);
    assert.equal(lastPrimary.body.messages[0].context, 'primary');
  });
});

describe('transport errors', () => {
  test('11: unparseable JSON is 400 malformed_request', async () => {
    const reply = await ap.call('POST', '/v1/charges', undefined, { raw: '{bad json', headers: { 'content-type': 'application/json' } });
    assert.equal(reply.status, 400);
    onlyMessage(reply.body, 'malformed_request');
    assert.equal(reply.body.messages[0].message, 'Unable to process JSON content');
  });

  test('12: an empty body is 422 no_content', async () => {
    const reply = await ap.call('POST', '/v1/charges', undefined, { raw: '', headers: { 'content-type': 'application/json' } });
    assert.equal(reply.status, 422);
    onlyMessage(reply.body, 'no_content');
    const none = await ap.call('POST', '/v1/charges');
    assert.equal(none.status, 422);
    onlyMessage(none.body, 'no_content');
  });

  test('13: a form-encoded charge is 400 invalid_request', async () => {
    const reply = await ap.call('POST', '/v1/charges', undefined, { form: { amount: '100' } });
    assert.equal(reply.status, 400);
    onlyMessage(reply.body, 'invalid_request');
  });

  test('14: a method the URL does not take is 400 invalid_request, not 405', async () => {
    const reply = await ap.call('GET', '/v1/charges/wKgFnjz8GamBPPzKzIsAAA/refund');
    assert.equal(reply.status, 400);
    onlyMessage(reply.body, 'invalid_request');
    for (const [method, path] of [
      ['DELETE', '/v1/merchant'],
      ['POST', '/v1/transactions/wKgFnjz8GamBPPzKzIsAAA'],
      ['PUT', '/v1/charges'],
      ['PATCH', '/v1/cards'],
    ]) {
      const other = await ap.call(method, path, method === 'DELETE' ? undefined : {});
      assert.equal(other.status, 400, `${method} ${path}`);
    }
    const unknown = await ap.call('GET', '/v1/no-such-thing');
    assert.equal(unknown.status, 404);
    onlyMessage(unknown.body, 'resource_not_found');
    assert.equal(unknown.body.messages[0].context, undefined);
  });
});
