// Spec §5 case 7 (1.3, G41): off by default; switched on for a tenant (admin PUT /rate-limits), the
// 61st request inside 60 s is refused with 429, Retry-After (whole seconds, 1..60) and ChargeDesk's
// envelope, and so is every request for the 60 s block, which runs on the tenant's clock: moving the
// clock by Retry-After seconds ends it. Counted per key (another key is not blocked).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { issueDoorCredential } from '../../src/vendors/index.ts';
import { startChargeDesk, type ChargeDeskClient } from './client.ts';

let cd: ChargeDeskClient;
before(async () => {
  cd = await startChargeDesk();
});
after(async () => {
  await cd?.close();
});

const limit = (value: number) => cd.server.admin(`/_admin/tenants/${cd.server.tenant.slug}/rate-limits`, { method: 'PUT', body: { chargedesk: value } });

test('#7 off by default: 70 requests in a minute all answer', async () => {
  const statuses = await Promise.all(Array.from({ length: 70 }, () => cd.call('GET', '/charges', { count: 1 }).then((r) => r.status)));
  assert.deepEqual([...new Set(statuses)], [200]);
});

test('#7 on at 60 a minute: the 61st is 429 with Retry-After, blocked 60 s on the tenant’s clock, then 200 (form and JSON)', async () => {
  assert.equal((await limit(60)).status, 200);
  const statuses: number[] = [];
  for (let i = 0; i < 60; i++) {
    const reply = i % 2 === 0 ? await cd.call('GET', '/charges', { count: 1 }) : await cd.call('POST', '/customers', { customer_id: `rl-${i}` }, { json: i % 4 === 1 });
    statuses.push(reply.status);
  }
  assert.deepEqual([...new Set(statuses)], [200], 'the first 60 answer');
  const refused = await cd.call('POST', '/customers', { customer_id: 'rl-61' });
  assert.equal(refused.status, 429);
  const retryAfter = Number(refused.headers.get('retry-after'));
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${refused.headers.get('retry-after')}`);
  assert.deepEqual(refused.body, { error: { message: `Rate limit exceeded. Try again in ${retryAfter} seconds.` } });
  assert.equal((await cd.call('GET', '/customers/rl-61')).status, 429, 'refused requests did nothing, and the block holds');

  // Another key of the same tenant has its own count.
  const { secret } = await issueDoorCredential(cd.server.store.services, cd.server.tenant.id, { vendor: 'chargedesk', label: 'second' });
  assert.equal((await cd.call('GET', '/charges', { count: 1 }, { key: secret })).status, 200);

  // Half the block on the tenant's clock: still blocked, Retry-After counting down.
  await cd.advance(30_000);
  const still = await cd.call('GET', '/charges', { count: 1 });
  assert.equal(still.status, 429);
  const left = Number(still.headers.get('retry-after'));
  assert.ok(left >= 1 && left <= 30, `Retry-After ${left} after 30 s`);
  await cd.advance(left * 1000);
  const back = await cd.call('GET', '/customers/rl-61');
  assert.equal(back.status, 404, 'answered again (rl-61 was never made)');
  assert.equal((await cd.call('POST', '/customers', { customer_id: 'rl-61' })).status, 200);

  // Switched off again: no limit.
  assert.equal((await limit(0)).status, 200);
  const burst = await Promise.all(Array.from({ length: 65 }, () => cd.call('GET', '/charges', { count: 1 }).then((r) => r.status)));
  assert.deepEqual([...new Set(burst)], [200]);
});
