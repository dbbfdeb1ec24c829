// Pure webhook logic: retry schedules, the target rules and allow-list, the Standard Webhooks
// signature (checked by the reference library), ChargeOver's OFB-8 cipher, and which vendor
// notifications one core event is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { SCHEDULES, nextDue } from '../../src/core/webhooks/schedules.ts';
import { parseAllowList, targetProblem } from '../../src/core/webhooks/targets.ts';
import { newStandardSecret, standardHeaders, standardSecretOf } from '../../src/core/webhooks/signing.ts';
import type { Notification, WebhookEvent, WebhookFormat } from '../../src/core/webhooks/format.ts';
import type { TxContext } from '../../src/core/work.ts';
import { aesOfb8 } from '../../src/vendors/chargeover/webhooks.ts';
import { chargeOverWebhooks } from '../../src/vendors/chargeover/webhooks.ts';
import { affiniPayPartnerWebhooks, affiniPayWebhooks } from '../../src/vendors/affinipay/webhooks.ts';
import { fluidPayWebhooks } from '../../src/vendors/fluidpay/webhooks.ts';

const H = 3_600_000;

test('retry schedules: ChargeDesk hourly for 3 days, AffiniPay t0..t0+6h, partner every 10 min x25, otherwise exponential for 3 days', () => {
  assert.equal(SCHEDULES.hourlyFor3Days.offsets.length, 73);
  assert.equal(SCHEDULES.hourlyFor3Days.offsets.at(-1), 72 * H);
  assert.deepEqual(
    SCHEDULES.hourlySixTimes.offsets,
    [0, 1, 2, 3, 4, 5, 6].map((h) => h * H),
  );
  assert.equal(SCHEDULES.tenMinutes25.offsets.length, 25);
  assert.equal(SCHEDULES.tenMinutes25.offsets.at(-1), 24 * 10 * 60_000);
  const exp = SCHEDULES.exponential3Days.offsets.map((ms) => ms / 60_000);
  assert.deepEqual(exp, [0, 1, 3, 7, 15, 31, 63, 127, 255, 511, 1023, 2047, 4095, 4320]);
  assert.equal(nextDue(SCHEDULES.hourlySixTimes, 1000, 1), 1000 + H);
  assert.equal(nextDue(SCHEDULES.hourlySixTimes, 1000, 7), null, 'seven attempts, then none');
});

test('targets: http(s) only, no credentials in the URL, and the allow-list when one is set', () => {
  assert.equal(targetProblem('http://127.0.0.1:9/x', null), null);
  assert.match(targetProblem('ftp://example.com/x', null)!, /scheme ftp/);
  assert.match(targetProblem('gopher://example.com', null)!, /scheme gopher/);
  assert.match(targetProblem('https://user:pw@example.com', null)!, /credentials/);
  assert.match(targetProblem('/relative', null)!, /absolute/);
  const allow = parseAllowList('hooks.example.com, *.acme.test, 127.0.0.1:9000');
  assert.equal(targetProblem('https://hooks.example.com/a', allow), null);
  assert.equal(targetProblem('https://a.b.acme.test/a', allow), null);
  assert.equal(targetProblem('https://acme.test/a', allow), null);
  assert.equal(targetProblem('http://127.0.0.1:9000/a', allow), null);
  assert.match(targetProblem('http://127.0.0.1:9001/a', allow)!, /allow-list/);
  assert.match(targetProblem('https://evil.example.com/a', allow)!, /allow-list/);
  assert.equal(parseAllowList(''), null);
});

test('Standard Webhooks headers verify with the reference library, for whsec_ secrets and vendor-form secrets alike', () => {
  for (const secret of [newStandardSecret(), 'KsF52NuytfWnevljo0MXCcbJLEUZDBdg', '12345678-1234-1234-1234-123456789012']) {
    const body = JSON.stringify({ hello: 'world' });
    const headers = standardHeaders(secret, 'msg_abc', Math.floor(Date.now() / 1000), body);
    assert.deepEqual(new Webhook(standardSecretOf(secret)).verify(body, headers), { hello: 'world' });
  }
});

test('ChargeOver encryption: AES-256 in 8-bit OFB round-trips, and its first keystream byte is E(IV)[0]', () => {
  const key = Buffer.from('KsF52NuytfWnevljo0MXCcbJLEUZDBdg');
  const iv = randomBytes(16);
  const plain = Buffer.from('{"context_str":"customer","event":"insert"}');
  const sealed = aesOfb8(key, iv, plain);
  assert.deepEqual(aesOfb8(key, iv, sealed), plain);
  const cfb8 = createCipheriv('aes-256-cfb8', key, iv).update(plain);
  assert.equal(sealed[0], cfb8[0]);
  assert.notDeepEqual(sealed, cfb8, 'output feedback, not cipher feedback');
});

const event = (type: string, objectType: string, objectId: number, data: unknown): WebhookEvent => ({ id: 1, type, objectType, objectId, data, createdAt: 0 });
const names = (list: { event: string }[]) => list.map((n) => n.event);
// These formats are pure (ChargeDesk's reads the transaction's state: test/chargedesk covers it over HTTP).
const pure = (format: WebhookFormat) => ({ notifications: (e: WebhookEvent) => format.notifications(e, {} as TxContext) as Notification[] });

test('one core event in each vendor’s words', () => {
  const affiniPay = pure(affiniPayWebhooks());
  const fluidPay = pure(fluidPayWebhooks);
  const chargeOver = pure(chargeOverWebhooks);
  const partner = pure(affiniPayPartnerWebhooks);
  const sale = event('transaction.captured', 'transaction', 5, { id: 5, type: 'sale', status: 'captured', payment_kind: 'card' });
  assert.deepEqual(names(affiniPay.notifications(sale)), ['transaction.created', 'transaction.authorized']);
  assert.deepEqual(names(fluidPay.notifications(sale)), ['transaction_create']);
  assert.deepEqual(names(chargeOver.notifications(sale)), ['transaction.insert']);
  const capture = event('transaction.captured', 'transaction', 6, { id: 6, type: 'authorize', status: 'captured', payment_kind: 'card' });
  // AffiniPay: an immediate capture completes the charge when it settles (at once); the settlement is the completion.
  assert.deepEqual(names(affiniPay.notifications(capture)), []);
  assert.deepEqual(names(affiniPay.notifications(event('transaction.settled', 'transaction', 6, { id: 6, type: 'authorize', status: 'settled', payment_kind: 'card' }))), ['transaction.completed']);
  assert.deepEqual(names(fluidPay.notifications(capture)), ['transaction_update']);
  const declined = event('transaction.declined', 'transaction', 7, { id: 7, type: 'sale', status: 'declined', payment_kind: 'card' });
  assert.deepEqual(names(affiniPay.notifications(declined)), ['transaction.created', 'transaction.failed']);
  const refunded = event('transaction.refunded', 'transaction', 5, { refund: { id: 9, type: 'refund', status: 'captured' }, parent: { id: 5, type: 'sale', status: 'captured' } });
  assert.deepEqual(
    chargeOver.notifications(refunded).map((n) => [n.event, n.objectId]),
    [
      ['transaction.insert', 9],
      ['transaction.update', 5],
    ],
  );
  assert.deepEqual(names(chargeOver.notifications(event('invoice.paid', 'invoice', 3, { status: 'paid' }))), ['invoice.status']);
  assert.deepEqual(names(chargeOver.notifications(event('contact.created', 'contact', 3, {}))), ['user.insert']);
  assert.deepEqual(names(chargeOver.notifications(event('payment_method.created', 'payment_method', 3, { kind: 'bank' }))), ['ach.insert']);
  const provisioned = partner.notifications(event('merchant.provisioned', 'merchant_application', 2, { auth_code: 'c', reference: 'ref/1' }));
  assert.deepEqual(provisioned, [{ event: 'merchant.provisioned', objectType: 'merchant_application', objectId: 2, target: '/ref%2F1' }]);
});
