// Spec §5 cases 36–53: holds and their list, capture (partial, over, of the wrong charge, next auto
// capture), voids, refunds (partial, several, of holds, of bank charges pending their settlement,
// with another method or currency), credits; and the daily capture completing what is authorized.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bank, card, startAffiniPay, type AffiniPay } from './client.ts';

let ap: AffiniPay;
let accounts: Awaited<ReturnType<AffiniPay['accounts']>>;
before(async () => {
  ap = await startAffiniPay();
  accounts = await ap.accounts();
});
after(async () => {
  await ap.assertLedger();
  await ap.close();
});

const code = (reply: { body: any }) => reply.body.messages?.[0]?.code;

async function hold(amount = 100): Promise<any> {
  const reply = await ap.call('POST', '/v1/charges', { amount: String(amount), auto_capture: false, method: card() });
  assert.equal(reply.status, 200, reply.text);
  return reply.body;
}

async function charge(amount = 100): Promise<any> {
  const reply = await ap.call('POST', '/v1/charges', { amount, method: card() });
  assert.equal(reply.status, 200, reply.text);
  return reply.body;
}

describe('holds and capture', () => {
  test('36: holds lists the authorization-only charge, not an auto-capture one', async () => {
    const held = await hold();
    const auto = await charge();
    const reply = await ap.call('GET', '/v1/charges/holds?page=1&page_size=5');
    assert.equal(reply.status, 200);
    assert.equal(reply.body.page, 1);
    assert.equal(reply.body.page_size, 5);
    const found = reply.body.results.find((c: any) => c.id === held.id);
    assert.ok(found);
    assert.equal(found.auto_capture, false);
    assert.equal(found.status, 'AUTHORIZED');
    assert.ok(!reply.body.results.some((c: any) => c.id === auto.id));
    const byAccount = await ap.call('GET', `/v1/charges/holds?account_id=${accounts.TR}`);
    assert.ok(!byAccount.body.results.some((c: any) => c.id === held.id));
  });

  test('37: a partial capture completes the charge at the captured amount and takes it off the holds', async () => {
    const held = await hold();
    const reply = await ap.call('POST', `/v1/charges/${held.id}/capture`, { amount: '95', reference: 'captured by test' });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.status, 'COMPLETED');
    assert.equal(reply.body.amount, 95);
    assert.equal(reply.body.capture_reference, 'captured by test');
    assert.equal(reply.body.auto_capture, false);
    const holds = await ap.call('GET', '/v1/charges/holds?page_size=100');
    assert.ok(!holds.body.results.some((c: any) => c.id === held.id));
    // 43: a COMPLETED charge cannot be voided.
    const voided = await ap.call('POST', `/v1/transactions/${held.id}/void`);
    assert.equal(voided.status, 422);
    assert.equal(code(voided), 'not_valid_for_transaction_status');
    // It can be refunded.
    const refund = await ap.call('POST', `/v1/charges/${held.id}/refund`, { amount: 95 });
    assert.equal(refund.status, 200, refund.text);
    assert.equal(refund.body.status, 'AUTHORIZED');
  });

  test('38: capturing more than was authorized, or nothing', async () => {
    const held = await hold();
    const over = await ap.call('POST', `/v1/charges/${held.id}/capture`, { amount: '101' });
    assert.equal(over.status, 422);
    assert.equal(code(over), 'exceeds_authorized_amount');
    assert.equal(over.body.messages[0].message, 'Amount to capture exceeds the authorized amount');
    const zero = await ap.call('POST', `/v1/charges/${held.id}/capture`, { amount: 0 });
    assert.equal(zero.status, 422);
    assert.equal(code(zero), 'invalid_data');
    assert.equal(zero.body.messages[0].sub_code, 'below_minimum_value');
    const badTime = await ap.call('POST', `/v1/charges/${held.id}/capture`, { capture_time: 'TOMORROW' });
    assert.equal(badTime.status, 422);
    assert.equal(badTime.body.messages[0].context, 'capture_time');
    const full = await ap.call('POST', `/v1/charges/${held.id}/capture`);
    assert.equal(full.status, 200, full.text);
    assert.equal(full.body.amount, 100);
  });

  test('39: an auto-capture charge cannot be captured; a bank charge is the wrong payment type', async () => {
    const auto = await charge();
    const reply = await ap.call('POST', `/v1/charges/${auto.id}/capture`, { amount: 100 });
    assert.equal(reply.status, 422);
    assert.equal(code(reply), 'not_valid_for_transaction_status');
    assert.equal(reply.body.messages[0].message, 'The operation cannot be completed in the current status');
    const debit = await ap.call('POST', '/v1/charges', { amount: 100, method: bank() });
    const bankCapture = await ap.call('POST', `/v1/charges/${debit.body.id}/capture`, {});
    assert.equal(code(bankCapture), 'incorrect_payment_type');
  });

  test('40: capture at the next auto capture keeps it AUTHORIZED, auto_capture true, off the holds, with an updated event', async () => {
    const held = await hold();
    const reply = await ap.call('POST', `/v1/charges/${held.id}/capture`, { amount: 100, capture_time: 'NEXT_AUTO_CAPTURE' });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.status, 'AUTHORIZED');
    assert.equal(reply.body.auto_capture, true);
    const holds = await ap.call('GET', '/v1/charges/holds?page_size=100');
    assert.ok(!holds.body.results.some((c: any) => c.id === held.id));
    const events = await ap.call('GET', '/v1/events?page_size=1000');
    assert.ok(events.body.results.some((e: any) => e.type === 'transaction.updated' && e.data.id === held.id));
  });

  test('41, 42, 44: void with no body, with a reference, and twice', async () => {
    const held = await hold();
    const reply = await ap.call('POST', `/v1/transactions/${held.id}/void`);
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.status, 'VOIDED');
    assert.equal(reply.body.amount, 100);
    assert.equal(reply.body.auto_capture, false);
    const other = await hold();
    const referenced = await ap.call('POST', `/v1/transactions/${other.id}/void`, { reference: 'An explanation for why the charge was voided' });
    assert.equal(referenced.status, 200);
    assert.equal(referenced.body.void_reference, 'An explanation for why the charge was voided');
    const twice = await ap.call('POST', `/v1/transactions/${held.id}/void`);
    assert.equal(twice.status, 422);
    assert.equal(code(twice), 'not_valid_for_transaction_status');
    const unknown = await ap.call('POST', '/v1/transactions/wKgFnjz8GamBPPzKzIsAAA/void');
    assert.equal(unknown.status, 404);
  });
});

describe('refunds', () => {
  test('45, 46: partial refunds up to the charge, listed on the charge', async () => {
    const paid = await charge(100);
    const first = await ap.call('POST', `/v1/charges/${paid.id}/refund`, { amount: '20' });
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.type, 'REFUND');
    assert.equal(first.body.status, 'AUTHORIZED');
    assert.equal(first.body.amount, 20);
    assert.equal(first.body.charge_id, paid.id);
    assert.equal(first.body.auto_capture, true);
    assert.equal(first.body.account_id, accounts.OP);
    assert.equal(first.body.amount_refunded, undefined);
    const read = await ap.call('GET', `/v1/transactions/${paid.id}`);
    assert.equal(read.body.amount_refunded, 20);
    assert.equal(read.body.refunds[0].id, first.body.id);
    assert.equal(read.body.refunds[0].amount, 20);
    const over = await ap.call('POST', `/v1/charges/${paid.id}/refund`, { amount: '81' });
    assert.equal(over.status, 422);
    assert.equal(code(over), 'refund_exceeds_transaction');
    assert.equal(over.body.messages[0].message, 'Amount of refund exceeds remaining transaction balance');
    const rest = await ap.call('POST', `/v1/charges/${paid.id}/refund`, { amount: '80' });
    assert.equal(rest.status, 200);
    assert.equal((await ap.call('GET', `/v1/transactions/${paid.id}`)).body.amount_refunded, 100);
    const more = await ap.call('POST', `/v1/charges/${paid.id}/refund`, { amount: 1 });
    assert.equal(code(more), 'refund_exceeds_transaction');
    const ofRefund = await ap.call('POST', `/v1/charges/${first.body.id}/refund`, { amount: 1 });
    assert.equal(code(ofRefund), 'not_valid_for_transaction_status');
  });

  test('a refund without an amount refunds what remains', async () => {
    const paid = await charge(300);
    await ap.call('POST', `/v1/charges/${paid.id}/refund`, { amount: 100 });
    const rest = await ap.call('POST', `/v1/charges/${paid.id}/refund`);
    assert.equal(rest.status, 200, rest.text);
    assert.equal(rest.body.amount, 200);
  });

  test('47: an uncaptured hold cannot be refunded', async () => {
    const held = await hold();
    const reply = await ap.call('POST', `/v1/charges/${held.id}/refund`, { amount: 10 });
    assert.equal(reply.status, 422);
    assert.equal(code(reply), 'not_valid_for_transaction_status');
  });

  test('48: a refund of an unsettled bank charge is PENDING with a pending_parent_settlement event; after the daily capture both complete', async () => {
    const debit = await ap.call('POST', '/v1/charges', { amount: '39088', method: bank() });
    const reply = await ap.call('POST', `/v1/charges/${debit.body.id}/refund`, { amount: '350' });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.status, 'PENDING');
    assert.equal(reply.body.type, 'REFUND');
    const events = await ap.call('GET', '/v1/events?page_size=1000');
    const pending = events.body.results.find((e: any) => e.type === 'transaction.pending_parent_settlement');
    assert.ok(pending);
    assert.equal(pending.data.id, reply.body.id);
    assert.equal(pending.data.status, 'PENDING');
    await ap.advance('1d');
    const charge = await ap.call('GET', `/v1/transactions/${debit.body.id}`);
    assert.equal(charge.body.status, 'COMPLETED');
    assert.equal(charge.body.refunds[0].status, 'COMPLETED');
    const after = await ap.call('GET', '/v1/events?page_size=1000');
    assert.ok(after.body.results.some((e: any) => e.type === 'transaction.completed' && e.data.id === debit.body.id));
    // A refund of a settled bank charge is authorized at once.
    const settled = await ap.call('POST', `/v1/charges/${debit.body.id}/refund`, { amount: '135' });
    assert.equal(settled.body.status, 'AUTHORIZED');
    await ap.assertLedger();
  });

  test('49: a charge with an active refund cannot be voided until the refund is', async () => {
    const paid = await charge(100);
    const refund = await ap.call('POST', `/v1/charges/${paid.id}/refund`, { amount: 30 });
    const blocked = await ap.call('POST', `/v1/transactions/${paid.id}/void`);
    assert.equal(blocked.status, 422);
    assert.equal(code(blocked), 'not_valid_for_transaction_status');
    const voidedRefund = await ap.call('POST', `/v1/transactions/${refund.body.id}/void`);
    assert.equal(voidedRefund.status, 200, voidedRefund.text);
    assert.equal(voidedRefund.body.status, 'VOIDED');
    assert.equal((await ap.call('GET', `/v1/transactions/${paid.id}`)).body.amount_refunded, 0);
    const voided = await ap.call('POST', `/v1/transactions/${paid.id}/void`);
    assert.equal(voided.status, 200, voided.text);
    assert.equal(voided.body.status, 'VOIDED');
  });

  test('50: a refund in another currency, or to a method of another kind', async () => {
    const paid = await charge(100);
    const cad = await ap.call('POST', `/v1/charges/${paid.id}/refund`, { amount: 10, currency: 'CAD' });
    assert.equal(cad.status, 422);
    assert.equal(code(cad), 'currency_mismatch');
    const debit = await ap.call('POST', '/v1/charges', { amount: 500, method: bank() });
    const wrong = await ap.call('POST', `/v1/charges/${debit.body.id}/refund`, { amount: 10, method: card() });
    assert.equal(wrong.status, 422);
    assert.equal(code(wrong), 'incorrect_payment_type');
    const otherCard = await ap.call('POST', `/v1/charges/${paid.id}/refund`, { amount: 10, method: card('5105105105105100') });
    assert.equal(otherCard.status, 200, otherCard.text);
    assert.equal(otherCard.body.method.number, '************5100');
    assert.equal(otherCard.body.method.card_type, 'MASTERCARD');
  });
});

describe('credits', () => {
  test('51: a card credit goes through OP', async () => {
    const reply = await ap.call('POST', '/v1/credits', { amount: '1255', method: card() });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.type, 'CREDIT');
    assert.equal(reply.body.status, 'AUTHORIZED');
    assert.equal(reply.body.amount, 1255);
    assert.equal(reply.body.account_id, accounts.OP);
    assert.equal(reply.body.method.number, '************4242');
    assert.equal(reply.body.auto_capture, true);
    const voided = await ap.call('POST', `/v1/transactions/${reply.body.id}/void`);
    assert.equal(voided.body.status, 'VOIDED');
  });

  test('52: a bank credit goes through the ACH account', async () => {
    const reply = await ap.call('POST', '/v1/credits', { amount: '18000', method: { type: 'bank', routing_number: '000000013', account_number: '1100000003', account_type: 'SAVINGS' } });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.account_id, accounts.ACH);
    assert.equal(reply.body.method.account_number, '******0003');
    assert.equal(reply.body.method.account_type, 'SAVINGS');
    assert.equal(reply.body.method.bank_name, 'FIRST BANK OF TESTING');
    assert.equal((await ap.call('GET', `/v1/transactions/${reply.body.id}`)).body.type, 'CREDIT');
    const declined = await ap.call('POST', '/v1/credits', { amount: 100, method: card('4000000000000002') });
    assert.equal(declined.status, 422);
    assert.equal(code(declined), 'card_declined');
  });

  test('53: credits turned off on the account are unavailable_for_merchant_policy', async () => {
    const off = await ap.call('PATCH', `/v1/merchant-accounts/${accounts.OP}`, { credits_enabled: false });
    assert.equal(off.status, 200, off.text);
    const reply = await ap.call('POST', '/v1/credits', { amount: 100, method: card() });
    assert.equal(reply.status, 422);
    assert.equal(code(reply), 'unavailable_for_merchant_policy');
    await ap.call('PATCH', `/v1/merchant-accounts/${accounts.OP}`, { credits_enabled: true });
  });
});

describe('the daily capture', () => {
  test('authorized charges and credits complete at the next midnight; holds stay authorized', async () => {
    const paid = await charge(700);
    const held = await hold(700);
    const credit = await ap.call('POST', '/v1/credits', { amount: 700, method: card() });
    await ap.advance('1d');
    assert.equal((await ap.call('GET', `/v1/transactions/${paid.id}`)).body.status, 'COMPLETED');
    assert.equal((await ap.call('GET', `/v1/transactions/${credit.body.id}`)).body.status, 'COMPLETED');
    assert.equal((await ap.call('GET', `/v1/transactions/${held.id}`)).body.status, 'AUTHORIZED');
    const completedVoid = await ap.call('POST', `/v1/transactions/${paid.id}/void`);
    assert.equal(code(completedVoid), 'not_valid_for_transaction_status');
    await ap.assertLedger();
  });
});

describe('money under parallel requests', () => {
  test('N captures of one hold: one completes it, the rest are refused', async () => {
    const held = await hold(500);
    const replies = await Promise.all(Array.from({ length: 6 }, () => ap.call('POST', `/v1/charges/${held.id}/capture`, { amount: 500 })));
    assert.equal(replies.filter((r) => r.status === 200).length, 1, replies.map((r) => r.status).join());
    assert.ok(replies.every((r) => r.status === 200 || code(r) === 'not_valid_for_transaction_status'));
    await ap.assertLedger();
  });

  test('N refunds of one charge never refund more than it', async () => {
    const paid = await charge(1000);
    const replies = await Promise.all(Array.from({ length: 8 }, () => ap.call('POST', `/v1/charges/${paid.id}/refund`, { amount: 300 })));
    assert.equal(replies.filter((r) => r.status === 200).length, 3, replies.map((r) => r.status).join());
    assert.ok(replies.every((r) => r.status === 200 || code(r) === 'refund_exceeds_transaction'));
    assert.equal((await ap.call('GET', `/v1/transactions/${paid.id}`)).body.amount_refunded, 900);
    await ap.assertLedger();
  });

  test('N voids of one charge: one voids it', async () => {
    const paid = await charge(1000);
    const replies = await Promise.all(Array.from({ length: 6 }, () => ap.call('POST', `/v1/transactions/${paid.id}/void`)));
    assert.equal(replies.filter((r) => r.status === 200).length, 1);
    await ap.assertLedger();
  });

  test('an Idempotency-Key replays one charge', async () => {
    const headers = { 'idempotency-key': 'ap-idem-1' };
    const replies = await Promise.all(Array.from({ length: 4 }, () => ap.call('POST', '/v1/charges', { amount: 1234, method: card() }, { headers })));
    assert.ok(replies.every((r) => r.status === 200));
    assert.equal(new Set(replies.map((r) => r.body.id)).size, 1);
  });
});
