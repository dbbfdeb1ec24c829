import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { buildApp } from '../src/http/app.ts';
import { FRONT_DOORS } from '../src/vendors/index.ts';
import type { FrontDoor } from '../src/http/front-door.ts';
import { openTestStore } from './helpers/store.ts';

// A door whose route fails unexpectedly, to see what a client and the log get.
const fluidPay = FRONT_DOORS.find((door) => door.vendor === 'fluidpay') as FrontDoor;
const failingDoor: FrontDoor = {
  ...fluidPay,
  routes: async (app) => {
    app.post('/api/boom', async () => {
      throw new Error('exploded while charging 4111111111111111');
    });
  },
};

test('an unexpected exception becomes the vendor 500 envelope with a request id; logs hide cards and keys', async () => {
  const store = await openTestStore();
  const stream = new PassThrough();
  const lines: string[] = [];
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  const app = await buildApp({ services: store.services, logLevel: 'info', logStream: stream, doors: [failingDoor] });
  try {
    const response = await app.inject({
      method: 'POST',
      url: '/fluidpay/api/boom',
      headers: { authorization: 'api_secretkey123', 'content-type': 'application/json' },
      payload: JSON.stringify({ card: { number: '4111111111111111', cvv: '123' } }),
    });
    assert.equal(response.statusCode, 500);
    const body = response.json() as { status: string; msg: string; data: null };
    assert.equal(body.status, 'failed');
    assert.equal(body.data, null);
    const requestId = response.headers['x-request-id'];
    assert.ok(typeof requestId === 'string' && requestId.length > 0);
    assert.match(body.msg, new RegExp(String(requestId)));
    assert.doesNotMatch(response.body, /exploded|at .*\.ts|4111111111111111/);

    await new Promise((resolve) => setImmediate(resolve));
    const log = lines.join('\n');
    assert.match(log, /unhandled error/);
    assert.match(log, /exploded while charging 411111…1111/);
    assert.doesNotMatch(log, /4111111111111111/);
    assert.doesNotMatch(log, /api_secretkey123/);
  } finally {
    await app.close();
    await store.dispose();
  }
});
