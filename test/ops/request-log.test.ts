// One log line per request with method, path, status, duration, door, tenant and request id; JSON
// off a terminal, one pretty line on one; card numbers and credentials never in either.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app.ts';
import { createLogger, logFormat } from '../../src/http/logger.ts';
import { issueDoorCredential as issueCredential } from '../../src/vendors/index.ts';
import { createTenant } from '../../src/core/tenants/tenants.ts';
import { openTestStore, type TestStore } from '../helpers/store.ts';
import { docSale } from '../fluidpay/client.ts';

const PAN = '4111111111111111';
let store: TestStore;
let apiKey: string;

before(async () => {
  store = await openTestStore();
  const tenant = await createTenant(store.services, { name: 'Log Shop', slug: 'log-shop' });
  apiKey = (await issueCredential(store.services, tenant.id, { vendor: 'fluidpay' })).secret;
});
after(async () => store.dispose());

function capture(): { stream: PassThrough; lines: string[] } {
  const stream = new PassThrough();
  const lines: string[] = [];
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  return { stream, lines };
}

async function sale(app: FastifyInstance) {
  const body = docSale({ payment_method: { card: { entry_type: 'keyed', number: PAN, expiration_date: '12/99', cvc: '999' } } });
  return app.inject({ method: 'POST', url: `/fluidpay/api/transaction?note=${PAN}`, headers: { authorization: apiKey, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
}

test('JSON: one line per request with method, path, status, duration, door, tenant and request id; no card number, no key', async () => {
  const { stream, lines } = capture();
  const app = await buildApp({ services: store.services, logLevel: 'info', logStream: stream });
  try {
    const response = await sale(app);
    assert.equal(response.statusCode, 200, response.body);
    const missing = await app.inject({ method: 'GET', url: '/fluidpay/api/nowhere', headers: { authorization: `Basic ${Buffer.from('user:hunter2').toString('base64')}` } });
    await new Promise((resolve) => setImmediate(resolve));
    const entries = lines.map((line) => JSON.parse(line) as Record<string, any>);
    const requests = entries.filter((entry) => entry.msg === 'request');
    assert.equal(requests.length, 2, lines.join('\n'));
    const [first, second] = requests;
    assert.equal(first.method, 'POST');
    assert.equal(first.path, '/fluidpay/api/transaction');
    assert.equal(first.status, 200);
    assert.equal(typeof first.ms, 'number');
    assert.equal(first.door, 'fluidpay');
    assert.equal(first.tenant, 'log-shop');
    assert.equal(first.reqId, response.headers['x-request-id']);
    assert.equal(first.query, 'note=411111…1111');
    assert.equal(second.status, missing.statusCode);
    assert.equal(second.path, '/fluidpay/api/nowhere');
    assert.ok(!entries.some((entry) => 'req' in entry || 'res' in entry), 'no empty req/res objects');
    const all = lines.join('\n');
    assert.doesNotMatch(all, new RegExp(PAN));
    assert.doesNotMatch(all, new RegExp(apiKey));
    assert.doesNotMatch(all, /hunter2|dXNlcjpodW50ZXIy/);
  } finally {
    await app.close();
  }
});

test('pretty: the same request is one readable line', async () => {
  const { stream, lines } = capture();
  const app = await buildApp({ services: store.services, logger: createLogger({ level: 'info', stream, format: 'pretty' }) });
  try {
    const response = await sale(app);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(
      lines[0],
      new RegExp(`^\\[\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\] INFO: POST /fluidpay/api/transaction\\?note=411111…1111 → 200 [\\d.]+ ms  fluidpay log-shop  ${String(response.headers['x-request-id'])}$`),
    );
    assert.doesNotMatch(lines[0], new RegExp(`${PAN}|${apiKey}`));
  } finally {
    await app.close();
  }
});

test('pretty on a terminal, JSON elsewhere, LOG_FORMAT overrides', () => {
  assert.equal(logFormat({}, true), 'pretty');
  assert.equal(logFormat({}, false), 'json');
  assert.equal(logFormat({ LOG_FORMAT: 'json' }, true), 'json');
  assert.equal(logFormat({ LOG_FORMAT: 'pretty' }, false), 'pretty');
});

test('fields that can carry card data or credentials are redacted when a line has them', async () => {
  const { stream, lines } = capture();
  const log = createLogger({ level: 'info', stream, format: 'json' });
  log.info({ body: { card: { number: PAN, cvv: '999' }, amount: 5 }, headers: { authorization: 'Basic dXNlcjpodW50ZXIy', accept: '*/*' }, password: 'hunter2', number: PAN }, `charged ${PAN}`);
  log.error({ err: Object.assign(new Error(`declined ${PAN}`), { detail: `key ${apiKey}` }) }, 'failed');
  await new Promise((resolve) => setImmediate(resolve));
  const [first, second] = lines.map((line) => JSON.parse(line) as Record<string, any>);
  assert.deepEqual(first.body, { card: { number: '[redacted]', cvv: '[redacted]' }, amount: 5 });
  assert.deepEqual(first.headers, { authorization: 'Basic [redacted]', accept: '*/*' });
  assert.equal(first.password, '[redacted]');
  assert.equal(first.number, '411111…1111');
  assert.equal(first.msg, 'charged 411111…1111');
  assert.equal(second.err.message, 'declined 411111…1111');
  const all = lines.join('\n');
  assert.doesNotMatch(all, new RegExp(`${PAN}|${apiKey}|hunter2|dXNlcjpodW50ZXIy`));
});
