// Every resource around the charge (spec §3) and beyond the seed: happy path, bad input in
// Invoiced's shape (never a 5xx), and list headers as invoiced-python parses them. Runs on SQLite or
// PostgreSQL; the ledger invariants are checked when the file's database goes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chargeOverOn } from '../cross-door/helpers.ts';
import { assertError, BANK, CARD, DECLINED_CARD, parseListMetadata, seedCustomer, startInvoiced, type InvoicedClient } from './helpers.ts';

let c: InvoicedClient;
before(async () => {
  c = await startInvoiced();
});
after(async () => c?.server.close());

/** A list answer: an array, both headers, self/first/last links, and the count it claims. */
async function assertList(path: string, query: Record<string, unknown> = {}): Promise<{ body: any[]; total: number; links: Record<string, string> }> {
  const answer = await c.call('GET', path, query);
  assert.equal(answer.status, 200, `${path}: ${JSON.stringify(answer.body)}`);
  assert.ok(Array.isArray(answer.body), path);
  const meta = parseListMetadata(answer.headers);
  for (const rel of ['self', 'first', 'last']) assert.ok(meta.links[rel], `${path} ${rel}`);
  assert.ok(answer.body.length <= meta.totalCount);
  return { body: answer.body, total: meta.totalCount, links: meta.links };
}

describe('customers', () => {
  test('create, read, update, list with filters and paging, delete', async () => {
    const created = await c.call('POST', '/customers', {
      name: 'Jane Q Doe',
      type: 'person',
      number: 'CUST-JANE',
      email: 'jane@example.com',
      currency: 'EUR',
      payment_terms: 'NET 30',
      address1: '1 Main St',
      city: 'Austin',
      state: 'TX',
      postal_code: '78701',
      country: 'US',
      metadata: { crm: 'x-1' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const jane = created.body;
    assert.equal(jane.object, 'customer');
    assert.equal(jane.name, 'Jane Q Doe');
    assert.equal(jane.type, 'person');
    assert.equal(jane.number, 'CUST-JANE');
    assert.equal(jane.currency, 'eur');
    assert.equal(jane.address1, '1 Main St');
    assert.deepEqual(jane.metadata, { crm: 'x-1' });
    const patched = await c.ok('PATCH', `/customers/${jane.id}`, { name: 'Jane Roe', city: 'Dallas', autopay: true });
    assert.equal(patched.name, 'Jane Roe');
    assert.equal(patched.city, 'Dallas');
    assert.equal(patched.address1, '1 Main St');
    assert.equal(patched.autopay, true);
    assert.equal(patched.payment_terms, 'NET 30');
    assert.deepEqual(await c.ok('GET', `/customers/${jane.id}`), patched);
    const filtered = await assertList('/customers', { filter: { number: 'CUST-JANE' } });
    assert.deepEqual(
      filtered.body.map((x: any) => x.id),
      [jane.id],
    );
    for (let i = 0; i < 3; i++) await c.ok('POST', '/customers', { name: `Paged ${i}` });
    const page = await assertList('/customers', { per_page: 2, page: 2, sort: 'id DESC' });
    assert.equal(page.body.length, 2);
    assert.ok(page.links.prev && page.links.next !== undefined ? true : page.links.prev);
    const deleted = await c.call('DELETE', `/customers/${jane.id}`);
    assert.equal(deleted.status, 204);
    assertError(await c.call('GET', `/customers/${jane.id}`), 404);
  });

  test('bad input answers 400 with param, unknown ids 404, never a 5xx', async () => {
    assertError(await c.call('POST', '/customers', {}), 400, 'name');
    assertError(await c.call('POST', '/customers', { name: 'x', type: 'robot' }), 400, 'type');
    assertError(await c.call('POST', '/customers', { name: 'x', currency: 'dollars' }), 400, 'currency');
    assertError(await c.call('POST', '/customers', { name: 'x', email: 'not-an-email' }), 400, 'email');
    assertError(await c.call('POST', '/customers', { name: 'x', metadata: 'nope' }), 400, 'metadata');
    await c.ok('POST', '/customers', { name: 'Dup', number: 'DUP-1' });
    assertError(await c.call('POST', '/customers', { name: 'Dup 2', number: 'DUP-1' }), 400, 'number');
    assertError(await c.call('GET', '/customers/abc'), 404);
    assertError(await c.call('GET', '/customers/99999999'), 404);
    assertError(await c.call('GET', '/customers', { filter: { shoe_size: '9' } }), 400, 'shoe_size');
    assertError(await c.call('GET', '/customers', { per_page: 'many' }), 400, 'per_page');
    assertError(await c.call('GET', '/customers', { sort: 'name sideways' }), 400, 'sort');
    const raw = await fetch(`${c.server.url}/invoiced/customers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${c.key}:`).toString('base64')}` },
      body: '{bad json',
    });
    assert.equal(raw.status, 400);
    assert.equal(((await raw.json()) as any).type, 'invalid_request');
  });

  test('balance and payment sources (card and bank account, list, default, delete by each path)', async () => {
    const { customer, card } = await seedCustomer(c);
    assert.equal((await c.ok('GET', `/customers/${customer.id}`)).payment_source.id, card.id, 'the first card is the default');
    const bankToken = await c.ok('POST', '/tokens', { bank_account: BANK });
    assert.equal(bankToken.object, 'token');
    assert.equal(bankToken.type, 'bank_account');
    const bank = await c.ok('POST', `/customers/${customer.id}/payment_sources`, { method: 'ach', invoiced_token: bankToken.id, make_default: true });
    assert.equal(bank.object, 'bank_account');
    assert.equal(bank.last4, '6789');
    assert.equal((await c.ok('GET', `/customers/${customer.id}`)).payment_source.id, bank.id);
    const direct = await c.ok('POST', `/customers/${customer.id}/payment_sources`, { method: 'credit_card', card: { number: '378282246310005', exp_month: 1, exp_year: 31 } });
    assert.equal(direct.brand, 'American Express');
    assert.equal(direct.exp_year, 2031);
    const list = await assertList(`/customers/${customer.id}/payment_sources`);
    assert.equal(list.total, 3);
    assert.equal((await c.call('DELETE', `/customers/${customer.id}/cards/${direct.id}`)).status, 204);
    assert.equal((await c.call('DELETE', `/customers/${customer.id}/bank_accounts/${bank.id}`)).status, 204);
    assertError(await c.call('DELETE', `/customers/${customer.id}/bank_accounts/${card.id}`), 404);
    assert.equal((await c.call('DELETE', `/customers/${customer.id}/payment_sources/${card.id}`)).status, 204);
    assert.equal((await c.ok('GET', `/customers/${customer.id}`)).payment_source, null);
    const balance = await c.ok('GET', `/customers/${customer.id}/balance`);
    assert.deepEqual(balance, { available_credits: 0, currency: 'usd', history: [], past_due: false, total_outstanding: 2000 });
    assertError(await c.call('POST', `/customers/${customer.id}/payment_sources`, { method: 'credit_card' }), 400);
    assertError(await c.call('POST', `/customers/${customer.id}/payment_sources`, { method: 'wire', invoiced_token: 'x' }), 400, 'method');
    assertError(await c.call('POST', `/customers/${customer.id}/payment_sources`, { method: 'credit_card', invoiced_token: 'no-such-token' }), 400, 'invoiced_token');
    const cardToken = await c.ok('POST', '/tokens', { card: CARD });
    assertError(await c.call('POST', `/customers/${customer.id}/payment_sources`, { method: 'ach', invoiced_token: cardToken.id }), 400, 'method');
  });
});

describe('tokens', () => {
  test('cards and banks tokenize; bad details are 400 on the field', async () => {
    const card = await c.ok('POST', '/tokens', { card: CARD });
    assert.equal(card.type, 'card');
    assert.equal(card.card.last4, '4242');
    assert.equal(typeof card.id, 'string');
    assertError(await c.call('POST', '/tokens', {}), 400);
    assertError(await c.call('POST', '/tokens', { card: { ...CARD, number: '4242424242424241' } }), 400, 'card[number]');
    assertError(await c.call('POST', '/tokens', { card: { ...CARD, exp_month: 13 } }), 400, 'card[exp_month]');
    assertError(await c.call('POST', '/tokens', { bank_account: { ...BANK, routing_number: '12' } }), 400, 'bank_account[routing_number]');
    assertError(await c.call('POST', '/tokens', { card: CARD, bank_account: BANK }), 400);
  });
});

describe('charges beyond the conformance cases', () => {
  test('an ACH charge is pending until settlement; receipt_email goes to the outbox; a gateway_token names a saved source', async () => {
    const { customer, card, invoices } = await seedCustomer(c);
    const bankToken = await c.ok('POST', '/tokens', { bank_account: BANK });
    const ach = await c.ok('POST', '/charges', {
      customer: customer.id,
      amount: 1710,
      applied_to: [{ type: 'invoice', invoice: invoices[0].id, amount: 1710 }],
      method: 'ach',
      invoiced_token: bankToken.id,
      receipt_email: 'ap@dundermifflin.com',
    });
    assert.equal(ach.method, 'ach');
    assert.equal(ach.charge.status, 'pending');
    assert.equal(ach.charge.payment_source.object, 'bank_account');
    assert.equal(ach.charge.receipt_email, 'ap@dundermifflin.com');
    const outbox = await c.server.admin('/_admin/tenants/acme/outbox');
    assert.ok(JSON.stringify(outbox.body).includes('ap@dundermifflin.com'), 'receipt in the outbox');
    const byGateway = await c.ok('POST', '/charges', {
      customer: customer.id,
      amount: 290,
      applied_to: [{ type: 'invoice', invoice: invoices[1].id, amount: 290 }],
      method: 'credit_card',
      gateway_token: card.gateway_id,
    });
    assert.equal(byGateway.charge.payment_source.id, card.id);
    assertError(
      await c.call('POST', '/charges', { customer: customer.id, amount: 1, applied_to: [{ type: 'credit', amount: 1 }], method: 'credit_card', gateway_token: 'nope' }),
      400,
      'gateway_token',
    );
  });

  test('zero- and three-decimal currencies convert at the edge', async () => {
    for (const [currency, amount, tooPrecise] of [
      ['jpy', 5000, 5000.5],
      ['kwd', 12.345, 12.3456],
    ] as const) {
      const customer = await c.ok('POST', '/customers', { name: `In ${currency}`, currency });
      const invoice = await c.ok('POST', '/invoices', { customer: customer.id, items: [{ name: 'Thing', unit_cost: amount }] });
      assert.equal(invoice.total, amount);
      const token = await c.ok('POST', '/tokens', { card: CARD });
      assertError(
        await c.call('POST', '/charges', { customer: customer.id, amount: tooPrecise, applied_to: [{ type: 'credit', amount: tooPrecise }], method: 'credit_card', invoiced_token: token.id }),
        400,
        'amount',
      );
      const payment = await c.ok('POST', '/charges', {
        customer: customer.id,
        amount,
        applied_to: [{ type: 'invoice', invoice: invoice.id, amount }],
        method: 'credit_card',
        invoiced_token: token.id,
      });
      assert.equal(payment.amount, amount);
      assert.equal(payment.currency, currency);
      assert.equal((await c.ok('GET', `/invoices/${invoice.id}`)).status, 'paid');
    }
  });

  test('bad charge input: every refusal is a 400 with its param', async () => {
    const { customer, card, invoices } = await seedCustomer(c);
    const base = { customer: customer.id, amount: 10, applied_to: [{ type: 'credit', amount: 10 }], method: 'credit_card', payment_source_type: 'card', payment_source_id: card.id };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ customer: undefined }, 'customer'],
      [{ customer: 'abc' }, 'customer'],
      [{ method: undefined }, 'method'],
      [{ method: 'paypal' }, 'method'],
      [{ amount: undefined }, 'amount'],
      [{ amount: -5 }, 'amount'],
      [{ amount: 'ten' }, 'amount'],
      [{ currency: 'zzz' }, 'currency'],
      [{ applied_to: undefined }, 'applied_to'],
      [{ applied_to: [] }, 'applied_to'],
      [{ applied_to: [{ type: 'estimate', amount: 10 }] }, 'applied_to'],
      [{ applied_to: [{ type: 'invoice', amount: 10 }] }, 'applied_to'],
      [{ applied_to: [{ type: 'credit', amount: 11 }] }, 'applied_to'],
      [{ applied_to: [{ type: 'invoice', invoice: invoices[0].id, amount: 10 }], currency: 'eur' }, 'currency'],
      [{ payment_source_type: 'paypal' }, 'payment_source_type'],
      [{ payment_source_type: undefined }, 'payment_source_type'],
      [{ payment_source_id: 999999 }, 'payment_source_id'],
      [{ receipt_email: 'nobody' }, 'receipt_email'],
      [{ vault_method: 'perhaps' }, 'vault_method'],
    ];
    for (const [change, param] of cases) {
      const body = { ...base, ...change };
      for (const key of Object.keys(change)) if (change[key] === undefined) delete (body as Record<string, unknown>)[key];
      assertError(await c.call('POST', '/charges', body), 400, param);
    }
    assertError(await c.call('POST', '/charges/99999/refunds', { amount: 1 }), 404);
    const token = await c.ok('POST', '/tokens', { card: DECLINED_CARD });
    const declined = await c.call('POST', '/charges', { ...base, payment_source_type: undefined, payment_source_id: undefined, invoiced_token: token.id });
    assertError(declined, 402);
  });
});

describe('invoices', () => {
  test('create (draft, terms, catalog item), update, issue, statuses from the balance and the clock, void, delete, pay', async () => {
    const customer = await c.ok('POST', '/customers', { name: 'Invoice Co' });
    const item = await c.ok('POST', '/items', { id: 'delivery', name: 'Delivery', unit_cost: 45 });
    assert.equal(item.id, 'delivery');
    const draft = await c.ok('POST', '/invoices', {
      customer: customer.id,
      name: 'March',
      draft: true,
      payment_terms: 'NET 14',
      date: 1767225600,
      items: [
        { name: 'Paper', quantity: 2.5, unit_cost: 10.1 },
        { catalog_item: 'delivery', quantity: 1 },
      ],
      metadata: { po: '77' },
    });
    assert.equal(draft.status, 'draft');
    assert.equal(draft.draft, true);
    assert.equal(draft.total, 70.25);
    assert.equal(draft.items[1].name, 'Delivery');
    assert.equal(draft.items[1].catalog_item, Number(draft.items[1].catalog_item));
    assert.equal(draft.due_date - draft.date, 14 * 86400);
    assert.equal(draft.payment_terms, 'NET 14');
    const issued = await c.ok('PATCH', `/invoices/${draft.id}`, { draft: false, notes: 'Thanks', items: [{ name: 'Paper', quantity: 3, unit_cost: 10 }] });
    assert.equal(issued.draft, false);
    assert.equal(issued.total, 30);
    assert.equal(issued.balance, 30);
    assert.equal(issued.notes, 'Thanks');
    assert.equal(issued.status, 'past_due', 'due in early 2026 on the real clock');
    const list = await assertList('/invoices', { filter: { customer: customer.id, status: 'past_due' } });
    assert.deepEqual(
      list.body.map((x: any) => x.id),
      [issued.id],
    );
    const voided = await c.ok('POST', `/invoices/${issued.id}/void`);
    assert.equal(voided.status, 'voided');
    assert.equal(voided.closed, true);
    assertError(await c.call('POST', `/invoices/${issued.id}/void`), 400);
    const second = await c.ok('POST', '/invoices', { customer: customer.id, items: [{ name: 'Ink', unit_cost: 5 }] });
    assert.equal((await c.call('DELETE', `/invoices/${second.id}`)).status, 204);
    assert.equal((await c.ok('GET', `/invoices/${second.id}`)).status, 'voided');
  });

  test('POST /invoices/{id}/pay charges the saved source; a declined one is 402 and changes nothing', async () => {
    const { customer, invoices } = await seedCustomer(c);
    const paid = await c.ok('POST', `/invoices/${invoices[0].id}/pay`);
    assert.equal(paid.status, 'paid');
    assertError(await c.call('POST', `/invoices/${invoices[0].id}/pay`), 400);
    const poor = await c.ok('POST', '/customers', { name: 'Declines' });
    const token = await c.ok('POST', '/tokens', { card: DECLINED_CARD });
    await c.ok('POST', `/customers/${poor.id}/payment_sources`, { method: 'credit_card', invoiced_token: token.id });
    const invoice = await c.ok('POST', '/invoices', { customer: poor.id, items: [{ name: 'x', unit_cost: 9 }] });
    assertError(await c.call('POST', `/invoices/${invoice.id}/pay`), 402);
    assert.equal((await c.ok('GET', `/invoices/${invoice.id}`)).balance, 9);
    assert.ok(customer.id);
  });

  test('bad invoice input', async () => {
    const customer = await c.ok('POST', '/customers', { name: 'Bad Invoices' });
    assertError(await c.call('POST', '/invoices', {}), 400, 'customer');
    assertError(await c.call('POST', '/invoices', { customer: 999999 }), 400, 'customer');
    assertError(await c.call('POST', '/invoices', { customer: customer.id, items: 'x' }), 400, 'items');
    assertError(await c.call('POST', '/invoices', { customer: customer.id, items: [{ name: 'x' }] }), 400, 'items[0].unit_cost');
    assertError(await c.call('POST', '/invoices', { customer: customer.id, items: [{ name: 'x', unit_cost: 1, quantity: -1 }] }), 400, 'items[0].quantity');
    assertError(await c.call('POST', '/invoices', { customer: customer.id, items: [{ name: 'x', unit_cost: 1, taxes: [{ amount: 1 }] }] }), 400, 'items[0].taxes');
    assertError(await c.call('POST', '/invoices', { customer: customer.id, payment_terms: 'whenever' }), 400, 'payment_terms');
    assertError(await c.call('POST', '/invoices', { customer: customer.id, date: 'yesterday' }), 400, 'date');
    assertError(await c.call('POST', '/invoices', { customer: customer.id, items: [{ catalog_item: 'nothing', quantity: 1 }] }), 400, 'items[0].catalog_item');
    assertError(await c.call('GET', '/invoices/0'), 404);
  });
});

describe('payments', () => {
  test('record a check, update notes, delete reopens the invoices (card and check), list filters', async () => {
    const { customer, card, invoices } = await seedCustomer(c);
    const check = await c.ok('POST', '/payments', { customer: customer.id, amount: 290, method: 'check', reference: '1001', applied_to: [{ type: 'invoice', invoice: invoices[1].id, amount: 290 }] });
    assert.equal(check.method, 'check');
    assert.equal(check.charge, null);
    assert.equal(check.reference, '1001');
    assert.equal((await c.ok('GET', `/invoices/${invoices[1].id}`)).status, 'paid');
    const patched = await c.ok('PATCH', `/payments/${check.id}`, { notes: 'mailed' });
    assert.equal(patched.notes, 'mailed');
    assertError(await c.call('PATCH', `/payments/${check.id}`, { amount: 5 }), 400, 'amount');
    assert.equal((await c.call('DELETE', `/payments/${check.id}`)).status, 204);
    const reopened = await c.ok('GET', `/invoices/${invoices[1].id}`);
    assert.equal(reopened.balance, 290);
    assert.equal(reopened.status, 'not_sent');
    assert.equal((await c.ok('GET', `/payments/${check.id}`)).voided, true);
    const charged = await c.ok('POST', '/charges', {
      customer: customer.id,
      amount: 1710,
      applied_to: [{ type: 'invoice', invoice: invoices[0].id, amount: 1710 }],
      method: 'credit_card',
      payment_source_type: 'card',
      payment_source_id: card.id,
    });
    assert.equal((await c.call('DELETE', `/payments/${charged.id}`)).status, 204);
    assert.equal((await c.ok('GET', `/invoices/${invoices[0].id}`)).balance, 1710);
    assertError(await c.call('DELETE', `/payments/${charged.id}`), 400);
    const mine = await assertList('/payments', { filter: { customer: customer.id, method: 'check' } });
    assert.deepEqual(
      mine.body.map((p: any) => p.id),
      [check.id],
    );
    assertError(await c.call('POST', '/payments', { customer: customer.id, amount: 1, method: 'credit_card' }), 400, 'method');
    assertError(await c.call('GET', '/payments/999999'), 404);
  });
});

describe('items, plans, subscriptions, events', () => {
  test('items and plans: client-chosen ids, update, list, delete; bad input', async () => {
    const item = await c.ok('POST', '/items', { id: 'widget', name: 'Widget', unit_cost: 9.99, type: 'product' });
    assert.deepEqual([item.object, item.unit_cost, item.currency, item.type], ['item', 9.99, 'usd', 'product']);
    assert.equal((await c.ok('PATCH', '/items/widget', { unit_cost: 10.5 })).unit_cost, 10.5);
    const plain = await c.ok('POST', '/items', { name: 'No id', unit_cost: 1 });
    assert.equal(typeof plain.id, 'number');
    assert.equal((await c.ok('GET', `/items/${plain.id}`)).name, 'No id');
    const items = await assertList('/items');
    assert.ok(items.total >= 2);
    assert.equal((await c.call('DELETE', '/items/widget')).status, 204);
    assertError(await c.call('GET', '/items/widget'), 404);
    assertError(await c.call('POST', '/items', { unit_cost: 1 }), 400, 'name');
    assertError(await c.call('POST', '/items', { id: 'has space', name: 'x' }), 400, 'id');
    const plan = await c.ok('POST', '/plans', { id: 'pro-monthly', name: 'Pro', amount: 49, interval: 'month', interval_count: 1 });
    assert.deepEqual([plan.id, plan.amount, plan.interval, plan.interval_count], ['pro-monthly', 49, 'month', 1]);
    assertError(await c.call('POST', '/plans', { name: 'x', amount: 1 }), 400, 'interval');
    assertError(await c.call('POST', '/plans', { name: 'x', amount: 1, interval: 'fortnight' }), 400, 'interval');
    assertError(await c.call('POST', '/plans', { id: 'pro-monthly', name: 'again', amount: 1, interval: 'year' }), 400, 'id');
    assert.ok((await assertList('/plans')).total >= 1);
  });

  test('subscriptions: create on a plan, read, update quantity and cycles, cancel; bad input', async () => {
    const customer = await c.ok('POST', '/customers', { name: 'Subscriber' });
    await c.ok('POST', '/plans', { id: 'team-yearly', name: 'Team', amount: 100, interval: 'year' });
    const sub = await c.ok('POST', '/subscriptions', { customer: customer.id, plan: 'team-yearly', quantity: 3, cycles: 2, start_date: 1798761600 });
    assert.deepEqual([sub.object, sub.plan, sub.quantity, sub.cycles, sub.status, sub.recurring_total], ['subscription', 'team-yearly', 3, 2, 'active', 300]);
    assert.equal(sub.start_date, 1798761600);
    assert.equal(sub.renews_next, 1798761600);
    const changed = await c.ok('PATCH', `/subscriptions/${sub.id}`, { quantity: 4, cycles: null });
    assert.deepEqual([changed.quantity, changed.recurring_total, changed.cycles], [4, 400, null]);
    assert.ok((await assertList('/subscriptions')).total >= 1);
    assert.equal((await c.call('DELETE', `/subscriptions/${sub.id}`)).status, 204);
    assertError(await c.call('GET', `/subscriptions/${sub.id}`), 404);
    assertError(await c.call('POST', '/subscriptions', { customer: customer.id }), 400, 'plan');
    assertError(await c.call('POST', '/subscriptions', { customer: customer.id, plan: 'nope' }), 400, 'plan');
    assertError(await c.call('POST', '/subscriptions', { customer: 999999, plan: 'team-yearly' }), 400, 'customer');
    assertError(await c.call('POST', '/subscriptions', { customer: customer.id, plan: 'team-yearly', quantity: 0 }), 400, 'quantity');
    assertError(await c.call('PATCH', `/subscriptions/999999`, { quantity: 1 }), 404);
  });

  test('events: newest first, in Invoiced words with the object in Invoiced’s shape, filters, paging', async () => {
    const customer = await c.ok('POST', '/customers', { name: 'Evented' });
    const events = await assertList('/events', { per_page: 5 });
    assert.equal(events.body[0].object, 'event');
    assert.ok(events.body[0].id > events.body[1].id);
    const created = await assertList('/events', { filter: { type: 'customer.created' }, per_page: 1 });
    assert.equal(created.body[0].type, 'customer.created');
    assert.equal(created.body[0].data.object.object, 'customer');
    assert.equal(created.body[0].data.object.id, customer.id);
    assert.ok(created.links.next);
    const one = await c.ok('GET', `/events/${created.body[0].id}`);
    assert.deepEqual(one, created.body[0]);
    const payments = await assertList('/events', { filter: { object: 'payment' } });
    assert.ok(payments.body.every((e: any) => e.data.object.object === 'payment' || e.data.object.object === 'transaction'));
    assertError(await c.call('GET', '/events', { filter: { object: 'spaceship' } }), 400, 'filter[object]');
    assertError(await c.call('GET', '/events', { filter: { colour: 'red' } }), 400);
    assertError(await c.call('GET', '/events/99999999'), 404);
  });
});

describe('one state with the other doors', () => {
  test('a customer, card and invoice made through ChargeOver are charged here; what is made here shows through ChargeOver and the admin API', async () => {
    const co = await chargeOverOn(c.server);
    const customerId = (await co.ok('POST', '/customer', { company: 'Made in ChargeOver', bill_addr1: '9 Elm', bill_city: 'Reno' })).id;
    const cardId = (await co.ok('POST', '/creditcard', { customer_id: customerId, number: '4111111111111111', expdate_month: '12', expdate_year: '2099', name: 'Pat' })).id;
    const item = (await co.ok('POST', '/item', { name: 'Consulting', pricemodel: { base: 120 } })).id;
    const invoiceId = (await co.ok('POST', '/invoice', { customer_id: customerId, line_items: [{ item_id: item, line_rate: 120, line_quantity: 1 }] })).id;
    const customer = await c.ok('GET', `/customers/${customerId}`);
    assert.equal(customer.name, 'Made in ChargeOver');
    assert.equal(customer.address1, '9 Elm');
    assert.equal(customer.payment_source.id, cardId);
    const invoice = await c.ok('GET', `/invoices/${invoiceId}`);
    assert.equal(invoice.total, 120);
    const payment = await c.ok('POST', '/charges', {
      customer: customerId,
      amount: 120,
      applied_to: [{ type: 'invoice', invoice: invoiceId, amount: 120 }],
      method: 'credit_card',
      payment_source_type: 'card',
      payment_source_id: cardId,
    });
    const coInvoice = await co.ok('GET', `/invoice/${invoiceId}`);
    assert.equal(coInvoice.balance, 0);
    const coTransaction = await co.ok('GET', `/transaction/${payment.id}`);
    assert.equal(coTransaction.amount, 120);
    const admin = await c.server.admin('/_admin/tenants/acme/events');
    assert.equal(admin.status, 200);
    const verify = await c.server.admin('/_admin/verify?tenant=acme');
    assert.equal(verify.status, 200, JSON.stringify(verify.body));
  });
});
