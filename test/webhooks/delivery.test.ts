// Webhook delivery end to end, against a real receiver on an ephemeral port: order per endpoint,
// retries on 500 and on timeouts until success (driven by a frozen test clock), Standard Webhooks
// signatures checked with the `standardwebhooks` package, the delivery log, replays, and a
// ChargeDesk endpoint disabled by a 410.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { CARD, frozenTenant, startHookServer, startReceiver, until, type HookServer, type Receiver } from './helpers.ts';
import { encodeId } from '../../src/vendors/chargedesk/ids.ts';

let server: HookServer;
let receiver: Receiver;

before(async () => {
  server = await startHookServer({ timeoutMs: 1500 });
  receiver = await startReceiver();
});

after(async () => {
  await receiver.close();
  await server.close();
});

const verify = (secret: string, r: { body: string; headers: Record<string, string> }) => new Webhook(secret).verify(r.body, r.headers) as any;

test('one endpoint gets its events in order, through a 500 and a timeout, each attempt signed (Standard Webhooks)', async () => {
  await frozenTenant(server, 'order');
  // The first request fails with 500, the second gets no answer (the 1.5 s timeout), then 200s.
  receiver.on('/order', (r) => (r.n === 1 ? { status: 500, body: 'boom' } : r.n === 2 ? { hang: true } : { status: 200 }));
  const made = await server.admin('/_admin/tenants/order/webhooks', { body: { url: `${receiver.url}/order`, events: ['customer.created'] } });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const endpoint = made.body.endpoint;
  assert.match(endpoint.secret, /^whsec_/);

  const ids: number[] = [];
  for (const name of ['First', 'Second', 'Third']) {
    const created = await server.admin('/_admin/tenants/order/customers', { body: { company: name } });
    assert.equal(created.status, 201);
    ids.push(created.body.customer.id);
  }
  // Attempt 1 of the first event fails; the two behind it wait (the head holds the queue).
  await receiver.waitFor((all) => all.filter((r) => r.path === '/order').length === 1);
  await until(async () => (await server.admin('/_admin/tenants/order/webhook-deliveries?status=pending')).body.deliveries.at(-1)?.log[0]?.outcome === 'failed');
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(receiver.received.filter((r) => r.path === '/order').length, 1, 'nothing overtakes the failing head');

  // Retry 1 falls due a minute later (exponential back-off): the clock moves, it runs and times out.
  assert.equal((await server.admin('/_admin/tenants/order/clock/advance', { body: { by: '1m' } })).status, 200);
  assert.equal(receiver.received.filter((r) => r.path === '/order').length, 2);
  // Retry 2 at +3 min succeeds, and the queue drains in order: by the clock call's own run, or by
  // the server's background delivery loop when that one claimed the next delivery first (it runs
  // every 100 ms beside the clock call; under a loaded CI machine it sometimes wins).
  await server.admin('/_admin/tenants/order/clock/advance', { body: { by: '2m' } });
  await receiver.waitFor((all) => all.filter((r) => r.path === '/order').length >= 5);
  const got = receiver.received.filter((r) => r.path === '/order');
  assert.equal(got.length, 5);
  const bodies = got.map((r) => verify(endpoint.standard_webhooks_secret, r));
  assert.deepEqual(
    bodies.map((b) => b.data.id),
    [ids[0], ids[0], ids[0], ids[1], ids[2]],
  );
  assert.ok(bodies.every((b) => b.type === 'customer.created'));
  assert.equal(new Set(got.slice(0, 3).map((r) => r.headers['webhook-id'])).size, 1, 'the same webhook-id on every attempt of a delivery');
  assert.equal(new Set(got.map((r) => r.headers['webhook-id'])).size, 3);
  assert.throws(() => new Webhook(endpoint.standard_webhooks_secret).verify(got[0].body.replace('First', 'Forged'), got[0].headers), /signature/i);

  // The delivery log: request, status, excerpt, duration and attempt number of each try.
  const log = await server.admin(`/_admin/tenants/order/webhook-deliveries?endpoint=${endpoint.id}`);
  assert.equal(log.status, 200);
  const first = log.body.deliveries.at(-1);
  assert.equal(first.status, 'delivered');
  assert.equal(first.attempts, 3);
  assert.deepEqual(
    first.log.map((a: any) => [a.attempt, a.outcome, a.response_status]),
    [
      [1, 'failed', 500],
      [2, 'failed', null],
      [3, 'succeeded', 200],
    ],
  );
  assert.equal(first.log[0].response_excerpt, 'boom');
  assert.match(first.log[1].error, /timed out after 1500 ms/);
  assert.ok(first.log.every((a: any) => typeof a.duration_ms === 'number' && a.url === `${receiver.url}/order`));
  assert.equal(first.log[0].request_headers['webhook-id'], first.message_id);
  assert.deepEqual(
    log.body.deliveries.map((d: any) => d.status),
    ['delivered', 'delivered', 'delivered'],
  );
});

test('a ChargeDesk endpoint answered 410 is disabled at once; its signature and payload shape', async () => {
  await frozenTenant(server, 'gone');
  receiver.on('/gone', () => ({ status: 410 }));
  const endpoint = (await server.admin('/_admin/tenants/gone/webhooks', { body: { format: 'chargedesk', url: `${receiver.url}/gone`, events: ['charge_new', 'charge_paid'] } })).body.endpoint;
  const sale = await server.admin('/_admin/tenants/gone/payments', { body: { amount: 3400, currency: 'USD', card: CARD } });
  assert.equal(sale.status, 201);
  const hit = (await receiver.waitFor((all) => all.some((r) => r.path === '/gone'))).find((r) => r.path === '/gone')!;
  const body = JSON.parse(hit.body);
  assert.match(body.event_id, /^event-[A-Za-z0-9]{18}$/);
  assert.equal(body.class, 'charge');
  assert.equal(body.event, 'charge_new');
  assert.equal(typeof body.created, 'number');
  // The charge as ChargeDesk's API shows it (its id derived from the core's).
  assert.equal(body.data.charge.charge_id, encodeId('ch', sale.body.transaction.id));
  assert.equal(body.data.charge.amount, '34.00');
  assert.equal(hit.headers['x-chargedesk-signature'], `sha256=${createHmac('sha256', endpoint.secret).update(hit.body).digest('hex')}`);
  verify(endpoint.standard_webhooks_secret, hit);

  const after410 = await until(async () => {
    const answer = await server.admin(`/_admin/tenants/gone/webhooks/${endpoint.id}`);
    return answer.body.endpoint.enabled === false && answer;
  });
  assert.match(after410.body.endpoint.disabled_reason, /410/);
  // A day later nothing more was tried: charge_paid waits on the disabled endpoint.
  await server.admin('/_admin/tenants/gone/clock/advance', { body: { by: '1d' } });
  assert.equal(receiver.received.filter((r) => r.path === '/gone').length, 1);
  const log = (await server.admin(`/_admin/tenants/gone/webhook-deliveries?endpoint=${endpoint.id}`)).body.deliveries;
  assert.deepEqual(
    log.map((d: any) => [d.event_type, d.status]),
    [
      ['charge_paid', 'pending'],
      ['charge_new', 'failed'],
    ],
  );
});

test('a delivery that used up its retries is replayed (one, and every failed one of an endpoint) with the same body', async () => {
  await frozenTenant(server, 'replay');
  let up = false;
  receiver.on('/replay', () => ({ status: up ? 204 : 503 }));
  const endpoint = (await server.admin('/_admin/tenants/replay/webhooks', { body: { url: `${receiver.url}/replay` } })).body.endpoint;
  await server.admin('/_admin/tenants/replay/customers', { body: { company: 'Replayed' } });
  await until(async () => (await server.admin('/_admin/tenants/replay/webhook-deliveries')).body.deliveries[0]?.log[0]?.outcome === 'failed');
  // Three days of exponential back-off run as the clock passes them: 14 attempts, then failed.
  await server.admin('/_admin/tenants/replay/clock/advance', { body: { by: '3d' } });
  const failed = (await server.admin('/_admin/tenants/replay/webhook-deliveries?status=failed')).body.deliveries;
  assert.equal(failed.length, 1);
  assert.equal(failed[0].attempts, 14);
  assert.equal(receiver.received.filter((r) => r.path === '/replay').length, 14);
  const original = receiver.received.find((r) => r.path === '/replay')!;

  up = true;
  const replayed = await server.admin(`/_admin/tenants/replay/webhooks/${endpoint.id}/replay`, { method: 'POST' });
  assert.equal(replayed.status, 202);
  assert.equal(replayed.body.deliveries.length, 1);
  assert.equal(replayed.body.deliveries[0].replay_of, failed[0].id);
  const again = (await receiver.waitFor((all) => all.filter((r) => r.path === '/replay' && r.n > 14).length === 1)).filter((r) => r.path === '/replay').at(-1)!;
  assert.equal(again.body, original.body, 'a replay sends the same body');
  assert.notEqual(again.headers['webhook-id'], original.headers['webhook-id'], 'under a new webhook-id');
  verify(endpoint.standard_webhooks_secret, again);
  // Replaying every failed delivery again finds none left to replay; one delivery can be replayed by id.
  assert.equal((await server.admin(`/_admin/tenants/replay/webhooks/${endpoint.id}/replay`, { method: 'POST' })).body.deliveries.length, 0);
  const one = await server.admin(`/_admin/tenants/replay/webhook-deliveries/${failed[0].id}/replay`, { method: 'POST' });
  assert.equal(one.status, 202);
  await receiver.waitFor((all) => all.filter((r) => r.path === '/replay').length === 16);
  const detail = await until(async () => {
    const answer = await server.admin(`/_admin/tenants/replay/webhook-deliveries/${one.body.delivery.id}`);
    return answer.body.delivery.status === 'delivered' && answer;
  });
  assert.equal(detail.body.delivery.payload, original.body);
});

test('endpoints: only http(s), unknown events and formats refused, disabled endpoints get nothing, deleted ones drop their queue', async () => {
  await frozenTenant(server, 'rules');
  for (const url of ['ftp://127.0.0.1/x', 'file:///etc/passwd', 'javascript:alert(1)', 'not a url']) {
    const refused = await server.admin('/_admin/tenants/rules/webhooks', { body: { url } });
    assert.equal(refused.status, 400, url);
    assert.equal(refused.body.error.field, 'url');
  }
  assert.equal((await server.admin('/_admin/tenants/rules/webhooks', { body: { url: receiver.url, format: 'chargedesk', events: ['charge_exploded'] } })).status, 400);
  assert.equal((await server.admin('/_admin/tenants/rules/webhooks', { body: { url: receiver.url, format: 'nope' } })).status, 400);
  const endpoint = (await server.admin('/_admin/tenants/rules/webhooks', { body: { url: `${receiver.url}/rules` } })).body.endpoint;
  assert.equal((await server.admin(`/_admin/tenants/rules/webhooks/${endpoint.id}`, { method: 'PATCH', body: { enabled: false } })).body.endpoint.enabled, false);
  await server.admin('/_admin/tenants/rules/customers', { body: { company: 'Unheard' } });
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(receiver.received.filter((r) => r.path === '/rules').length, 0);
  assert.equal((await server.admin(`/_admin/tenants/rules/webhook-deliveries?endpoint=${endpoint.id}`)).body.deliveries.length, 0);
  assert.equal((await server.admin(`/_admin/tenants/rules/webhooks/${endpoint.id}`, { method: 'DELETE' })).status, 204);
  assert.equal((await server.admin(`/_admin/tenants/rules/webhooks/${endpoint.id}`)).status, 404);
  const formats = (await server.admin('/_admin/webhook-formats')).body.formats.map((f: any) => f.name);
  for (const name of ['standard', 'chargedesk', 'affinipay', 'affinipay_partner', 'chargeover', 'fluidpay']) assert.ok(formats.includes(name), name);
});
