// Properties of the core's invoice arithmetic (src/core/invoices/totals.ts) against an oracle that
// works the other way round: in major units as exact fractions, rounded to the currency's exponent
// (JPY 0, USD 2, KWD 3) half away from zero, and printed by its own formatter. Then, on a real
// test database, invoices issued and changed through the core service post exactly their total
// to the ledger, and verify() agrees.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { computeLines, computeTotals, AdjustmentKind, type AdjustmentInput, type LineInput } from '../../src/core/invoices/totals.ts';
import { formatDecimal } from '../../src/core/money/money.ts';
import { exponentOf } from '../../src/core/money/currencies.ts';
import { DomainError } from '../../src/core/errors/domain-error.ts';
import { openTestStore, type TestStore } from '../helpers/store.ts';
import { contextFor, createTenant } from '../../src/core/tenants/tenants.ts';
import { createCustomer } from '../../src/core/customers/customers.ts';
import { createInvoice, updateInvoice, voidInvoice } from '../../src/core/invoices/invoices.ts';
import { accountBalance } from '../../src/core/ledger/ledger.ts';
import { Account } from '../../src/core/ledger/accounts.ts';
import { verify } from '../../src/core/verify/verify.ts';
import type { TenantContext } from '../../src/core/context.ts';

// ---- the oracle: exact fractions in major units ----

interface Fraction {
  n: bigint;
  d: bigint; // > 0
}

const times = (a: Fraction, b: Fraction): Fraction => ({ n: a.n * b.n, d: a.d * b.d });

function fromDecimal(text: string): Fraction {
  const negative = text.startsWith('-');
  const [whole, fraction = ''] = text.replace('-', '').split('.');
  return { n: BigInt(whole + fraction) * (negative ? -1n : 1n), d: 10n ** BigInt(fraction.length) };
}

const majorOf = (minor: bigint, exp: number): Fraction => ({ n: minor, d: 10n ** BigInt(exp) });
const percentOf = (text: string): Fraction => times(fromDecimal(text), { n: 1n, d: 100n });

/** A major-unit amount to whole minor units, half away from zero. */
function toMinor(amount: Fraction, exp: number): bigint {
  const scaled = amount.n * 10n ** BigInt(exp);
  const magnitude = scaled < 0n ? -scaled : scaled;
  const whole = magnitude / amount.d;
  const rest = magnitude - whole * amount.d;
  const rounded = rest * 2n >= amount.d ? whole + 1n : whole;
  return scaled < 0n ? -rounded : rounded;
}

function printMajor(minor: bigint, exp: number): string {
  const magnitude = minor < 0n ? -minor : minor;
  const unit = 10n ** BigInt(exp);
  const whole = (magnitude / unit).toString();
  const fraction = exp === 0 ? '' : '.' + (magnitude % unit).toString().padStart(exp, '0');
  return (minor < 0n ? '-' : '') + whole + fraction;
}

interface Expected {
  gross: bigint[];
  amounts: bigint[];
  lineTaxes: bigint[];
  invoiceTax: bigint;
  adjustments: bigint;
  total: bigint;
}

function oracle(currency: string, lines: LineInput[], taxPercent: string, adjustments: AdjustmentInput[]): Expected {
  const exp = exponentOf(currency);
  const gross = lines.map((line) => toMinor(times(fromDecimal(String(line.quantity ?? '1')), majorOf(BigInt(line.unitPrice), exp)), exp));
  const amounts = gross.map((g, i) => g - BigInt(lines[i].discount ?? 0));
  const lineTaxes = amounts.map((a, i) => toMinor(times(majorOf(a, exp), percentOf(String(lines[i].taxRate ?? '0'))), exp));
  const net = amounts.reduce((s, a) => s + a, 0n);
  const invoiceTax = toMinor(times(majorOf(net, exp), percentOf(taxPercent)), exp);
  const adjusted = adjustments.reduce((s, a) => s + BigInt(a.amount), 0n);
  const total = net + lineTaxes.reduce((s, t) => s + t, 0n) + invoiceTax + adjusted;
  return { gross, amounts, lineTaxes, invoiceTax, adjustments: adjusted, total };
}

// ---- generators ----

/** An exact decimal string: up to `whole`, with 0 to `digits` fractional digits. */
const decimal = (whole: number, digits: number) =>
  fc
    .tuple(
      fc.nat(whole),
      fc.nat(digits).chain((d) => (d === 0 ? fc.constant('') : fc.nat(10 ** d - 1).map((v) => String(v).padStart(d, '0')))),
    )
    .map(([w, f]) => (f ? `${w}.${f}` : String(w)));

const currency = fc.constantFrom('JPY', 'USD', 'KWD');

const rawLine = fc.record({
  quantity: fc.oneof(
    decimal(40, 4),
    fc.nat(100).map(String),
    decimal(5, 2).map((q) => `-${q}`),
  ),
  unitPrice: fc.oneof(fc.integer({ min: 0, max: 5_000_000 }), fc.integer({ min: 0, max: 999 })),
  discountPick: fc.nat(),
  discounted: fc.boolean(),
  taxRate: fc.oneof(fc.constant('0'), decimal(30, 3)),
});

const adjustment = fc.record({ kind: fc.constantFrom(...Object.values(AdjustmentKind)), amount: fc.integer({ min: -50_000, max: 50_000 }) });

const invoiceShape = fc.record({
  currency,
  lines: fc.array(rawLine, { minLength: 0, maxLength: 6 }),
  taxPercent: fc.oneof(fc.constant('0'), decimal(25, 4)),
  adjustments: fc.array(adjustment, { maxLength: 3 }),
});

/** Discounts are chosen at most the line's gross (the core refuses more; tested below). */
function linesOf(shape: { currency: string; lines: Array<{ quantity: string; unitPrice: number; discountPick: number; discounted: boolean; taxRate: string }> }): LineInput[] {
  const exp = exponentOf(shape.currency);
  return shape.lines.map((raw) => {
    const gross = toMinor(times(fromDecimal(raw.quantity), majorOf(BigInt(raw.unitPrice), exp)), exp);
    const discount = raw.discounted && gross > 0n ? Number(BigInt(raw.discountPick) % (gross + 1n)) : 0;
    return { quantity: raw.quantity, unitPrice: raw.unitPrice, discount, taxRate: raw.taxRate };
  });
}

const safe = (value: number) => Number.isSafeInteger(value);

// ---- pure properties ----

test('total = Σ lines − discounts + taxes + adjustments, exactly, rounded as documented, in every exponent', () => {
  fc.assert(
    fc.property(invoiceShape, (shape) => {
      const lines = linesOf(shape);
      const expected = oracle(shape.currency, lines, shape.taxPercent, shape.adjustments);
      const computed = computeLines(lines);
      if (expected.total < 0n) {
        assert.throws(() => computeTotals(computed, { taxPercent: shape.taxPercent, adjustments: shape.adjustments }), DomainError);
        return;
      }
      const totals = computeTotals(computed, { taxPercent: shape.taxPercent, adjustments: shape.adjustments });
      // Per line: gross rounded once, the discount exact, the tax rounded once on the line's amount.
      computed.forEach((line, i) => {
        assert.ok(safe(line.amount) && safe(line.tax) && safe(line.discount), 'integers only');
        assert.equal(BigInt(line.amount + line.discount), expected.gross[i], `line ${i} gross`);
        assert.equal(BigInt(line.amount), expected.amounts[i], `line ${i} amount`);
        assert.equal(BigInt(line.tax), expected.lineTaxes[i], `line ${i} tax`);
      });
      // Per invoice: the invoice-level tax is rounded once, on the sum of the lines' amounts.
      for (const value of [totals.subtotal, totals.discountTotal, totals.lineTax, totals.invoiceTax, totals.taxTotal, totals.adjustmentTotal, totals.total]) assert.ok(safe(value), 'integers only');
      assert.equal(BigInt(totals.invoiceTax), expected.invoiceTax);
      assert.equal(BigInt(totals.adjustmentTotal), expected.adjustments);
      assert.equal(BigInt(totals.total), expected.total);
      assert.equal(totals.total, totals.subtotal - totals.discountTotal + totals.lineTax + totals.invoiceTax + totals.adjustmentTotal);
      assert.equal(totals.taxTotal, totals.lineTax + totals.invoiceTax);
      // The same figures, stored and read back as line rows, give the same totals.
      assert.deepEqual(
        computeTotals(
          computed.map((l) => ({ amount: l.amount, discount: l.discount, tax: l.tax })),
          { taxPercent: totals.taxPercent, adjustments: totals.adjustments },
        ),
        totals,
      );
      // And the currency's exponent places the point: 1235 minor units are 1235 JPY, 12.35 USD, 1.235 KWD.
      assert.equal(formatDecimal(totals.total, shape.currency), printMajor(expected.total, exponentOf(shape.currency)));
    }),
    { numRuns: 500 },
  );
});

test('rounding happens once per line and once per invoice, half away from zero', () => {
  // Three lines of one minor unit at 50 %: per-line rounding would give 3 units of tax; the
  // invoice-level tax rounds the sum once: 1.5 → 2.
  const ones = computeLines([{ unitPrice: 1 }, { unitPrice: 1 }, { unitPrice: 1 }]);
  assert.equal(computeTotals(ones, { taxPercent: '50' }).invoiceTax, 2);
  // The same rate as line tax rounds each line: 0.5 → 1, three times.
  assert.equal(computeTotals(computeLines([1, 1, 1].map((unitPrice) => ({ unitPrice, taxRate: '50' })))).lineTax, 3);
  // Half away from zero on both sides: a credit line of −1 at 50 % is −1, not 0.
  assert.equal(computeLines([{ unitPrice: 1, quantity: '-1', taxRate: '50' }])[0].tax, -1);
  assert.equal(computeLines([{ unitPrice: 3, quantity: '0.5' }])[0].amount, 2);
  // Invoice-level tax is on the amount after line discounts and before adjustments.
  const discounted = computeTotals(computeLines([{ unitPrice: 1000, discount: 200 }]), { taxPercent: '10', adjustments: [{ amount: 500 }] });
  assert.deepEqual([discounted.invoiceTax, discounted.total], [80, 1380]);
  // The case a float gets wrong: 3000 × 1.15 % is 34.5 exactly (3000 * 1.15 = 3449.9999999999995).
  assert.equal(computeTotals(computeLines([{ unitPrice: 3000 }]), { taxPercent: '1.15' }).invoiceTax, 35);
});

test('what the arithmetic refuses instead of rounding wrongly', () => {
  assert.throws(() => computeLines([{ unitPrice: 100, discount: 101 }]), DomainError);
  assert.throws(() => computeLines([{ unitPrice: 100, taxRate: '-5' }]), DomainError);
  assert.throws(() => computeTotals([], { taxPercent: '-1' }), DomainError);
  assert.throws(() => computeTotals([], { taxPercent: 'ten' }), DomainError);
  assert.throws(() => computeTotals([], { adjustments: [{ amount: 1.5 }] }), DomainError);
  assert.throws(() => computeTotals([], { adjustments: [{ amount: -1 }] }), DomainError, 'a negative total');
  // Past the safe-integer range the answer is a refusal, never a float.
  assert.throws(() => computeLines([{ unitPrice: Number.MAX_SAFE_INTEGER, quantity: '2' }]), DomainError);
  assert.throws(() => computeTotals([{ amount: Number.MAX_SAFE_INTEGER, discount: 0, tax: 0 }], { adjustments: [{ amount: 1 }] }), DomainError);
});

// ---- on a real database: the ledger posts exactly the total ----

let t: TestStore;
let ctx: TenantContext;
const customers: Record<string, number> = {};

before(async () => {
  t = await openTestStore();
  const tenant = await createTenant(t.services, { name: 'Arithmetic', slug: 'arithmetic' });
  ctx = contextFor(t.services, tenant);
  for (const code of ['JPY', 'USD', 'KWD']) customers[code] = (await createCustomer(ctx, { company: `In ${code}`, currency: code })).id;
});
after(async () => {
  await t?.dispose();
});

/** What an invoice's figures should have posted: DR receivable total, CR revenue (net + adjustments), CR tax. */
const postingOf = (row: { total: number; subtotal: number; discount_total: number; adjustment_total: number; tax_total: number }) => ({
  receivable: row.total,
  revenue: 0 - (row.subtotal - row.discount_total + row.adjustment_total),
  tax: 0 - row.tax_total,
});

async function ledgerOf(invoiceId: number) {
  return {
    receivable: await accountBalance(ctx, Account.RECEIVABLE, { invoiceId }),
    revenue: await accountBalance(ctx, Account.REVENUE, { invoiceId }),
    tax: await accountBalance(ctx, Account.TAX_PAYABLE, { invoiceId }),
  };
}

test('issued, changed and voided through the core service, the ledger posts exactly the total', async () => {
  const change = fc.record({ taxPercent: fc.oneof(fc.constant('0'), decimal(25, 3)), adjustments: fc.array(adjustment, { maxLength: 2 }), voidAfter: fc.boolean() });
  await fc.assert(
    fc.asyncProperty(invoiceShape, change, async (shape, next) => {
      const lines = linesOf(shape);
      const expected = oracle(shape.currency, lines, shape.taxPercent, shape.adjustments);
      const input = { customerId: customers[shape.currency], currency: shape.currency, lines, taxPercent: shape.taxPercent, adjustments: shape.adjustments };
      if (expected.total < 0n) {
        await assert.rejects(createInvoice(ctx, input), DomainError);
        return;
      }
      const invoice = await createInvoice(ctx, input);
      assert.equal(BigInt(invoice.total), expected.total);
      let posted = await ledgerOf(invoice.id);
      assert.deepEqual(posted, postingOf(invoice));
      // A change of invoice-level charges keeps the lines and posts the difference.
      const changed = oracle(shape.currency, lines, next.taxPercent, next.adjustments);
      const update = updateInvoice(ctx, invoice.id, { taxPercent: next.taxPercent, adjustments: next.adjustments });
      if (changed.total < 0n) {
        await assert.rejects(update, DomainError);
        assert.deepEqual(await ledgerOf(invoice.id), posted, 'a refused change posts nothing');
      } else {
        const updated = await update;
        assert.equal(BigInt(updated.total), changed.total);
        posted = await ledgerOf(invoice.id);
        assert.deepEqual(posted, postingOf(updated));
        assert.equal(updated.balance, updated.total);
      }
      if (next.voidAfter) {
        await voidInvoice(ctx, invoice.id);
        assert.equal((await ledgerOf(invoice.id)).receivable, 0);
      }
    }),
    { numRuns: 40 },
  );
  const report = await verify(t.services, ctx.tenant.id);
  assert.ok(report.ok, report.violation ?? '');
  assert.ok(report.checked.invoices >= 10, 'verify looked at the invoices the property made');
});
