import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { docSale, startFluidPay, type FluidPayClient } from './client.ts';

let fp: FluidPayClient;
let sale: any;
let ach: any;
let auth: any;
before(async () => {
  fp = await startFluidPay();
  sale = (await fp.call('POST', '/transaction', docSale())).body.data;
  ach = (await fp.call('POST', '/transaction', docSale({ amount: 10112, payment_method: { ach: { routing_number: '490000018', account_number: '999999', sec_code: 'ccd' } } }))).body.data;
  auth = (
    await fp.call(
      'POST',
      '/transaction',
      docSale({
        type: 'authorize',
        amount: 500,
        tax_amount: 50,
        shipping_amount: 0,
        order_id: 'ORDER2',
        po_number: 'PO2',
        ip_address: '::1',
        billing_address: { first_name: 'Jane', city: 'Chicago' },
      }),
    )
  ).body.data;
});
after(async () => {
  await fp?.close();
});

const search = async (body: unknown) => {
  const reply = await fp.call('POST', '/transaction/search', body);
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  assert.equal(reply.body.msg, '');
  assert.equal(reply.body.status, 'success');
  return reply.body;
};
const ids = (body: any) => body.data.map((t: any) => t.id);

test('#36 search by transaction_id', async () => {
  const found = await search({ transaction_id: { operator: '=', value: sale.id } });
  assert.equal(found.total_count, 1);
  assert.equal(found.data[0].id, sale.id);
  const others = await search({ transaction_id: { operator: '!=', value: sale.id } });
  assert.equal(others.total_count, 2);
  assert.equal((await search({ transaction_id: { operator: '=', value: 'nonsense' } })).total_count, 0);
});

test('#37 int operators =, !=, <, >; >= is refused', async () => {
  assert.ok(ids(await search({ amount: { operator: '>', value: 1111 } })).includes(sale.id));
  assert.ok(!ids(await search({ amount: { operator: '<', value: 1112 } })).includes(sale.id));
  assert.deepEqual(ids(await search({ amount: { operator: '=', value: 1112 } })), [sale.id]);
  assert.ok(!ids(await search({ amount: { operator: '!=', value: 1112 } })).includes(sale.id));
  assert.deepEqual(ids(await search({ amount_captured: { operator: '=', value: 0 } })).sort(), [ach.id, auth.id].sort());
  assert.deepEqual(ids(await search({ amount_authorized: { operator: '=', value: 500 } })), [auth.id]);
  assert.deepEqual(ids(await search({ amount_settled: { operator: '>', value: 0 } })), []);
  assert.deepEqual(ids(await search({ tax_amount: { operator: '=', value: 50 } })), [auth.id]);
  const bad = await fp.call('POST', '/transaction/search', { amount: { operator: '>=', value: 1 } });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.status, 'failed');
  assert.equal((await fp.call('POST', '/transaction/search', { amount: { operator: '=', value: '1112' } })).status, 400);
  assert.equal((await fp.call('POST', '/transaction/search', { type: { operator: '<', value: 'sale' } })).status, 400);
});

test('#38 nested address criteria and created_at ranges', async () => {
  const today = sale.created_at.slice(0, 10);
  const found = await search({ billing_address: { first_name: { operator: '=', value: 'John' } }, created_at: { start_date: `${today}T00:00:00Z`, end_date: `${today}T23:59:59Z` } });
  assert.ok(ids(found).includes(sale.id));
  assert.ok(!ids(found).includes(auth.id));
  assert.equal((await search({ created_at: { start_date: '2017-11-01T00:00:00Z', end_date: '2017-11-30T23:59:59Z' } })).total_count, 0);
  assert.equal((await search({ created_at: { start_date: `${today}T00:00:00Z` } })).total_count, 3, 'open end');
  assert.equal((await search({ captured_at: { start_date: '2000-01-01T00:00:00Z' } })).total_count, 1, 'null timestamps never match');
  assert.equal((await search({ settled_at: { end_date: '2100-01-01T00:00:00Z' } })).total_count, 0);
  assert.deepEqual(ids(await search({ shipping_address: { city: { operator: '=', value: 'Wheaton' } }, type: { operator: '=', value: 'sale' }, payment_type: { operator: '=', value: 'card' } })), [
    sale.id,
  ]);
  assert.deepEqual(ids(await search({ billing_address: { city: { operator: '!=', value: 'Wheaton' } } })), [auth.id]);
  assert.equal((await fp.call('POST', '/transaction/search', { created_at: { start_date: 'yesterday' } })).status, 400);
});

test('#39 status, payment_method, payment_type (echeck alias), strings', async () => {
  assert.deepEqual(ids(await search({ status: { operator: '=', value: 'declined' } })), [ach.id]);
  assert.ok(!ids(await search({ status: { operator: '!=', value: 'declined' } })).includes(ach.id));
  assert.deepEqual(ids(await search({ status: { operator: '=', value: 'authorized' } })), [auth.id]);
  assert.deepEqual(ids(await search({ status: { operator: '=', value: 'pending_settlement' } })), [sale.id]);
  assert.equal((await search({ status: { operator: '=', value: 'reversed' } })).total_count, 0);
  assert.equal((await fp.call('POST', '/transaction/search', { status: { operator: '=', value: 'lost' } })).status, 400);
  assert.deepEqual(ids(await search({ payment_type: { operator: '=', value: 'echeck' } })), [ach.id]);
  assert.deepEqual(ids(await search({ payment_method: { operator: '=', value: 'ach' } })), [ach.id]);
  assert.deepEqual(ids(await search({ processor_id: { operator: '=', value: ach.processor_id } })), [ach.id]);
  assert.deepEqual(ids(await search({ order_id: { operator: '=', value: 'ORDER2' } })), [auth.id]);
  assert.deepEqual(ids(await search({ po_number: { operator: '=', value: 'PO2' } })), [auth.id]);
  assert.deepEqual(ids(await search({ ip_address: { operator: '=', value: '::1' } })), [auth.id]);
  assert.deepEqual(ids(await search({ type: { operator: '=', value: 'authorize' } })), [auth.id]);
  assert.equal((await search({ customer_id: { operator: '=', value: 'aaaaaaaaaaaaaaaaaaaa' } })).total_count, 0);
  assert.equal((await search({ user_id: { operator: '!=', value: 'x' } })).total_count, 3);
});

test('#40 paging: total_count counted before paging, newest first; limit 101 is refused', async () => {
  const page = await search({ limit: 1, offset: 0 });
  assert.equal(page.data.length, 1);
  assert.equal(page.total_count, 3);
  assert.equal(page.data[0].id, auth.id, 'newest first');
  const second = await search({ limit: 2, offset: 2 });
  assert.deepEqual(ids(second), [sale.id]);
  assert.equal((await search({})).data.length, 3);
  assert.equal((await fp.call('POST', '/transaction/search', { limit: 101 })).status, 400);
  assert.equal((await fp.call('POST', '/transaction/search', { offset: -1 })).status, 400);
  assert.equal((await fp.call('POST', '/transaction/search', { offset: 1e20 })).status, 400, 'not a 500');
  assert.equal((await fp.call('POST', '/transaction/search', { limit: 1.5 })).status, 400);
});

test('#41 idempotency_key: the same key within the window returns the same transaction', async () => {
  const body = docSale({ idempotency_key: 'b4a9c1f0-2c47-4b58-9d3c-1f2e3d4c5b6a' });
  const first = await fp.call('POST', '/transaction', body);
  const second = await fp.call('POST', '/transaction', body);
  assert.equal(first.status, 200);
  assert.equal(second.status, 200);
  assert.equal(second.body.data.id, first.body.data.id);
  assert.equal(first.body.data.idempotency_key, 'b4a9c1f0-2c47-4b58-9d3c-1f2e3d4c5b6a');
  assert.equal(first.body.data.idempotency_time, 300);
  assert.equal((await search({ transaction_id: { operator: '=', value: first.body.data.id } })).total_count, 1);
  assert.equal((await search({ amount: { operator: '=', value: 1112 } })).total_count, 2, 'one new transaction, not two');
  const changed = await fp.call('POST', '/transaction', { ...body, amount: 1113 });
  assert.equal(changed.status, 400, 'same key, different body');
  assert.equal(changed.body.status, 'failed');
  const timed = await fp.call('POST', '/transaction', docSale({ idempotency_key: 'k2', idempotency_time: 60 }));
  assert.equal(timed.body.data.idempotency_time, 60);
  const header = await fp.call('POST', '/transaction', docSale({ amount: 2000 }), { headers: { 'idempotency-key': 'hdr-1' } });
  const again = await fp.call('POST', '/transaction', docSale({ amount: 2000 }), { headers: { 'idempotency-key': 'hdr-1' } });
  assert.equal(again.body.data.id, header.body.data.id);
  await fp.assertLedger();
});

test('#41 idempotency: concurrent duplicates share one transaction; after idempotency_time the key is free again', async () => {
  const body = docSale({ amount: 3333, idempotency_key: 'concurrent-1' });
  const replies = await Promise.all([fp.call('POST', '/transaction', body), fp.call('POST', '/transaction', body), fp.call('POST', '/transaction', body)]);
  for (const reply of replies) assert.equal(reply.status, 200);
  assert.equal(new Set(replies.map((r) => r.body.data.id)).size, 1);
  assert.equal((await search({ amount: { operator: '=', value: 3333 } })).total_count, 1);
  const short = docSale({ amount: 4444, idempotency_key: 'short-1', idempotency_time: 1 });
  const first = await fp.call('POST', '/transaction', short);
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const later = await fp.call('POST', '/transaction', short);
  assert.notEqual(later.body.data.id, first.body.data.id);
  assert.equal((await search({ amount: { operator: '=', value: 4444 } })).total_count, 2);
  await fp.assertLedger();
});

test('the unfiltered total_count agrees with the rows, through captures, voids, refunds, declines and parallel sales', async () => {
  const capture = await fp.call('POST', `/transaction/${auth.id}/capture`, {});
  assert.equal(capture.status, 200, JSON.stringify(capture.body));
  const toVoid = (await fp.call('POST', '/transaction', docSale({ type: 'authorize', amount: 700 }))).body.data;
  assert.equal((await fp.call('POST', `/transaction/${toVoid.id}/void`, {})).status, 200);
  const settled = (await fp.call('POST', '/transaction', docSale({ amount: 900 }))).body.data;
  await fp.call('POST', `/transaction/${settled.id}/refund`, { amount: 100 });
  await fp.call('POST', '/transaction', docSale({ amount: 2001 }));
  await Promise.all(Array.from({ length: 6 }, (_, i) => fp.call('POST', '/transaction', docSale({ amount: 5000 + i }))));
  const total = (await search({ limit: 1 })).total_count;
  const listed: string[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = await search({ limit: 100, offset });
    listed.push(...ids(page));
    if (page.data.length < 100) break;
  }
  assert.equal(total, listed.length);
  assert.equal(total, (await search({ amount: { operator: '>', value: 0 } })).total_count, 'the same as a filtered count of every row');
});
