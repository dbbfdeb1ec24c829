// Conformance case 58: above 250 requests a minute per credential, the exact 429 body.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startChargeOver, type CoClient } from './helpers.ts';

let co: CoClient;
before(async () => {
  co = await startChargeOver();
});
after(async () => co.close());

test('58: the 251st request in a minute is 429 with the documented body', async () => {
  const statuses: number[] = [];
  let limited: unknown = null;
  for (let i = 0; i < 251; i++) {
    const answer = await co.get('/customer/_count');
    statuses.push(answer.status);
    if (answer.status === 429) limited = answer.body;
  }
  assert.equal(statuses.filter((s) => s === 200).length, 250);
  assert.equal(statuses[250], 429);
  assert.deepEqual(limited, { code: 429, status: 'Error', message: 'Rate limit exceeded', details: {}, response: false });
  const unauthenticated = await fetch(`${co.base}/customer`);
  assert.equal(unauthenticated.status, 401);
});
