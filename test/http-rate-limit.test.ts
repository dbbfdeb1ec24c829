import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../src/http/app.ts';
import { openTestStore } from './helpers/store.ts';

test('ChargeOver: unknown paths count against the 250-a-minute limit per credential, with the exact 429 body', async () => {
  const store = await openTestStore();
  const app = await buildApp({ services: store.services, logLevel: 'silent' });
  try {
    const hit = (auth: string) => app.inject({ method: 'GET', url: '/chargeover/nothing', headers: { authorization: auth } });
    const statuses: number[] = [];
    for (let i = 0; i < 251; i++) statuses.push((await hit('Basic YTpi')).statusCode);
    assert.equal(statuses.filter((s) => s === 400).length, 250);
    assert.equal(statuses[250], 429);
    const limited = await hit('Basic YTpi');
    assert.equal(limited.statusCode, 429);
    assert.deepEqual(limited.json(), { code: 429, status: 'Error', message: 'Rate limit exceeded', details: {}, response: false });
    assert.equal((await hit('Basic Yzpk')).statusCode, 400);
  } finally {
    await app.close();
    await store.dispose();
  }
});

test('a tenant can set its own limit per front door through the admin API (0 = none)', async () => {
  const { startTestServer } = await import('./helpers/server.ts');
  const { issueDoorCredential: issueCredential } = await import('../src/vendors/index.ts');
  const server = await startTestServer();
  try {
    const pair = await issueCredential(server.store.services, server.tenant.id, { vendor: 'chargeover' });
    const auth = `Basic ${Buffer.from(`${pair.publicId}:${pair.secret}`).toString('base64')}`;
    const list = () => fetch(`${server.url}/chargeover/api/v3/customer`, { headers: { authorization: auth } }).then((r) => r.status);
    const set = await server.admin('/_admin/tenants/acme/rate-limits', { method: 'PUT', body: { chargeover: 3 } });
    assert.deepEqual(set.body, { rate_limits: { chargeover: 3 } });
    assert.deepEqual([await list(), await list(), await list(), await list()], [200, 200, 200, 429]);
    assert.equal((await server.admin('/_admin/tenants/acme/rate-limits', { method: 'PUT', body: { chargeover: 'lots' } })).status, 400);
    await server.admin('/_admin/tenants/acme/rate-limits', { method: 'PUT', body: { chargeover: 0 } });
    assert.equal(await list(), 200);
  } finally {
    await server.close();
  }
});
