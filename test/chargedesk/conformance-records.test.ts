// Spec §5 conformance cases 1-27 and 44-53 (auth and transport, customers, charge records, preview,
// record subscriptions, products, customer delete and grouped) over HTTP, form-encoded as the PHP
// client sends them, with JSON where the case asks for it and form/JSON twins where both apply.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { envelopeOf, startChargeDesk, type ChargeDeskClient } from './client.ts';

let cd: ChargeDeskClient;
let B: string;
before(async () => {
  cd = await startChargeDesk();
  B = cd.base;
});
after(async () => {
  await cd?.assertLedger();
  await cd?.close();
});

test('#1-#5 auth, transport, errors', async () => {
  const none = await cd.call('GET', '/charges', undefined, { key: null });
  envelopeOf(none, 401);
  assert.match(none.headers.get('www-authenticate') ?? '', /^Basic /);
  envelopeOf(await cd.call('GET', '/charges', undefined, { key: 'wrongkey' }), 401);
  assert.equal((await cd.call('GET', '/charges', undefined, { password: 'anything' })).status, 200);
  envelopeOf(await cd.call('GET', '/charges/does-not-exist'), 404);
  const preview = await cd.call('GET', '/charges/preview', { amount: '10.00', currency: 'USD' });
  assert.equal(preview.status, 200);
  assert.equal(preview.body.totalAmount, 10);
  envelopeOf(await cd.call('GET', '/no-such-route'), 404);
});

test('#6 JSON bodies', async () => {
  const reply = await cd.call('POST', '/customers', { customer_id: 'cus-json', metadata: { k: 'v' } }, { json: true });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  assert.deepEqual(reply.body.metadata, { k: 'v' });
});

test('#8-#13 customers', async () => {
  const doc = { customer_id: 'cus-1', name: 'Jane Customer', email: 'jane@example.com', country: 'US', phone: '+1 (555) 555-5555', tax_number_abr: 'VAT', tax_number: '123456789' };
  const created = await cd.call('POST', '/customers', doc);
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const c = created.body;
  assert.equal(c.object, 'customer');
  assert.equal(c.customer_id, 'cus-1');
  assert.equal(c.first_name, 'Jane');
  assert.equal(c.readable_country, 'United States');
  assert.equal(c.phone, '+1 555-555-5555');
  assert.deepEqual([c.charges, c.delinquent, c.edited], [0, 0, 0]);
  assert.deepEqual([c.subscriptions, c.items, c.logs, c.metadata], [[], [], [], {}]);
  assert.deepEqual(c.methods_supported, ['invoice', 'edit']);
  assert.deepEqual(c.methods_active, ['invoice', 'edit']);
  assert.equal(c.manage_url, `${B}/manage/acme/customers/cus-1`);
  assert.equal(c.company, 'acme');
  assert.ok(Math.abs(c.first_seen - Date.now() / 1000) < 120);
  assert.equal(c.tax_number_abr, 'VAT');
  // #9
  envelopeOf(await cd.call('POST', '/customers', doc), 400, 'customer_id');
  // #10
  const dup = await cd.call('POST', '/customers', { ...doc, duplicate: 'update', name: 'Janet Doe' });
  assert.equal(dup.status, 200);
  assert.equal(dup.body.name, 'Janet Doe');
  assert.equal(dup.body.first_name, 'Janet');
  const listed = await cd.call('GET', '/customers', { customer_id: 'cus-1' });
  assert.equal(listed.body.count, 1);
  // #11
  const renamed = await cd.call('POST', '/customers/cus-1', { customer_id: 'cus-1b' });
  assert.equal(renamed.body.customer_id, 'cus-1b');
  envelopeOf(await cd.call('GET', '/customers/cus-1'), 404);
  assert.equal((await cd.call('GET', '/customers/cus-1b')).status, 200);
  // #12
  envelopeOf(await cd.call('POST', '/customers', { customer_id: 'cus-d', description: 'x'.repeat(256) }), 400, 'description');
  assert.equal((await cd.call('POST', '/customers', { customer_id: 'cus-d', description: 'x'.repeat(255) })).status, 200);
  // #13
  envelopeOf(await cd.call('GET', '/customers', { count: 501 }), 400, 'count');
  envelopeOf(await cd.call('GET', '/customers', { offset: 50001 }), 400, 'offset');
  const deep = await cd.call('GET', '/customers', { offset: 50000 });
  assert.deepEqual(deep.body, { count: 0, offset: 50000, data: [] });
  // A client id with @ . + in the path.
  assert.equal((await cd.call('POST', '/customers', { customer_id: 'a.b+c@example.com' })).status, 200);
  assert.equal((await cd.call('GET', `/customers/${encodeURIComponent('a.b+c@example.com')}`)).body.customer_id, 'a.b+c@example.com');
  envelopeOf(await cd.call('POST', '/customers', { customer_id: 'grouped' }), 400, 'customer_id');
});

let charge14: any;

test('#14-#16 charge records (form and JSON)', async () => {
  const params = {
    amount: '34.00',
    currency: 'USD',
    customer: { id: 'jane@example.com' },
    description: 'An example charge',
    transaction_id: 'txn-1',
    metadata: { example_key: 'Example charge metadata' },
  };
  const reply = await cd.call('POST', '/charges', params);
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  const c = reply.body;
  charge14 = c;
  assert.equal(c.charge, undefined);
  assert.deepEqual([c.object, c.status, c.status_text, c.is_paid], ['charge', 'paid', 'paid', true]);
  assert.deepEqual(
    [c.amount, c.amount_formatted, c.amount_refunded, c.amount_refunded_formatted, c.amount_symbol, c.amount_with_commas, c.added_tax],
    ['34.00', '$34.00 USD', '0.00', '$0.00 USD', '$', '34.00', '0.00'],
  );
  assert.deepEqual([c.customer_id, c.customer_email, c.customer_username], ['jane@example.com', 'jane@example.com', 'jane@example.com']);
  assert.equal(c.email_last_sent, 0);
  assert.deepEqual(c.logs, []);
  assert.deepEqual(c.metadata, { example_key: 'Example charge metadata' });
  assert.deepEqual(c.methods_supported, ['edit', 'remind', 'email']);
  assert.deepEqual(c.methods_active, ['email']);
  assert.deepEqual([c.name_email, c.name_send_email], ['receipt', 'Send Receipt']);
  assert.equal(c.invoice_url, `${B}/acme/${c.charge_id}/invoice`);
  assert.equal(c.invoice_download_url, `${c.invoice_url}/download`);
  assert.equal(c.support_url, `${B}/acme/${c.charge_id}`);
  assert.equal(c.manage_url, `${B}/manage/acme/charges/${c.charge_id}`);
  assert.equal(c.support_email, `acme+${c.charge_id}@chargedesk.com`);
  assert.equal(Object.keys(c).length, 50);
  assert.deepEqual(Object.keys(c), [...Object.keys(c)].sort());
  assert.equal((await cd.call('GET', `/customers/${encodeURIComponent('jane@example.com')}`)).body.charges, 1);
  // The links resolve on this server.
  assert.equal((await fetch(c.invoice_url)).status, 200);
  assert.equal((await fetch(c.support_url)).status, 200);
  // #15
  envelopeOf(await cd.call('POST', '/charges', params), 400, 'transaction_id');
  const dup = await cd.call('POST', '/charges', { ...params, duplicate: 'update', amount: '40.00' });
  assert.equal(dup.status, 200);
  assert.equal(dup.body.charge_id, c.charge_id);
  assert.equal(dup.body.amount, '40.00');
  // #16, JSON twin
  for (const json of [false, true]) {
    const big = await cd.call('POST', '/charges', { amount: '1234.5', currency: 'usd', customer: { id: 'c2' } }, { json });
    assert.equal(big.status, 200, JSON.stringify(big.body));
    assert.deepEqual([big.body.amount, big.body.amount_with_commas, big.body.amount_formatted, big.body.currency], ['1234.50', '1,234.50', '$1,234.50 USD', 'USD']);
  }
});

test('#17-#20 charge record validation and statuses', async () => {
  const base = { amount: '34.00', currency: 'USD', customer: { id: 'c3' } };
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ ...base, amount: '$34.00' }, 'amount'],
    [{ ...base, amount: '34,00' }, 'amount'],
    [{ ...base, amount: '-1' }, 'amount'],
    [{ ...base, currency: 'XYZ' }, 'currency'],
    [{ amount: '34.00', currency: 'USD' }, 'customer[id]'],
    [{ ...base, status: 'settled' }, 'status'],
    [{ ...base, occurred: Math.floor(Date.now() / 1000) + 3600 }, 'occurred'],
    [{ ...base, metadata: { ['k'.repeat(33)]: 'x' } }, `metadata[${'k'.repeat(33)}]`],
    [{ ...base, metadata: { k: 'v'.repeat(256) } }, 'metadata[k]'],
  ];
  for (const json of [false, true]) for (const [params, field] of cases) envelopeOf(await cd.call('POST', '/charges', params, { json }), 400, field);
  const old = await cd.call('POST', '/charges', { ...base, occurred: 1361191994 });
  assert.equal(old.body.occurred, 1361191994);
  const partial = await cd.call('POST', '/charges', { ...base, status: 'partially refunded', amount_refunded: '24.50' });
  assert.deepEqual(
    [partial.body.status, partial.body.amount_refunded, partial.body.amount_refunded_formatted, partial.body.is_paid, partial.body.name_email],
    ['partially refunded', '24.50', '$24.50 USD', true, 'refund notification'],
  );
  const refunded = await cd.call('POST', `/charges/${old.body.charge_id}`, { status: 'refunded' });
  assert.equal(refunded.status, 200, JSON.stringify(refunded.body));
  assert.deepEqual([refunded.body.status, refunded.body.amount_refunded, refunded.body.name_send_email], ['refunded', '34.00', 'Send Refund Notification']);
  // Zero- and three-decimal currencies.
  const yen = await cd.call('POST', '/charges', { ...base, amount: '500', currency: 'JPY' });
  assert.deepEqual([yen.body.amount, yen.body.amount_formatted], ['500', '¥500 JPY']);
  envelopeOf(await cd.call('POST', '/charges', { ...base, amount: '5.5', currency: 'JPY' }), 400, 'amount');
  const dinar = await cd.call('POST', '/charges', { ...base, amount: '1.234', currency: 'KWD' });
  assert.deepEqual([dinar.body.amount, dinar.body.amount_formatted], ['1.234', '1.234 KWD']);
});

test('#21-#24 list order, ranges, metadata filter, email, delete', async () => {
  const t0 = Math.floor(Date.now() / 1000) - 10_000;
  for (const dt of [0, 10, 20]) await cd.call('POST', '/charges', { amount: '1.00', currency: 'USD', customer: { id: 'order' }, occurred: t0 + dt });
  const page = await cd.call('GET', '/charges', { count: 2 });
  assert.equal(page.body.count, 2);
  assert.equal(page.body.offset, 0);
  assert.ok(page.body.data[0].occurred >= page.body.data[1].occurred);
  const exact = await cd.call('GET', '/charges', { occurred: { min: t0 + 10, max: t0 + 10 } });
  assert.equal(exact.body.count, 1);
  assert.equal(exact.body.data[0].occurred, t0 + 10);
  const meta = await cd.call('GET', '/charges', { metadata_key: 'example_key', metadata_value: 'Example charge metadata' });
  assert.ok(meta.body.data.some((c: any) => c.charge_id === charge14.charge_id));
  const onlyRefunded = await cd.call('GET', '/charges', { status: 'refunded' });
  assert.ok(onlyRefunded.body.count >= 1);
  assert.ok(onlyRefunded.body.data.every((c: any) => c.status === 'refunded'));
  envelopeOf(await cd.call('GET', '/charges', { count: 0 }), 400, 'count');
  const byCustomer = await cd.call('GET', '/charges', { customer: { email: 'jane@example.com' } });
  assert.ok(byCustomer.body.data.some((c: any) => c.charge_id === charge14.charge_id));
  const byQuery = await cd.call('GET', '/charges', { query: 'An example' });
  assert.ok(byQuery.body.data.some((c: any) => c.charge_id === charge14.charge_id));
  // #23
  const outboxBefore = (await cd.server.admin('/_admin/tenants/acme/outbox')).body;
  const emailed = await cd.call('POST', `/charges/${charge14.charge_id}/email`);
  assert.equal(emailed.status, 200, JSON.stringify(emailed.body));
  assert.ok(emailed.body.email_last_sent > 0);
  const outbox = (await cd.server.admin('/_admin/tenants/acme/outbox')).body;
  const rows = outbox.messages as any[];
  const before = outboxBefore.messages as any[];
  assert.equal(rows.length, before.length + 1);
  assert.ok(rows.some((r: any) => r.recipient === 'jane@example.com'));
  await cd.call('POST', `/charges/${charge14.charge_id}/email`, { email: 'other@example.com' });
  const after2 = (await cd.server.admin('/_admin/tenants/acme/outbox')).body;
  assert.ok((after2.messages as any[]).some((r: any) => r.recipient === 'other@example.com'));
  // #24
  const countBefore = (await cd.call('GET', `/customers/${encodeURIComponent('jane@example.com')}`)).body.charges;
  const deleted = await cd.call('DELETE', `/charges/${charge14.charge_id}`);
  assert.equal(deleted.status, 200);
  assert.equal(deleted.body.deleted, true);
  envelopeOf(await cd.call('GET', `/charges/${charge14.charge_id}`), 404);
  envelopeOf(await cd.call('DELETE', `/charges/${charge14.charge_id}`), 404);
  assert.equal((await cd.call('GET', `/customers/${encodeURIComponent('jane@example.com')}`)).body.charges, countBefore - 1);
});

test('#25-#27 preview', async () => {
  const doc = await cd.call('GET', '/charges/preview', { amount: '10.00', currency: 'USD', country: 'US' });
  assert.deepEqual(doc.body, {
    subtotalAmount: 10,
    subtotalAmountFormatted: '$10.00',
    taxRates: [{ name: 'Tax', rate: 10, amount: 1, amountFormatted: '$1.00' }],
    totalAmount: 11,
    totalAmountFormatted: '$11.00',
  });
  const inclusive = await cd.call('GET', '/charges/preview', { amount: '11.00', currency: 'USD', country: 'US', add_tax: 0 });
  assert.deepEqual([inclusive.body.subtotalAmount, inclusive.body.taxRates[0].amount, inclusive.body.totalAmount], [10, 1, 11]);
  const fr = await cd.call('GET', '/charges/preview', { amount: '10.00', currency: 'USD', country: 'FR' });
  assert.deepEqual([fr.body.taxRates, fr.body.totalAmount], [[], 10]);
  envelopeOf(await cd.call('GET', '/charges/preview', { country: 'US' }), 400);
});

test('#44-#47 record subscriptions', async () => {
  const created = await cd.call('POST', '/subscriptions', { subscription_id: 'sub-ext-1', customer_id: 'cus-1b', amount: '34.00', currency: 'USD', interval: 'month' });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const s = created.body;
  assert.deepEqual([s.status, s.readable_interval, s.quantity, s.items, s.has_items, s.trial_start], ['active', 'Monthly', 1, [], 0, 0]);
  assert.equal(s.manage_url, `${B}/manage/acme/subscriptions/sub-ext-1`);
  assert.equal(Object.keys(s).length, 37);
  envelopeOf(await cd.call('POST', '/subscriptions', { subscription_id: 'sub-ext-1', customer_id: 'cus-1b', amount: '34.00', currency: 'USD', interval: 'month' }), 400, 'subscription_id');
  envelopeOf(await cd.call('POST', '/subscriptions', { subscription_id: 'sub-ext-9', customer_id: 'cus-1b', status: 'paused' }), 400, 'status');
  const mark = await cd.lastEventId();
  const suspended = await cd.call('POST', '/subscriptions/sub-ext-1', { status: 'suspended' });
  assert.equal(suspended.body.status_text, 'Suspended');
  const active = await cd.call('POST', '/subscriptions/sub-ext-1', { status: 'active' });
  assert.equal(active.body.status, 'active');
  const codes = (await cd.notifications(mark)).codes;
  assert.ok(codes.includes('subscription_suspended'), codes.join());
  assert.ok(codes.includes('subscription_reactivated'), codes.join());
  const items = await cd.call('POST', '/subscriptions/sub-ext-1', { items: [{ id: 'i1', amount: '5.00', currency: 'USD', quantity: 1, description: 'Addon' }] });
  assert.equal(items.body.has_items, 1);
  assert.equal(items.body.items[0].id, 'i1');
  assert.equal((await cd.call('POST', '/subscriptions/sub-ext-1', { subscription_id: 'sub-ext-2' })).status, 200);
  envelopeOf(await cd.call('GET', '/subscriptions/sub-ext-1'), 404);
  assert.equal((await cd.call('GET', '/subscriptions/sub-ext-2')).status, 200);
  envelopeOf(await cd.call('GET', '/subscriptions', { offset: 10001 }), 400, 'offset');
  const mine = await cd.call('GET', '/subscriptions', { customer_id: 'cus-1b' });
  assert.ok(mine.body.data.some((x: any) => x.subscription_id === 'sub-ext-2'));
  envelopeOf(await cd.call('POST', '/gateway/subscriptions/sub-ext-2/cancel'), 400);
});

test('#48-#49 products', async () => {
  const created = await cd.call('POST', '/products', {
    product_id: 'prod-1',
    name: 'Example Product',
    description: 'Example product description',
    amount: '34.00',
    currency: 'USD',
    url: 'https://example.com/product',
  });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const p = created.body;
  assert.deepEqual([p.amount, p.amount_formatted, p.chargeable, p.taxable], [34, '$34.00 USD', 1, 1]);
  assert.deepEqual([p.interval, p.readable_interval, p.interval_count, p.status, p.charges], ['', '', 1, 'complete', 0]);
  assert.equal(p.support_url, `${B}/acme/product/prod-1`);
  assert.equal((await cd.call('POST', '/products/prod-1', { interval: 'year' })).body.readable_interval, 'Yearly');
  envelopeOf(await cd.call('POST', '/products', { product_id: 'prod-2', description: 'x'.repeat(256) }), 400, 'description');
  await cd.call('POST', '/products', { product_id: 'prod-3', name: 'Three', amount: '1.00', currency: 'USD' });
  const one = await cd.call('GET', '/products', { count: 1 });
  assert.equal(one.body.count, 1);
  assert.equal(one.body.data.length, 1);
  envelopeOf(await cd.call('POST', '/products', { product_id: 'prod-1', name: 'Again' }), 400, 'product_id');
  assert.equal((await cd.call('POST', '/products', { product_id: 'prod-1', name: 'Again', duplicate: 'update' })).body.name, 'Again');
});

test('#50-#53 customer delete modes and grouped', async () => {
  await cd.call('POST', '/customers', { customer_id: 'del-1' });
  const a = await cd.call('POST', '/charges', { amount: '5.00', currency: 'USD', customer: { id: 'del-1' } });
  const b = await cd.call('POST', '/charges', { amount: '6.00', currency: 'USD', customer: { id: 'del-1' } });
  assert.equal((await cd.call('DELETE', '/customers/del-1')).status, 200);
  envelopeOf(await cd.call('GET', '/customers/del-1'), 404);
  envelopeOf(await cd.call('GET', `/charges/${a.body.charge_id}`), 404);
  envelopeOf(await cd.call('GET', `/charges/${b.body.charge_id}`), 404);
  await cd.call('POST', '/customers', { customer_id: 'del-0' });
  const c0 = await cd.call('POST', '/charges', { amount: '5.00', currency: 'USD', customer: { id: 'del-0' } });
  envelopeOf(await cd.call('DELETE', '/customers/del-0', { delete_all: 7 }), 400, 'delete_all');
  assert.equal((await cd.call('DELETE', '/customers/del-0', { delete_all: 0 })).status, 200);
  assert.equal((await cd.call('GET', `/charges/${c0.body.charge_id}`)).body.customer_id, 'del-0');
  await cd.call('POST', '/customers', { customer_id: 'del-2', email: 'x@example.com' });
  const c2 = await cd.call('POST', '/charges', { amount: '5.00', currency: 'USD', customer: { id: 'del-2' }, metadata: { a: 'b' } });
  assert.equal((await cd.call('DELETE', '/customers/del-2', { delete_all: 2 })).status, 200);
  const anon = await cd.call('GET', `/charges/${c2.body.charge_id}`);
  assert.match(anon.body.customer_id, /^anon-/);
  assert.equal(anon.body.customer_email, null);
  assert.deepEqual(anon.body.metadata, {});
  // A deleted id is free again (spec 4.7).
  assert.equal((await cd.call('POST', '/customers', { customer_id: 'del-1' })).status, 200);
  // #53 (test 24 deleted jane's first charge: she gets another)
  await cd.call('POST', '/charges', { amount: '7.00', currency: 'USD', customer: { id: 'jane@example.com' } });
  const grouped = await cd.call('GET', '/customers/grouped', { query: 'jane@example.com' });
  assert.equal(grouped.status, 200, JSON.stringify(grouped.body));
  assert.equal(grouped.body.search, 'jane@example.com');
  assert.equal(grouped.body.match.score, 1);
  const jane = grouped.body.customers.find((c: any) => c.customer_id === 'jane@example.com');
  assert.ok(jane && jane.items.length >= 1);
  assert.ok(grouped.body.customers.some((c: any) => c.customer_id === 'cus-1b'));
  envelopeOf(await cd.call('GET', '/customers/grouped'), 400);
  assert.equal((await cd.call('GET', '/customers/history', { customer: { email: 'jane@example.com' } })).status, 200);
});
