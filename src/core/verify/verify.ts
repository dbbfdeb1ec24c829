// Checks every money invariant and names the first violation: balanced entries, invoice and
// transaction figures equal to the ledger, settlement batches equal to their deposits.
import type { CoreServices } from '../context.ts';
import { Account } from '../ledger/accounts.ts';
import { CLEARING_STATES, PROCESSED_KINDS, TxnStatus, direction } from '../payments/states.ts';
import { InvoiceState } from '../invoices/status.ts';

export interface VerifyReport {
  ok: boolean;
  checked: Record<string, number>;
  /** The first violation found, in words. */
  violation: string | null;
}

type Check = (services: CoreServices, tenantId: number | undefined) => Promise<{ count: number; violation: string | null }>;

const entriesBalance: Check = async ({ db }, tenantId) => {
  let query = db
    .selectFrom('ledger_lines')
    .select(['entry_id', (eb) => eb.fn.sum<number>('amount').as('total')])
    .groupBy('entry_id');
  if (tenantId !== undefined) query = query.where('tenant_id', '=', tenantId);
  const rows = await query.execute();
  const bad = rows.find((row) => Number(row.total) !== 0);
  return { count: rows.length, violation: bad ? `ledger entry ${bad.entry_id} does not balance (off by ${bad.total})` : null };
};

const invoicesMatchLedger: Check = async ({ db }, tenantId) => {
  let query = db
    .selectFrom('invoices')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('ledger_lines')
          .select(['invoice_id', (e) => e.fn.sum<number>('amount').as('receivable')])
          .where('account', '=', Account.RECEIVABLE)
          .groupBy('invoice_id')
          .as('l'),
      (join) => join.onRef('l.invoice_id', '=', 'invoices.id'),
    )
    .select(['invoices.id', 'invoices.status', 'invoices.total', 'invoices.amount_paid', 'invoices.amount_credited', 'invoices.amount_written_off', 'invoices.balance', 'l.receivable']);
  if (tenantId !== undefined) query = query.where('invoices.tenant_id', '=', tenantId);
  const rows = await query.execute();
  for (const row of rows) {
    const ledger = Number(row.receivable ?? 0);
    if (ledger !== row.balance) return { count: rows.length, violation: `invoice ${row.id}: balance ${row.balance} but the ledger says ${ledger}` };
    if (row.status === InvoiceState.OPEN && row.balance !== row.total - row.amount_paid - row.amount_credited - row.amount_written_off) {
      return { count: rows.length, violation: `invoice ${row.id}: balance ${row.balance} is not total minus payments, credits and write-offs` };
    }
    if (row.balance < 0) return { count: rows.length, violation: `invoice ${row.id}: negative balance ${row.balance}` };
  }
  return { count: rows.length, violation: null };
};

const transactionsMatchLedger: Check = async ({ db }, tenantId) => {
  let query = db
    .selectFrom('transactions')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('ledger_lines')
          .select(['transaction_id', (e) => e.fn.sum<number>('amount').as('clearing')])
          .where('account', '=', Account.PROCESSOR_CLEARING)
          .groupBy('transaction_id')
          .as('l'),
      (join) => join.onRef('l.transaction_id', '=', 'transactions.id'),
    )
    .select([
      'transactions.id',
      'transactions.type',
      'transactions.status',
      'transactions.payment_kind',
      'transactions.amount_authorized',
      'transactions.amount_captured',
      'transactions.amount_refunded',
      'l.clearing',
    ]);
  if (tenantId !== undefined) query = query.where('transactions.tenant_id', '=', tenantId);
  const rows = await query.execute();
  for (const row of rows) {
    const expected = CLEARING_STATES.has(row.status) && PROCESSED_KINDS.has(row.payment_kind ?? '') ? direction(row.type) * row.amount_captured : 0;
    const ledger = Number(row.clearing ?? 0);
    if (ledger !== expected) return { count: rows.length, violation: `transaction ${row.id} (${row.status}): clearing ${ledger}, expected ${expected}` };
    if (row.amount_captured > row.amount_authorized) return { count: rows.length, violation: `transaction ${row.id}: captured more than authorized` };
    if (row.amount_refunded > row.amount_captured) return { count: rows.length, violation: `transaction ${row.id}: refunded more than captured` };
  }
  return { count: rows.length, violation: null };
};

const allocationsWithinPayments: Check = async ({ db }, tenantId) => {
  let query = db
    .selectFrom('allocations')
    .innerJoin('transactions', 'transactions.id', 'allocations.transaction_id')
    .select(['transactions.id', 'transactions.amount_captured', 'transactions.amount_refunded', (eb) => eb.fn.sum<number>('allocations.amount').as('allocated')])
    .groupBy(['transactions.id', 'transactions.amount_captured', 'transactions.amount_refunded']);
  if (tenantId !== undefined) query = query.where('allocations.tenant_id', '=', tenantId);
  const rows = await query.execute();
  const bad = rows.find((row) => Number(row.allocated) < 0 || Number(row.allocated) > row.amount_captured - row.amount_refunded);
  return { count: rows.length, violation: bad ? `transaction ${bad.id}: ${bad.allocated} applied to invoices, more than its net ${bad.amount_captured - bad.amount_refunded}` : null };
};

const customerCreditNotNegative: Check = async ({ db }, tenantId) => {
  let query = db
    .selectFrom('ledger_lines')
    .select(['customer_id', 'currency', (eb) => eb.fn.sum<number>('amount').as('total')])
    .where('account', '=', Account.CUSTOMER_CREDIT)
    .where('customer_id', 'is not', null)
    .groupBy(['customer_id', 'currency']);
  if (tenantId !== undefined) query = query.where('tenant_id', '=', tenantId);
  const rows = await query.execute();
  const bad = rows.find((row) => Number(row.total) > 0);
  return { count: rows.length, violation: bad ? `customer ${bad.customer_id}: credit balance is negative (${-Number(bad.total)} ${bad.currency})` : null };
};

const batchesMatchDeposits: Check = async ({ db }, tenantId) => {
  let query = db
    .selectFrom('settlement_batches')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('ledger_lines')
          .innerJoin('ledger_entries', 'ledger_entries.id', 'ledger_lines.entry_id')
          .select(['ledger_entries.ref_id', (e) => e.fn.sum<number>('ledger_lines.amount').as('deposit')])
          .where('ledger_entries.ref_type', '=', 'settlement_batch')
          .where('ledger_lines.account', '=', Account.BANK)
          .groupBy('ledger_entries.ref_id')
          .as('l'),
      (join) => join.onRef('l.ref_id', '=', 'settlement_batches.id'),
    )
    .select(['settlement_batches.id', 'settlement_batches.net_deposit', 'settlement_batches.amount_captured', 'settlement_batches.amount_credit', 'l.deposit']);
  if (tenantId !== undefined) query = query.where('settlement_batches.tenant_id', '=', tenantId);
  const rows = await query.execute();
  const bad = rows.find((row) => Number(row.deposit ?? 0) !== row.net_deposit || row.net_deposit !== row.amount_captured - row.amount_credit);
  return { count: rows.length, violation: bad ? `settlement batch ${bad.id}: net deposit ${bad.net_deposit}, bank ledger ${bad.deposit}` : null };
};

// A charge whose amount a flow took from invoice balances was applied to them in full when it was
// made: had two requests both charged one balance, the second would sit unapplied (the triple charge).
const invoicePaymentsApplied: Check = async ({ db }, tenantId) => {
  let query = db
    .selectFrom('transactions')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('allocations')
          .select(['transaction_id', (e) => e.fn.sum<number>('amount').as('applied')])
          .where('amount', '>', 0)
          .groupBy('transaction_id')
          .as('a'),
      (join) => join.onRef('a.transaction_id', '=', 'transactions.id'),
    )
    .select(['transactions.id', 'transactions.amount_captured', 'a.applied'])
    .where('transactions.purpose', '=', 'invoice_payment')
    .where('transactions.status', 'in', [TxnStatus.CAPTURED, TxnStatus.SETTLED]);
  if (tenantId !== undefined) query = query.where('transactions.tenant_id', '=', tenantId);
  const rows = await query.execute();
  const bad = rows.find((row) => Number(row.applied ?? 0) < row.amount_captured);
  return { count: rows.length, violation: bad ? `transaction ${bad.id}: charged ${bad.amount_captured} to pay invoices but only ${Number(bad.applied ?? 0)} was applied to them` : null };
};

const CHECKS: Record<string, Check> = {
  ledger_entries: entriesBalance,
  invoices: invoicesMatchLedger,
  transactions: transactionsMatchLedger,
  allocations: allocationsWithinPayments,
  invoice_payments: invoicePaymentsApplied,
  customer_credit: customerCreditNotNegative,
  settlement_batches: batchesMatchDeposits,
};

/** Runs every check (for one tenant, or all) and stops at the first violation. */
export async function verify(services: CoreServices, tenantId?: number): Promise<VerifyReport> {
  const checked: Record<string, number> = {};
  for (const [name, check] of Object.entries(CHECKS)) {
    const { count, violation } = await check(services, tenantId);
    checked[name] = count;
    if (violation) return { ok: false, checked, violation };
  }
  return { ok: true, checked, violation: null };
}
