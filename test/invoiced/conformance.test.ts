// The twelve conformance cases of the Invoiced spec §4, over HTTP as an Invoiced client speaks, on
// SQLite or PostgreSQL (BURSAR_TEST_DATABASE_URL). The ledger invariants are checked when the
// test file's database goes (test/helpers/store.ts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, CARD, DECLINED_CARD, parseListMetadata, seedCustomer, startInvoiced, type InvoicedClient } from './helpers.ts';

let c: InvoicedClient;
before(async () => {
  c = await startInvoiced();
});
after(async () => c?.server.close());

const seedApplications = (invoices: any[]) => [
  { type: 'invoice', invoice: invoices[0].id, amount: 1710 },
  { type: 'invoice', invoice: invoices[1].id, amount: 290 },
];

describe('Invoiced §4 conformance', () => {
  test('1. charge a saved card, applications 1710 + 290: Payment 2000, balance 0, charge succeeded, both invoices paid', async () => {
    const { customer, card, invoices } = await seedCustomer(c);
    const answer = await c.call('POST', '/charges', {
      customer: customer.id,
      currency: 'usd',
      amount: 2000,
      applied_to: seedApplications(invoices),
      method: 'credit_card',
      payment_source_type: 'card',
      payment_source_id: card.id,
    });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    const payment = answer.body;
    assert.equal(payment.object, 'payment');
    assert.equal(payment.amount, 2000);
    assert.equal(payment.balance, 0);
    assert.equal(payment.method, 'credit_card');
    assert.equal(payment.source, 'api');
    assert.equal(payment.voided, false);
    assert.equal(payment.customer, customer.id);
    assert.equal(payment.currency, 'usd');
    assert.equal(payment.reference, payment.charge.gateway_id);
    assert.equal(payment.charge.object, 'charge');
    assert.equal(payment.charge.status, 'succeeded');
    assert.equal(payment.charge.amount, 2000);
    assert.equal(payment.charge.amount_refunded, 0);
    assert.equal(payment.charge.refunded, false);
    assert.deepEqual(payment.charge.refunds, []);
    assert.equal(payment.charge.gateway, 'test');
    assert.equal(payment.charge.payment_source.object, 'card');
    assert.equal(payment.charge.payment_source.id, card.id);
    assert.equal(payment.charge.payment_source.last4, '4242');
    assert.ok(Number.isInteger(payment.id) && Number.isInteger(payment.created_at) && payment.created_at < 1e11, 'integer id, Unix seconds');
    for (const invoice of invoices) {
      const after = await c.ok('GET', `/invoices/${invoice.id}`);
      assert.equal(after.status, 'paid');
      assert.equal(after.paid, true);
      assert.equal(after.balance, 0);
    }
  });

  test('2. invoiced_token with vault_method and make_default: the card is saved and becomes the customer’s payment_source', async () => {
    const { customer, card, invoices } = await seedCustomer(c);
    const token = await c.ok('POST', '/tokens', { card: { number: '5555555555554444', exp_month: 8, exp_year: 2030 } });
    const answer = await c.call('POST', '/charges', {
      customer: customer.id,
      amount: 2000,
      applied_to: seedApplications(invoices),
      method: 'credit_card',
      invoiced_token: token.id,
      vault_method: true,
      make_default: true,
    });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    const saved = answer.body.charge.payment_source;
    assert.equal(saved.object, 'card');
    assert.equal(saved.brand, 'MasterCard');
    assert.notEqual(saved.id, card.id);
    const after = await c.ok('GET', `/customers/${customer.id}`);
    assert.equal(after.payment_source.id, saved.id);
    const sources = await c.call('GET', `/customers/${customer.id}/payment_sources`);
    assert.deepEqual(sources.body.map((s: any) => s.id).sort(), [card.id, saved.id].sort());
    // The token was used up.
    const again = await c.call('POST', '/charges', { customer: customer.id, amount: 1, applied_to: [{ type: 'credit', amount: 1 }], method: 'credit_card', invoiced_token: token.id });
    assertError(again, 400, 'invoiced_token');
  });

  test('3. two of the three source options at once: 400 naming both', async () => {
    const { customer, card, invoices } = await seedCustomer(c);
    const token = await c.ok('POST', '/tokens', { card: CARD });
    const answer = await c.call('POST', '/charges', {
      customer: customer.id,
      amount: 2000,
      applied_to: seedApplications(invoices),
      method: 'credit_card',
      payment_source_type: 'card',
      payment_source_id: card.id,
      invoiced_token: token.id,
    });
    assertError(answer, 400);
    assert.match(answer.body.message, /payment_source_type/);
    assert.match(answer.body.message, /invoiced_token/);
    const three = await c.call('POST', '/charges', {
      customer: customer.id,
      amount: 10,
      applied_to: [{ type: 'credit', amount: 10 }],
      method: 'credit_card',
      invoiced_token: token.id,
      gateway_token: 'x',
    });
    assertError(three, 400);
    assert.match(three.body.message, /invoiced_token and gateway_token/);
    const none = await c.call('POST', '/charges', { customer: customer.id, amount: 10, applied_to: [{ type: 'credit', amount: 10 }], method: 'credit_card' });
    assertError(none, 400);
  });

  test('4. method ach with a card source: 400', async () => {
    const { customer, card, invoices } = await seedCustomer(c);
    const saved = await c.call('POST', '/charges', {
      customer: customer.id,
      amount: 2000,
      applied_to: seedApplications(invoices),
      method: 'ach',
      payment_source_type: 'card',
      payment_source_id: card.id,
    });
    assertError(saved, 400, 'method');
    const token = await c.ok('POST', '/tokens', { card: CARD });
    const tokenized = await c.call('POST', '/charges', { customer: customer.id, amount: 2000, applied_to: seedApplications(invoices), method: 'ach', invoiced_token: token.id });
    assertError(tokenized, 400, 'method');
    // The refused request used nothing up: the token still charges.
    const ok = await c.call('POST', '/charges', { customer: customer.id, amount: 2000, applied_to: seedApplications(invoices), method: 'credit_card', invoiced_token: token.id });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
  });

  test('5. an application larger than the invoice balance: 400, nothing charged', async () => {
    const { customer, card, invoices } = await seedCustomer(c);
    const before = (await c.call('GET', '/payments')).body.length;
    const answer = await c.call('POST', '/charges', {
      customer: customer.id,
      amount: 2000,
      applied_to: [
        { type: 'invoice', invoice: invoices[0].id, amount: 1711 },
        { type: 'invoice', invoice: invoices[1].id, amount: 289 },
      ],
      method: 'credit_card',
      payment_source_type: 'card',
      payment_source_id: card.id,
    });
    assertError(answer, 400, 'applied_to');
    assert.equal((await c.call('GET', '/payments')).body.length, before);
    assert.equal((await c.ok('GET', `/invoices/${invoices[0].id}`)).balance, 1710);
    // One invoice named twice, together over its balance, is the same refusal.
    const twice = await c.call('POST', '/charges', {
      customer: customer.id,
      amount: 2000,
      applied_to: [
        { type: 'invoice', invoice: invoices[1].id, amount: 200 },
        { type: 'invoice', invoice: invoices[1].id, amount: 200 },
      ],
      method: 'credit_card',
      payment_source_type: 'card',
      payment_source_id: card.id,
    });
    assertError(twice, 400, 'applied_to');
  });

  test('6. applications summing to less than amount: Payment balance is the rest, the customer’s credit grows', async () => {
    const { customer, card, invoices } = await seedCustomer(c);
    const before = await c.ok('GET', `/customers/${customer.id}/balance`);
    assert.equal(before.available_credits, 0);
    assert.equal(before.total_outstanding, 2000);
    const payment = await c.ok('POST', '/charges', {
      customer: customer.id,
      amount: 2500.5,
      applied_to: [{ type: 'invoice', invoice: invoices[0].id, amount: 1710 }],
      method: 'credit_card',
      payment_source_type: 'card',
      payment_source_id: card.id,
    });
    assert.equal(payment.amount, 2500.5);
    assert.equal(payment.balance, 790.5);
    const balance = await c.ok('GET', `/customers/${customer.id}/balance`);
    assert.equal(balance.available_credits, 790.5);
    assert.equal(balance.total_outstanding, 290);
    assert.equal((await c.ok('GET', `/invoices/${invoices[1].id}`)).status, 'not_sent');
  });

  test('7. unknown customer: 400 on customer; an invoice of another customer: 400', async () => {
    const { customer, card, invoices } = await seedCustomer(c);
    const other = await seedCustomer(c);
    const unknown = await c.call('POST', '/charges', {
      customer: 999999,
      amount: 10,
      applied_to: [{ type: 'credit', amount: 10 }],
      method: 'credit_card',
      payment_source_type: 'card',
      payment_source_id: card.id,
    });
    assertError(unknown, 400, 'customer');
    const foreign = await c.call('POST', '/charges', {
      customer: customer.id,
      amount: 1710,
      applied_to: [{ type: 'invoice', invoice: other.invoices[0].id, amount: 1710 }],
      method: 'credit_card',
      payment_source_type: 'card',
      payment_source_id: card.id,
    });
    assertError(foreign, 400, 'applied_to');
    // Another customer's card is refused too.
    const card2 = await c.call('POST', '/charges', {
      customer: customer.id,
      amount: 1710,
      applied_to: seedApplications(invoices).slice(0, 1),
      method: 'credit_card',
      payment_source_type: 'card',
      payment_source_id: other.card.id,
    });
    assertError(card2, 400, 'payment_source_id');
  });

  test('8. a declining card: 402, invoices untouched, no Payment in GET /payments', async () => {
    const { customer, invoices } = await seedCustomer(c);
    const token = await c.ok('POST', '/tokens', { card: DECLINED_CARD });
    const before = await c.call('GET', '/payments', { per_page: 100 });
    const answer = await c.call('POST', '/charges', {
      customer: customer.id,
      amount: 2000,
      applied_to: seedApplications(invoices),
      method: 'credit_card',
      invoiced_token: token.id,
      vault_method: true,
      make_default: true,
    });
    assertError(answer, 402);
    assert.equal(answer.body.message, 'Transaction was declined');
    const after = await c.call('GET', '/payments', { per_page: 100 });
    assert.equal(after.headers.get('x-total-count'), before.headers.get('x-total-count'));
    assert.deepEqual(
      after.body.map((p: any) => p.id),
      before.body.map((p: any) => p.id),
    );
    for (const invoice of invoices) assert.equal((await c.ok('GET', `/invoices/${invoice.id}`)).balance, invoice.balance);
    // Nothing was vaulted either.
    const sources = await c.ok('GET', `/customers/${customer.id}/payment_sources`);
    assert.equal(sources.length, 1);
    assert.equal((await c.ok('GET', `/customers/${customer.id}`)).payment_source.last4, '4242');
  });

  test('9. the same Idempotency-Key twice: one charge, the same body twice', async () => {
    const { customer, card, invoices } = await seedCustomer(c);
    const body = { customer: customer.id, amount: 2000, applied_to: seedApplications(invoices), method: 'credit_card', payment_source_type: 'card', payment_source_id: card.id };
    const headers = { 'idempotency-key': `charge-${customer.id}` };
    const before = Number((await c.call('GET', '/payments')).headers.get('x-total-count'));
    const [first, second] = [await c.call('POST', '/charges', body, { headers }), await c.call('POST', '/charges', body, { headers })];
    assert.equal(first.status, 201);
    assert.equal(second.status, 201);
    assert.deepEqual(second.body, first.body);
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
    assert.equal(Number((await c.call('GET', '/payments')).headers.get('x-total-count')), before + 1);
    // The same key with another request is refused in Invoiced's shape.
    const other = await c.call('POST', '/charges', { ...body, amount: 1999 }, { headers });
    assertError(other, 400);
  });

  test('10. refunds: 5 → amount_refunded 5, refunded false; the rest → refunded true; more → 400', async () => {
    const { customer, card, invoices } = await seedCustomer(c);
    const payment = await c.ok('POST', '/charges', {
      customer: customer.id,
      amount: 2000,
      applied_to: seedApplications(invoices),
      method: 'credit_card',
      payment_source_type: 'card',
      payment_source_id: card.id,
    });
    const chargeId = payment.charge.id;
    const first = await c.call('POST', `/charges/${chargeId}/refunds`, { amount: 5 });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.object, 'refund');
    assert.equal(first.body.charge, chargeId);
    assert.equal(first.body.amount, 5);
    assert.equal(first.body.status, 'succeeded');
    let after = await c.ok('GET', `/payments/${payment.id}`);
    assert.equal(after.charge.amount_refunded, 5);
    assert.equal(after.charge.refunded, false);
    assert.equal(after.charge.refunds.length, 1);
    const rest = await c.call('POST', `/charges/${chargeId}/refunds`, { amount: 1995 });
    assert.equal(rest.status, 201);
    after = await c.ok('GET', `/payments/${payment.id}`);
    assert.equal(after.charge.amount_refunded, 2000);
    assert.equal(after.charge.refunded, true);
    const more = await c.call('POST', `/charges/${chargeId}/refunds`, { amount: 1 });
    assertError(more, 400);
    // Money refunded beyond what was unapplied came off the invoices: they are open again.
    assert.equal((await c.ok('GET', `/invoices/${invoices[0].id}`)).balance, 1710);
  });

  test('11. GET /payments: a JSON array with X-Total-Count and a Link header invoiced-python parses', async () => {
    const answer = await c.call('GET', '/payments', { per_page: 2 });
    assert.equal(answer.status, 200);
    assert.ok(Array.isArray(answer.body));
    assert.equal(answer.body.length, 2);
    const meta = parseListMetadata(answer.headers);
    assert.ok(meta.totalCount >= 5);
    for (const rel of ['self', 'first', 'last', 'next']) assert.ok(meta.links[rel], rel);
    assert.equal(meta.links.prev, undefined);
    const next = await fetch(meta.links.next, { headers: { authorization: `Basic ${Buffer.from(`${c.key}:`).toString('base64')}` } });
    assert.equal(next.status, 200);
    const nextMeta = parseListMetadata(next.headers);
    assert.ok(nextMeta.links.prev);
    assert.notDeepEqual(
      ((await next.json()) as any[]).map((p) => p.id),
      answer.body.map((p: any) => p.id),
    );
  });

  test('12. a wrong key: 401 with a JSON message', async () => {
    for (const key of ['wrong-key', null]) {
      const answer = await c.call('GET', '/payments', undefined, { key });
      assertError(answer, 401, undefined, 'authentication_error');
    }
  });
});
