// Spec §5 cases 54–71: the transaction search (paging, order, qf, account, dates), mode isolation of
// reads, saved cards and banks (filters, paging, deletion), and one-time tokens (form and JSON,
// form_data, the 303 redirect, single use, the public key, CORS).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bank, card, startAffiniPay, YEAR, type AffiniPay } from './client.ts';

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

const code = (reply: { body: any }) => reply.body.messages?.[0]?.code;

describe('transaction search', () => {
  before(async () => {
    const paid = await ap.call('POST', '/v1/charges', { amount: 100, method: card('4242424242424242', { name: 'Ann Targaryen', state: 'TX' }) });
    await ap.call('POST', `/v1/charges/${paid.body.id}/refund`, { amount: 10 });
    await ap.call('POST', '/v1/charges', { amount: 200, method: bank() });
    await ap.call('POST', '/v1/charges', { amount: 300, method: card('5105105105105100', { name: 'Bob Stark', state: 'WA' }) });
    await ap.call('POST', '/v1/credits', { amount: 400, method: card() });
    await ap.call('POST', '/v1/charges', { amount: 500, method: card('4000000000000002') });
    await ap.call('POST', '/v1/charges', { amount: 600, method: bank('1100000003') });
  });

  test('54: a page of five, newest first, with the total', async () => {
    const reply = await ap.call('GET', '/v1/transactions?page=1&page_size=5&order_by=-created');
    assert.equal(reply.status, 200);
    assert.equal(reply.body.page, 1);
    assert.equal(reply.body.page_size, 5);
    assert.equal(reply.body.results.length, 5);
    assert.ok(reply.body.total_entries >= 6);
    const created = reply.body.results.map((t: any) => Date.parse(t.created));
    for (let i = 1; i < created.length; i++) assert.ok(created[i - 1] >= created[i]);
    assert.ok(
      reply.body.results.every((t: any) => t.refunds === undefined),
      'search results carry no refunds',
    );
    const ascending = await ap.call('GET', '/v1/transactions?order_by=amount&page_size=100');
    const amounts = ascending.body.results.map((t: any) => t.amount);
    assert.deepEqual(
      amounts,
      [...amounts].sort((a: number, b: number) => a - b),
    );
    const beyond = await ap.call('GET', '/v1/transactions?page=50&page_size=5');
    assert.deepEqual(beyond.body.results, []);
    assert.equal(beyond.body.total_entries, reply.body.total_entries);
  });

  test('55: qf by type, and by type and method type together', async () => {
    const charges = await ap.call('GET', '/v1/transactions?qf=type:CHARGE&page_size=100');
    assert.ok(charges.body.results.length > 0);
    assert.ok(charges.body.results.every((t: any) => t.type === 'CHARGE'));
    const refunds = await ap.call('GET', '/v1/transactions?qf=type:REFUND&qf=method.type:card');
    assert.ok(refunds.body.results.length > 0);
    assert.ok(refunds.body.results.every((t: any) => t.type === 'REFUND' && t.method.type === 'card'));
  });

  test('56: method.type bank, and account_id', async () => {
    const banks = await ap.call('GET', '/v1/transactions?qf=method.type:bank&page_size=100');
    assert.ok(banks.body.results.length >= 2);
    assert.ok(banks.body.results.every((t: any) => t.method.type === 'bank'));
    const ach = await ap.call('GET', `/v1/transactions?account_id=${accounts.ACH}&page_size=100`);
    assert.ok(ach.body.results.length >= 2);
    assert.ok(ach.body.results.every((t: any) => t.account_id === accounts.ACH));
  });

  test('qf by holder name and state (method fields for short), q anywhere', async () => {
    const byName = await ap.call('GET', '/v1/transactions?qf=name:Targ&qf=state:TX');
    assert.ok(byName.body.results.length >= 1);
    assert.ok(byName.body.results.every((t: any) => t.method.name === 'Ann Targaryen'));
    const q = await ap.call('GET', '/v1/transactions?q=stark');
    assert.deepEqual(
      q.body.results.map((t: any) => t.method.name),
      ['Bob Stark'],
    );
    const unknown = await ap.call('GET', '/v1/transactions?qf=shoe_size:9');
    assert.equal(unknown.status, 422);
    assert.equal(code(unknown), 'search_failed');
    const noColon = await ap.call('GET', '/v1/transactions?qf=status');
    assert.equal(code(noColon), 'search_failed');
    const badOrder = await ap.call('GET', '/v1/transactions?order_by=-shoe_size');
    assert.equal(code(badOrder), 'search_failed');
  });

  test('57: page_size is clamped to 100; a malformed date is search_failed; dates bound created', async () => {
    const big = await ap.call('GET', '/v1/transactions?page_size=500');
    assert.equal(big.body.page_size, 100);
    const bad = await ap.call('GET', '/v1/transactions?start_date=not-a-date');
    assert.equal(bad.status, 422);
    assert.equal(code(bad), 'search_failed');
    const future = await ap.call('GET', `/v1/transactions?start_date=${encodeURIComponent(new Date(Date.now() + 10 * 365 * 86_400_000).toISOString())}`);
    assert.equal(future.body.total_entries, 0);
    const page0 = await ap.call('GET', '/v1/transactions?page=0');
    assert.equal(page0.status, 422);
    assert.equal(code(page0), 'invalid_data');
  });

  test('58: a test transaction is not found with the live key, and not listed', async () => {
    const paid = await ap.call('POST', '/v1/charges', { amount: 100, method: card() });
    const live = await ap.call('GET', `/v1/transactions/${paid.body.id}`, undefined, { key: ap.lk });
    assert.equal(live.status, 404);
    assert.equal(code(live), 'resource_not_found');
    const list = await ap.call('GET', '/v1/transactions', undefined, { key: ap.lk });
    assert.ok(!list.body.results.some((t: any) => t.id === paid.body.id));
  });
});

describe('saved cards and banks', () => {
  let cardId: string;
  test('59: a saved card is masked with its reference, description and fingerprint', async () => {
    const reply = await ap.call('POST', '/v1/cards', { number: '4242424242424242', exp_month: 10, exp_year: YEAR, name: 'Some Customer', description: 'Corporate VISA', reference: 'Customer123' });
    assert.equal(reply.status, 200, reply.text);
    cardId = reply.body.id;
    assert.match(cardId, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(reply.body.type, 'card');
    assert.equal(reply.body.reference, 'Customer123');
    assert.equal(reply.body.description, 'Corporate VISA');
    assert.equal(reply.body.number, '************4242');
    assert.equal(reply.body.card_type, 'VISA');
    assert.equal(reply.body.fingerprint.length, 20);
    assert.equal(reply.body.cvv, undefined);
    const luhn = await ap.call('POST', '/v1/cards', { number: '4242424242424241', exp_month: 10, exp_year: YEAR });
    assert.equal(code(luhn), 'card_number_invalid');
    assert.equal(luhn.body.messages[0].context, 'number');
    const month = await ap.call('POST', '/v1/cards', { number: '4242424242424242', exp_month: 0, exp_year: YEAR });
    assert.equal(month.body.messages[0].context, 'exp_month');
  });

  test('60: a saved card pays, and pays again', async () => {
    for (const amount of ['110', '111']) {
      const reply = await ap.call('POST', '/v1/charges', { amount, method: cardId });
      assert.equal(reply.status, 200, reply.text);
      assert.equal(reply.body.amount, Number(amount));
      assert.equal(reply.body.account_id, accounts.OP);
      assert.equal(reply.body.method.type, 'card');
      assert.equal(reply.body.method.name, 'Some Customer');
    }
    const live = await ap.call('POST', '/v1/charges', { amount: 100, method: cardId }, { key: ap.lk });
    assert.equal(live.status, 422, 'a test card is no method to a live key');
    assert.equal(code(live), 'no_card_details_or_token_present');
  });

  test('61: list filters by reference and expiry', async () => {
    const byRef = await ap.call('GET', '/v1/cards?reference=Customer123');
    assert.equal(byRef.body.total_entries, 1);
    assert.equal(byRef.body.results[0].id, cardId);
    const other = await ap.call('GET', `/v1/cards?exp_month=3&exp_year=${YEAR + 1}`);
    assert.ok(!other.body.results.some((c: any) => c.id === cardId));
    const same = await ap.call('GET', `/v1/cards?exp_month=10&exp_year=${YEAR}`);
    assert.ok(same.body.results.some((c: any) => c.id === cardId));
  });

  test('62: a deleted card answers its JSON, then 404, and pays no more', async () => {
    const deleted = await ap.call('DELETE', `/v1/cards/${cardId}`);
    assert.equal(deleted.status, 200);
    assert.equal(deleted.body.id, cardId);
    assert.equal((await ap.call('GET', `/v1/cards/${cardId}`)).status, 404);
    const charge = await ap.call('POST', '/v1/charges', { amount: 100, method: cardId });
    assert.equal(charge.status, 422);
    assert.equal(code(charge), 'no_card_details_or_token_present');
  });

  test('63: a saved bank is masked and pays through the ACH account', async () => {
    const reply = await ap.call('POST', '/v1/banks', {
      routing_number: '000000013',
      account_number: '10333257392394',
      account_type: 'CHECKING',
      name: 'Some Customer',
      description: 'Corporate Checking',
      reference: 'Customer123',
    });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.type, 'bank');
    assert.equal(reply.body.routing_number, '******013');
    assert.equal(reply.body.account_number, '**********2394');
    assert.equal(reply.body.bank_name, 'FIRST BANK OF TESTING');
    const charge = await ap.call('POST', '/v1/charges', { amount: '41099', method: reply.body.id });
    assert.equal(charge.status, 200, charge.text);
    assert.equal(charge.body.account_id, accounts.ACH);
    assert.equal(charge.body.amount, 41099);
    assert.equal((await ap.call('GET', `/v1/cards/${reply.body.id}`)).status, 404, 'a bank is not a card');
  });

  test('64: banks page by page', async () => {
    const before = (await ap.call('GET', '/v1/banks')).body.total_entries;
    for (let i = before; i < 10; i++) await ap.call('POST', '/v1/banks', { routing_number: '000000013', account_number: `20000000${i}` });
    const reply = await ap.call('GET', '/v1/banks?page=3&page_size=4');
    assert.equal(reply.body.page, 3);
    assert.equal(reply.body.page_size, 4);
    assert.equal(reply.body.results.length, 2);
    assert.equal(reply.body.total_entries, 10);
  });
});

describe('tokens', () => {
  test('65: a form post with the public key keeps unknown parameters in form_data', async () => {
    const reply = await ap.call('POST', '/v1/tokens', undefined, {
      key: ap.pk,
      form: { type: 'card', number: '4242424242424242', exp_month: '10', exp_year: String(YEAR), cvv: '123', extra_data: ['some_value', 'second_value'], more_data: 'another_value' },
    });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.type, 'card');
    assert.equal(reply.body.number, '************4242');
    assert.equal(reply.body.cvv, '***');
    assert.deepEqual(reply.body.form_data, { extra_data: ['some_value', 'second_value'], more_data: 'another_value' });
    assert.match(reply.body.id, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(reply.headers.get('access-control-allow-origin'), '*');
  });

  test('66: a JSON token keeps form_data as sent; the public key may come as a parameter', async () => {
    const reply = await ap.call(
      'POST',
      '/v1/tokens',
      { type: 'card', number: '4242424242424242', exp_month: 10, exp_year: YEAR, form_data: { extra_data: 'some_value' }, public_key: ap.pk },
      { key: null },
    );
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.form_data.extra_data, 'some_value');
    const none = await ap.call('POST', '/v1/tokens', { type: 'card', number: '4242424242424242', exp_month: 10, exp_year: YEAR }, { key: null });
    assert.equal(none.status, 401);
    const secret = await ap.call('POST', '/v1/tokens', { type: 'card', number: '4242424242424242', exp_month: 10, exp_year: YEAR });
    assert.equal(secret.status, 200, 'a secret key may tokenize too');
    const luhn = await ap.call('POST', '/v1/tokens', { type: 'card', number: '4242424242424241', exp_month: 10, exp_year: YEAR }, { key: ap.pk });
    assert.equal(code(luhn), 'card_number_invalid');
    const xml = await ap.call('POST', '/v1/tokens', undefined, { key: ap.pk, raw: '<token/>', headers: { 'content-type': 'text/xml' } });
    assert.equal(xml.status, 400);
    assert.equal(code(xml), 'invalid_request');
  });

  test('67, 68: a form with redirect_url answers 303 to it; the token pays once', async () => {
    const reply = await ap.call('POST', '/v1/tokens', undefined, {
      key: ap.pk,
      form: { type: 'bank', routing_number: '000000013', account_number: '1234567890', account_type: 'CHECKING', redirect_url: 'https://merchant.example.com/payment' },
    });
    assert.equal(reply.status, 303, reply.text);
    const location = reply.headers.get('location') ?? '';
    assert.ok(location.startsWith('https://merchant.example.com/payment?token_id='), location);
    assert.equal(reply.text, '');
    const token = new URL(location).searchParams.get('token_id');
    const paid = await ap.call('POST', '/v1/charges', { amount: 100, method: token });
    assert.equal(paid.status, 200, paid.text);
    assert.equal(paid.body.account_id, accounts.ACH);
    const again = await ap.call('POST', '/v1/charges', { amount: 100, method: token });
    assert.equal(again.status, 422);
    assert.equal((await ap.call('GET', `/v1/tokens/${token}`)).status, 404);
  });

  test('a token expires after five minutes', async () => {
    const made = await ap.call('POST', '/v1/tokens', { type: 'card', number: '4242424242424242', exp_month: 10, exp_year: YEAR }, { key: ap.pk });
    await ap.advance('6m');
    assert.equal((await ap.call('GET', `/v1/tokens/${made.body.id}`)).status, 404);
    const charge = await ap.call('POST', '/v1/charges', { amount: 100, method: made.body.id });
    assert.equal(code(charge), 'no_card_details_or_token_present');
  });

  test('69: a saved card from a token uses the token up', async () => {
    const made = await ap.call('POST', '/v1/tokens', { type: 'card', number: '4242424242424242', exp_month: 10, exp_year: YEAR, name: 'Token Holder' }, { key: ap.pk });
    const saved = await ap.call('POST', '/v1/cards', { token_id: made.body.id });
    assert.equal(saved.status, 200, saved.text);
    assert.equal(saved.body.type, 'card');
    assert.equal(saved.body.number, '************4242');
    assert.equal(saved.body.name, 'Token Holder');
    const reuse = await ap.call('POST', '/v1/cards', { token_id: made.body.id });
    assert.equal(reuse.status, 422);
    const pay = await ap.call('POST', '/v1/charges', { amount: 100, method: saved.body.id });
    assert.equal(pay.status, 200);
  });

  test('70: reading a token needs the secret key; it is masked', async () => {
    const made = await ap.call('POST', '/v1/tokens', { type: 'card', number: '4242424242424242', exp_month: 10, exp_year: YEAR, cvv: '123' }, { key: ap.pk });
    const withPublic = await ap.call('GET', `/v1/tokens/${made.body.id}`, undefined, { key: ap.pk });
    assert.equal(withPublic.status, 401);
    const read = await ap.call('GET', `/v1/tokens/${made.body.id}`);
    assert.equal(read.status, 200);
    assert.equal(read.body.number, '************4242');
    assert.equal(read.body.cvv, '***');
    const live = await ap.call('GET', `/v1/tokens/${made.body.id}`, undefined, { key: ap.lk });
    assert.equal(live.status, 200, 'tokens have no mode');
  });

  test('71: CORS only on /v1/tokens', async () => {
    const preflight = await ap.call('OPTIONS', '/v1/tokens', undefined, { key: null, headers: { origin: 'https://merchant.example.com', 'access-control-request-method': 'POST' } });
    assert.ok(preflight.status >= 200 && preflight.status < 300);
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
    const charges = await ap.call('OPTIONS', '/v1/charges', undefined, { key: null, headers: { origin: 'https://merchant.example.com' } });
    assert.equal(charges.headers.get('access-control-allow-origin'), null);
  });
});
