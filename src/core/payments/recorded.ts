// Payments received outside the processor (cheque, cash, wire) and credit memos: settled at once,
// held as customer credit until applied to invoices.
import type { TransactionRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { invalid } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { Account } from '../ledger/accounts.ts';
import { post } from '../ledger/ledger.ts';
import { normalizeCurrency } from '../money/currencies.ts';
import { TxnStatus, TxnType } from './states.ts';
import { insertTransaction, nextSeq, requireAmount, requireCustomer, reserveSeq } from './rows.ts';
import { keyedWork } from '../idempotency/keyed.ts';
import type { TxContext } from '../work.ts';
import { RECORDED_PAYMENT } from './operations.ts';

export interface ExternalPaymentInput {
  customerId: number;
  amount: number;
  currency: string;
  /** How the money arrived: check, cash, wire, other ... */
  kind: string;
  reference?: string | null;
  description?: string | null;
  vendorData?: Record<string, unknown>;
}

/** A payment received outside the processor (cheque, cash, wire): settled at once, held as customer credit. */
export async function recordExternalPayment(ctx: TenantContext, input: ExternalPaymentInput): Promise<TransactionRow> {
  return keyedWork(
    ctx,
    RECORDED_PAYMENT,
    (w, seq) => insertSettled(w, TxnType.SALE, input, Account.CASH, seq),
    () => reserveSeq(ctx),
  );
}

/** A credit memo: customer credit granted without money moving (contra-revenue). */
export async function grantCredit(ctx: TenantContext, input: Omit<ExternalPaymentInput, 'kind'> & { kind?: string }): Promise<TransactionRow> {
  return keyedWork(
    ctx,
    RECORDED_PAYMENT,
    (w, seq) => insertSettled(w, TxnType.CREDIT_MEMO, { ...input, kind: input.kind ?? 'credit' }, Account.CREDITS_GRANTED, seq),
    () => reserveSeq(ctx),
  );
}

/** A payment or credit memo that is settled the moment it is recorded, inside the caller's transaction. */
export async function insertSettled(ctx: TxContext, type: TxnType, input: ExternalPaymentInput, source: Account, reservedSeq?: number | null): Promise<TransactionRow> {
  requireAmount(input.amount);
  const currency = normalizeCurrency(input.currency);
  if (!currency) throw invalid(`Unknown currency ${input.currency}`, 'currency');
  await requireCustomer(ctx, input.customerId);
  const seq = await nextSeq(ctx, reservedSeq);
  const now = ctx.clock.now();
  const txn = await insertTransaction(ctx, seq, {
    type,
    status: TxnStatus.SETTLED,
    currency,
    amount: input.amount,
    amount_authorized: input.amount,
    amount_captured: input.amount,
    amount_settled: input.amount,
    payment_kind: input.kind,
    customer_id: input.customerId,
    gateway_ref: input.reference ?? undefined,
    description: input.description ?? null,
    vendor_data: JSON.stringify(input.vendorData ?? {}),
    authorized_at: now,
    captured_at: now,
    settled_at: now,
  });
  await post(ctx, {
    kind: type === TxnType.CREDIT_MEMO ? 'credit_memo' : 'external_payment',
    refType: 'transaction',
    refId: txn.id,
    currency,
    lines: [
      { account: source, amount: input.amount, transactionId: txn.id },
      { account: Account.CUSTOMER_CREDIT, amount: -input.amount, customerId: input.customerId, transactionId: txn.id },
    ],
  });
  await recordEvent(ctx, `transaction.${type === TxnType.CREDIT_MEMO ? 'credit_granted' : 'recorded'}`, 'transaction', txn.id, txn);
  return txn;
}
