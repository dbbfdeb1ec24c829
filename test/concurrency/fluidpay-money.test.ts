// Every FluidPay route that moves money, hit by N parallel identical requests: capture, void and
// refund happen once whatever the keys; a sale repeated with one idempotency key (FluidPay's body
// field or the header) is one sale with identical answers. On both databases.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFluidPay, type FluidPayClient } from '../fluidpay/client.ts';

const N = 8;
let fp: FluidPayClient;

before(async () => {
  fp = await startFluidPay();
});
after(async () => {
  await fp?.close();
});

const card = { card: { number: '4111111111111111', expiration_date: '12/29' } };
const burst = <T>(fn: (i: number) => Promise<T>) => Promise.all(Array.from({ length: N }, (_, i) => fn(i)));
const db = () => fp.server.store.services.db;

async function newTransaction(type: 'sale' | 'authorize', amount: number): Promise<{ id: string; row: number }> {
  const reply = await fp.call('POST', '/transaction', { type, amount, payment_method: card });
  assert.equal(reply.status, 200);
  const row = await db().selectFrom('transactions').select('id').where('tenant_id', '=', fp.server.tenant.id).orderBy('id', 'desc').executeTakeFirstOrThrow();
  return { id: reply.body.data.id, row: row.id };
}

const statusOk = (replies: { status: number }[]) => replies.filter((r) => r.status === 200).length;

describe('different keys (or none): the outcome of one request', () => {
  test('capture of one authorization: captured once', async () => {
    const auth = await newTransaction('authorize', 2500);
    const replies = await burst(() => fp.call('POST', `/transaction/${auth.id}/capture`, {}));
    assert.equal(statusOk(replies), 1, JSON.stringify(replies.map((r) => r.body)));
    const row = await db().selectFrom('transactions').select(['amount_captured', 'status']).where('id', '=', auth.row).executeTakeFirstOrThrow();
    assert.deepEqual({ ...row }, { amount_captured: 2500, status: 'captured' });
    const captures = await db().selectFrom('ledger_entries').select('id').where('ref_id', '=', auth.row).where('kind', '=', 'capture').execute();
    assert.equal(captures.length, 1);
    await fp.assertLedger();
  });

  test('void of one sale: voided once', async () => {
    const sale = await newTransaction('sale', 1800);
    const replies = await burst(() => fp.call('POST', `/transaction/${sale.id}/void`, {}));
    assert.equal(statusOk(replies), 1);
    const voids = await db().selectFrom('ledger_entries').select('id').where('ref_id', '=', sale.row).where('kind', '=', 'void').execute();
    assert.equal(voids.length, 1);
    await fp.assertLedger();
  });

  test('refund of a whole settled sale: refunded once', async () => {
    const sale = await newTransaction('sale', 3300);
    await fp.advance('1d');
    const replies = await burst(() => fp.call('POST', `/transaction/${sale.id}/refund`, {}));
    assert.equal(statusOk(replies), 1, JSON.stringify(replies.map((r) => r.body)));
    const refunds = await db().selectFrom('transactions').select('amount').where('parent_id', '=', sale.row).execute();
    assert.deepEqual(
      refunds.map((r) => r.amount),
      [3300],
    );
    await fp.assertLedger();
  });
});

describe('one key: one write, identical answers', () => {
  for (const where of ['body', 'header'] as const) {
    test(`a sale with its key in the ${where}`, async () => {
      const before = await db().selectFrom('transactions').select('id').where('tenant_id', '=', fp.server.tenant.id).execute();
      const key = `sale-${where}-${Date.now()}`;
      const body = { type: 'sale', amount: 4100, payment_method: card, ...(where === 'body' ? { idempotency_key: key } : {}) };
      const replies = await burst(() => fp.call('POST', '/transaction', body, where === 'header' ? { headers: { 'idempotency-key': key } } : {}));
      assert.deepEqual(new Set(replies.map((r) => r.status)), new Set([200]));
      assert.equal(new Set(replies.map((r) => r.text)).size, 1);
      const after = await db().selectFrom('transactions').select('id').where('tenant_id', '=', fp.server.tenant.id).execute();
      assert.equal(after.length, before.length + 1);
      await fp.assertLedger();
    });
  }

  test('a partial refund repeated with one key is one refund', async () => {
    const sale = await newTransaction('sale', 5000);
    await fp.advance('1d');
    const replies = await burst(() => fp.call('POST', `/transaction/${sale.id}/refund`, { amount: 700 }, { headers: { 'idempotency-key': `refund-${sale.id}` } }));
    assert.equal(new Set(replies.map((r) => `${r.status} ${r.text}`)).size, 1);
    assert.equal(replies[0].status, 200);
    const refunds = await db().selectFrom('transactions').select('amount').where('parent_id', '=', sale.row).execute();
    assert.deepEqual(
      refunds.map((r) => r.amount),
      [700],
    );
    await fp.assertLedger();
  });
});
