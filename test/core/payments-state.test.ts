// The transaction state machine through the payment services, on a real database: sale, authorize,
// capture (full, partial, additional, over), void, refund (partial, over, requireSettled), declines,
// and idempotency keys (sequential and 50 concurrent requests). verify() must hold after each.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore, type TestStore } from '../helpers/store.ts';
import { contextFor, createTenant, setFaults } from '../../src/core/tenants/tenants.ts';
import { createCustomer } from '../../src/core/customers/customers.ts';
import { capture, createPayment, getTransaction, refund, voidTransaction, type PaymentInput } from '../../src/core/payments/payments.ts';
import { advanceClock } from '../../src/core/clock/tenant-clock.ts';
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

interface Fixture {
  tenant: Tenant;
  ctx: TenantContext;
  customerId: number;
}

async function fixture(): Promise<Fixture> {
  tenantCount += 1;
  const tenant = await createTenant(t.services, { name: `Payments ${tenantCount}` });
  const ctx = contextFor(t.services, tenant);
  const customer = await createCustomer(ctx, { firstName: 'Grace', currency: 'USD' });
  return { tenant, ctx, customerId: customer.id };
}

const VISA = { number: '4111111111111111', expMonth: 12, expYear: 2099 };

function pay(f: Fixture, type: PaymentInput['type'], amount: number, extra: Partial<PaymentInput> = {}) {
  return createPayment(f.ctx, { type, amount, currency: 'USD', customerId: f.customerId, source: { card: VISA }, ...extra });
}

/** Asserts the promise rejects with a DomainError of this code (and reason, when given). */
async function rejectsWith(promise: Promise<unknown>, code: string, reason?: string): Promise<DomainError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof DomainError, `expected a DomainError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code);
  if (reason !== undefined) assert.equal(caught.details.reason, reason);
  return caught;
}

async function clearing(f: Fixture, transactionId: number): Promise<number> {
  const row = await t.services.db
    .selectFrom('ledger_lines')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount'), eb.lit(0)).as('total'))
    .where('tenant_id', '=', f.tenant.id)
    .where('transaction_id', '=', transactionId)
    .where('account', '=', 'processor_clearing')
    .executeTakeFirstOrThrow();
  return Number(row.total);
}

async function customerCredit(f: Fixture): Promise<number> {
  const row = await t.services.db
    .selectFrom('ledger_lines')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount'), eb.lit(0)).as('total'))
    .where('tenant_id', '=', f.tenant.id)
    .where('customer_id', '=', f.customerId)
    .where('account', '=', 'customer_credit')
    .executeTakeFirstOrThrow();
  return 0 - Number(row.total); // not -0 when empty
}

async function ledgerLineCount(f: Fixture, transactionId: number): Promise<number> {
  const row = await t.services.db
    .selectFrom('ledger_lines')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenant_id', '=', f.tenant.id)
    .where('transaction_id', '=', transactionId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function entryKinds(f: Fixture): Promise<string[]> {
  const rows = await t.services.db.selectFrom('ledger_entries').select('kind').where('tenant_id', '=', f.tenant.id).orderBy('id').execute();
  return rows.map((row) => row.kind);
}

async function assertVerified(f: Fixture): Promise<void> {
  const report = await verify(t.services, f.tenant.id);
  assert.equal(report.violation, null);
  assert.equal(report.ok, true);
}

/** Moves the tenant's clock past the next settlement cut-off and returns the fixture with a fresh context. */
async function settleDay(f: Fixture): Promise<Fixture> {
  const tenant = await advanceClock(t.services, f.tenant, 86_400_000 + 60_000);
  return { ...f, tenant, ctx: contextFor(t.services, tenant) };
}

describe('sale', () => {
  test('an approved sale is captured at once and held as customer credit', async () => {
    const f = await fixture();
    const { transaction, outcome, replayed } = await pay(f, 'sale', 2500);
    assert.equal(replayed, false);
    assert.equal(outcome?.approved, true);
    assert.equal(transaction.type, 'sale');
    assert.equal(transaction.status, 'captured');
    assert.equal(transaction.amount, 2500);
    assert.equal(transaction.amount_authorized, 2500);
    assert.equal(transaction.amount_captured, 2500);
    assert.equal(transaction.amount_refunded, 0);
    assert.equal(transaction.seq, 1);
    assert.equal(transaction.payment_kind, 'card');
    assert.equal(transaction.customer_id, f.customerId);
    assert.equal(transaction.auth_code, outcome?.authCode);
    assert.match(transaction.auth_code ?? '', /^[A-Z]{3}\d{3}$/);
    assert.equal(Number(transaction.captured_at), Number(transaction.authorized_at));
    assert.equal(await clearing(f, transaction.id), 2500);
    assert.equal(await customerCredit(f), 2500);
    assert.deepEqual(await entryKinds(f), ['capture']);
    await assertVerified(f);
  });

  test('amounts and currencies are validated before anything is stored', async () => {
    const f = await fixture();
    const invalid = await rejectsWith(pay(f, 'sale', 0), 'invalid');
    assert.equal(invalid.field, 'amount');
    await rejectsWith(pay(f, 'sale', -5), 'invalid');
    await rejectsWith(pay(f, 'sale', 10.5), 'invalid');
    await rejectsWith(pay(f, 'sale', 100, { currency: 'XXQ' }), 'invalid');
    const rows = await t.services.db.selectFrom('transactions').select('id').where('tenant_id', '=', f.tenant.id).execute();
    assert.equal(rows.length, 0);
  });
});

describe('authorize and capture', () => {
  test('authorize holds nothing in the ledger; capture in full moves it to clearing', async () => {
    const f = await fixture();
    const { transaction: auth } = await pay(f, 'authorize', 5000);
    assert.equal(auth.status, 'authorized');
    assert.equal(auth.amount_authorized, 5000);
    assert.equal(auth.amount_captured, 0);
    assert.equal(auth.captured_at, null);
    assert.equal(await ledgerLineCount(f, auth.id), 0);
    await assertVerified(f);

    const captured = await capture(f.ctx, auth.id);
    assert.equal(captured.status, 'captured');
    assert.equal(captured.amount_captured, 5000);
    assert.notEqual(captured.captured_at, null);
    assert.equal(await clearing(f, auth.id), 5000);
    assert.equal(await customerCredit(f), 5000);
    await assertVerified(f);

    await rejectsWith(capture(f.ctx, auth.id), 'illegal_transition', 'already_captured');
    await rejectsWith(capture(f.ctx, auth.id, { allowAdditional: true }), 'invalid'); // nothing left to capture
    assert.equal((await getTransaction(f.ctx, auth.id)).amount_captured, 5000);
    await assertVerified(f);
  });

  test('partial capture, a second capture only with allowAdditional, never beyond the authorization', async () => {
    const f = await fixture();
    const { transaction: auth } = await pay(f, 'authorize', 5000);
    const first = await capture(f.ctx, auth.id, { amount: 2000 });
    assert.equal(first.status, 'captured');
    assert.equal(first.amount_captured, 2000);
    assert.equal(await clearing(f, auth.id), 2000);

    await rejectsWith(capture(f.ctx, auth.id, { amount: 1000 }), 'illegal_transition', 'already_captured');
    const second = await capture(f.ctx, auth.id, { amount: 1000, allowAdditional: true });
    assert.equal(second.amount_captured, 3000);
    assert.equal(await clearing(f, auth.id), 3000);

    const over = await rejectsWith(capture(f.ctx, auth.id, { amount: 2001, allowAdditional: true }), 'amount_exceeds_authorized');
    assert.equal(over.field, 'amount');
    const rest = await capture(f.ctx, auth.id, { allowAdditional: true });
    assert.equal(rest.amount_captured, 5000);
    assert.equal(await clearing(f, auth.id), 5000);
    assert.equal(await customerCredit(f), 5000);
    assert.deepEqual(await entryKinds(f), ['capture', 'capture', 'capture']);
    await assertVerified(f);
  });

  test('over-capture of a fresh authorization is refused and changes nothing', async () => {
    const f = await fixture();
    const { transaction: auth } = await pay(f, 'authorize', 5000);
    await rejectsWith(capture(f.ctx, auth.id, { amount: 5001 }), 'amount_exceeds_authorized');
    await rejectsWith(capture(f.ctx, auth.id, { amount: 0 }), 'invalid');
    const row = await getTransaction(f.ctx, auth.id);
    assert.equal(row.status, 'authorized');
    assert.equal(row.amount_captured, 0);
    assert.equal(await ledgerLineCount(f, auth.id), 0);
    await assertVerified(f);
  });

  test('a sale cannot be captured again; a declined one cannot be captured at all', async () => {
    const f = await fixture();
    const { transaction: sale } = await pay(f, 'sale', 1200);
    await rejectsWith(capture(f.ctx, sale.id), 'illegal_transition', 'already_captured');
    const { transaction: declined } = await pay(f, 'authorize', 1200, { source: { card: { ...VISA, number: '4000000000000002' } } });
    await rejectsWith(capture(f.ctx, declined.id), 'illegal_transition', 'not_authorized');
    await rejectsWith(capture(f.ctx, 999_999), 'not_found');
    await assertVerified(f);
  });
});

describe('void', () => {
  test('voiding an authorization releases it without touching the ledger', async () => {
    const f = await fixture();
    const { transaction: auth } = await pay(f, 'authorize', 3000);
    const voided = await voidTransaction(f.ctx, auth.id);
    assert.equal(voided.status, 'voided');
    assert.notEqual(voided.voided_at, null);
    assert.equal(await ledgerLineCount(f, auth.id), 0);
    await rejectsWith(capture(f.ctx, auth.id), 'illegal_transition', 'not_authorized');
    await rejectsWith(voidTransaction(f.ctx, auth.id), 'illegal_transition', 'voided');
    await rejectsWith(refund(f.ctx, auth.id), 'illegal_transition', 'voided');
    await assertVerified(f);
  });

  test('voiding a captured sale reverses its ledger lines', async () => {
    const f = await fixture();
    const { transaction: sale } = await pay(f, 'sale', 4321);
    assert.equal(await customerCredit(f), 4321);
    const voided = await voidTransaction(f.ctx, sale.id);
    assert.equal(voided.status, 'voided');
    assert.equal(voided.amount_captured, 4321); // the record of what was captured stays
    assert.equal(await clearing(f, sale.id), 0);
    assert.equal(await customerCredit(f), 0);
    assert.equal(await ledgerLineCount(f, sale.id), 4);
    assert.deepEqual(await entryKinds(f), ['capture', 'void']);
    await assertVerified(f);
  });

  test('a settled sale cannot be voided; a declined one cannot either', async () => {
    let f = await fixture();
    const { transaction: sale } = await pay(f, 'sale', 1500);
    f = await settleDay(f);
    const settled = await getTransaction(f.ctx, sale.id);
    assert.equal(settled.status, 'settled');
    assert.equal(settled.amount_settled, 1500);
    await rejectsWith(voidTransaction(f.ctx, sale.id), 'illegal_transition', 'already_settled');
    assert.equal((await getTransaction(f.ctx, sale.id)).status, 'settled');

    const { transaction: declined } = await pay(f, 'sale', 1500, { source: { card: { ...VISA, number: '4000000000000044' } } });
    await rejectsWith(voidTransaction(f.ctx, declined.id), 'illegal_transition', 'declined');
    await assertVerified(f);
  });
});

describe('refund', () => {
  test('two partial refunds, then more than remains is refused, then the rest', async () => {
    const f = await fixture();
    const { transaction: sale } = await pay(f, 'sale', 10_000);
    const one = await refund(f.ctx, sale.id, { amount: 3000 });
    assert.equal(one.refund.type, 'refund');
    assert.equal(one.refund.status, 'captured');
    assert.equal(one.refund.parent_id, sale.id);
    assert.equal(one.refund.amount, 3000);
    assert.equal(one.refund.seq, 2);
    assert.equal(one.parent.amount_refunded, 3000);
    assert.equal(one.parent.status, 'captured');
    assert.equal(await clearing(f, one.refund.id), -3000);
    await assertVerified(f);

    const two = await refund(f.ctx, sale.id, { amount: 2000 });
    assert.equal(two.parent.amount_refunded, 5000);
    assert.equal(await customerCredit(f), 5000);

    const over = await rejectsWith(refund(f.ctx, sale.id, { amount: 5001 }), 'amount_exceeds_refundable');
    assert.equal(over.field, 'amount');
    assert.equal((await getTransaction(f.ctx, sale.id)).amount_refunded, 5000);
    await assertVerified(f);

    await rejectsWith(voidTransaction(f.ctx, sale.id), 'illegal_transition', 'has_refunds');
    const rest = await refund(f.ctx, sale.id);
    assert.equal(rest.refund.amount, 5000);
    assert.equal(rest.parent.amount_refunded, 10_000);
    assert.equal(await customerCredit(f), 0);
    await rejectsWith(refund(f.ctx, sale.id, { amount: 1 }), 'illegal_transition', 'fully_refunded');
    await rejectsWith(refund(f.ctx, rest.refund.id), 'illegal_transition', 'wrong_type');
    assert.deepEqual(await entryKinds(f), ['capture', 'refund', 'refund', 'refund']);
    await assertVerified(f);
  });

  test('an authorization that was not captured cannot be refunded', async () => {
    const f = await fixture();
    const { transaction: auth } = await pay(f, 'authorize', 800);
    await rejectsWith(refund(f.ctx, auth.id), 'illegal_transition', 'not_captured');
    const part = await capture(f.ctx, auth.id, { amount: 500 });
    assert.equal(part.amount_captured, 500);
    await rejectsWith(refund(f.ctx, auth.id, { amount: 501 }), 'amount_exceeds_refundable');
    const { parent } = await refund(f.ctx, auth.id);
    assert.equal(parent.amount_refunded, 500);
    await assertVerified(f);
  });

  test('requireSettled refuses before the cut-off and allows after the clock passes it', async () => {
    let f = await fixture();
    const { transaction: sale } = await pay(f, 'sale', 6000);
    await rejectsWith(refund(f.ctx, sale.id, { amount: 1000, requireSettled: true }), 'illegal_transition', 'not_settled');
    assert.equal((await getTransaction(f.ctx, sale.id)).amount_refunded, 0);

    f = await settleDay(f);
    assert.equal((await getTransaction(f.ctx, sale.id)).status, 'settled');
    const { refund: row, parent } = await refund(f.ctx, sale.id, { amount: 1000, requireSettled: true });
    assert.equal(row.status, 'captured'); // the refund itself waits for the next batch
    assert.equal(parent.status, 'settled');
    assert.equal(parent.amount_refunded, 1000);
    assert.equal(await clearing(f, sale.id), 0);
    assert.equal(await clearing(f, row.id), -1000);
    await assertVerified(f);

    f = await settleDay(f);
    const settledRefund = await getTransaction(f.ctx, row.id);
    assert.equal(settledRefund.status, 'settled');
    assert.equal(await clearing(f, row.id), 0);
    await assertVerified(f);
  });
});

describe('concurrency', () => {
  test('ten concurrent refunds of 300 against a 1000 sale: exactly three succeed', async () => {
    const f = await fixture();
    const { transaction: sale } = await pay(f, 'sale', 1000);
    const settled = await Promise.allSettled(Array.from({ length: 10 }, () => refund(f.ctx, sale.id, { amount: 300 })));
    const ok = settled.filter((result) => result.status === 'fulfilled');
    const refused = settled.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    assert.equal(ok.length, 3);
    for (const result of refused) {
      assert.ok(result.reason instanceof DomainError, String(result.reason));
      assert.equal(result.reason.code, 'amount_exceeds_refundable');
    }
    const parent = await getTransaction(f.ctx, sale.id);
    assert.equal(parent.amount_refunded, 900);
    assert.equal(await customerCredit(f), 100);
    const refunds = await t.services.db.selectFrom('transactions').select(['id', 'seq']).where('tenant_id', '=', f.tenant.id).where('parent_id', '=', sale.id).execute();
    assert.equal(refunds.length, 3);
    // Every refund got its own number after the sale's (refused attempts leave gaps).
    const seqs = refunds.map((row) => row.seq);
    assert.equal(new Set(seqs).size, 3);
    assert.ok(
      seqs.every((seq) => seq > sale.seq && seq <= sale.seq + 10),
      String(seqs),
    );
    await assertVerified(f);
  });

  test('concurrent additional captures never exceed the authorization', async () => {
    const f = await fixture();
    const { transaction: auth } = await pay(f, 'authorize', 1000);
    await capture(f.ctx, auth.id, { amount: 100 });
    const settled = await Promise.allSettled(Array.from({ length: 8 }, () => capture(f.ctx, auth.id, { amount: 250, allowAdditional: true })));
    assert.equal(settled.filter((result) => result.status === 'fulfilled').length, 3);
    for (const result of settled) {
      if (result.status === 'rejected') assert.equal((result.reason as DomainError).code, 'amount_exceeds_authorized');
    }
    const row = await getTransaction(f.ctx, auth.id);
    assert.equal(row.amount_captured, 850);
    assert.equal(await clearing(f, auth.id), 850);
    await assertVerified(f);
  });
});

describe('declines', () => {
  test('declined transactions are stored with status declined and no ledger lines', async () => {
    const f = await fixture();
    const cases: Array<[string, PaymentInput['type'], string]> = [
      ['4000000000000002', 'sale', 'declined'],
      ['4000000000000044', 'authorize', 'insufficient_funds'],
      ['4000000000000127', 'sale', 'hold'],
      ['4242424242424241', 'sale', 'invalid_number'],
    ];
    for (const [number, type, reason] of cases) {
      const { transaction, outcome } = await pay(f, type, 700, { source: { card: { ...VISA, number } } });
      assert.equal(outcome?.approved, false);
      assert.equal(transaction.status, 'declined', number);
      assert.equal(transaction.decline_reason, reason);
      assert.equal(transaction.amount, 700);
      assert.equal(transaction.amount_authorized, 0);
      assert.equal(transaction.amount_captured, 0);
      assert.equal(transaction.auth_code, null);
      assert.equal(transaction.authorized_at, null);
      assert.equal(await ledgerLineCount(f, transaction.id), 0);
    }
    const expired = await pay(f, 'sale', 700, { source: { card: { ...VISA, expYear: 2001 } } });
    assert.equal(expired.transaction.decline_reason, 'expired_card');
    const bank = await pay(f, 'sale', 700, { source: { bank: { routingNumber: '000000013', accountNumber: '1000000005' } } });
    assert.equal(bank.transaction.status, 'declined');
    assert.equal(bank.transaction.payment_kind, 'bank');
    assert.equal(bank.transaction.decline_reason, 'ach_insufficient_funds');
    const limited = await pay(f, 'sale', 10_112, { source: { bank: { routingNumber: '021000021', accountNumber: '12345678' } }, processor: { bankDebitLimit: 10_000 } });
    assert.equal(limited.transaction.decline_reason, 'ach_limit_exceeded');
    const ledger = await t.services.db.selectFrom('ledger_lines').select('id').where('tenant_id', '=', f.tenant.id).execute();
    assert.equal(ledger.length, 0);
    assert.equal(await customerCredit(f), 0);
    await assertVerified(f);
  });

  test('a processor_error fault stores status error; force_decline stores the forced reason', async () => {
    const f = await fixture();
    const broken = await setFaults(t.services, f.tenant, { processor_error: true });
    const errored = await createPayment(contextFor(t.services, broken), { type: 'sale', amount: 900, currency: 'USD', customerId: f.customerId, source: { card: VISA } });
    assert.equal(errored.transaction.status, 'error');
    assert.equal(errored.transaction.decline_reason, 'processor_error');
    const forced = await setFaults(t.services, f.tenant, { force_decline: 'limit_exceeded' });
    const declined = await createPayment(contextFor(t.services, forced), { type: 'sale', amount: 900, currency: 'USD', customerId: f.customerId, source: { card: VISA } });
    assert.equal(declined.transaction.status, 'declined');
    assert.equal(declined.transaction.decline_reason, 'limit_exceeded');
    await rejectsWith(voidTransaction(f.ctx, errored.transaction.id), 'illegal_transition', 'declined');
    await rejectsWith(refund(f.ctx, errored.transaction.id), 'illegal_transition', 'not_captured');
    const ledger = await t.services.db.selectFrom('ledger_lines').select('id').where('tenant_id', '=', f.tenant.id).execute();
    assert.equal(ledger.length, 0);
    const cleared = await setFaults(t.services, f.tenant, {});
    const ok = await createPayment(contextFor(t.services, cleared), { type: 'sale', amount: 900, currency: 'USD', customerId: f.customerId, source: { card: VISA } });
    assert.equal(ok.transaction.status, 'captured');
    // errored 1, declined 2, the refused refund reserved 3: numbers are never reused.
    assert.equal(ok.transaction.seq, 4);
    await assertVerified(f);
  });
});

describe('idempotency keys', () => {
  // A request's key and fingerprint, as the HTTP layer hands them to the core (a fresh claim per call).
  const keyed = (f: Fixture, key: string, fingerprint = key): TenantContext => ({ ...f.ctx, idempotency: { scope: 'test', key, fingerprint, ttlMs: 60_000 } });
  const payKeyed = (f: Fixture, key: string, type: PaymentInput['type'], amount: number, fingerprint?: string) =>
    createPayment(keyed(f, key, fingerprint), { type, amount, currency: 'USD', customerId: f.customerId, source: { card: VISA } });

  test('a second createPayment with the same key replays the first', async () => {
    const f = await fixture();
    const first = await payKeyed(f, 'order-1', 'sale', 1999);
    assert.equal(first.replayed, false);
    const second = await payKeyed(f, 'order-1', 'sale', 1999);
    assert.equal(second.replayed, true);
    assert.equal(second.outcome, null);
    assert.equal(second.transaction.id, first.transaction.id);
    assert.equal(second.transaction.gateway_ref, first.transaction.gateway_ref);
    // The same key with another request is refused rather than answered with the sale.
    await rejectsWith(payKeyed(f, 'order-1', 'authorize', 5, 'another request'), 'idempotency_mismatch');
    // Another key is another payment.
    const other = await payKeyed(f, 'order-2', 'sale', 1999);
    assert.equal(other.replayed, false);
    assert.notEqual(other.transaction.id, first.transaction.id);
    const rows = await t.services.db.selectFrom('transactions').select('id').where('tenant_id', '=', f.tenant.id).execute();
    assert.equal(rows.length, 2);
    assert.equal(await customerCredit(f), 3998);
    await assertVerified(f);
  });

  test('a request refused before anything is written leaves its key free for a corrected retry', async () => {
    const f = await fixture();
    const ctx = keyed(f, 'fix-me');
    await rejectsWith(createPayment(ctx, { type: 'sale', amount: 100, currency: 'USD', customerId: 987654, source: { card: VISA } }), 'not_found');
    const fixed = await payKeyed(f, 'fix-me', 'sale', 100);
    assert.equal(fixed.replayed, false);
    assert.equal(fixed.transaction.status, 'captured');
  });

  test('the same key in another scope is independent', async () => {
    const a = await fixture();
    const b = await fixture();
    const inA = await payKeyed(a, 'shared-key', 'sale', 100);
    const inB = await createPayment(
      { ...b.ctx, idempotency: { scope: 'other', key: 'shared-key', fingerprint: 'shared-key', ttlMs: 60_000 } },
      { type: 'sale', amount: 100, currency: 'USD', customerId: b.customerId, source: { card: VISA } },
    );
    assert.equal(inB.replayed, false);
    assert.notEqual(inB.transaction.id, inA.transaction.id);
    assert.equal(inB.transaction.tenant_id, b.tenant.id);
  });

  test('50 concurrent createPayment calls with one key make exactly one transaction', async () => {
    const f = await fixture();
    const results = await Promise.all(Array.from({ length: 50 }, () => payKeyed(f, 'race', 'sale', 4200)));
    const ids = new Set(results.map((result) => result.transaction.id));
    assert.equal(ids.size, 1);
    assert.equal(results.filter((result) => !result.replayed).length, 1);
    const rows = await t.services.db.selectFrom('transactions').select(['id', 'seq']).where('tenant_id', '=', f.tenant.id).execute();
    assert.equal(rows.length, 1);
    assert.equal(rows[0].id, [...ids][0]);
    // The losers' transient card and ledger entry were rolled back with them.
    const methods = await t.services.db.selectFrom('payment_methods').select('id').where('tenant_id', '=', f.tenant.id).execute();
    assert.equal(methods.length, 1);
    assert.deepEqual(await entryKinds(f), ['capture']);
    assert.equal(await customerCredit(f), 4200);
    await assertVerified(f);
  });

  test('a retried refund with the same idempotency key replays the first refund', async () => {
    const f = await fixture();
    const { transaction: sale } = await pay(f, 'sale', 1000);
    const first = await refund(keyed(f, 'refund-1'), sale.id, { amount: 100 });
    const second = await refund(keyed(f, 'refund-1'), sale.id, { amount: 100 });
    assert.equal(second.replayed, true);
    assert.equal(second.refund.id, first.refund.id);
    assert.equal((await getTransaction(f.ctx, sale.id)).amount_refunded, 100);
    await assertVerified(f);
  });

  test('a key that a refund used is not replayed as a payment', async () => {
    const f = await fixture();
    const { transaction: sale } = await pay(f, 'sale', 1000);
    await refund(keyed(f, 'shared'), sale.id, { amount: 100 });
    await rejectsWith(payKeyed(f, 'shared', 'sale', 500), 'conflict');
    assert.equal((await t.services.db.selectFrom('transactions').select('id').where('tenant_id', '=', f.tenant.id).execute()).length, 2);
    await assertVerified(f);
  });
});
