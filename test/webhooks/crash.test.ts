// Nothing is lost when the server dies between an event and its delivery: the delivery is in the
// database with the event (the outbox), and the restarted server sends it. The server runs as a
// child process (as `npm start` runs it) and kills itself right after the business commit (the
// test-only crash fault), before it answers and before its delivery loop has looked.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { crashableServer } from '../helpers/crashable-server.ts';
import { startReceiver, type Receiver } from './helpers.ts';

const server = crashableServer('hook-crash', { BURSAR_WEBHOOK_TIMEOUT_MS: '1000' });
const { serve, exited, admin } = server;
let receiver: Receiver;

before(async () => {
  receiver = await startReceiver();
});

after(async () => {
  await receiver.close();
  await server.dispose();
});

test('kill -9 after the commit of a sale, before its webhook went out: the restarted server delivers it, once', { timeout: 120_000 }, async () => {
  let { child, url } = await serve();
  await admin(url, 'POST', '/_admin/tenants', { name: 'Hook Crash', slug: 'hookcrash' });
  const key = (await admin(url, 'POST', '/_admin/tenants/hookcrash/credentials', { vendor: 'fluidpay' })).credential.secret as string;
  await admin(url, 'POST', '/_admin/tenants/hookcrash/webhooks', { format: 'fluidpay', url: `${receiver.url}/crash` });
  await admin(url, 'PUT', '/_admin/tenants/hookcrash/faults', { crash_after_commit: true });
  const sale = { type: 'sale', amount: 4321, idempotency_key: 'hook-crash-1', payment_method: { card: { number: '4111111111111111', expiration_date: '12/29' } } };
  const call = () => fetch(`${url}/fluidpay/api/transaction`, { method: 'POST', headers: { authorization: key, 'content-type': 'application/json' }, body: JSON.stringify(sale) });
  await assert.rejects(call(), 'the server died before answering');
  await exited(child);

  ({ child, url } = await serve());
  const [hit] = (await receiver.waitFor((all) => all.some((r) => r.path === '/crash'), 20_000)).filter((r) => r.path === '/crash');
  const event = JSON.parse(hit.body);
  assert.equal(event.type, 'transaction_create');
  assert.equal(event.data.amount, 4321);

  // The retry with the same key answers the committed sale: no second transaction, no second event.
  await admin(url, 'PUT', '/_admin/tenants/hookcrash/faults', {});
  const retried = await call();
  assert.equal(retried.status, 200);
  assert.equal(((await retried.json()) as any).data.id, event.transaction_id);
  await new Promise((done) => setTimeout(done, 500));
  const crashHits = receiver.received.filter((r) => r.path === '/crash');
  assert.equal(new Set(crashHits.map((r) => r.headers['webhook-id'])).size, 1, 'one delivery for one event');
  child.kill('SIGTERM');
  await exited(child);
});
