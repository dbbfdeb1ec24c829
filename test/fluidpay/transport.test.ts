import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { buildApp } from '../../src/http/app.ts';
import { fluidPayDoor } from '../../src/vendors/fluidpay/door.ts';
import { docSale, startFluidPay, type FluidPayClient } from './client.ts';

let fp: FluidPayClient;
before(async () => {
  fp = await startFluidPay();
});
after(async () => {
  await fp?.close();
});

function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => (data += chunk));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
    socket.write(text);
  });
}

test('two bytes written after a Connection: close GET are answered, not dropped', async () => {
  const port = Number(new URL(fp.server.url).port);
  const sale = await fp.call('POST', '/transaction', docSale());
  const path = `/fluidpay/api/transaction/${sale.body.data.id}`;
  const withLength = await rawRequest(
    port,
    `GET ${path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: ${fp.key}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
  );
  assert.match(withLength, /^HTTP\/1\.1 200/, 'GET with Content-Length: 2 and {}');
  assert.ok(withLength.includes(sale.body.data.id));
  const trailing = await rawRequest(port, `GET ${path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: ${fp.key}\r\nConnection: close\r\n\r\n{}`);
  assert.match(trailing, /^HTTP\/1\.1 200/, 'GET then two stray bytes');
  assert.ok(trailing.includes(sale.body.data.id));
});

test('a {} body on DELETE (the JS client sends one on every GET and DELETE) is accepted and ignored', async () => {
  const addon = (await fp.call('POST', '/recurring/addon', { name: 'a', amount: 1 })).body.data;
  const deleted = await fp.call('DELETE', `/recurring/addon/${addon.id}`, {});
  assert.equal(deleted.status, 200);
  assert.deepEqual(deleted.body, { status: 'success', msg: 'success', data: null });
});

test('on its own port the door answers at /api and at the root', async () => {
  const app = await buildApp({ services: fp.server.store.services, logLevel: 'silent', only: fluidPayDoor });
  await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const address = app.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    for (const prefix of ['/api', '']) {
      const reply = await fetch(`${base}${prefix}/transaction/search`, { method: 'POST', headers: { authorization: fp.key, 'content-type': 'application/json' }, body: '{}' });
      assert.equal(reply.status, 200, prefix);
      assert.equal(((await reply.json()) as any).status, 'success');
    }
    const missing = await fetch(`${base}/api/nowhere`, { headers: { authorization: fp.key } });
    assert.equal(missing.status, 404);
    assert.deepEqual({ ...((await missing.json()) as any), msg: undefined }, { status: 'failed', msg: undefined, data: null });
  } finally {
    await app.close();
  }
});

test('on the main port the paths answer without /api too, and the journal keeps the path the client sent', async () => {
  const init = { method: 'POST', headers: { authorization: fp.key, 'content-type': 'application/json' }, body: '{}' };
  const withApi = await fetch(`${fp.server.url}/fluidpay/api/transaction/search?probe=api`, init);
  const atRoot = await fetch(`${fp.server.url}/fluidpay/transaction/search?probe=root`, init);
  assert.equal(atRoot.status, 200);
  assert.deepEqual(await atRoot.json(), await withApi.json());
  const journal = await fp.server.admin('/_admin/requests');
  const urls = (journal.body.requests as { path: string; query: string | null }[]).map((entry) => `${entry.path}?${entry.query}`);
  assert.ok(urls.includes('/fluidpay/transaction/search?probe=root'), urls.join(' '));
  assert.ok(urls.includes('/fluidpay/api/transaction/search?probe=api'), urls.join(' '));
  const head = await fetch(`${fp.server.url}/fluidpay/api/transaction/search`, { method: 'HEAD', headers: { authorization: fp.key } });
  assert.equal(head.status, 404, 'no HEAD twins of vendor routes');
  assert.equal((await fetch(`${fp.server.url}/_health`, { method: 'HEAD' })).status, 200, 'the server pages keep HEAD');
});
