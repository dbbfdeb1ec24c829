// Charges recorded after the fact: a charge another system made (an import, a mirror of a gateway
// Bursar does not reach), stated by its outcome — paid (with the part refunded), failed, authorized,
// voided, pending, or money asked for and not paid — and correctable later. No processor is called.
// The ledger follows the record: what it says was received, less what it says was refunded, is
// cash held for the customer (like any recorded payment), re-posted whenever a correction changes
// it, in the same transaction. Charges the processor made can be annotated, not restated.
import type { TransactionRow } from '../database.ts';
import { forUpdate } from '../db.ts';
import type { TenantContext } from '../context.ts';
import { DomainError, ErrorCode, invalid, notFound } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { unapplyTransaction } from '../invoices/allocations.ts';
import { Account } from '../ledger/accounts.ts';
import { post } from '../ledger/ledger.ts';
import { normalizeCurrency } from '../money/currencies.ts';
import { setRefs, type RefChange } from '../refs/refs.ts';
import { mergeVendorData } from '../vendor-data.ts';
import type { TxContext } from '../work.ts';
import { reverseLedger } from './payments.ts';
import { insertTransaction, nextSeq } from './rows.ts';
import { PROCESSED_KINDS, TxnStatus, TxnType } from './states.ts';

export const RECORD_OUTCOMES = ['paid', 'failed', 'authorized', 'voided', 'pending', 'requested'] as const;
export type RecordOutcome = (typeof RECORD_OUTCOMES)[number];

/** How a recorded charge's money arrived (not through the processor). */
export const RECORDED_KIND = 'other';

export interface RecordedChargeFields {
  customerId?: number | null;
  /** Minor units, ≥ 0 (a zero charge records a free trial period). */
  amount?: number;
  currency?: string;
  outcome?: RecordOutcome;
  /** Minor units of the amount refunded (paid outcomes only; at most the amount). */
  refunded?: number;
  /** When the charge happened (epoch ms, not after now); the record's time in every list. */
  occurredAt?: number;
  description?: string | null;
  vendor?: string;
  vendorData?: Record<string, unknown>;
  refs?: RefChange[];
}

const STATUS_OF: Record<RecordOutcome, TxnStatus> = {
  paid: TxnStatus.SETTLED,
  failed: TxnStatus.DECLINED,
  authorized: TxnStatus.AUTHORIZED,
  voided: TxnStatus.VOIDED,
  pending: TxnStatus.PENDING,
  requested: TxnStatus.REQUESTED,
};

/** A charge the processor made (or a payment request it will take): its money cannot be restated. */
export function isProcessed(txn: Pick<TransactionRow, 'payment_kind' | 'status'>): boolean {
  return PROCESSED_KINDS.has(txn.payment_kind ?? '') || (txn.payment_kind === null && txn.status === TxnStatus.REQUESTED);
}

function checkFields(ctx: TenantContext, fields: RecordedChargeFields): void {
  if (fields.amount !== undefined && (!Number.isSafeInteger(fields.amount) || fields.amount < 0)) throw invalid('Amount must be zero or more minor units', 'amount');
  if (fields.refunded !== undefined && (!Number.isSafeInteger(fields.refunded) || fields.refunded < 0)) throw invalid('The refunded amount must be zero or more minor units', 'amount_refunded');
  if (fields.currency !== undefined && !normalizeCurrency(fields.currency)) throw invalid(`Unknown currency ${fields.currency}`, 'currency');
  if (fields.outcome !== undefined && !RECORD_OUTCOMES.includes(fields.outcome)) throw invalid(`Unknown outcome ${String(fields.outcome)}`, 'status');
  if (fields.occurredAt !== undefined && (!Number.isSafeInteger(fields.occurredAt) || fields.occurredAt > ctx.clock.now())) throw invalid('A charge cannot have occurred in the future', 'occurred');
}

/** The transaction columns a record's state gives. */
function columnsOf(amount: number, outcome: RecordOutcome, refunded: number, at: number): Partial<TransactionRow> {
  if (outcome === 'paid' && refunded > amount) throw invalid('The refunded amount cannot be more than the amount', 'amount_refunded');
  const paid = outcome === 'paid';
  return {
    status: STATUS_OF[outcome],
    amount,
    amount_authorized: paid || outcome === 'authorized' ? amount : 0,
    amount_captured: paid ? amount : 0,
    amount_settled: paid ? amount : 0,
    amount_refunded: paid ? refunded : 0,
    decline_reason: outcome === 'failed' ? 'declined' : null,
    authorized_at: paid || outcome === 'authorized' ? at : null,
    captured_at: paid ? at : null,
    settled_at: paid ? at : null,
    voided_at: outcome === 'voided' ? at : null,
  };
}

/** The record's outcome as stored. */
export function outcomeOf(txn: TransactionRow): RecordOutcome {
  const entry = (Object.entries(STATUS_OF) as Array<[RecordOutcome, string]>).find(([, status]) => status === txn.status);
  return entry ? entry[0] : txn.status === TxnStatus.CAPTURED ? 'paid' : 'failed';
}

async function refundedByChildren(ctx: TxContext, id: number): Promise<number> {
  const row = await ctx.db
    .selectFrom('transactions')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount_captured'), eb.lit(0)).as('total'))
    .where('tenant_id', '=', ctx.tenant.id)
    .where('parent_id', '=', id)
    .where('type', '=', TxnType.REFUND)
    .where('status', '!=', TxnStatus.VOIDED)
    .executeTakeFirst();
  return Number(row?.total ?? 0);
}

/** Cash held for the customer by this record: received less refunded (refund rows carry their own). */
async function netOf(ctx: TxContext, txn: TransactionRow): Promise<number> {
  if (txn.status !== TxnStatus.SETTLED) return 0;
  return txn.amount_captured - (txn.amount_refunded - (await refundedByChildren(ctx, txn.id)));
}

/** Re-posts the record's money when a correction changed what it holds, for whom, or in what currency. */
async function followLedger(ctx: TxContext, before: TransactionRow | null, after: TransactionRow): Promise<void> {
  const net = await netOf(ctx, after);
  if (before) {
    const was = await netOf(ctx, before);
    if (was === net && before.customer_id === after.customer_id && before.currency === after.currency) return;
    // What this record paid onto invoices comes back to the customer first, then its money is restated.
    await unapplyTransaction(ctx, before, Number.MAX_SAFE_INTEGER);
    await reverseLedger(ctx, before, 'record_correction');
  }
  await post(ctx, {
    kind: 'recorded_charge',
    refType: 'transaction',
    refId: after.id,
    currency: after.currency,
    lines: [
      { account: Account.CASH, amount: net, transactionId: after.id },
      { account: Account.CUSTOMER_CREDIT, amount: -net, customerId: after.customer_id, transactionId: after.id },
    ],
  });
}

async function insertRecord(ctx: TxContext, fields: RecordedChargeFields, reservedSeq: number | null | undefined): Promise<TransactionRow> {
  if (fields.amount === undefined) throw invalid('amount is required', 'amount');
  const currency = normalizeCurrency(fields.currency ?? '');
  if (!currency) throw invalid('currency is required', 'currency');
  const outcome = fields.outcome ?? 'paid';
  const at = fields.occurredAt ?? ctx.clock.now();
  if (fields.customerId !== undefined && fields.customerId !== null) {
    const customer = await ctx.db.selectFrom('customers').select('id').where('tenant_id', '=', ctx.tenant.id).where('id', '=', fields.customerId).executeTakeFirst();
    if (!customer) throw notFound('customer', fields.customerId);
  }
  const seq = await nextSeq(ctx, reservedSeq);
  const row = await insertTransaction(
    ctx,
    seq,
    {
      type: TxnType.SALE,
      currency,
      payment_kind: RECORDED_KIND,
      customer_id: fields.customerId ?? null,
      description: fields.description ?? null,
      vendor_data: fields.vendor && fields.vendorData ? mergeVendorData('{}', fields.vendor, fields.vendorData) : '{}',
      ...columnsOf(fields.amount, outcome, fields.refunded ?? 0, at),
      status: STATUS_OF[outcome],
      amount: fields.amount,
    },
    at,
  );
  await setRefs(ctx, 'transaction', row.id, fields.refs);
  await followLedger(ctx, null, row);
  await recordEvent(ctx, 'transaction.record_created', 'transaction', row.id, { before: null, after: row });
  return row;
}

export async function lockCharge(ctx: TxContext, id: number): Promise<TransactionRow> {
  const row = await forUpdate(ctx.db.selectFrom('transactions').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', id), ctx.dialect).executeTakeFirst();
  if (!row || (row.type !== TxnType.SALE && row.type !== TxnType.AUTHORIZE)) throw notFound('charge', id);
  return row;
}

const notARecord = () =>
  new DomainError(ErrorCode.ILLEGAL_TRANSITION, 'A charge made through the payment gateway cannot be restated, only described', { field: 'status', details: { reason: 'not_recorded' } });

/** Applies a correction to a charge inside the caller's transaction; returns it as it now is. */
export async function correctWithin(ctx: TxContext, id: number, fields: RecordedChargeFields): Promise<TransactionRow> {
  checkFields(ctx, fields);
  const before = await lockCharge(ctx, id);
  const outcome = fields.outcome ?? outcomeOf(before);
  const amount = fields.amount ?? before.amount;
  // A record now paid in full keeps its refunded part unless the correction says otherwise.
  const refunded = fields.refunded ?? (outcome === 'paid' ? (outcomeOf(before) === 'paid' ? Math.min(before.amount_refunded, amount) : 0) : 0);
  const currency = fields.currency !== undefined ? (normalizeCurrency(fields.currency) as string) : before.currency;
  const customerId = fields.customerId !== undefined ? fields.customerId : before.customer_id;
  const at = fields.occurredAt ?? before.created_at;
  const moneyChanged =
    outcome !== outcomeOf(before) ||
    amount !== before.amount ||
    currency !== before.currency ||
    customerId !== before.customer_id ||
    at !== before.created_at ||
    (outcome === 'paid' && refunded !== before.amount_refunded);
  const set: Partial<TransactionRow> = { updated_at: ctx.clock.now() };
  if (moneyChanged) {
    if (isProcessed(before)) throw notARecord();
    Object.assign(set, columnsOf(amount, outcome, refunded, at), { currency, customer_id: customerId, created_at: at });
  }
  if (fields.description !== undefined) set.description = fields.description;
  if (fields.vendor && fields.vendorData) set.vendor_data = mergeVendorData(before.vendor_data, fields.vendor, fields.vendorData);
  const after = await ctx.db.updateTable('transactions').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  await setRefs(ctx, 'transaction', id, fields.refs);
  if (moneyChanged) await followLedger(ctx, before, after);
  await recordEvent(ctx, 'transaction.record_updated', 'transaction', id, { before, after });
  return after;
}

export interface RecordOptions {
  /** When the reference of this kind names an existing charge, correct that one instead (a duplicate becomes an update). */
  upsertOn?: { vendor: string; kind: string };
}

/** Records a charge (or, with `upsertOn`, corrects the one its reference names) inside the caller's transaction. */
export async function recordChargeWithin(ctx: TxContext, fields: RecordedChargeFields, options: RecordOptions, reservedSeq?: number | null): Promise<{ charge: TransactionRow; created: boolean }> {
  checkFields(ctx, fields);
  const upsert = options.upsertOn;
  const value = upsert ? fields.refs?.find((r) => r.vendor === upsert.vendor && r.kind === upsert.kind)?.value : undefined;
  if (upsert && value) {
    const existing = await ctx.db
      .selectFrom('external_refs')
      .select('object_id')
      .where('tenant_id', '=', ctx.tenant.id)
      .where('vendor', '=', upsert.vendor)
      .where('object_type', '=', 'transaction')
      .where('kind', '=', upsert.kind)
      .where('value', '=', value)
      .executeTakeFirst();
    if (existing) return { charge: await correctWithin(ctx, Number(existing.object_id), fields), created: false };
  }
  return { charge: await insertRecord(ctx, fields, reservedSeq), created: true };
}

export interface WithdrawResult {
  before: TransactionRow;
  after: TransactionRow;
}

/**
 * Takes a charge off the books of the door that asks: a record's money is reversed and the record
 * voided; a charge the processor made keeps its money (history) and only carries the door's mark.
 */
export async function withdrawWithin(ctx: TxContext, id: number, mark: { vendor: string; fields: Record<string, unknown> }): Promise<WithdrawResult> {
  const before = await lockCharge(ctx, id);
  const set: Partial<TransactionRow> = { updated_at: ctx.clock.now(), vendor_data: mergeVendorData(before.vendor_data, mark.vendor, mark.fields) };
  const record = !isProcessed(before);
  if (record && before.status !== TxnStatus.VOIDED) Object.assign(set, { status: TxnStatus.VOIDED, voided_at: ctx.clock.now() });
  const after = await ctx.db.updateTable('transactions').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  if (record && before.status === TxnStatus.SETTLED) {
    await unapplyTransaction(ctx, before, Number.MAX_SAFE_INTEGER);
    await reverseLedger(ctx, before, 'record_withdrawn');
  }
  await recordEvent(ctx, 'transaction.withdrawn', 'transaction', id, { before, after });
  return { before, after };
}

/** Refunds part (or the rest) of a recorded paid charge: the record's refunded amount grows, within what remains. */
export async function refundRecordWithin(ctx: TxContext, id: number, amount?: number): Promise<TransactionRow> {
  const before = await lockCharge(ctx, id);
  if (isProcessed(before)) throw notARecord();
  if (before.status !== TxnStatus.SETTLED) throw new DomainError(ErrorCode.ILLEGAL_TRANSITION, 'Only paid charges can be refunded', { details: { reason: 'not_captured' } });
  const remaining = before.amount_captured - before.amount_refunded;
  if (remaining <= 0) throw new DomainError(ErrorCode.ILLEGAL_TRANSITION, 'Transaction is already fully refunded', { details: { reason: 'fully_refunded' } });
  const take = amount ?? remaining;
  if (!Number.isSafeInteger(take) || take <= 0) throw invalid('Amount must be a positive whole number of minor units', 'amount');
  if (take > remaining) throw new DomainError(ErrorCode.AMOUNT_EXCEEDS_REFUNDABLE, 'Amount of refund exceeds remaining transaction balance', { field: 'amount' });
  return correctWithin(ctx, id, { refunded: before.amount_refunded + take, outcome: 'paid' });
}
