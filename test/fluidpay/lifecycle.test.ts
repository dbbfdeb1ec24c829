import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { docSale, startFluidPay, XID, type FluidPayClient } from './client.ts';

let fp: FluidPayClient;
before(async () => {
  fp = await startFluidPay();
});
after(async () => {
  await fp?.close();
});

const get = async (id: string) => (await fp.call('GET', `/transaction/${id}`)).body.data[0];

test('lifecycle: authorize → partial capture → settle at the cut-off → partial refund → refund the rest; the ledger balances at every step', async () => {
  const auth = await fp.call('POST', '/transaction', docSale({ type: 'authorize', amount: 1000, tax_amount: 0, shipping_amount: 0 }));
  const id = auth.body.data.id;
  await fp.assertLedger();
  assert.equal((await fp.call('POST', `/transaction/${id}/capture`, { amount: 600 })).status, 200);
  let txn = await get(id);
  assert.equal(txn.status, 'pending_settlement');
  assert.equal(txn.amount_authorized, 1000);
  assert.equal(txn.amount_captured, 600);
  await fp.assertLedger();
  assert.equal((await fp.call('POST', `/transaction/${id}/refund`, { amount: 100 })).status, 400, 'not settled yet');

  await fp.advance('1d');
  txn = await get(id);
  assert.equal(txn.status, 'settled');
  assert.equal(txn.amount_settled, 600);
  assert.ok(txn.settled_at);
  assert.equal((await fp.call('POST', `/transaction/${id}/void`)).status, 400, 'a settled transaction is refunded, not voided');
  await fp.assertLedger();

  assert.equal((await fp.call('POST', `/transaction/${id}/refund`, { amount: 601 })).status, 400, 'more than captured');
  assert.equal((await fp.call('POST', `/transaction/${id}/refund`, { amount: 250 })).status, 200);
  txn = await get(id);
  assert.equal(txn.status, 'refunded');
  await fp.assertLedger();
  assert.equal((await fp.call('POST', `/transaction/${id}/refund`, { amount: 351 })).status, 400, 'more than remains');
  const rest = await fp.call('POST', `/transaction/${id}/refund`, {});
  assert.deepEqual(rest.body, { status: 'success', msg: 'success', data: null });
  assert.equal((await fp.call('POST', `/transaction/${id}/refund`, {})).status, 400, 'nothing left');
  await fp.assertLedger();

  const refunds = await fp.call('POST', '/transaction/search', { type: { operator: '=', value: 'refund' } });
  assert.equal(refunds.body.total_count, 2);
  for (const r of refunds.body.data) {
    assert.equal(r.referenced_transaction_id, id);
    assert.equal(r.status, 'pending_settlement');
    assert.equal(r.payment_method, 'card');
  }
  assert.deepEqual(refunds.body.data.map((r: any) => r.amount).sort(), [250, 350]);
  await fp.advance('1d');
  const settled = await fp.call('POST', '/transaction/search', { type: { operator: '=', value: 'refund' }, status: { operator: '=', value: 'settled' } });
  assert.equal(settled.body.total_count, 2);
  await fp.assertLedger();
});

test('#30 #42 #43 settle a sale, search batches, refund in parts, the refund settles as a credit batch', async () => {
  const sale = await fp.call('POST', '/transaction', docSale({ amount: 10000 }));
  const id = sale.body.data.id;
  const small = await fp.call('POST', '/transaction', docSale());
  await fp.advance('1d');
  assert.equal((await get(small.body.data.id)).status, 'settled');
  assert.equal((await get(small.body.data.id)).amount_settled, 1112);
  const all = await fp.call('POST', '/settlement/batch/search', {});
  assert.equal(all.status, 200);
  assert.equal(all.body.status, 'success');
  const batch = all.body.data.results[0];
  assert.match(batch.id, XID);
  const day = batch.batch_date.slice(0, 10);
  const found = await fp.call('POST', '/settlement/batch/search', { batch_date: { start_date: `${day}T00:00:00Z`, end_date: `${day}T23:59:59Z` }, offset: 0, limit: 10 });
  assert.equal(found.body.total_count, 1);
  const result = found.body.data.results[0];
  assert.equal(result.amount_captured, 11112);
  assert.equal(result.amount_credit, 0);
  assert.equal(result.net_deposit, 11112);
  assert.equal(result.num_transactions, 2);
  assert.equal(result.processor_type, 'tsys_sierra');
  assert.equal(result.response_code, 100);
  assert.equal(result.response_message, ' ACCEPT');
  assert.match(result.batch_date, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  const summary = found.body.data.summary[0];
  assert.equal(summary.batch_date, day);
  assert.equal(summary.captured, 11112);
  assert.equal(summary.credit, 0);

  // #30 on the small sale: 1000, then 200 is refused (112 remains), then {} refunds the 112.
  assert.equal((await fp.call('POST', `/transaction/${small.body.data.id}/refund`, { amount: 1000 })).status, 200);
  assert.equal((await fp.call('POST', `/transaction/${small.body.data.id}/refund`, { amount: 200 })).status, 400);
  assert.equal((await fp.call('POST', `/transaction/${small.body.data.id}/refund`, {})).status, 200);
  assert.equal((await get(small.body.data.id)).status, 'refunded');

  assert.equal((await fp.call('POST', `/transaction/${id}/refund`, { amount: 3000 })).status, 200);
  await fp.advance('1d');
  const next = await fp.call('POST', '/settlement/batch/search', { limit: 1 });
  assert.equal(next.body.data.results.length, 1);
  const credit = next.body.data.results[0];
  assert.equal(credit.amount_captured, 0);
  assert.equal(credit.amount_credit, 4112);
  assert.equal(credit.net_deposit, -4112);
  assert.equal(credit.num_transactions, 3);
  assert.equal(credit.batch_number, batch.batch_number + 1);
  assert.ok(next.body.total_count >= 2, 'total counted before paging');
  assert.ok(next.body.data.summary.length >= 2, 'summary covers every matched batch');
  const byId = await fp.call('POST', '/settlement/batch/search', { settlement_batch_id: { operator: '=', value: credit.id } });
  assert.equal(byId.body.total_count, 1);
  assert.equal(byId.body.data.results[0].id, credit.id);
  const none = await fp.call('POST', '/settlement/batch/search', { batch_date: { start_date: '2017-11-01T00:00:00Z', end_date: '2017-11-30T23:59:59Z' } });
  assert.deepEqual(none.body, { status: 'success', msg: 'success', data: { summary: [], results: [] }, total_count: 0 });
  assert.equal((await fp.call('POST', '/settlement/batch/search', { limit: 101 })).status, 400);
  assert.equal((await fp.call('POST', '/settlement/batch/search', { settlement_batch_id: { operator: '!=', value: 'x' } })).status, 400);
  await fp.assertLedger();
});
