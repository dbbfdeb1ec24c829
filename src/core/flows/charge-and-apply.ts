// Charge a customer and apply the payment (one use-case, one transaction): lock the invoices it is
// for, take the amount given or else what those invoices owe, charge the sources in order, and
// apply the approved payment as planned (named invoices, or a strategy over open ones). What is not
// applied stays as the customer's credit.
import type { TransactionRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { DomainError, ErrorCode, invalid } from '../errors/domain-error.ts';
import { normalizeCurrency } from '../money/currencies.ts';
import { formatDisplay } from '../money/money.ts';
import { queueEmail } from '../outbox/outbox.ts';
import { keepMethodWithin, type KeepOptions } from '../vault/keep-method.ts';
import { keyedWork } from '../idempotency/keyed.ts';
import { applyPlan, lockPlannedInvoices, type ApplyPlan } from '../invoices/apply-plan.ts';
import { noteAttempts } from '../invoices/attempts.ts';
import { transactionOperation } from '../payments/operations.ts';
import type { ChargeOptions } from '../payments/processing.ts';
import { requireAmount } from '../payments/rows.ts';
import { chargeableMethods } from '../vault/vault.ts';
import type { TxContext } from '../work.ts';
import { chargeFirstApproved, type ReservedSeqs } from './charge-sources.ts';
import { PURPOSE_INVOICE_PAYMENT, type InvoiceFunds } from './pay-invoice.ts';
import { FlowRefusal, refuse } from './refusals.ts';
import { reserveCharges } from './reserve.ts';

export interface ChargeAndApplyInput extends ApplyPlan {
  customerId: number;
  /** Minor units; absent charges what the named invoices still owe. */
  amount?: number;
  using: Exclude<InvoiceFunds, { kind: 'customer_balance' }>;
  processor?: ChargeOptions;
  description?: string | null;
  vendorData?: Record<string, unknown>;
  /** The merchant account the charge goes through (core/merchant-accounts), when the door names one. */
  accountId?: number | null;
  /** The subscription the charge collects for (a renewal's retry). */
  subscriptionId?: number | null;
  /** The order reference the charge carries (a recurring charge's reference). */
  orderId?: string | null;
  /** The currency to charge in (the named invoices' must match it); the invoices' or the customer's when absent. */
  currency?: string;
  /** The kind of source the caller names (a card, a bank account); another kind is refused before the charge. */
  methodKind?: 'card' | 'bank';
  /** Keep the card or bank account charged on the customer once approved (and make it its default). */
  keepMethod?: KeepOptions;
  /** Where a receipt goes once approved (the tenant's outbox). */
  receiptEmail?: string | null;
}

export interface ChargeResult {
  transaction: TransactionRow;
  result: 'approved' | 'declined' | 'unknown';
  message: string | null;
}

const CHARGE_AND_APPLY = transactionOperation('charge_and_apply');

export async function chargeAndApplyWithin(ctx: TxContext, input: ChargeAndApplyInput, seqs: ReservedSeqs | undefined): Promise<ChargeResult> {
  const customer = await ctx.db.selectFrom('customers').select(['id', 'currency']).where('tenant_id', '=', ctx.tenant.id).where('id', '=', input.customerId).executeTakeFirst();
  if (!customer) throw invalid(`Customer ${input.customerId} does not exist`, 'customer_id');
  const invoices = await lockPlannedInvoices(ctx, customer.id, input.applyTo);
  const owed = invoices.reduce((sum, invoice) => sum + invoice.balance, 0);
  if (input.amount === undefined && invoices.length === 0) throw invalid('Either an amount or at least one invoice to apply to is required', 'amount');
  const amount = input.amount ?? owed;
  if (amount <= 0) throw refuse(FlowRefusal.NOTHING_DUE);
  // Everything that can refuse the request is checked before the processor is asked.
  const applied = (input.applyTo ?? []).reduce((sum, a) => sum + (a.amount ?? 0), 0);
  if (applied > amount) {
    throw new DomainError(ErrorCode.AMOUNT_EXCEEDS_BALANCE, 'The amounts applied exceed the payment amount', { field: 'applied_to', details: { reason: 'applied_exceeds_amount' } });
  }
  const currency = input.currency === undefined ? (invoices[0]?.currency ?? customer.currency) : normalizeCurrency(input.currency);
  if (!currency) throw invalid(`Unknown currency ${String(input.currency)}`, 'currency');
  const other = invoices.find((invoice) => invoice.currency !== currency);
  if (other) {
    throw new DomainError(ErrorCode.CURRENCY_MISMATCH, `Invoice ${other.id} is in ${other.currency}, not ${currency}`, {
      field: 'currency',
      details: { reason: 'currency_mismatch', invoice_id: other.id },
    });
  }
  const sources = input.using.kind === 'given' ? input.using.sources : (await chargeableMethods(ctx, customer.id, input.using.methodIds)).map((methodId) => ({ methodId }));
  if (sources.length === 0) throw refuse(FlowRefusal.NO_PAYMENT_METHOD);
  const charged = await chargeFirstApproved(
    ctx,
    sources,
    {
      amount,
      currency,
      customerId: customer.id,
      purpose: input.amount === undefined ? PURPOSE_INVOICE_PAYMENT : null,
      description: input.description,
      vendorData: input.vendorData,
      processor: input.processor,
      accountId: input.accountId,
      subscriptionId: input.subscriptionId,
      orderId: input.orderId,
      expectKind: input.methodKind,
    },
    seqs,
  );
  if (charged.result === 'approved') {
    await applyPlan(ctx, charged.transaction, input);
    if (input.keepMethod && charged.transaction.payment_method_id !== null) await keepMethodWithin(ctx, charged.transaction.payment_method_id, customer.id, input.keepMethod);
    if (input.receiptEmail) await sendReceipt(ctx, charged.transaction, input.receiptEmail);
    const transaction = await ctx.db.selectFrom('transactions').selectAll().where('id', '=', charged.transaction.id).executeTakeFirstOrThrow();
    return { transaction, result: 'approved', message: null };
  }
  await noteAttempts(
    ctx,
    invoices.map((invoice) => invoice.id),
    charged.transaction.id,
    charged.result === 'unknown' ? 'unknown' : 'declined',
  );
  return charged;
}

export async function chargeAndApply(ctx: TenantContext, input: ChargeAndApplyInput): Promise<ChargeResult> {
  if (input.amount !== undefined) requireAmount(input.amount);
  if (input.using.kind === 'given' && input.using.sources.length === 0) throw refuse(FlowRefusal.NO_PAYMENT_METHOD);
  const op = {
    ...CHARGE_AND_APPLY,
    ref: (r: ChargeResult) => CHARGE_AND_APPLY.ref(r.transaction),
    load: async (c: TenantContext, ref: { type: string; id: number }) => resultOf(await CHARGE_AND_APPLY.load(c, ref)),
  };
  const charges = input.using.kind === 'given' ? input.using.sources.length : (input.using.methodIds?.length ?? 1);
  return keyedWork(
    ctx,
    op,
    (w, seqs) => chargeAndApplyWithin(w, input, seqs),
    () => reserveCharges(ctx, charges),
  );
}

function resultOf(transaction: TransactionRow): ChargeResult {
  const result = transaction.status === 'captured' || transaction.status === 'settled' ? 'approved' : transaction.status === 'unknown' ? 'unknown' : 'declined';
  return { transaction, result, message: result === 'declined' ? transaction.decline_reason : null };
}

/** A receipt for an approved charge, in the outbox with the payment (same transaction). */
async function sendReceipt(ctx: TxContext, txn: TransactionRow, to: string): Promise<void> {
  await queueEmail(ctx, {
    to,
    subject: 'Payment receipt',
    body: `We received your payment of ${formatDisplay(txn.amount, txn.currency)} (reference ${txn.gateway_ref}). Thank you.`,
    meta: { kind: 'receipt', transaction_id: txn.id, amount: txn.amount, currency: txn.currency },
  });
}
