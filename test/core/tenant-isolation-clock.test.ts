// Tenant isolation at the service level (another tenant's rows are not found), and the tenant
// clock: forward moves, no backward moves, freezing, live tenants' fixed clocks, and the daily
// settlement cut-off with one batch per day (and currency) that had captures.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore, type TestStore } from '../helpers/store.ts';
import { contextFor, createTenant } from '../../src/core/tenants/tenants.ts';
import { createCustomer, getCustomer, updateCustomer } from '../../src/core/customers/customers.ts';
import { capture, createPayment, getTransaction, grantCredit, recordExternalPayment, refund, voidTransaction } from '../../src/core/payments/payments.ts';
import { createInvoice, getInvoice, voidInvoice, writeOffInvoice } from '../../src/core/invoices/invoices.ts';
import { applyToInvoice } from '../../src/core/invoices/allocations.ts';
import { storeCard } from '../../src/core/vault/vault.ts';
import { advanceClock, clockState, setClock } from '../../src/core/clock/tenant-clock.ts';
import { listBatches, runSettlement } from '../../src/core/settlement/settlement.ts';
import { accountBalance } from '../../src/core/ledger/ledger.ts';
import { verify } from '../../src/core/verify/verify.ts';
import { DomainError } from '../../src/core/errors/domain-error.ts';
import type { TenantContext } from '../../src/core/context.ts';
import type { Tenant } from '../../src/core/database.ts';

let t: TestStore;
let tenantCount = 0;

before(async () => {
  t = await openTestStore();
});
after(async () => {
  await t.dispose();
});

const HOUR = 3_600_000;
const DAY = 86_400_000;
const VISA = { number: '4111111111111111', expMonth: 12, expYear: 2099 };

async function newTenant(extra: { isTest?: boolean } = {}): Promise<{ tenant: Tenant; ctx: TenantContext }> {
  tenantCount += 1;
  const tenant = await createTenant(t.services, { name: `Isolation ${tenantCount}`, ...extra });
  return { tenant, ctx: contextFor(t.services, tenant) };
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<DomainError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof DomainError, `expected a DomainError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code);
  return caught;
}

async function notFound(promise: Promise<unknown>, object: string): Promise<void> {
  const error = await rejectsWith(promise, 'not_found');
  assert.equal(error.details.object, object);
}

describe('tenant isolation', () => {
  test("tenant B's context finds none of tenant A's customers, invoices or transactions", async () => {
    const a = await newTenant();
    const b = await newTenant();
    const customerA = await createCustomer(a.ctx, { firstName: 'Alice', currency: 'USD' });
    const customerB = await createCustomer(b.ctx, { firstName: 'Bob', currency: 'USD' });
    const invoiceA = await createInvoice(a.ctx, { customerId: customerA.id, lines: [{ unitPrice: 5000 }] });
    const invoiceB = await createInvoice(b.ctx, { customerId: customerB.id, lines: [{ unitPrice: 5000 }] });
    const { transaction: saleA } = await createPayment(a.ctx, { type: 'sale', amount: 2000, currency: 'USD', customerId: customerA.id, source: { card: VISA } });
    const { transaction: authA } = await createPayment(a.ctx, { type: 'authorize', amount: 3000, currency: 'USD', customerId: customerA.id, source: { card: VISA } });
    const { transaction: saleB } = await createPayment(b.ctx, { type: 'sale', amount: 2000, currency: 'USD', customerId: customerB.id, source: { card: VISA } });
    const methodA = await storeCard(a.ctx, VISA, { customerId: customerA.id });

    // Reads
    await notFound(getCustomer(b.ctx, customerA.id), 'customer');
    await notFound(getInvoice(b.ctx, invoiceA.id), 'invoice');
    await notFound(getTransaction(b.ctx, saleA.id), 'transaction');
    // Writes against A's rows from B's context
    await notFound(updateCustomer(b.ctx, customerA.id, { firstName: 'Mallory' }), 'customer');
    await notFound(capture(b.ctx, authA.id), 'transaction');
    await notFound(voidTransaction(b.ctx, saleA.id), 'transaction');
    await notFound(refund(b.ctx, saleA.id, { amount: 100 }), 'transaction');
    await notFound(applyToInvoice(b.ctx, saleA.id, invoiceB.id), 'transaction');
    await notFound(applyToInvoice(b.ctx, saleB.id, invoiceA.id), 'invoice');
    await notFound(voidInvoice(b.ctx, invoiceA.id), 'invoice');
    await notFound(writeOffInvoice(b.ctx, invoiceA.id), 'invoice');
    await notFound(createInvoice(b.ctx, { customerId: customerA.id, lines: [{ unitPrice: 100 }] }), 'customer');
    await notFound(recordExternalPayment(b.ctx, { customerId: customerA.id, amount: 100, currency: 'USD', kind: 'check' }), 'customer');
    await notFound(grantCredit(b.ctx, { customerId: customerA.id, amount: 100, currency: 'USD' }), 'customer');
    await notFound(createPayment(b.ctx, { type: 'sale', amount: 100, currency: 'USD', source: { methodId: methodA.id } }), 'payment method');

    // A's rows are untouched and still visible to A.
    assert.equal((await getCustomer(a.ctx, customerA.id)).first_name, 'Alice');
    assert.equal((await getTransaction(a.ctx, authA.id)).status, 'authorized');
    assert.equal((await getTransaction(a.ctx, saleA.id)).status, 'captured');
    assert.equal((await getTransaction(a.ctx, saleA.id)).amount_refunded, 0);
    assert.equal((await getInvoice(a.ctx, invoiceA.id)).status, 'open');
    assert.equal((await getInvoice(a.ctx, invoiceA.id)).balance, 5000);
    // Sequence numbers are per tenant.
    assert.equal(saleA.seq, 1);
    assert.equal(authA.seq, 2);
    assert.equal(saleB.seq, 1);
    // Ledger balances are per tenant.
    assert.equal(await accountBalance(a.ctx, 'processor_clearing'), 2000);
    assert.equal(await accountBalance(b.ctx, 'processor_clearing'), 2000);
    assert.equal(await accountBalance(b.ctx, 'receivable', { customerId: customerA.id }), 0);
    assert.equal((await verify(t.services, a.tenant.id)).violation, null);
    assert.equal((await verify(t.services, b.tenant.id)).violation, null);
  });

  test("a payment in tenant B cannot name tenant A's customer", async () => {
    const a = await newTenant();
    const b = await newTenant();
    const customerA = await createCustomer(a.ctx, { firstName: 'Alice', currency: 'USD' });
    let leaked: number | undefined;
    try {
      await rejectsWith(
        createPayment(b.ctx, { type: 'authorize', amount: 100, currency: 'USD', customerId: customerA.id, source: { card: VISA } }).then((result) => {
          leaked = result.transaction.id;
          return result;
        }),
        'not_found',
      );
    } finally {
      // An authorization posts nothing; void it so the file's final verify() stays meaningful.
      if (leaked !== undefined) await voidTransaction(b.ctx, leaked);
    }
  });
});

describe('tenant clock', () => {
  test('setClock with freeze fixes time; advanceClock moves it forward exactly', async () => {
    const { tenant } = await newTenant();
    const target = Date.UTC(2040, 0, 10, 9, 30);
    const frozen = await setClock(t.services, tenant, { to: '2040-01-10T09:30:00.000Z', freeze: true });
    assert.equal(Number(frozen.clock_frozen_at), target);
    assert.deepEqual(clockState(frozen), { now: target, iso: '2040-01-10T09:30:00.000Z', frozen: true, offset_ms: 0 });
    const ctx = contextFor(t.services, frozen);
    assert.equal(ctx.clock.now(), target);
    await new Promise((resolve) => setTimeout(resolve, 25));
    assert.equal(ctx.clock.now(), target);

    // Rows created now carry the frozen instant.
    const customer = await createCustomer(ctx, { firstName: 'Frozen' });
    assert.equal(Number(customer.created_at), target);

    const later = await advanceClock(t.services, frozen, 90 * 60_000);
    assert.equal(contextFor(t.services, later).clock.now(), target + 90 * 60_000);
    assert.equal(clockState(later).frozen, true);
    const same = await advanceClock(t.services, later, 0);
    assert.equal(contextFor(t.services, same).clock.now(), target + 90 * 60_000);

    // freeze: false lets it run again from the target.
    const running = await setClock(t.services, same, { to: target + 2 * HOUR, freeze: false });
    assert.equal(running.clock_frozen_at, null);
    const runningNow = contextFor(t.services, running).clock.now();
    assert.ok(runningNow >= target + 2 * HOUR && runningNow < target + 2 * HOUR + 5_000, String(runningNow));
  });

  test('an unfrozen clock moved forward keeps running from the new instant', async () => {
    const { tenant } = await newTenant();
    const before = Date.now();
    const moved = await advanceClock(t.services, tenant, 3 * DAY);
    const state = clockState(moved);
    assert.equal(state.frozen, false);
    assert.ok(Math.abs(state.offset_ms - 3 * DAY) < 5_000, `offset ${state.offset_ms}`);
    const now = contextFor(t.services, moved).clock.now();
    assert.ok(now >= before + 3 * DAY && now < Date.now() + 3 * DAY + 5_000);
    const target = Date.UTC(2041, 5, 1);
    const set = await setClock(t.services, moved, { to: target });
    assert.equal(clockState(set).frozen, false);
    const ctx = contextFor(t.services, set);
    const first = ctx.clock.now();
    assert.ok(first >= target && first < target + 5_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(ctx.clock.now() > first);
  });

  test('the clock never moves backwards', async () => {
    const { tenant } = await newTenant();
    const frozen = await setClock(t.services, tenant, { to: Date.UTC(2040, 0, 10), freeze: true });
    const backwards = await rejectsWith(setClock(t.services, frozen, { to: Date.UTC(2040, 0, 9, 23, 59) }), 'illegal_transition');
    assert.equal(backwards.field, 'to');
    await rejectsWith(setClock(t.services, tenant, { to: Date.now() - HOUR }), 'illegal_transition');
    await rejectsWith(advanceClock(t.services, frozen, -1), 'invalid');
    await rejectsWith(advanceClock(t.services, frozen, 1.5), 'invalid');
    await rejectsWith(setClock(t.services, frozen, { to: 'next tuesday' }), 'invalid');
    const row = await t.services.db.selectFrom('tenants').selectAll().where('id', '=', tenant.id).executeTakeFirstOrThrow();
    assert.equal(Number(row.clock_frozen_at), Date.UTC(2040, 0, 10));
  });

  test("a live tenant's clock cannot move", async () => {
    const { tenant } = await newTenant({ isTest: false });
    assert.equal(tenant.is_test, 0);
    await rejectsWith(advanceClock(t.services, tenant, HOUR), 'illegal_transition');
    await rejectsWith(setClock(t.services, tenant, { to: Date.UTC(2040, 0, 1) }), 'illegal_transition');
    await rejectsWith(setClock(t.services, tenant, { to: Date.now() + DAY, freeze: true }), 'illegal_transition');
    const row = await t.services.db.selectFrom('tenants').selectAll().where('id', '=', tenant.id).executeTakeFirstOrThrow();
    assert.equal(Number(row.clock_offset_ms), 0);
    assert.equal(row.clock_frozen_at, null);
    assert.ok(Math.abs(contextFor(t.services, row).clock.now() - Date.now()) < 1_000);
  });
});

describe('settlement', () => {
  test('each cut-off closes one batch per day and currency that had captures, with exact totals', async () => {
    const start = Date.UTC(2040, 2, 10, 10, 0); // 10 March 2040, 10:00 UTC
    let { tenant } = await newTenant();
    tenant = await setClock(t.services, tenant, { to: start, freeze: true });
    let ctx = contextFor(t.services, tenant);
    const usd = await createCustomer(ctx, { firstName: 'Dollar', currency: 'USD' });
    const yen = await createCustomer(ctx, { firstName: 'Yen', currency: 'JPY' });
    const pay = (type: 'sale' | 'authorize' | 'credit', amount: number, currency = 'USD', customerId = usd.id, number = VISA.number) =>
      createPayment(ctx, { type, amount, currency, customerId, source: { card: { ...VISA, number } } });

    // Day 1 (10 March): two sales, a partial refund, an open authorization, a decline, a cheque.
    const { transaction: s1 } = await pay('sale', 1000);
    const { transaction: s2 } = await pay('sale', 2500);
    const { refund: r1 } = await refund(ctx, s2.id, { amount: 500 });
    const { transaction: auth } = await pay('authorize', 4000);
    const { transaction: declined } = await pay('sale', 9999, 'USD', usd.id, '4000000000000002');
    const cheque = await recordExternalPayment(ctx, { customerId: usd.id, amount: 7000, currency: 'USD', kind: 'check' });

    // 23:59:59.999 is before the cut-off: nothing settles.
    tenant = await advanceClock(t.services, tenant, 14 * HOUR - 1);
    assert.equal((await listBatches(contextFor(t.services, tenant))).length, 0);
    assert.equal((await getTransaction(ctx, s1.id)).status, 'captured');

    // Midnight is the cut-off: day 1 closes into batch 1.
    tenant = await advanceClock(t.services, tenant, 1);
    ctx = contextFor(t.services, tenant);
    assert.equal(ctx.clock.now(), Date.UTC(2040, 2, 11));
    let batches = await listBatches(ctx);
    assert.equal(batches.length, 1);
    const [b1] = batches;
    assert.equal(b1.batch_number, 1);
    assert.equal(b1.currency, 'USD');
    assert.equal(Number(b1.cutoff_at), Date.UTC(2040, 2, 11));
    assert.equal(b1.amount_captured, 3500);
    assert.equal(b1.amount_credit, 500);
    assert.equal(b1.net_deposit, 3000);
    assert.equal(b1.transaction_count, 3);
    for (const id of [s1.id, s2.id, r1.id]) {
      const row = await getTransaction(ctx, id);
      assert.equal(row.status, 'settled');
      assert.equal(row.settlement_batch_id, b1.id);
      assert.equal(Number(row.settled_at), Date.UTC(2040, 2, 11));
      assert.equal(row.amount_settled, row.amount_captured);
    }
    assert.equal((await getTransaction(ctx, auth.id)).status, 'authorized');
    assert.equal((await getTransaction(ctx, declined.id)).status, 'declined');
    assert.equal((await getTransaction(ctx, cheque.id)).settlement_batch_id, null);
    assert.equal(await accountBalance(ctx, 'bank'), 3000);
    assert.equal(await accountBalance(ctx, 'processor_clearing'), 0);
    // Running settlement again at the same instant closes nothing new.
    assert.deepEqual(await runSettlement(ctx), []);

    // Day 2 (11 March): a partial capture of the authorization, a sale, a yen sale, a payout credit.
    tenant = await advanceClock(t.services, tenant, 9 * HOUR);
    ctx = contextFor(t.services, tenant);
    await capture(ctx, auth.id, { amount: 1500 });
    const { transaction: s3 } = await pay('sale', 700);
    const { transaction: jpy } = await pay('sale', 5000, 'JPY', yen.id);
    const { transaction: payout } = await pay('credit', 300);
    // Day 3 (12 March) has no captures; day 4 (13 March): one sale.
    tenant = await advanceClock(t.services, tenant, 2 * DAY);
    ctx = contextFor(t.services, tenant);
    const { transaction: s4 } = await pay('sale', 1234);
    assert.equal((await getTransaction(ctx, s3.id)).status, 'settled');
    // Through 15 March: day 4 closes; days 3 and 5 had nothing and make no batch.
    tenant = await advanceClock(t.services, tenant, 2 * DAY);
    ctx = contextFor(t.services, tenant);

    batches = await listBatches(ctx);
    assert.deepEqual(
      batches.map((b) => [b.batch_number, b.currency, Number(b.cutoff_at), b.amount_captured, b.amount_credit, b.net_deposit, b.transaction_count]),
      [
        [1, 'USD', Date.UTC(2040, 2, 11), 3500, 500, 3000, 3],
        // Day 2 captured USD first (the authorization), so its USD batch is numbered first.
        [2, 'USD', Date.UTC(2040, 2, 12), 2200, 300, 1900, 3],
        [3, 'JPY', Date.UTC(2040, 2, 12), 5000, 0, 5000, 1],
        [4, 'USD', Date.UTC(2040, 2, 14), 1234, 0, 1234, 1],
      ],
    );
    assert.equal((await getTransaction(ctx, payout.id)).settlement_batch_id, batches[1].id);
    assert.equal((await getTransaction(ctx, jpy.id)).settlement_batch_id, batches[2].id);
    assert.equal((await getTransaction(ctx, s4.id)).settlement_batch_id, batches[3].id);
    assert.equal(await accountBalance(ctx, 'bank', { currency: 'USD' }), 3000 + 1900 + 1234);
    assert.equal(await accountBalance(ctx, 'bank', { currency: 'JPY' }), 5000);
    assert.equal(await accountBalance(ctx, 'processor_clearing'), 0);
    const report = await verify(t.services, tenant.id);
    assert.equal(report.violation, null);
    assert.equal(report.checked.settlement_batches, 4);
  });
});
