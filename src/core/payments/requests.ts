// Payment requests: money asked of a customer through a pay link (ChargeDesk's invoices by e-mail or
// SMS). The request is a transaction in state `requested`, with its public token as the link; paying
// it on the pay page charges the card given there and captures the same transaction in place, so
// the charge keeps one id from request to payment. A decline leaves the request open; cancelling
// it is a void (states.ts).
import type { TransactionRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { invalid, notFound } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { keyedWork } from '../idempotency/keyed.ts';
import { normalizeCurrency } from '../money/currencies.ts';
import type { ChargeOptions, ProcessorOutcome } from '../processor/processor.ts';
import { setRefs, type RefChange } from '../refs/refs.ts';
import { faultsOf } from '../tenants/tenants.ts';
import { instrumentOf } from '../vault/vault.ts';
import { mergeVendorData } from '../vendor-data.ts';
import type { TxContext } from '../work.ts';
import { PAYMENT, type PaymentResult } from './operations.ts';
import { beforeProcessor, postCapture, processorOf, resolveSource, type PaymentSource } from './processing.ts';
import { lockCharge } from './recorded-charges.ts';
import { insertTransaction, nextSeq, requireAmount, reserveSeq } from './rows.ts';
import { TxnStatus, TxnType, transition } from './states.ts';

export interface PaymentRequestInput {
  amount: number;
  currency: string;
  customerId?: number | null;
  description?: string | null;
  vendor?: string;
  vendorData?: Record<string, unknown>;
  refs?: RefChange[];
}

/** A payment request inside the caller's transaction. */
export async function requestWithin(ctx: TxContext, input: PaymentRequestInput, reservedSeq?: number | null): Promise<TransactionRow> {
  requireAmount(input.amount);
  const currency = normalizeCurrency(input.currency);
  if (!currency) throw invalid(`Unknown currency ${input.currency}`, 'currency');
  const seq = await nextSeq(ctx, reservedSeq);
  const row = await insertTransaction(ctx, seq, {
    type: TxnType.SALE,
    status: TxnStatus.REQUESTED,
    currency,
    amount: input.amount,
    customer_id: input.customerId ?? null,
    description: input.description ?? null,
    vendor_data: input.vendor && input.vendorData ? mergeVendorData('{}', input.vendor, input.vendorData) : '{}',
  });
  await setRefs(ctx, 'transaction', row.id, input.refs);
  await recordEvent(ctx, 'transaction.requested', 'transaction', row.id, row);
  return row;
}

export async function requestPayment(ctx: TenantContext, input: PaymentRequestInput): Promise<TransactionRow> {
  return keyedWork(
    ctx,
    null,
    (w, seq) => requestWithin(w, input, seq),
    () => reserveSeq(ctx),
  );
}

/** A requested transaction found by its public token (the pay link), from any tenant. */
export async function requestByPublicToken(services: Pick<TenantContext, 'db'>, token: string): Promise<TransactionRow | undefined> {
  return services.db.selectFrom('transactions').selectAll().where('token', '=', token).where('type', '=', TxnType.SALE).executeTakeFirst();
}

async function payWithin(ctx: TxContext, id: number, source: PaymentSource, options: ChargeOptions | undefined, reservedSeq: number | null | undefined): Promise<PaymentResult> {
  const txn = await lockCharge(ctx, id);
  transition('pay', txn.status);
  const { method, cvv } = await resolveSource(ctx, source, txn.customer_id);
  const seq = await nextSeq(ctx, reservedSeq);
  const now = ctx.clock.now();
  const outcome: ProcessorOutcome = await processorOf(ctx).authorize({
    tenantId: ctx.tenant.id,
    seq,
    operation: TxnType.SALE,
    amount: txn.amount,
    currency: txn.currency,
    instrument: instrumentOf(ctx, method, { cvv }),
    now,
    faults: faultsOf(ctx.tenant),
    options,
  });
  if (!outcome.approved || outcome.result === 'unknown') {
    await recordEvent(ctx, 'transaction.request_declined', 'transaction', id, { id, decline_reason: outcome.declineReason });
    return { transaction: txn, outcome, replayed: false };
  }
  const paid = await ctx.db
    .updateTable('transactions')
    .set({
      status: TxnStatus.CAPTURED,
      amount_authorized: txn.amount,
      amount_captured: txn.amount,
      payment_method_id: method.id,
      payment_kind: method.kind,
      customer_id: txn.customer_id ?? method.customer_id,
      auth_code: outcome.authCode,
      gateway_ref: outcome.gatewayRef,
      avs_result: outcome.avsResult,
      cvv_result: outcome.cvvResult,
      authorized_at: now,
      captured_at: now,
      updated_at: now,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await postCapture(ctx, paid, paid.amount);
  await recordEvent(ctx, 'transaction.request_paid', 'transaction', id, paid);
  return { transaction: paid, outcome, replayed: false };
}

/** Pays a payment request with the source given on its pay page. A decline leaves it requested. */
export async function payRequest(ctx: TenantContext, id: number, source: PaymentSource, options?: ChargeOptions): Promise<PaymentResult> {
  const exists = await ctx.db.selectFrom('transactions').select('id').where('tenant_id', '=', ctx.tenant.id).where('id', '=', id).executeTakeFirst();
  if (!exists) throw notFound('charge', id);
  return keyedWork(
    ctx,
    PAYMENT,
    (w, seq) => payWithin(w, id, source, options, seq),
    () => beforeProcessor(ctx),
  );
}
