// Building blocks shared by every transaction service: the transaction row with its defaults,
// per-tenant sequence numbers and row locks.
import type { NewTransaction, TransactionRow } from '../database.ts';
import type { Db } from '../db.ts';
import { forUpdate } from '../db.ts';
import { modeOf, type TenantContext } from '../context.ts';
import { invalid, notFound } from '../errors/domain-error.ts';
import { gatewayRefFor } from '../processor/simulator.ts';
import { randomAlnum } from '../crypto/secrets.ts';
import type { TxContext } from '../work.ts';
import { insertOneReturningAll } from '../bulk.ts';

export function requireAmount(amount: number, field = 'amount'): void {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw invalid('Amount must be a positive whole number of minor units', field);
}

async function bumpSeq(db: Db, ctx: TenantContext, count = 1): Promise<number> {
  const row = await db
    .updateTable('tenants')
    .set((eb) => ({ txn_seq: eb('txn_seq', '+', count) }))
    .where('id', '=', ctx.tenant.id)
    .returning('txn_seq')
    .executeTakeFirstOrThrow();
  // The first of the `count` numbers now taken.
  return Number(row.txn_seq) - count + 1;
}

/**
 * Taken inside the payment's transaction, the per-tenant counter row would stay locked until commit
 * and serialise every payment of the tenant on PostgreSQL. So the number is reserved in its own
 * statement before the transaction opens, on both databases so that the same calls give the same
 * numbers (a call that then fails leaves a gap, which is harmless). Null when the caller already
 * holds a transaction: then it is taken inside it.
 */
export async function reserveSeq(ctx: TenantContext, count = 1): Promise<number | null> {
  return ctx.db.isTransaction ? null : bumpSeq(ctx.db, ctx, count);
}

export async function nextSeq(ctx: TxContext, reserved: number | null | undefined): Promise<number> {
  return reserved ?? bumpSeq(ctx.db, ctx);
}

export async function getTransaction(ctx: TenantContext, id: number): Promise<TransactionRow> {
  const row = await ctx.db.selectFrom('transactions').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('transaction', id);
  return row;
}

export async function lockTransaction(ctx: TxContext, id: number): Promise<TransactionRow> {
  const row = await forUpdate(ctx.db.selectFrom('transactions').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', id), ctx.dialect).executeTakeFirst();
  if (!row) throw notFound('transaction', id);
  return row;
}

export type TransactionFields = Pick<NewTransaction, 'type' | 'status' | 'currency' | 'amount'> &
  Partial<Omit<TransactionRow, 'id' | 'tenant_id' | 'seq' | 'created_at' | 'updated_at' | 'type' | 'status' | 'currency' | 'amount'>>;

const TRANSACTION_DEFAULTS = {
  amount_authorized: 0,
  amount_captured: 0,
  amount_refunded: 0,
  amount_settled: 0,
  payment_method_id: null,
  payment_kind: null,
  customer_id: null,
  parent_id: null,
  settlement_batch_id: null,
  decline_reason: null,
  auth_code: null,
  avs_result: null,
  cvv_result: null,
  order_id: null,
  description: null,
  purpose: null,
  vendor_data: '{}',
  account_id: null,
  authorized_at: null,
  captured_at: null,
  settled_at: null,
  voided_at: null,
  subscription_id: null,
  auth_expires_at: null,
} as const;

/** A new transaction row's values; fields not given take their neutral default (the mode: the context's); `createdAt` dates a charge recorded after the fact. */
export function transactionRow(ctx: TenantContext, seq: number, fields: TransactionFields, now: number, createdAt?: number) {
  return {
    ...TRANSACTION_DEFAULTS,
    ...fields,
    gateway_ref: fields.gateway_ref ?? simulateRef(ctx, seq),
    token: randomAlnum(12),
    mode: fields.mode ?? modeOf(ctx),
    tenant_id: ctx.tenant.id,
    seq,
    // A charge recorded after the fact carries the time it happened (never later than now).
    created_at: createdAt ?? now,
    updated_at: now,
  };
}

/** Inserts a transaction row (see transactionRow); `createdAt` dates a charge recorded after the fact. */
export async function insertTransaction(ctx: TxContext, seq: number, fields: TransactionFields, createdAt?: number): Promise<TransactionRow> {
  return insertOneReturningAll(ctx, 'transactions', transactionRow(ctx, seq, fields, ctx.clock.now(), createdAt));
}

export async function requireCustomer(ctx: TxContext, customerId: number): Promise<void> {
  const customer = await ctx.db.selectFrom('customers').select('id').where('tenant_id', '=', ctx.tenant.id).where('id', '=', customerId).executeTakeFirst();
  if (!customer) throw notFound('customer', customerId);
}

/** A reference for rows the processor never saw (recorded payments, credit memos). */
export function simulateRef(ctx: TenantContext, seq: number): string {
  return gatewayRefFor(ctx.tenant.id, seq);
}
