// The request journal through the admin API: what a client sent and got back, per tenant, with card
// data and credentials redacted; filters by door, status and path; clearing; a bounded size.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { issueDoorCredential as issueCredential } from '../../src/vendors/index.ts';
import { buildApp } from '../../src/http/app.ts';
import { Journal } from '../../src/http/journal.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { docSale } from '../fluidpay/client.ts';

const PAN = '4111111111111111';
let server: TestServer;
let fpKey: string;
let coAuth: string;

before(async () => {
  server = await startTestServer();
  fpKey = (await issueCredential(server.store.services, server.tenant.id, { vendor: 'fluidpay' })).secret;
  const co = await issueCredential(server.store.services, server.tenant.id, { vendor: 'chargeover' });
  coAuth = `Basic ${Buffer.from(`${co.publicId as string}:${co.secret}`).toString('base64')}`;
});
after(async () => server.close());

const send = (method: string, path: string, auth: string | null, body?: string, type = 'application/json') =>
  fetch(server.url + path, { method, headers: { ...(auth ? { authorization: auth } : {}), ...(body === undefined ? {} : { 'content-type': type }) }, body });

test('a tenant’s requests: method, path, status, duration, bodies with card data redacted, the door’s error', async () => {
  const sale = await send(
    'POST',
    '/fluidpay/api/transaction',
    fpKey,
    JSON.stringify(docSale({ payment_method: { card: { entry_type: 'keyed', number: PAN, expiration_date: '12/99', cvc: '999' } } })),
  );
  assert.equal(sale.status, 200);
  const bad = await send('POST', '/chargeover/api/v3/customer', coAuth, '{"company": "Oops", "terms_id": "soon"}');
  assert.equal(bad.status, 400);
  const form = await send('POST', '/chargeover/api/v3/creditcard', coAuth, `customer_id=999999&number=${PAN}&cvv=123`, 'application/x-www-form-urlencoded');
  assert.equal(form.status, 400);
  await send('GET', '/fluidpay/api/transaction/nope', 'not-a-key');
  await server.admin('/_admin/tenants'); // admin calls are not journaled

  const listed = await server.admin(`/_admin/tenants/${server.tenant.slug}/requests`);
  assert.equal(listed.status, 200);
  const text = JSON.stringify(listed.body);
  assert.doesNotMatch(text, new RegExp(PAN));
  assert.doesNotMatch(text, new RegExp(fpKey));
  assert.doesNotMatch(text, /"cvc":"999"|"cvv":"123"/);
  const requests = listed.body.requests;
  assert.deepEqual(
    requests.map((r: any) => `${r.method} ${r.path} ${r.status}`),
    ['POST /chargeover/api/v3/creditcard 400', 'POST /chargeover/api/v3/customer 400', 'POST /fluidpay/api/transaction 200'],
  );

  const [cardForm, customer, fpSale] = requests;
  assert.equal(fpSale.door, 'fluidpay');
  assert.equal(fpSale.tenant, server.tenant.slug);
  assert.equal(fpSale.request_id, sale.headers.get('x-request-id'));
  assert.equal(typeof fpSale.duration_ms, 'number');
  assert.equal(fpSale.request.headers.authorization, '[redacted]');
  assert.equal(fpSale.request.body.payment_method.card.number, '[redacted]');
  assert.equal(fpSale.request.body.payment_method.card.cvc, '[redacted]');
  assert.equal(fpSale.request.body.amount, 1112);
  assert.equal(fpSale.response.body.status, 'success');
  assert.match(fpSale.response.body.data.response_body.card.masked_card, /^411111\*+1111$/);
  assert.equal(fpSale.error, null);

  assert.equal(customer.door, 'chargeover');
  assert.equal(customer.request.headers.authorization, 'Basic [redacted]');
  assert.equal(customer.request.body.company, 'Oops');
  assert.equal(customer.response.body.status, 'Error');
  assert.equal(typeof customer.error.message, 'string');
  assert.ok(customer.error.message.length > 0);
  assert.equal(cardForm.request.body.number, '[redacted]');
  assert.equal(cardForm.request.body.cvv, '[redacted]');
  assert.equal(cardForm.request.body.customer_id, '999999');

  const everyone = await server.admin('/_admin/requests');
  const unauthenticated = everyone.body.requests.find((r: any) => r.path === '/fluidpay/api/transaction/nope');
  assert.ok(unauthenticated, 'requests that never authenticated are in the global journal');
  assert.equal(unauthenticated.tenant, null);
  assert.equal(unauthenticated.status, 401);
  assert.ok(!requests.some((r: any) => r.path.endsWith('/nope')));
  assert.ok(!everyone.body.requests.some((r: any) => r.path.startsWith('/_admin')));
});

test('filters by door, status and path; limit; clear; bad filters are a 400', async () => {
  const base = `/_admin/tenants/${server.tenant.slug}/requests`;
  const paths = async (query: string) => (await server.admin(`${base}?${query}`)).body.requests.map((r: any) => `${r.door} ${r.status} ${r.path}`);
  assert.deepEqual(await paths('door=fluidpay'), ['fluidpay 200 /fluidpay/api/transaction']);
  assert.deepEqual(await paths('status=4xx'), ['chargeover 400 /chargeover/api/v3/creditcard', 'chargeover 400 /chargeover/api/v3/customer']);
  assert.deepEqual(await paths('status=200'), ['fluidpay 200 /fluidpay/api/transaction']);
  assert.deepEqual(await paths('path=customer'), ['chargeover 400 /chargeover/api/v3/customer']);
  assert.deepEqual(await paths('door=chargeover&limit=1'), ['chargeover 400 /chargeover/api/v3/creditcard']);
  assert.equal((await server.admin(`${base}?status=bad`)).status, 400);
  assert.equal((await server.admin(`${base}?limit=-1`)).status, 400);
  assert.equal((await server.admin('/_admin/tenants/nobody/requests')).status, 404);

  assert.equal((await server.admin(base, { method: 'DELETE' })).status, 204);
  assert.deepEqual((await server.admin(base)).body.requests, []);
  assert.ok((await server.admin('/_admin/requests')).body.requests.length > 0, 'other entries stay');
  assert.equal((await server.admin('/_admin/requests', { method: 'DELETE' })).status, 204);
  assert.deepEqual((await server.admin('/_admin/requests')).body.requests, []);
});

test('each tenant keeps only its last N requests', async () => {
  const app = await buildApp({ services: server.store.services, logLevel: 'silent', journal: new Journal(3) });
  try {
    for (let i = 0; i < 5; i++) await app.inject({ method: 'GET', url: `/fluidpay/api/transaction/${i}`, headers: { authorization: fpKey } });
    const listed = await app.inject({ method: 'GET', url: `/_admin/tenants/${server.tenant.slug}/requests`, headers: { authorization: `Bearer ${server.adminToken}` } });
    const body = listed.json() as any;
    assert.equal(body.size, 3);
    assert.deepEqual(
      body.requests.map((r: any) => r.path),
      ['/fluidpay/api/transaction/4', '/fluidpay/api/transaction/3', '/fluidpay/api/transaction/2'],
    );
  } finally {
    await app.close();
  }
});

test('redaction of what the journal shows: JSON, forms, text, tokens, headers', async () => {
  const { redactedBody, redactedHeaders } = await import('../../src/http/redact.ts');
  assert.deepEqual(
    redactedBody(
      '{"card":{"number":"4242 4242 4242 4242","cvv":"123"},"invoice":{"number":"INV-7"},"note":"paid with 4111111111111111","data":{"token":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"}}',
      'application/json',
    ),
    {
      card: { number: '[redacted]', cvv: '[redacted]' },
      invoice: { number: 'INV-7' },
      note: 'paid with 411111…1111',
      data: { token: '[redacted]' },
    },
  );
  assert.deepEqual(redactedBody('password=hunter2&account_number=1000000001&name=Ann', 'application/x-www-form-urlencoded'), { password: '[redacted]', account_number: '[redacted]', name: 'Ann' });
  assert.equal(redactedBody('{"number": "4111111111111111", "cvv": "1', 'application/json'), '{"number": "[redacted]", "cvv": "[redacted]');
  assert.deepEqual(redactedHeaders({ authorization: 'Bearer abc', 'x-api-key': 'k', 'content-type': 'application/json' }), {
    authorization: 'Bearer [redacted]',
    'x-api-key': '[redacted]',
    'content-type': 'application/json',
  });
});
