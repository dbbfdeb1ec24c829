// Spec §5 cases 15–35: card and bank charges, holds, account choice and its refusals, amounts and
// currencies, the decline table, CVV/AVS policies, ACH errors, source_id and required fields.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bank, card, startAffiniPay, type AffiniPay } from './client.ts';

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

function message(body: any, index = 0) {
  assert.ok(Array.isArray(body.messages), JSON.stringify(body));
  return body.messages[index];
}

describe('card and bank charges', () => {
  test('15: a card charge on OP is AUTHORIZED with the masked card', async () => {
    const reply = await ap.call('POST', '/v1/charges', { amount: '100', account_id: accounts.OP, method: card() });
    assert.equal(reply.status, 200, reply.text);
    const charge = reply.body;
    assert.equal(charge.type, 'CHARGE');
    assert.equal(charge.status, 'AUTHORIZED');
    assert.equal(charge.amount, 100);
    assert.equal(charge.currency, 'USD');
    assert.equal(charge.auto_capture, true);
    assert.equal(charge.amount_refunded, 0);
    assert.equal(charge.account_id, accounts.OP);
    assert.match(charge.authorization_code, /^[A-Z0-9]{6}$/);
    assert.match(charge.id, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(charge.method.number, '************4242');
    assert.equal(charge.method.card_type, 'VISA');
    assert.equal(charge.method.name, 'Some Customer');
    assert.equal(charge.method.fingerprint.length, 20);
    assert.equal(charge.method.cvv, undefined);
    assert.equal(charge.source_id, undefined);
  });

  test('16: without account_id the primary card account takes it', async () => {
    const reply = await ap.call('POST', '/v1/charges', { amount: 100, method: card() });
    assert.equal(reply.status, 200);
    assert.equal(reply.body.account_id, accounts.OP);
    const trust = await ap.call('POST', '/v1/charges', { amount: 100, account_id: accounts.TR, method: card() });
    assert.equal(trust.body.account_id, accounts.TR);
  });

  test('17: a hold (auto_capture false) with an address has CVV and AVS results', async () => {
    const reply = await ap.call('POST', '/v1/charges', {
      amount: '100',
      auto_capture: false,
      method: card('4242424242424242', { address1: '123 Main St', city: 'Austin', state: 'TX', postal_code: '78730' }),
    });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.status, 'AUTHORIZED');
    assert.equal(reply.body.auto_capture, false);
    assert.equal(reply.body.cvv_result, 'MATCHED');
    assert.ok(reply.body.avs_result);
    assert.equal(reply.body.method.postal_code, '78730');
  });

  test('18: a bank charge goes to the ACH account, masked', async () => {
    const reply = await ap.call('POST', '/v1/charges', { amount: '39088', method: bank() });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.account_id, accounts.ACH);
    assert.equal(reply.body.status, 'AUTHORIZED');
    assert.equal(reply.body.amount, 39088);
    assert.equal(reply.body.method.routing_number, '******013');
    assert.equal(reply.body.method.account_number, '******0002');
    assert.equal(reply.body.method.bank_name, 'FIRST BANK OF TESTING');
    assert.equal(reply.body.method.account_type, 'CHECKING');
    assert.equal(reply.body.auto_capture, true);
  });

  test('a bank hold is refused: bank payments are always auto-capture', async () => {
    const reply = await ap.call('POST', '/v1/charges', { amount: 100, auto_capture: false, method: bank() });
    assert.equal(reply.status, 422);
    assert.equal(message(reply.body).code, 'invalid_data');
    assert.equal(message(reply.body).context, 'auto_capture');
  });

  test('19: a bank method on a card account is incorrect_payment_type', async () => {
    const reply = await ap.call('POST', '/v1/charges', { amount: 100, account_id: accounts.OP, method: bank() });
    assert.equal(reply.status, 422);
    assert.equal(message(reply.body).code, 'incorrect_payment_type');
  });

  test('20: an unknown account is 404 with its context', async () => {
    const reply = await ap.call('POST', '/v1/charges', { amount: 100, account_id: 'wKgFeD0XFtWBPRxEVWcAmg', method: card() });
    assert.equal(reply.status, 404);
    assert.equal(message(reply.body).code, 'resource_not_found');
    assert.equal(message(reply.body).context, 'Account[wKgFeD0XFtWBPRxEVWcAmg]');
  });

  test('21: the live account with the test key is unavailable_for_merchant_mode', async () => {
    const reply = await ap.call('POST', '/v1/charges', { amount: 100, account_id: accounts.LOP, method: card() });
    assert.equal(reply.status, 422);
    assert.equal(message(reply.body).code, 'unavailable_for_merchant_mode');
    assert.equal(message(reply.body).message, 'Mode TEST not supported for account of type LIVE');
    const live = await ap.call('POST', '/v1/charges', { amount: 100, account_id: accounts.OP, method: card() }, { key: ap.lk });
    assert.equal(message(live.body).message, 'Mode LIVE not supported for account of type TEST');
    const liveBank = await ap.call('POST', '/v1/charges', { amount: 100, method: bank() }, { key: ap.lk });
    assert.equal(liveBank.status, 422);
    assert.equal(message(liveBank.body).code, 'no_account_for_payment_method');
  });

  test('22: no method is no_payment_method', async () => {
    const reply = await ap.call('POST', '/v1/charges', { amount: 100 });
    assert.equal(reply.status, 422);
    assert.equal(message(reply.body).code, 'no_payment_method');
    assert.equal(message(reply.body).message, 'No payment method was specified');
  });

  test('23: amounts: 0, "abc" and 10^14 are invalid_data on amount', async () => {
    const zero = await ap.call('POST', '/v1/charges', { amount: 0, method: card() });
    assert.equal(zero.status, 422);
    assert.equal(message(zero.body).code, 'invalid_data');
    assert.equal(message(zero.body).context, 'amount');
    assert.equal(message(zero.body).sub_code, 'below_minimum_value');
    assert.equal(message(zero.body).message, 'Amount is less than the minimum value');
    const text = await ap.call('POST', '/v1/charges', { amount: 'abc', method: card() });
    assert.equal(text.status, 422);
    assert.equal(message(text.body).code, 'invalid_data');
    assert.equal(message(text.body).context, 'amount');
    const huge = await ap.call('POST', '/v1/charges', { amount: 100000000000000, method: card() });
    assert.equal(huge.status, 422);
    assert.equal(message(huge.body).sub_code, 'exceeds_maximum_value');
    const max = await ap.call('POST', '/v1/charges', { amount: 99999999999999, method: card() });
    assert.equal(max.status, 200, max.text);
    const missing = await ap.call('POST', '/v1/charges', { method: card() });
    assert.equal(message(missing.body).context, 'amount');
  });

  test('24: a currency the account does not take is unsupported_currency', async () => {
    const reply = await ap.call('POST', '/v1/charges', { amount: 100, currency: 'EUR', method: card() });
    assert.equal(reply.status, 422);
    assert.equal(message(reply.body).code, 'unsupported_currency');
  });
});

describe('declines', () => {
  const table: Array<[string, string, string]> = [
    ['4000000000000002', 'card_declined', 'payment_processor'],
    ['4000000000000044', 'card_declined_insufficient_funds', 'payment_processor'],
    ['4000000000000051', 'card_declined_limit_exceeded', 'payment_processor'],
    ['4000000000000069', 'card_expired', 'gateway'],
    ['4000000000000119', 'card_declined_processing_error', 'payment_processor'],
    ['4000000000000127', 'card_declined_hold', 'payment_processor'],
    ['4242424242424241', 'card_number_invalid', 'gateway'],
    ['4000000000000135', 'card_type_not_accepted', 'payment_processor'],
  ];
  for (const [number, code, facility] of table) {
    test(`25: ${number} → 422 ${code} (${facility})`, async () => {
      const reply = await ap.call('POST', '/v1/charges', { amount: 100, account_id: accounts.OP, method: card(number) });
      assert.equal(reply.status, 422, reply.text);
      assert.equal(message(reply.body).code, code);
      assert.equal(message(reply.body).facility, facility);
      assert.equal(message(reply.body).level, 'error');
      if (code === 'card_number_invalid') {
        assert.equal(reply.body.id, undefined, 'a number failing Luhn is validation: nothing is stored');
        assert.equal(message(reply.body).message, 'Card number is invalid');
      } else {
        assert.equal(reply.body.status, 'FAILED');
        assert.equal(reply.body.failure_code, code);
        assert.equal(reply.body.type, 'CHARGE');
      }
    });
  }

  test('26: a declined charge is found FAILED by search, with its failure code', async () => {
    const declined = await ap.call('POST', '/v1/charges', { amount: 100, method: card('4000000000000002') });
    const search = await ap.call('GET', '/v1/transactions?qf=status:FAILED&page_size=100');
    assert.equal(search.status, 200);
    const found = search.body.results.find((t: any) => t.id === declined.body.id);
    assert.ok(found, JSON.stringify(search.body));
    assert.equal(found.failure_code, 'card_declined');
    assert.ok(search.body.results.every((t: any) => t.status === 'FAILED'));
  });
});

describe('CVV and AVS', () => {
  test('27: a CVV mismatch fails REQUIRE_MATCH_LENIENT', async () => {
    const reply = await ap.call('POST', '/v1/charges', { amount: 100, method: card('4000000000000101', { cvv: '123' }) });
    assert.equal(reply.status, 422);
    assert.equal(message(reply.body).code, 'card_cvv_incorrect');
    assert.equal(message(reply.body).facility, 'payment_processor');
    assert.equal(reply.body.cvv_result, 'NOT_MATCHED');
  });

  test('28: CVV unavailable passes the lenient policy', async () => {
    const reply = await ap.call('POST', '/v1/charges', { amount: 100, method: card('4000000000000077', { cvv: '123' }) });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.cvv_result, 'UNAVAILABLE');
  });

  test('29: an AVS no-match fails ADDR_OR_POSTAL_CODE_LENIENT', async () => {
    const reply = await ap.call('POST', '/v1/charges', { amount: 100, method: card('4000000000000010', { address1: '123 Main St', postal_code: '78730' }) });
    assert.equal(reply.status, 422);
    assert.equal(message(reply.body).code, 'card_avs_rejected');
    assert.equal(reply.body.avs_result, 'NO_MATCH');
  });

  test('30: AVS unavailable and AVS error pass the lenient policy', async () => {
    const unavailable = await ap.call('POST', '/v1/charges', { amount: 100, method: card('4000000000000085', { address1: '123 Main St', postal_code: '78730' }) });
    assert.equal(unavailable.status, 200, unavailable.text);
    assert.equal(unavailable.body.avs_result, 'UNAVAILABLE');
    const error = await ap.call('POST', '/v1/charges', { amount: 100, method: card('4000000000000093', { address1: '123 Main St', postal_code: '78730' }) });
    assert.equal(error.status, 200);
    assert.equal(error.body.avs_result, 'AVS_ERROR_INELIGIBLE');
  });

  test('31: the postal-code card: no postal code is a no-match, a ZIP5 matches', async () => {
    const none = await ap.call('POST', '/v1/charges', { amount: 100, method: card('4000000000000028', { address1: '123 Main St' }) });
    assert.equal(none.status, 422);
    assert.equal(message(none.body).code, 'card_avs_rejected');
    const zip = await ap.call('POST', '/v1/charges', { amount: 100, method: card('4000000000000028', { address1: '123 Main St', postal_code: '78730' }) });
    assert.equal(zip.status, 200, zip.text);
    assert.equal(zip.body.avs_result, 'ZIP5');
  });

  test('a disabled CVV policy lets a mismatch through (merchant-accounts extension)', async () => {
    const off = await ap.call('PATCH', `/v1/merchant-accounts/${accounts.TR}`, { cvv_policy: 'DISABLED' });
    assert.equal(off.status, 200, off.text);
    assert.equal(off.body.cvv_policy, 'DISABLED');
    const reply = await ap.call('POST', '/v1/charges', { amount: 100, account_id: accounts.TR, method: card('4000000000000101') });
    assert.equal(reply.status, 200, reply.text);
    const strict = await ap.call('PATCH', `/v1/merchant-accounts/${accounts.TR}`, { cvv_policy: 'REQUIRE_MATCH_STRICT', accepted_card_types: 'VISA,MASTERCARD' });
    assert.equal(strict.body.accepted_card_types, 'VISA,MASTERCARD');
    const noCvv = await ap.call('POST', '/v1/charges', { amount: 100, account_id: accounts.TR, method: card('4242424242424242', { cvv: undefined }) });
    assert.equal(noCvv.status, 422);
    assert.equal(message(noCvv.body).code, 'card_cvv_incorrect');
    const amex = await ap.call('POST', '/v1/charges', { amount: 100, account_id: accounts.TR, method: card('378282246310005', { cvv: '1234' }) });
    assert.equal(amex.status, 422);
    assert.equal(message(amex.body).code, 'card_type_not_accepted');
    assert.equal(amex.body.method.number, '***********0005');
    assert.equal(amex.body.method.card_type, 'AMERICAN_EXPRESS');
  });
});

describe('ACH and saved details', () => {
  const ach: Array<[string, string]> = [
    ['1000000001', 'ach_declined'],
    ['1000000002', 'ach_declined_hold'],
    ['1000000003', 'ach_declined_duplicate'],
    ['1000000004', 'ach_invalid_account_number'],
    ['1000000005', 'ach_insufficient_funds'],
    ['1000000006', 'ach_account_not_found'],
    ['1000000007', 'ach_account_closed'],
    ['1000000008', 'ach_account_frozen'],
    ['1000000009', 'ach_limit_exceeded'],
  ];
  test('32: the ACH error accounts, and the invalid routing number', async () => {
    for (const [account, code] of ach) {
      const reply = await ap.call('POST', '/v1/charges', { amount: 100, method: bank(account) });
      assert.equal(reply.status, 422, `${account}: ${reply.text}`);
      assert.equal(message(reply.body).code, code, account);
      assert.equal(message(reply.body).facility, 'payment_processor');
      assert.equal(reply.body.status, 'FAILED');
    }
    const routing = await ap.call('POST', '/v1/charges', { amount: 100, method: { ...bank('123456'), routing_number: '000000001' } });
    assert.equal(routing.status, 422);
    assert.equal(message(routing.body).code, 'ach_invalid_routing_number');
  });

  test('33: a three-digit account number is invalid_data on method.account_number', async () => {
    const reply = await ap.call('POST', '/v1/charges', { amount: 100, method: bank('123') });
    assert.equal(reply.status, 422);
    assert.equal(message(reply.body).code, 'invalid_data');
    assert.equal(message(reply.body).context, 'method.account_number');
    assert.equal(message(reply.body).message, 'Account number is invalid');
  });

  test('34: source_id: accepted once, never shown, 409 the second time, and found by source-id', async () => {
    const first = await ap.call('POST', '/v1/charges', { amount: 100, source_id: 'test:123456789', method: card() });
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.source_id, undefined);
    const again = await ap.call('POST', '/v1/charges', { amount: 100, source_id: 'test:123456789', method: card() });
    assert.equal(again.status, 409);
    assert.equal(message(again.body).code, 'resource_exists');
    const found = await ap.call('GET', '/v1/transactions/source-id?id=test:123456789');
    assert.equal(found.status, 200, found.text);
    assert.equal(found.body.id, first.body.id);
    assert.equal('source_id' in found.body, false);
    const credit = await ap.call('POST', '/v1/credits', { amount: 100, source_id: 'test:123456789', method: card() });
    assert.equal(credit.status, 409, 'unique across transaction types');
    assert.equal((await ap.call('GET', '/v1/transactions/source-id?id=nope')).status, 404);
  });

  test('34b: N racing charges with one source_id: one 200, the rest 409', async () => {
    const replies = await Promise.all(Array.from({ length: 6 }, () => ap.call('POST', '/v1/charges', { amount: 100, source_id: 'race:1', method: card() })));
    assert.deepEqual(replies.map((r) => r.status).sort(), [200, 409, 409, 409, 409, 409]);
  });

  test('35: an ACH account requiring name refuses a bank charge without one, naming every missing field', async () => {
    await ap.call('PATCH', `/v1/ach-accounts/${accounts.ACH}`, { required_payment_fields: 'name' });
    const reply = await ap.call('POST', '/v1/charges', { amount: 100, method: { ...bank(), name: undefined } });
    assert.equal(reply.status, 422);
    assert.deepEqual(message(reply.body), { code: 'invalid_data', level: 'error', message: 'Name cannot be blank', facility: 'gateway', context: 'method.name', sub_code: 'not_blank' });
    await ap.call('PATCH', `/v1/ach-accounts/${accounts.ACH}`, { required_payment_fields: 'name,address1,postal_code' });
    const three = await ap.call('POST', '/v1/charges', { amount: 100, method: { ...bank(), name: '' } });
    assert.deepEqual(
      three.body.messages.map((m: any) => `${m.context} ${m.message}`),
      ['method.name Name cannot be blank', 'method.address1 Street number cannot be blank', 'method.postal_code Postal code cannot be blank'],
    );
    await ap.call('PATCH', `/v1/ach-accounts/${accounts.ACH}`, { required_payment_fields: '' });
  });

  test('card field messages name their field under method.', async () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ exp_month: 13 }, 'method.exp_month', 'Expiration month is invalid'],
      [{ exp_month: undefined }, 'method.exp_month', 'Expiration month cannot be blank'],
      [{ exp_year: undefined }, 'method.exp_year', 'Expiration year cannot be blank'],
      [{ number: '42424242' }, 'method.number', 'Card number length is invalid'],
      [{ number: '' }, 'method.number', 'Card number cannot be blank'],
      [{ cvv: '12' }, 'method.cvv', 'Card code length is invalid'],
      [{ cvv: 'abc' }, 'method.cvv', 'Card code is invalid'],
      [{ state: 'Texas' }, 'method.state', 'State or province is invalid'],
      [{ postal_code: '!!' }, 'method.postal_code', 'Postal code is invalid'],
      [{ country: 'USA' }, 'method.country', 'Country length is invalid'],
      [{ country: '1A' }, 'method.country', 'Country is invalid'],
      [{ name: 'x'.repeat(256) }, 'method.name', 'Name length is invalid'],
      [{ address1: 'x'.repeat(256) }, 'method.address1', 'Street number length is invalid'],
      [{ city: 'x'.repeat(256) }, 'method.city', 'City length is invalid'],
      [{ address2: 'x'.repeat(256) }, 'method.address2', 'Address length is invalid'],
    ];
    for (const [override, context, text] of cases) {
      const reply = await ap.call('POST', '/v1/charges', { amount: 100, method: card('4242424242424242', override) });
      assert.equal(reply.status, 422, `${JSON.stringify(override)}: ${reply.text}`);
      assert.equal(message(reply.body).context, context);
      assert.equal(message(reply.body).message, text);
    }
    const routing = await ap.call('POST', '/v1/charges', { amount: 100, method: { ...bank(), routing_number: '12345' } });
    assert.equal(message(routing.body).message, 'Routing number is invalid');
    const mismatch = await ap.call('POST', '/v1/charges', { amount: 100, method: card('4242424242424242', { card_type: 'MASTERCARD' }) });
    assert.equal(message(mismatch.body).code, 'card_number_incorrect');
    const noType = await ap.call('POST', '/v1/charges', { amount: 100, method: { name: 'x' } });
    assert.equal(message(noType.body).context, 'method.type');
  });

  test('track data charges a swiped card', async () => {
    const reply = await ap.call('POST', '/v1/charges', { amount: 100, method: { type: 'card', track1: 'B4788250000028291^SOME USER^30121015432112345678' } });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.method.number, '************8291');
    assert.equal(reply.body.method.exp_month, 12);
    assert.equal(reply.body.method.exp_year, 2030);
    const two = await ap.call('POST', '/v1/charges', { amount: 100, method: { type: 'card', track2: '4788250000028291=30121015432112345678' } });
    assert.equal(two.status, 200, two.text);
  });
});
