// What a newcomer finds without reading code: GET / and /_health, the API reference of each door
// generated from its routes, and the admin API's OpenAPI document, valid, public, and true to what
// the API answers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { VERSION } from '../../src/version.ts';
import { TEST_DATABASE_URL } from '../helpers/store.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => server.close());

const get = async (path: string, accept = 'application/json') => {
  const response = await fetch(server.url + path, { headers: { accept } });
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
};

const DOORS = ['chargeover:true:/chargeover/api/v3', 'fluidpay:true:/fluidpay/api', 'chargedesk:true:/chargedesk', 'affinipay:true:/affinipay/v1', 'invoiced:true:/invoiced'];

test('GET / and /_health say the version, the database, which doors are live and their base paths', async () => {
  for (const path of ['/', '/_health']) {
    const { status, text } = await get(path);
    assert.equal(status, 200, path);
    const body = JSON.parse(text);
    assert.equal(body.version, VERSION, path);
    const kind = TEST_DATABASE_URL ? 'postgresql' : 'sqlite';
    assert.equal(path === '/' ? body.database : body.database.kind, kind, path);
    assert.deepEqual(
      body.doors.map((d: any) => `${d.vendor}:${d.live}:${d.base_path}`),
      DOORS,
      path,
    );
  }
  const root = JSON.parse((await get('/')).text);
  assert.equal(root.docs, '/_docs');
  assert.equal(root.admin.openapi, '/_admin/openapi.json');
});

test('each door’s API reference is generated from its routes and links to its README section', async () => {
  const chargeOver = JSON.parse((await get('/_docs/chargeover')).text);
  const routes = chargeOver.routes.map((r: any) => `${r.method} ${r.path}`);
  for (const expected of [
    'GET /chargeover/api/v3/customer',
    'GET /chargeover/api/v3/customer/{id}',
    'PUT /chargeover/api/v3/customer/{id}',
    'GET /chargeover/api/v3/invoice/_count',
    'POST /chargeover/api/v3/invoice/{id}?action=pay',
    'POST /chargeover/api/v3/_bulk',
    'GET /chargeover/r/invoice/view/{token}',
  ]) {
    assert.ok(routes.includes(expected), `${expected} in ${routes.join(', ')}`);
  }
  assert.equal(chargeOver.readme, '/_docs/files/src/vendors/chargeover/README.md');
  const fluidPay = JSON.parse((await get('/_docs/fluidpay')).text);
  const fpRoutes = fluidPay.routes.map((r: any) => `${r.method} ${r.path}`);
  for (const expected of ['POST /fluidpay/api/transaction', 'GET /fluidpay/api/transaction/{id}', 'POST /fluidpay/api/vault/customer']) assert.ok(fpRoutes.includes(expected), expected);
  const affiniPay = JSON.parse((await get('/_docs/affinipay')).text);
  assert.equal(affiniPay.live, true);
  assert.ok(affiniPay.routes.some((r: any) => r.method === 'POST' && r.path === '/affinipay/v1/charges'));
  assert.equal(affiniPay.readme, '/_docs/files/src/vendors/affinipay/README.md');
  const chargeDesk = JSON.parse((await get('/_docs/chargedesk')).text);
  assert.equal(chargeDesk.live, true);
  assert.ok(chargeDesk.routes.some((r: any) => r.method === 'POST' && r.path === '/chargedesk/v1/gateway/products/charge'));

  const html = await get('/_docs/chargeover', 'text/html');
  assert.match(html.type, /^text\/html/);
  assert.match(html.text, /<td class="m">POST<\/td><td class="m">\/chargeover\/api\/v3\/invoice\/\{id\}\?action=pay<\/td>/);
  const index = await get('/_docs', 'text/html');
  // Every door is live now: none is marked off.
  assert.ok(!index.text.includes('<tr class="off">'), 'no door is marked not live');
  const readme = await get('/_docs/files/README.md');
  assert.equal(readme.status, 200);
  assert.match(readme.text, /^# Bursar/);
  assert.match(readme.text, /^### ChargeOver$/m, 'the section the ChargeOver reference links to');
  assert.equal((await get('/_docs/files/src/vendors/fluidpay/README.md')).status, 200);
  for (const denied of ['/_docs/files/package.json', '/_docs/files/src/server.ts', '/_docs/files/../shared/design.md', '/_docs/nowhere']) assert.equal((await get(denied)).status, 404, denied);
});

test('the admin OpenAPI document is valid, public, covers every admin route, and matches real answers', async () => {
  const { status, text } = await get('/_admin/openapi.json');
  assert.equal(status, 200, 'public: no token needed');
  const doc = JSON.parse(text);
  await SwaggerParser.validate(structuredClone(doc));
  assert.equal(doc.info.version, VERSION);
  const operations = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item as object).map((method) => `${method.toUpperCase()} ${path}`));
  assert.equal(operations.length, 41, operations.join('\n'));
  assert.ok(operations.includes('GET /_admin/tenants/{tenant}/requests'));
  assert.ok(!operations.some((op) => op.includes('openapi')), 'the document does not list itself');

  // Real answers against the documented response schemas.
  const ajv = new Ajv2020({ strict: false, validateFormats: false });
  const check = async (method: string, path: string, template: string, body?: unknown) => {
    const answer = await server.admin(path, { method, body });
    const schema = doc.paths[template][method.toLowerCase()].responses[String(answer.status)]?.content?.['application/json']?.schema;
    assert.ok(schema, `${method} ${path} answered ${answer.status}, which the document does not describe`);
    const valid = ajv.validate(schema, answer.body);
    assert.ok(valid, `${method} ${path}: ${ajv.errorsText()}\n${JSON.stringify(answer.body)}`);
  };
  await check('GET', '/_admin/tenants', '/_admin/tenants');
  await check('POST', '/_admin/tenants', '/_admin/tenants', { name: 'Documented', slug: 'documented' });
  await check('GET', '/_admin/tenants/documented', '/_admin/tenants/{tenant}');
  await check('POST', '/_admin/tenants/documented/credentials', '/_admin/tenants/{tenant}/credentials', { vendor: 'fluidpay' });
  await check('GET', '/_admin/tenants/documented/credentials', '/_admin/tenants/{tenant}/credentials');
  await check('PUT', '/_admin/tenants/documented/faults', '/_admin/tenants/{tenant}/faults', { force_decline: 'insufficient_funds', latency_ms: 0 });
  await check('PUT', '/_admin/tenants/documented/faults', '/_admin/tenants/{tenant}/faults', { force_decline: 'whatever' });
  await check('POST', '/_admin/tenants/documented/clock/advance', '/_admin/tenants/{tenant}/clock/advance', { by: '1d' });
  await check('GET', '/_admin/verify', '/_admin/verify');
  await check('GET', '/_admin/tenants/documented/requests', '/_admin/tenants/{tenant}/requests');
  await check('GET', '/_admin/tenants/nobody', '/_admin/tenants/{tenant}');
  await check('PUT', '/_admin/tenants/documented/rate-limits', '/_admin/tenants/{tenant}/rate-limits', { fluidpay: 0 });
  await check('GET', '/_admin/tenants/documented/settings', '/_admin/tenants/{tenant}/settings');
  await check('PUT', '/_admin/tenants/documented/settings', '/_admin/tenants/{tenant}/settings', { timezone: 'Europe/Paris', dunning_days: [2, 4] });
  await check('PUT', '/_admin/tenants/documented/settings', '/_admin/tenants/{tenant}/settings', { timezone: 'Mars/Olympus' });
  await check('GET', '/_admin/tenants/documented/due-work', '/_admin/tenants/{tenant}/due-work');
  await check('POST', '/_admin/tenants/documented/due-work/run', '/_admin/tenants/{tenant}/due-work/run');
  await check('GET', '/_admin/tenants/documented/subscriptions', '/_admin/tenants/{tenant}/subscriptions');
  await check('GET', '/_admin/tenants/documented/subscriptions/999', '/_admin/tenants/{tenant}/subscriptions/{id}');
});

test('fault knobs: force_decline takes only decline reasons, unknown knobs are refused', async () => {
  const bad = await server.admin('/_admin/tenants/acme/faults', { method: 'PUT', body: { force_decline: 'nope' } });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'force_decline');
  assert.match(bad.body.error.message, /^force_decline must be one of .*insufficient_funds/);
  const typo = await server.admin('/_admin/tenants/acme/faults', { method: 'PUT', body: { force_declien: 'declined' } });
  assert.equal(typo.status, 400);
  assert.match(typo.body.error.message, /unknown fault knob force_declien/);
  const kind = await server.admin('/_admin/tenants/acme/credentials', { body: { vendor: 'chargeover', kind: 'api_key' } });
  assert.equal(kind.status, 400);
  assert.equal(kind.body.error.field, 'kind');
  assert.deepEqual((await server.admin('/_admin/tenants/acme/faults')).body.faults, {}, 'nothing was set');
});
