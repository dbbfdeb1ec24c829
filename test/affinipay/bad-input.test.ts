// Bad input on every route: malformed bodies, wrong types in every field, unknown and forged ids,
// odd query parameters. Each answer is AffiniPay's envelope with a 4xx — never a 5xx — and what a
// refused request leaves behind is checked by the ledger at the end.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bank, card, startAffiniPay, YEAR, type AffiniPay } from './client.ts';

let ap: AffiniPay;
let ids: Record<string, string>;
let bearer: string;
before(async () => {
  ap = await startAffiniPay();
  bearer = await ap.accessToken('client_credentials');
  const accounts = await ap.accounts();
  const charge = await ap.call('POST', '/v1/charges', { amount: 100, method: card() });
  const hold = await ap.call('POST', '/v1/charges', { amount: 100, auto_capture: false, method: card() });
  const saved = await ap.call('POST', '/v1/cards', { number: '4242424242424242', exp_month: 1, exp_year: YEAR });
  const savedBank = await ap.call('POST', '/v1/banks', { routing_number: '000000013', account_number: '12345678' });
  const token = await ap.call('POST', '/v1/tokens', { type: 'card', number: '4242424242424242', exp_month: 1, exp_year: YEAR }, { key: ap.pk });
  const signature = await ap.call('POST', `/v1/transactions/${charge.body.id}/sign`, { mime_type: 'chargeio/jsignature', data: '[]' });
  const events = await ap.call('GET', '/v1/events?page_size=1');
  const contact = await ap.call('POST', '/contacts', { type: 'person', first_name: 'Ellen' }, { bearer });
  const banks = await ap.call('GET', '/bank-accounts', undefined, { bearer });
  const invoice = await ap.call('POST', '/invoices', { contact_id: contact.body.id, bank_account_id: banks.body[0].id, invoice_date: '2024-01-01', currency: 'USD' }, { bearer });
  ids = {
    ...accounts,
    charge: charge.body.id,
    hold: hold.body.id,
    card: saved.body.id,
    bank: savedBank.body.id,
    token: token.body.id,
    signature: signature.body.signature_id,
    event: events.body.results[0].id,
    contact: contact.body.id,
    org: contact.body.owner_id,
    invoice: invoice.body.id,
    bankAccount: banks.body[0].id,
  };
});
after(async () => {
  await ap.assertLedger();
  await ap.close();
});

const BAD_VALUES: unknown[] = [null, {}, [], [1, 2], 'x'.repeat(5000), -1, 0, 1.5, true, '💥\u200b', { nested: { deep: [1] } }, '9'.repeat(40), '1e3', ''];

function assertEnvelope(reply: { status: number; body: any; text: string }, what: string): void {
  assert.ok(reply.status < 500, `${what}: ${reply.status} ${reply.text.slice(0, 300)}`);
  if (reply.status >= 400) {
    if (reply.body && typeof reply.body === 'object' && 'error' in reply.body) return; // RFC 6749 on /oauth/token
    assert.ok(Array.isArray(reply.body?.messages), `${what}: ${reply.text.slice(0, 300)}`);
    assert.equal(typeof reply.body.messages[0].code, 'string', what);
    assert.equal(reply.body.messages[0].level, 'error', what);
  }
}

interface Route {
  method: string;
  path: () => string;
  body?: () => Record<string, unknown>;
  bearer?: boolean;
}

const ROUTES: Route[] = [
  { method: 'PUT', path: () => '/v1/merchant', body: () => ({ name: 'Biz', contact_email: 'a@b.co', timezone: 'America/New_York' }) },
  { method: 'PATCH', path: () => '/v1/merchant', body: () => ({ name: 'Biz', test_events_urls: 'http://x.example/e', api_allowed_ip_address_ranges: '10.0.0.0/8' }) },
  { method: 'PUT', path: () => `/v1/ach-accounts/${ids.ACH}`, body: () => ({ name: 'Bank', primary: true, required_payment_fields: '' }) },
  { method: 'PATCH', path: () => `/v1/ach-accounts/${ids.ACH}`, body: () => ({ transaction_allowed_countries: 'US' }) },
  { method: 'PATCH', path: () => `/v1/merchant-accounts/${ids.TR}`, body: () => ({ cvv_policy: 'OPTIONAL', avs_policy: 'DISABLED', accepted_card_types: '*', credits_enabled: true }) },
  { method: 'POST', path: () => '/v1/charges', body: () => ({ amount: 100, currency: 'USD', reference: 'r', data: { a: 1 }, method: card(), account_id: ids.OP, auto_capture: true }) },
  { method: 'POST', path: () => '/v1/charges', body: () => ({ amount: 100, method: bank() }) },
  { method: 'POST', path: () => '/v1/credits', body: () => ({ amount: 100, method: card() }) },
  { method: 'POST', path: () => `/v1/charges/${ids.hold}/capture`, body: () => ({ amount: 1, reference: 'r', capture_time: 'NEXT_AUTO_CAPTURE' }) },
  { method: 'POST', path: () => `/v1/charges/${ids.charge}/refund`, body: () => ({ amount: 1, reference: 'r', currency: 'USD', method: card() }) },
  { method: 'POST', path: () => `/v1/transactions/${ids.hold}/void`, body: () => ({ reference: 'r' }) },
  { method: 'POST', path: () => `/v1/transactions/${ids.charge}/sign`, body: () => ({ mime_type: 'chargeio/jsignature', data: '[]' }) },
  { method: 'POST', path: () => '/v1/cards', body: () => ({ number: '4242424242424242', exp_month: 1, exp_year: YEAR, reference: 'r', description: 'd', name: 'n' }) },
  { method: 'POST', path: () => '/v1/banks', body: () => ({ routing_number: '000000013', account_number: '12345678', account_type: 'CHECKING' }) },
  { method: 'POST', path: () => '/v1/tokens', body: () => ({ type: 'card', number: '4242424242424242', exp_month: 1, exp_year: YEAR, form_data: {} }) },
  { method: 'POST', path: () => '/oauth/token', body: () => ({ client_id: 'x', client_secret: 'y', grant_type: 'client_credentials', scope: 'payments' }) },
  { method: 'POST', path: () => '/merchant-applications', body: () => ({ merchant_application: { business_name: 'x' } }), bearer: true },
  {
    method: 'POST',
    path: () => '/contacts',
    body: () => ({ type: 'person', first_name: 'A', email_addresses: [{ address: 'a@b.co' }], addresses: [{ line1: 'l', city: 'c', country_code: 'US' }], phone_numbers: [{ number: '5125551212' }] }),
    bearer: true,
  },
  { method: 'PATCH', path: () => `/contacts/${ids.contact}`, body: () => ({ last_name: 'B', organization_id: ids.contact, source_id: 'urn:x:1' }), bearer: true },
  {
    method: 'POST',
    path: () => '/invoices',
    body: () => ({
      contact_id: ids.contact,
      bank_account_id: ids.bankAccount,
      invoice_date: '2024-01-01',
      currency: 'USD',
      line_items: [{ description: 'd', rate_per_quantity: '1', quantity: '1', rate_type: 'units' }],
      invoice_messages: [{ email_addresses: ['a@b.co'] }],
      attachments: [],
    }),
    bearer: true,
  },
  { method: 'PATCH', path: () => `/invoices/${ids.invoice}`, body: () => ({ reference: 'r', due_date: '2024-02-01', line_items: [], attachments: [], status: 'draft' }), bearer: true },
  { method: 'POST', path: () => `/invoices/${ids.invoice}/messages`, body: () => ({ email_addresses: ['a@b.co'], subject: 's', body: 'b' }), bearer: true },
  { method: 'POST', path: () => `/invoices/${ids.invoice}/payments`, body: () => ({ method: card(), amount: 1 }), bearer: true },
];

function call(route: Route, body: unknown, options: { raw?: string; headers?: Record<string, string> } = {}) {
  return ap.call(route.method, route.path(), body, { ...(route.bearer ? { bearer } : {}), ...options });
}

describe('every field of every write, with a wrong value', () => {
  for (const route of ROUTES) {
    test(`${route.method} ${route.path.toString().replace(/^\(\) => /, '')}`, async () => {
      const valid = route.body?.() ?? {};
      for (const [field, good] of Object.entries(valid)) {
        for (const bad of BAD_VALUES) {
          const reply = await call(route, { ...valid, [field]: bad });
          assertEnvelope(reply, `${route.method} ${route.path()} ${field}=${JSON.stringify(bad).slice(0, 40)}`);
        }
        if (good && typeof good === 'object' && !Array.isArray(good)) {
          for (const [inner] of Object.entries(good)) {
            for (const bad of BAD_VALUES) {
              const reply = await call(route, { ...valid, [field]: { ...good, [inner]: bad } });
              assertEnvelope(reply, `${route.method} ${route.path()} ${field}.${inner}=${JSON.stringify(bad).slice(0, 40)}`);
            }
          }
        }
      }
      for (const [raw, type] of [
        ['{"amount": 10,', 'application/json'],
        ['[]', 'application/json'],
        ['"text"', 'application/json'],
        ['a=1&b[c]=2', 'application/x-www-form-urlencoded'],
        ['<xml/>', 'text/xml'],
        ['', 'application/json'],
      ]) {
        const reply = await call(route, undefined, { raw, headers: { 'content-type': type } });
        assertEnvelope(reply, `${route.method} ${route.path()} raw ${raw}`);
      }
    });
  }
});

describe('unknown, forged and malformed ids', () => {
  const forged = ['wKgFnjz8GamBPPzKzIsAAA', 'AAAAAAAAAAAAAAAAAAAAAA', 'x', '%00', '../../etc', 'p_000000000000000000000', 'i_zzzzzzzzzzzzzzzzzzzzz', '💥', 'a'.repeat(400)];
  const paths = [
    ['GET', '/v1/transactions/ID'],
    ['POST', '/v1/transactions/ID/void'],
    ['POST', '/v1/charges/ID/capture'],
    ['POST', '/v1/charges/ID/refund'],
    ['POST', '/v1/transactions/ID/sign'],
    ['GET', '/v1/signatures/ID'],
    ['GET', '/v1/cards/ID'],
    ['DELETE', '/v1/cards/ID'],
    ['GET', '/v1/banks/ID'],
    ['DELETE', '/v1/banks/ID'],
    ['GET', '/v1/tokens/ID'],
    ['GET', '/v1/events/ID'],
    ['PATCH', '/v1/ach-accounts/ID'],
    ['PATCH', '/v1/merchant-accounts/ID'],
    ['GET', '/contacts/ID'],
    ['PATCH', '/contacts/ID'],
    ['GET', '/invoices/ID'],
    ['PATCH', '/invoices/ID'],
    ['DELETE', '/invoices/ID'],
    ['POST', '/invoices/ID/messages'],
    ['POST', '/invoices/ID/payments'],
    ['GET', '/invoices/ID/attachments/ID'],
    ['DELETE', '/invoices/ID/attachments/ID'],
    ['GET', '/contacts/ID/attachments/ID'],
    ['DELETE', '/contacts/ID/attachments/ID'],
    ['POST', '/contacts/ID/attachments'],
    ['DELETE', '/merchants/ID/deauthorize_application'],
  ];
  test('are 404 (or a 4xx) in the envelope, never a 5xx', async () => {
    for (const [method, path] of paths) {
      const isBearer = !path.startsWith('/v1/');
      for (const id of forged) {
        const reply = await ap.call(method, path.replace(/ID/g, encodeURIComponent(id)), method === 'GET' || method === 'DELETE' ? undefined : { amount: 1 }, isBearer ? { bearer } : {});
        assertEnvelope(reply, `${method} ${path} ${id}`);
        assert.ok(reply.status >= 400, `${method} ${path} ${id}: ${reply.status}`);
      }
    }
    // Ids of the wrong kind: a card id where a transaction goes, a transaction where a card goes.
    assert.equal((await ap.call('GET', `/v1/transactions/${ids.card}`)).status, 404);
    assert.equal((await ap.call('GET', `/v1/cards/${ids.charge}`)).status, 404);
    assert.equal((await ap.call('GET', `/v1/banks/${ids.card}`)).status, 404);
    assert.equal((await ap.call('GET', `/v1/signatures/${ids.charge}`)).status, 404);
    assert.equal((await ap.call('GET', `/contacts/${ids.org}`, undefined, { bearer })).status, 404);
    assert.equal((await ap.call('POST', '/v1/charges', { amount: 1, method: ids.signature })).status, 422);
  });
});

describe('query parameters', () => {
  const lists = ['/v1/transactions', '/v1/charges/holds', '/v1/cards', '/v1/banks', '/v1/events', '/contacts', '/invoices', '/payments', '/v1/transactions/source-id'];
  const queries = [
    'page=-1',
    'page=abc',
    'page_size=0',
    'page_size=1e9',
    'page=99999999999999999999',
    'order_by=-',
    'order_by=,,,',
    'order_by=created;drop',
    'qf=',
    'qf=:',
    'qf=a:b:c',
    'qf[]=type:CHARGE&qf[]=status:FAILED',
    'qf[a]=b',
    'q[]=x',
    'q=%25_%5C',
    'start_date=2024-13-45',
    'end_date[]=x',
    'account_id=nope',
    'account_id[]=x',
    'reference[a]=1',
    'exp_month=x',
    'exp_year=-1',
    'id=',
    'id[]=x',
    'qf=created.timestamp>nope',
    'qf=status:draft,created.timestamp>=2018-01-01T00:00:00.000Z',
    'qf=amount:abc',
  ];
  test('are answered in the envelope, never a 5xx', async () => {
    for (const list of lists) {
      const isBearer = !list.startsWith('/v1/');
      for (const query of queries) {
        const reply = await ap.call('GET', `${list}?${query}`, undefined, isBearer ? { bearer } : {});
        assertEnvelope(reply, `${list}?${query}`);
      }
    }
  });
});

describe('authentication', () => {
  test('broken Authorization headers are 401, never a 5xx', async () => {
    for (const header of ['Basic', 'Basic !!!', 'Basic ' + Buffer.from(':').toString('base64'), 'Bearer', 'Bearer a b', 'Digest x', 'Basic ' + 'A'.repeat(5000)]) {
      for (const path of ['/v1/merchant', '/contacts', '/gateway-credentials', '/v1/tokens']) {
        const reply = await ap.call(path === '/v1/tokens' ? 'POST' : 'GET', path, path === '/v1/tokens' ? { type: 'card' } : undefined, { key: null, headers: { authorization: header } });
        assertEnvelope(reply, `${header.slice(0, 20)} ${path}`);
        assert.equal(reply.status, 401, `${header.slice(0, 20)} ${path}`);
      }
    }
  });
});
