// ChargeDesk webhooks delivered to a real HTTP receiver (spec §5 cases 55 and 56, 1.15, 4.10): the
// body in ChargeDesk's envelope with the object as the API shows it, only the notifications chosen,
// retries an hour apart on the tenant's clock, a 410 disabling the webhook; and the reminder of a
// payment request left unpaid for the tenant's notice days.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startChargeDesk, type ChargeDeskClient } from './client.ts';
import { startReceiver, type Receiver } from '../webhooks/helpers.ts';

let cd: ChargeDeskClient;
let receiver: Receiver;
before(async () => {
  cd = await startChargeDesk();
  receiver = await startReceiver();
  cd.deliverWebhooks();
});
after(async () => {
  await cd?.close();
  await receiver?.close();
});

const bodiesAt = (path: string) => receiver.received.filter((r) => r.path === path).map((r) => JSON.parse(r.body));
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('#55 a webhook for charge_new gets one POST per new charge, in ChargeDesk’s envelope, and nothing for updates (form and JSON)', async () => {
  const form = await cd.call('POST', '/webhooks', { url: `${receiver.url}/w55`, notifications: ['charge_new'] });
  assert.equal(form.status, 200);
  assert.deepEqual(Object.keys(form.body), ['webhook_id']);
  assert.ok(form.body.webhook_id);
  const json = await cd.call('POST', '/webhooks', { url: `${receiver.url}/w55j`, notifications: ['charge_new'] }, { json: true });
  assert.equal(json.status, 200);
  assert.notEqual(json.body.webhook_id, form.body.webhook_id);

  const made = await cd.call('POST', '/charges', { amount: '34.00', currency: 'USD', customer: { id: 'hooks@example.com' }, transaction_id: 'txn-w55' });
  assert.equal(made.status, 200, JSON.stringify(made.body));
  await receiver.waitFor(() => bodiesAt('/w55').length >= 1 && bodiesAt('/w55j').length >= 1);
  for (const path of ['/w55', '/w55j']) {
    const [body] = bodiesAt(path);
    assert.deepEqual(Object.keys(body), ['event_id', 'created', 'class', 'event', 'data']);
    assert.equal(body.event, 'charge_new');
    assert.equal(body.class, 'charge');
    assert.equal(body.data.charge.charge_id, made.body.charge_id);
    assert.equal(body.data.charge.amount, '34.00', 'the charge as the API shows it');
    assert.equal(body.data.charge.object, 'charge');
    assert.match(body.event_id, /^event-[A-Za-z0-9]{18}$/);
    assert.ok(Number.isInteger(body.created) && body.created > 1_000_000_000);
  }
  const request = receiver.received.find((r) => r.path === '/w55')!;
  assert.equal(request.headers['content-type']?.split(';')[0], 'application/json');
  assert.match(request.headers['x-chargedesk-signature'] ?? '', /^sha256=[0-9a-f]{64}$/);

  // An update is charge_updated, which these webhooks did not ask for.
  const updated = await cd.call('POST', `/charges/${made.body.charge_id}`, { description: 'changed' });
  assert.equal(updated.status, 200);
  const second = await cd.call('POST', '/charges', { amount: '5.00', currency: 'USD', customer: { id: 'hooks@example.com' } });
  await receiver.waitFor(() => bodiesAt('/w55').length >= 2);
  await pause(300);
  assert.deepEqual(
    bodiesAt('/w55').map((b) => [b.event, b.data.charge.charge_id]),
    [
      ['charge_new', made.body.charge_id],
      ['charge_new', second.body.charge_id],
    ],
  );

  assert.equal((await cd.call('POST', '/webhooks', { url: `${receiver.url}/x`, notifications: ['bogus'] })).status, 400);
  assert.equal((await cd.call('POST', '/webhooks', { notifications: ['charge_new'] })).status, 400);
});

test('#56 a 500 is retried an hour later on the tenant’s clock (same event id); a 410 disables the webhook', async () => {
  receiver.on('/w56', (r) => ({ status: r.n === 1 ? 500 : 200 }));
  receiver.on('/w410', () => ({ status: 410 }));
  const retried = await cd.call('POST', '/webhooks', { url: `${receiver.url}/w56`, notifications: ['customer_new'] });
  const gone = await cd.call('POST', '/webhooks', { url: `${receiver.url}/w410`, notifications: ['customer_new'] });
  assert.equal(retried.status, 200);
  assert.equal(gone.status, 200);

  assert.equal((await cd.call('POST', '/customers', { customer_id: 'cus-w56', email: 'w56@example.com' })).status, 200);
  await receiver.waitFor(() => bodiesAt('/w56').length >= 1 && bodiesAt('/w410').length >= 1);
  await pause(300);
  assert.equal(bodiesAt('/w56').length, 1, 'no retry before the hour');
  await cd.advance('61m');
  await receiver.waitFor(() => bodiesAt('/w56').length >= 2);
  const [first, again] = bodiesAt('/w56');
  assert.equal(again.event_id, first.event_id, 'the same event, re-delivered');
  assert.equal(again.data.customer.customer_id, 'cus-w56');

  // The 410 disabled its webhook: the next customer reaches only the other one.
  assert.equal((await cd.call('POST', '/customers', { customer_id: 'cus-w56b' })).status, 200);
  await receiver.waitFor(() => bodiesAt('/w56').length >= 3);
  await cd.advance('2h');
  await pause(300);
  assert.equal(bodiesAt('/w410').length, 1, 'nothing more after the 410');
  assert.equal(bodiesAt('/w56').at(-1).data.customer.customer_id, 'cus-w56b');
});

test('a payment request unpaid for the notice days (3) is reminded once: charge_request_reminder', async () => {
  const hook = await cd.call('POST', '/webhooks', { url: `${receiver.url}/remind`, notifications: ['charge_request_reminder', 'charge_request'] });
  assert.equal(hook.status, 200);
  const asked = await cd.call('POST', '/gateway/products/charge', { contact: 'payer@example.com', amount: '12.00', currency: 'USD' });
  assert.equal(asked.status, 200, JSON.stringify(asked.body));
  const paid = await cd.call('POST', '/gateway/products/charge', { contact: 'payer2@example.com', amount: '13.00', currency: 'USD', link_only: 1 });
  const token = String(paid.body.pay_link).split('/pay/')[1];
  const pay = await fetch(`${cd.base}/pay/${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2099',
  });
  assert.ok(pay.status < 400, `pay page answered ${pay.status}`);
  await receiver.waitFor(() => bodiesAt('/remind').filter((b) => b.event === 'charge_request').length === 2);
  await cd.advance('2d');
  await pause(300);
  assert.equal(bodiesAt('/remind').filter((b) => b.event === 'charge_request_reminder').length, 0, 'not before 3 days');
  await cd.advance('26h');
  await receiver.waitFor(() => bodiesAt('/remind').some((b) => b.event === 'charge_request_reminder'));
  await cd.advance('5d');
  await pause(300);
  const reminders = bodiesAt('/remind').filter((b) => b.event === 'charge_request_reminder');
  assert.equal(reminders.length, 1, 'once, and not for the paid request');
  assert.equal(reminders[0].data.charge.charge_id, asked.body.charge.charge_id);
  assert.equal(reminders[0].data.charge.status, 'invoiced');
  await cd.assertLedger();
});
