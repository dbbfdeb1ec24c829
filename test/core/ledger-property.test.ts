// Property: whatever sequence of billing operations a tenant goes through (payments, captures,
// voids, refunds, invoices, allocations, credits, write-offs, clock moves), verify() finds no
// violation and the tenant's ledger sums to zero. Operations the core refuses (DomainError) are
// part of the sequence; any other error fails the property.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { openTestStore, type TestStore } from '../helpers/store.ts';
import { contextFor, createTenant } from '../../src/core/tenants/tenants.ts';
import { createCustomer } from '../../src/core/customers/customers.ts';
import { capture, createPayment, grantCredit, recordExternalPayment, refund, voidTransaction } from '../../src/core/payments/payments.ts';
import { createInvoice, getInvoice, issueInvoice, voidInvoice, writeOffInvoice } from '../../src/core/invoices/invoices.ts';
import { applyToInvoice } from '../../src/core/invoices/allocations.ts';
import { advanceClock } from '../../src/core/clock/tenant-clock.ts';
import { verify } from '../../src/core/verify/verify.ts';
import { DomainError } from '../../src/core/errors/domain-error.ts';
import type { TenantContext } from '../../src/core/context.ts';
import type { Tenant } from '../../src/core/database.ts';

let t: TestStore;
let runs = 0;

before(async () => {
  t = await openTestStore();
});
after(async () => {
  await t.dispose();
});

const CARDS = ['4111111111111111', '5105105105105100', '378282246310005', '4000000000000002', '4000000000000044'];
const BANKS = [
  { routingNumber: '021000021', accountNumber: '123456789' },
  { routingNumber: '000000013', accountNumber: '1000000005' },
];

const amount = fc.integer({ min: 1, max: 20_000 });
const maybeAmount = fc.option(amount, { nil: undefined });
const index = fc.nat({ max: 20 });

const operation = fc.oneof(
  fc.record({ op: fc.constant('customer' as const), currency: fc.constantFrom('USD', 'USD', 'JPY') }),
  fc.record({
    op: fc.constant('invoice' as const),
    customer: index,
    draft: fc.boolean(),
    lines: fc
      .array(
        fc.record({
          unitPrice: fc.integer({ min: 0, max: 10_000 }),
          quantity: fc.constantFrom('1', '2', '0.5', '1.25', '3'),
          taxRate: fc.constantFrom('0', '8.25', '10', '20'),
          discount: fc.constantFrom(0, 0, 50),
        }),
        { minLength: 1, maxLength: 3 },
      )
      .map((lines) =>
        // A discount never exceeds its line here (see the separate test for what happens when it does).
        lines.map((line) => (line.unitPrice >= 100 ? line : { ...line, discount: 0 })),
      ),
  }),
  fc.record({ op: fc.constant('issue' as const), invoice: index }),
  fc.record({
    op: fc.constantFrom('sale' as const, 'authorize' as const, 'credit' as const),
    customer: index,
    amount,
    card: fc.nat({ max: CARDS.length - 1 }),
    bank: fc.option(fc.nat({ max: BANKS.length - 1 }), { nil: undefined }),
  }),
  fc.record({ op: fc.constant('capture' as const), txn: index, amount: maybeAmount, allowAdditional: fc.boolean() }),
  fc.record({ op: fc.constant('void' as const), txn: index }),
  fc.record({ op: fc.constant('refund' as const), txn: index, amount: maybeAmount, requireSettled: fc.boolean() }),
  fc.record({ op: fc.constant('apply' as const), txn: index, invoice: index, amount: maybeAmount }),
  fc.record({ op: fc.constant('external' as const), customer: index, amount }),
  fc.record({ op: fc.constant('grantCredit' as const), customer: index, amount }),
  fc.record({ op: fc.constant('voidInvoice' as const), invoice: index }),
  fc.record({ op: fc.constant('writeOff' as const), invoice: index, amount: maybeAmount }),
  fc.record({ op: fc.constant('advance' as const), hours: fc.integer({ min: 0, max: 72 }) }),
);

type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

interface World {
  tenant: Tenant;
  ctx: TenantContext;
  customers: Array<{ id: number; currency: string }>;
  invoices: number[];
  transactions: number[];
  refused: number;
}

const pick = <T>(list: T[], i: number): T | undefined => (list.length === 0 ? undefined : list[i % list.length]);

async function apply(world: World, op: Operation): Promise<void> {
  const { ctx } = world;
  switch (op.op) {
    case 'customer': {
      const customer = await createCustomer(ctx, { firstName: 'Prop', currency: op.currency });
      world.customers.push({ id: customer.id, currency: customer.currency });
      return;
    }
    case 'invoice': {
      const customer = pick(world.customers, op.customer);
      if (!customer) return;
      const invoice = await createInvoice(ctx, { customerId: customer.id, draft: op.draft, lines: op.lines });
      world.invoices.push(invoice.id);
      return;
    }
    case 'issue': {
      const invoice = pick(world.invoices, op.invoice);
      if (invoice !== undefined) await issueInvoice(ctx, invoice);
      return;
    }
    case 'sale':
    case 'authorize':
    case 'credit': {
      const customer = pick(world.customers, op.customer);
      if (!customer) return;
      const source = op.bank !== undefined ? { bank: BANKS[op.bank] } : { card: { number: CARDS[op.card], expMonth: 12, expYear: 2099 } };
      const { transaction } = await createPayment(ctx, { type: op.op, amount: op.amount, currency: customer.currency, customerId: customer.id, source });
      world.transactions.push(transaction.id);
      return;
    }
    case 'capture': {
      const txn = pick(world.transactions, op.txn);
      if (txn !== undefined) await capture(ctx, txn, { amount: op.amount, allowAdditional: op.allowAdditional });
      return;
    }
    case 'void': {
      const txn = pick(world.transactions, op.txn);
      if (txn !== undefined) await voidTransaction(ctx, txn);
      return;
    }
    case 'refund': {
      const txn = pick(world.transactions, op.txn);
      if (txn === undefined) return;
      const { refund: row } = await refund(ctx, txn, { amount: op.amount, requireSettled: op.requireSettled });
      world.transactions.push(row.id);
      return;
    }
    case 'apply': {
      const txn = pick(world.transactions, op.txn);
      const invoice = pick(world.invoices, op.invoice);
      if (txn !== undefined && invoice !== undefined) await applyToInvoice(ctx, txn, invoice, op.amount);
      return;
    }
    case 'external':
    case 'grantCredit': {
      const customer = pick(world.customers, op.customer);
      if (!customer) return;
      const input = { customerId: customer.id, amount: op.amount, currency: customer.currency, kind: 'check' };
      const row = op.op === 'external' ? await recordExternalPayment(ctx, input) : await grantCredit(ctx, { ...input, kind: undefined });
      world.transactions.push(row.id);
      return;
    }
    case 'voidInvoice': {
      const invoice = pick(world.invoices, op.invoice);
      if (invoice !== undefined) await voidInvoice(ctx, invoice);
      return;
    }
    case 'writeOff': {
      const invoice = pick(world.invoices, op.invoice);
      if (invoice !== undefined) await writeOffInvoice(ctx, invoice, op.amount);
      return;
    }
    case 'advance': {
      world.tenant = await advanceClock(t.services, world.tenant, op.hours * 3_600_000);
      world.ctx = contextFor(t.services, world.tenant);
      return;
    }
  }
}

async function ledgerSum(tenantId: number): Promise<{ total: number; lines: number }> {
  const row = await t.services.db
    .selectFrom('ledger_lines')
    .select((eb) => [eb.fn.coalesce(eb.fn.sum<number>('amount'), eb.lit(0)).as('total'), eb.fn.countAll<number>().as('lines')])
    .where('tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow();
  return { total: Number(row.total), lines: Number(row.lines) };
}

test('any sequence of operations keeps the ledger balanced and verify() clean', async () => {
  let totalRefused = 0;
  let totalLines = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 15, size: 'max' }), async (ops) => {
      runs += 1;
      const tenant = await createTenant(t.services, { name: `Property ${runs}` });
      const world: World = { tenant, ctx: contextFor(t.services, tenant), customers: [], invoices: [], transactions: [], refused: 0 };
      // Every run starts with a customer so that most operations have something to act on.
      await apply(world, { op: 'customer', currency: 'USD' });
      for (const op of ops) {
        try {
          await apply(world, op);
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          world.refused += 1;
        }
      }
      const report = await verify(t.services, tenant.id);
      assert.equal(report.violation, null);
      const { total, lines } = await ledgerSum(tenant.id);
      assert.equal(total, 0);
      totalRefused += world.refused;
      totalLines += lines;
    }),
    { numRuns: 25 },
  );
  assert.equal(runs >= 25, true);
  // The generator has to reach both outcomes: ledger activity and refused operations.
  assert.ok(totalLines > 0, 'no run posted anything to the ledger');
  assert.ok(totalRefused > 0, 'no run exercised a refused operation');
});

// Found by the property above: a line discount larger than the line makes a negative invoice,
// which verify() reports as a violation; computeLines now refuses such lines.
test('an invoice whose discount exceeds its line is refused', async () => {
  const tenant = await createTenant(t.services, { name: 'Negative invoice' });
  const ctx = contextFor(t.services, tenant);
  const customer = await createCustomer(ctx, { firstName: 'Neg', currency: 'USD' });
  let created: number | undefined;
  try {
    await assert.rejects(
      createInvoice(ctx, { customerId: customer.id, lines: [{ unitPrice: 0, discount: 50 }] }).then((invoice) => {
        created = invoice.id;
        return invoice;
      }),
      (error: unknown) => error instanceof DomainError && error.code === 'invalid',
    );
  } finally {
    // Leave the database clean for the file's final verify(): a void invoice has balance 0.
    if (created !== undefined && (await getInvoice(ctx, created)).status !== 'void') await voidInvoice(ctx, created);
  }
  assert.equal((await verify(t.services, tenant.id)).violation, null);
});
