// The ChargeOver door on a port of its own (BURSAR_CHARGEOVER_PORT): its paths at the root.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../../src/http/app.ts';
import { createTenant } from '../../src/core/tenants/tenants.ts';
import { issueDoorCredential as issueCredential } from '../../src/vendors/index.ts';
import { chargeOverDoor } from '../../src/vendors/chargeover/door.ts';
import { openTestStore } from '../helpers/store.ts';
import { ensureDemo } from '../../src/vendors/index.ts';

test('/api/v3 at the root of the ChargeOver port', async () => {
  const store = await openTestStore();
  const app = await buildApp({ services: store.services, logLevel: 'silent', only: chargeOverDoor });
  try {
    const tenant = await createTenant(store.services, { name: 'Own Port', slug: 'own' });
    const cred = await issueCredential(store.services, tenant.id, { vendor: 'chargeover' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/api/v3`;
    const headers = { authorization: `Basic ${Buffer.from(`${cred.publicId as string}:${cred.secret}`).toString('base64')}`, 'content-type': 'application/json' };
    const created = await fetch(`${base}/customer`, { method: 'POST', headers, body: JSON.stringify({ company: 'Own Port Co' }) });
    assert.equal(created.status, 201);
    assert.match(created.headers.get('location') ?? '', /^http:\/\/127\.0\.0\.1:\d+\/api\/v3\/customer\/\d+$/);
    const list = (await (await fetch(`${base}/customer`, { headers })).json()) as { response: Array<{ company: string; url_self: string }> };
    assert.equal(list.response[0].company, 'Own Port Co');
    assert.match(list.response[0].url_self, /^http:\/\/127\.0\.0\.1:\d+\/admin\/r\/customer\/view\/\d+$/);
    assert.equal((await fetch(`${base}/nosuch`, { headers })).status, 400);
  } finally {
    await app.close();
    await store.dispose();
  }
});

test("the demo tenant accepts the key pairs printed in ChargeOver's document", async () => {
  const store = await openTestStore();
  const app = await buildApp({ services: store.services, logLevel: 'silent', only: chargeOverDoor });
  try {
    await ensureDemo(store.services);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/api/v3`;
    for (const header of [
      'Basic czI3bEhUNGh4UTNuUkNhRUJQMGR6S2V0anVpTmZMbXk6UnF6M0xEWTZjaXBLYkZPVHdCRTlOb1ZKblM1c1FVcmw=',
      'Basic N3N1dFdGRU8yektWWUlHbVpNSjNOaWo1aGZMeERSYjg6OXZDSmJtZFpLU2llVmNoeXJSSXRGUXc4TUJONGxPSDM=',
    ]) {
      assert.equal((await fetch(`${base}/customer/_count`, { headers: { authorization: header } })).status, 200);
    }
  } finally {
    await app.close();
    await store.dispose();
  }
});
