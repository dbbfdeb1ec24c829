// Spec §5 cases 90–92 and 94–98: signatures, the event stream (order, paging, start_date), the purge
// of test data, OAuth (authorization code and client credentials), gateway credentials, merchant
// applications and deauthorization.
import { after, before, describe, test } from 'node:test';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import assert from 'node:assert/strict';
import { card, startAffiniPay, type AffiniPay } from './client.ts';

let ap: AffiniPay;
before(async () => {
  ap = await startAffiniPay();
});
after(async () => {
  await ap.assertLedger();
  await ap.close();
});

const code = (reply: { body: any }) => reply.body.messages?.[0]?.code;

describe('events', () => {
  test('91: one charge shows as authorized then created (newest first), both about the charge', async () => {
    const charge = await ap.call('POST', '/v1/charges', { amount: 100, method: card() });
    const reply = await ap.call('GET', '/v1/events?page=1&page_size=2');
    assert.equal(reply.status, 200);
    const [first, second] = reply.body.results;
    assert.equal(first.type, 'transaction.authorized');
    assert.equal(second.type, 'transaction.created');
    assert.equal(first.data.id, charge.body.id);
    assert.equal(second.data.id, charge.body.id);
    assert.equal(second.data.status, 'PENDING');
    assert.equal(first.data.status, 'AUTHORIZED');
    const one = await ap.call('GET', `/v1/events/${first.id}`);
    assert.equal(one.status, 200);
    assert.deepEqual(one.body, first);
    assert.equal((await ap.call('GET', `/v1/events/${first.id}`, undefined, { key: ap.lk })).status, 404, 'not in the live mode');
    assert.equal((await ap.call('GET', '/v1/events/nonsense')).status, 404);
  });

  test('92: after start_date, oldest first; page_size up to 1000', async () => {
    // Far from the events the other tests made, so only this test's follow the start date.
    await ap.advance('1826d');
    const clock = await ap.server.admin(`/_admin/tenants/${ap.server.tenant.slug}/clock`);
    const now = clock.body.clock.iso;
    await ap.advance('1s');
    const a = await ap.call('POST', '/v1/charges', { amount: 101, method: card() });
    await ap.advance('1s');
    const b = await ap.call('POST', '/v1/charges', { amount: 102, method: card('4000000000000002') });
    const reply = await ap.call('GET', `/v1/events?start_date=${encodeURIComponent(now)}&page_size=1000`);
    assert.equal(reply.body.page_size, 1000);
    assert.deepEqual(
      reply.body.results.map((e: any) => `${e.type}:${e.data.id}`),
      [`transaction.created:${a.body.id}`, `transaction.authorized:${a.body.id}`, `transaction.created:${b.body.id}`, `transaction.failed:${b.body.id}`],
    );
    assert.equal(reply.body.results[3].data.failure_code, 'card_declined');
    const clamped = await ap.call('GET', '/v1/events?page_size=1001');
    assert.equal(clamped.body.page_size, 1000);
    assert.equal(code(await ap.call('GET', '/v1/events?start_date=yesterday')), 'search_failed');
  });
});

describe('signatures', () => {
  test('90: a signature on a transaction, read back; another mime type is invalid', async () => {
    const charge = await ap.call('POST', '/v1/charges', { amount: 100, method: card() });
    const data = '[{"x":[179,180],"y":[77,84]}]';
    const signed = await ap.call('POST', `/v1/transactions/${charge.body.id}/sign`, { mime_type: 'chargeio/jsignature', data });
    assert.equal(signed.status, 200, signed.text);
    assert.match(signed.body.signature_id, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(signed.body.signature.mime_type, 'chargeio/jsignature');
    const read = await ap.call('GET', `/v1/signatures/${signed.body.signature_id}`);
    assert.equal(read.status, 200);
    assert.equal(read.body.id, signed.body.signature_id);
    assert.ok(read.body.created);
    assert.equal(read.body.signature.data, data);
    const png = await ap.call('POST', `/v1/transactions/${charge.body.id}/sign`, { mime_type: 'image/png', data });
    assert.equal(png.status, 422);
    assert.equal(code(png), 'invalid_data');
    assert.equal(png.body.messages[0].context, 'mime_type');
    const long = await ap.call('POST', `/v1/transactions/${charge.body.id}/sign`, { mime_type: 'chargeio/jsignature', data: 'x'.repeat(8193) });
    assert.equal(long.body.messages[0].sub_code, 'invalid_length');
    assert.equal((await ap.call('GET', `/v1/signatures/${signed.body.signature_id}`, undefined, { key: ap.lk })).status, 404);
    assert.equal((await ap.call('GET', `/v1/transactions/${signed.body.signature_id}`)).status, 404, 'a signature id is no transaction id');
  });
});

describe('purge', () => {
  test('94: purging test data leaves nothing for the test key and the live data alone', async () => {
    // Live mode checks expiry, and this file's clock is years ahead by now.
    const live = await ap.call('POST', '/v1/charges', { amount: 100, method: card('4242424242424242', { exp_year: 2099 }) }, { key: ap.lk });
    assert.equal(live.status, 200, live.text);
    await ap.call('POST', '/v1/cards', { number: '4242424242424242', exp_month: 10, exp_year: 2030 });
    const reply = await ap.call('POST', '/v1/merchant/purge-test-data');
    assert.equal(reply.status, 204);
    assert.equal(reply.text, '');
    assert.equal((await ap.call('GET', '/v1/transactions')).body.total_entries, 0);
    assert.equal((await ap.call('GET', '/v1/cards')).body.total_entries, 0);
    assert.equal((await ap.call('GET', '/v1/events')).body.total_entries, 0);
    const liveList = await ap.call('GET', '/v1/transactions', undefined, { key: ap.lk });
    assert.equal(liveList.body.total_entries, 1);
    assert.equal(liveList.body.results[0].id, live.body.id);
    assert.equal((await ap.call('POST', '/v1/merchant/purge-test-data', undefined, { key: ap.lk })).status, 204);
    assert.equal((await ap.call('GET', '/v1/transactions', undefined, { key: ap.lk })).body.total_entries, 1);
    await ap.assertLedger();
  });
});

describe('OAuth and merchant applications', () => {
  const REDIRECT = 'http://localhost:9292/callback';
  async function code(): Promise<string> {
    const reply = await ap.call('GET', `/oauth/authorize?client_id=${ap.clientId}&redirect_uri=${encodeURIComponent(REDIRECT)}&state=xyz`, undefined, { key: null });
    assert.equal(reply.status, 302);
    const location = new URL(reply.headers.get('location') ?? '');
    assert.equal(location.searchParams.get('state'), 'xyz');
    return location.searchParams.get('code') ?? '';
  }

  test('95: an authorization code gives one token; reused it is invalid_grant; a wrong secret is invalid_client', async () => {
    const issued = await code();
    assert.match(issued, /^[A-Za-z0-9]{64}$/);
    const body = { client_id: ap.clientId, client_secret: ap.clientSecret, grant_type: 'authorization_code', scope: 'payments', redirect_uri: REDIRECT, code: issued };
    const reply = await ap.call('POST', '/oauth/token', body, { key: null });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.token_type, 'bearer');
    assert.equal(reply.body.scope, 'payments');
    assert.match(reply.body.access_token, /^[A-Za-z0-9]{64}$/);
    assert.ok(Number.isInteger(reply.body.created_at));
    const reused = await ap.call('POST', '/oauth/token', body, { key: null });
    assert.equal(reused.status, 400);
    assert.equal(reused.body.error, 'invalid_grant');
    const wrong = await ap.call('POST', '/oauth/token', { ...body, client_secret: 'nope' }, { key: null });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error, 'invalid_client');
    const otherRedirect = await ap.call('POST', '/oauth/token', { ...body, code: await code(), redirect_uri: 'http://elsewhere/' }, { key: null });
    assert.equal(otherRedirect.body.error, 'invalid_grant');
    const grant = await ap.call('POST', '/oauth/token', { ...body, grant_type: 'password' }, { key: null });
    assert.equal(grant.body.error, 'unsupported_grant_type');
    const scope = await ap.call('POST', '/oauth/token', { ...body, code: await code(), scope: 'everything' }, { key: null });
    assert.equal(scope.body.error, 'invalid_scope');
    const form = await ap.call('POST', '/oauth/token', undefined, { key: null, form: { client_id: ap.clientId, client_secret: ap.clientSecret, grant_type: 'client_credentials' } });
    assert.equal(form.status, 200, form.text);
  });

  test('96: gateway credentials list the test and live accounts with their keys', async () => {
    const token = await ap.accessToken('authorization_code');
    const reply = await ap.call('GET', '/gateway-credentials', undefined, { bearer: token });
    assert.equal(reply.status, 200, reply.text);
    const test = reply.body.test_accounts;
    const merchantAccount = test.find((a: any) => a.type === 'MerchantAccount');
    const achAccount = test.find((a: any) => a.type === 'AchAccount');
    assert.ok(merchantAccount && achAccount);
    for (const account of [merchantAccount, achAccount]) {
      assert.equal(account.public_key, ap.pk);
      assert.equal(account.secret_key, ap.sk);
      assert.equal(typeof account.trust_account, 'string');
    }
    assert.ok(Array.isArray(reply.body.user.abilities));
    assert.ok(Array.isArray(reply.body.live_accounts));
    assert.equal(reply.body.live_accounts[0].secret_key, ap.lk);
    assert.equal((await ap.call('GET', '/gateway-credentials', undefined, { key: null })).status, 401);
    const cc = await ap.accessToken('client_credentials');
    assert.equal((await ap.call('GET', '/gateway-credentials', undefined, { bearer: cc })).status, 401);
    assert.equal((await ap.call('GET', '/gateway-credentials')).status, 401, 'a gateway key is no bearer token');
  });

  const application = {
    reference: 'ref-1',
    plan: 'legal_standard',
    first_name: 'Jane',
    last_name: 'Doe',
    email: 'jane@example.com',
    business_name: 'Doe Law LLC',
    business_address1: '1 Main St',
    business_city: 'Austin',
    business_state: 'TX',
    business_zip_code: '78701',
    business_phone: '5125551234',
    industry_code: '8111',
    goods_and_services: 'Legal Fees',
    structure: 'SM',
    federal_tax_id: '123456789',
    years_in_business: '5',
    owner_first_name: 'Jane',
    owner_last_name: 'Doe',
    owner_title: 'Owner',
    owner_date_of_birth: '1980-01-01',
    owner_social_security_number: '123456789',
    owner_address1: '2 Elm St',
    owner_city: 'Austin',
    owner_state: 'TX',
    owner_zip_code: '78702',
    owner_phone_number: '5125550000',
    owner_email: 'jane@example.com',
    owner_years_in_residence: '2',
    owner_drivers_license_number: 'D1234567',
    owner_drivers_license_state: 'TX',
    owner_drivers_license_expiration: '2030-01-01',
    operating_account_routing_number: '000000013',
    operating_account_bank_name: 'First Bank',
    operating_account_number: '1234567',
    signature: '[{"lx":5,"ly":51,"mx":5,"my":50}]',
  };

  test('97: a merchant application under each path; missing or wrong fields are invalid_data with their context', async () => {
    const token = await ap.accessToken('client_credentials');
    for (const path of ['/merchant-applications', '/merchant_applications', '/api/v1/merchant_applications']) {
      const reply = await ap.call('POST', path, { merchant_application: application }, { bearer: token });
      assert.equal(reply.status, 200, `${path}: ${reply.text}`);
      assert.match(reply.body.merchant_application.id, /^\d+$/);
    }
    const { business_name: _omitted, ...rest } = application;
    const missing = await ap.call('POST', '/merchant-applications', { merchant_application: rest }, { bearer: token });
    assert.equal(missing.status, 422);
    assert.equal(missing.body.messages[0].code, 'invalid_data');
    assert.equal(missing.body.messages[0].context, 'business_name');
    const structure = await ap.call('POST', '/merchant-applications', { merchant_application: { ...application, structure: 'XX' } }, { bearer: token });
    assert.equal(structure.body.messages[0].context, 'structure');
    const validate = await ap.call('POST', '/merchant-applications', { merchant_application: { ...application, test: 'validate' } }, { bearer: token });
    assert.equal(validate.status, 200);
    assert.equal((await ap.call('POST', '/merchant-applications', { merchant_application: application }, { key: null })).status, 401);
  });

  test('98: deauthorize revokes the merchant tokens of the app; again is fine', async () => {
    const merchantToken = await ap.accessToken('authorization_code');
    assert.equal((await ap.call('GET', '/gateway-credentials', undefined, { bearer: merchantToken })).status, 200);
    const partner = await ap.accessToken('client_credentials');
    const reply = await ap.call('DELETE', `/merchants/${ap.pk}/deauthorize_application`, undefined, { bearer: partner });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.text, '');
    assert.equal((await ap.call('GET', '/gateway-credentials', undefined, { bearer: merchantToken })).status, 401);
    const again = await ap.call('DELETE', `/api/v1/merchants/${ap.pk}/deauthorize_application`, undefined, { bearer: partner });
    assert.equal(again.status, 200);
    const unknown = await ap.call('DELETE', '/merchants/m_0000000000000000000000/deauthorize_application', undefined, { bearer: partner });
    assert.equal(unknown.status, 404);
    const withMerchantToken = await ap.call('DELETE', `/merchants/${ap.pk}/deauthorize_application`, undefined, { bearer: await ap.accessToken('authorization_code') });
    assert.equal(withMerchantToken.status, 401);
  });
});

describe('webhooks to the event URLs', () => {
  test('93: the test event URL gets each event as GET /v1/events/{id} answers it; the live URL gets none', async () => {
    const received: Array<{ path: string; body: string; headers: Record<string, unknown> }> = [];
    const receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ path: request.url ?? '', body: Buffer.concat(chunks).toString('utf8'), headers: request.headers });
        response.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    try {
      const set = await ap.call('PATCH', '/v1/merchant', { test_events_urls: `${base}/test-a,${base}/test-b`, live_events_urls: `${base}/live` });
      assert.equal(set.status, 200, set.text);
      assert.equal(set.body.test_events_urls, `${base}/test-a,${base}/test-b`);
      assert.equal(set.body.live_events_urls, `${base}/live`);
      const charge = await ap.call('POST', '/v1/charges', { amount: 4321, method: card() });
      const refund = await ap.call('POST', `/v1/charges/${charge.body.id}/refund`, { amount: 21 });
      assert.equal(refund.status, 200);
      await ap.advance('1s');
      const toA = received.filter((r) => r.path === '/test-a');
      assert.deepEqual(
        toA.map((r) => JSON.parse(r.body).type),
        ['transaction.created', 'transaction.authorized', 'transaction.created', 'transaction.authorized', 'transaction.updated'],
      );
      assert.equal(received.filter((r) => r.path === '/test-b').length, toA.length, 'every URL of the list');
      assert.equal(received.filter((r) => r.path === '/live').length, 0, 'nothing to the live URLs');
      for (const delivery of toA) {
        const sent = JSON.parse(delivery.body);
        const stored = await ap.call('GET', `/v1/events/${sent.id}`);
        assert.equal(stored.status, 200);
        assert.deepEqual(sent, stored.body);
        assert.equal(delivery.headers['content-type'], 'application/json');
        assert.ok(delivery.headers['webhook-id'] && delivery.headers['webhook-signature']);
      }
      // A live charge goes to the live URL only.
      const live = await ap.call('POST', '/v1/charges', { amount: 100, method: card('4242424242424242', { exp_year: 2099 }) }, { key: ap.lk });
      await ap.advance('1s');
      const toLive = received.filter((r) => r.path === '/live').map((r) => JSON.parse(r.body));
      assert.deepEqual(
        toLive.map((e) => [e.type, e.data.id]),
        [
          ['transaction.created', live.body.id],
          ['transaction.authorized', live.body.id],
        ],
      );
      // Removing a URL removes its endpoint.
      const cleared = await ap.call('PATCH', '/v1/merchant', { test_events_urls: `${base}/test-a`, live_events_urls: '' });
      assert.equal(cleared.body.test_events_urls, `${base}/test-a`);
      assert.equal(cleared.body.live_events_urls, undefined);
    } finally {
      receiver.closeAllConnections();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});
