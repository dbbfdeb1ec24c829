// Record a payment or credit received outside the processor and apply it as planned (one
// use-case, one transaction). A payment recorded as failed is stored declined and noted against
// the invoices it was for.
import type { TransactionRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { invalid } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { keyedWork } from '../idempotency/keyed.ts';
import { Account } from '../ledger/accounts.ts';
import { applyPlan, lockPlannedInvoices, type ApplyPlan } from '../invoices/apply-plan.ts';
import { noteAttempts } from '../invoices/attempts.ts';
import { normalizeCurrency } from '../money/currencies.ts';
import { RECORDED_PAYMENT } from '../payments/operations.ts';
import { insertSettled } from '../payments/recorded.ts';
import { insertTransaction, nextSeq, requireAmount, requireCustomer, reserveSeq } from '../payments/rows.ts';
import { TxnStatus, TxnType } from '../payments/states.ts';
import { setRefs, type RefChange } from '../refs/refs.ts';
import type { TxContext } from '../work.ts';

export interface RecordInput extends ApplyPlan {
  customerId: number;
  amount: number;
  currency: string;
  /** check, cash, visa, ach ... (how the money arrived). */
  kind: string;
  credit?: boolean;
  failed?: boolean;
  reference?: string | null;
  description?: string | null;
  vendorData?: Record<string, unknown>;
  /** External references of the new transaction (a door's external key): a duplicate refuses the whole record. */
  refs?: RefChange[];
}

async function recordFailed(ctx: TxContext, input: RecordInput, currency: string, seq: number): Promise<TransactionRow> {
  const txn = await insertTransaction(ctx, seq, {
    type: TxnType.SALE,
    status: TxnStatus.DECLINED,
    currency,
    amount: input.amount,
    payment_kind: input.kind,
    customer_id: input.customerId,
    decline_reason: 'declined',
    gateway_ref: input.reference ?? '',
    description: input.description ?? null,
    vendor_data: JSON.stringify(input.vendorData ?? {}),
  });
  await recordEvent(ctx, 'transaction.declined', 'transaction', txn.id, txn);
  return txn;
}

async function recordWithin(ctx: TxContext, input: RecordInput, reserved: number | null | undefined): Promise<TransactionRow> {
  const currency = normalizeCurrency(input.currency);
  if (!currency) throw invalid(`Unknown currency ${input.currency}`, 'currency');
  await requireCustomer(ctx, input.customerId);
  await lockPlannedInvoices(ctx, input.customerId, input.applyTo);
  const seq = await nextSeq(ctx, reserved);
  if (input.failed) {
    const txn = await recordFailed(ctx, input, currency, seq);
    await setRefs(ctx, 'transaction', txn.id, input.refs);
    await noteAttempts(
      ctx,
      (input.applyTo ?? []).map((a) => a.invoiceId),
      txn.id,
    );
    return txn;
  }
  const base = { customerId: input.customerId, amount: input.amount, currency, reference: input.reference, description: input.description, vendorData: input.vendorData };
  const txn = input.credit
    ? await insertSettled(ctx, TxnType.CREDIT_MEMO, { ...base, kind: input.kind }, Account.CREDITS_GRANTED, seq)
    : await insertSettled(ctx, TxnType.SALE, { ...base, kind: input.kind }, Account.CASH, seq);
  await setRefs(ctx, 'transaction', txn.id, input.refs);
  await applyPlan(ctx, txn, input);
  return ctx.db.selectFrom('transactions').selectAll().where('id', '=', txn.id).executeTakeFirstOrThrow();
}

export async function recordPayment(ctx: TenantContext, input: RecordInput): Promise<TransactionRow> {
  requireAmount(input.amount);
  return keyedWork(
    ctx,
    RECORDED_PAYMENT,
    (w, seq) => recordWithin(w, input, seq),
    () => reserveSeq(ctx),
  );
}
