// Building blocks shared by every transaction service: the transaction row with its defaults,
// per-tenant sequence numbers, row locks, and at-most-once execution per idempotency key.
import type { NewTransaction, TransactionRow } from '../../store/schema.ts';
import { isUniqueViolation, type Db, type Tx } from '../../store/tx.ts';
import { forUpdate } from '../../store/locks.ts';
import type { TenantContext } from '../context.ts';
import { DomainError, ErrorCode, invalid, notFound } from '../errors/domain-error.ts';
import { simulate } from '../processor/simulator.ts';
import { IllegalReason } from './states.ts';

export function illegal(reason: IllegalReason, message: string): DomainError {
  return new DomainError(ErrorCode.ILLEGAL_TRANSITION, message, { details: { reason } });
}

export function requireAmount(amount: number, field = 'amount'): void {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw invalid('Amount must be a positive whole number of minor units', field);
}

async function bumpSeq(db: Db, ctx: TenantContext): Promise<number> {
  const row = await db
    .updateTable('tenants')
    .set((eb) => ({ txn_seq: eb('txn_seq', '+', 1) }))
    .where('id', '=', ctx.tenant.id)
    .returning('txn_seq')
    .executeTakeFirstOrThrow();
  return Number(row.txn_seq);
}

/**
 * Taken inside the payment's transaction, the per-tenant counter row would stay locked until commit
 * and serialise every payment of the tenant on PostgreSQL. So the number is reserved in its own
 * statement before the transaction opens, on both databases so that the same calls give the same
 * numbers (a call that then fails leaves a gap, which is harmless). Null when the caller already
 * holds a transaction: then it is taken inside it.
 */
export async function reserveSeq(ctx: TenantContext): Promise<number | null> {
  return ctx.db.isTransaction ? null : bumpSeq(ctx.db, ctx);
}

export async function nextSeq(tx: Tx, ctx: TenantContext, reserved: number | null): Promise<number> {
  return reserved ?? bumpSeq(tx, ctx);
}


export async function getTransaction(ctx: TenantContext, id: number): Promise<TransactionRow> {
  const row = await ctx.db.selectFrom('transactions').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('transaction', id);
  return row;
}

export async function lockTransaction(tx: Tx, ctx: TenantContext, id: number): Promise<TransactionRow> {
  const row = await forUpdate(tx.selectFrom('transactions').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', id), ctx.dialect).executeTakeFirst();
  if (!row) throw notFound('transaction', id);
  return row;
}

type TransactionFields = Pick<NewTransaction, 'type' | 'status' | 'currency' | 'amount'> &
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
  idempotency_key: null,
  vendor_data: '{}',
  authorized_at: null,
  captured_at: null,
  settled_at: null,
  voided_at: null,
} as const;

/** Inserts a transaction row; fields not given take their neutral default. */
export async function insertTransaction(tx: Tx, ctx: TenantContext, seq: number, fields: TransactionFields): Promise<TransactionRow> {
  const now = ctx.clock.now();
  return tx
    .insertInto('transactions')
    .values({
      ...TRANSACTION_DEFAULTS,
      ...fields,
      gateway_ref: fields.gateway_ref ?? simulateRef(ctx, seq),
      tenant_id: ctx.tenant.id,
      seq,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

async function findByIdempotencyKey(ctx: TenantContext, key: string): Promise<TransactionRow | undefined> {
  return ctx.db.selectFrom('transactions').selectAll().where('tenant_id', '=', ctx.tenant.id).where('idempotency_key', '=', key).executeTakeFirst();
}

/**
 * Runs a money-moving operation at most once per idempotency key. A key already used returns the
 * first result; a key used for a different operation is refused. The unique index on
 * (tenant, idempotency_key) settles races: the loser of a race reads the winner's row.
 */
export async function once<T>(
  ctx: TenantContext,
  key: string | null | undefined,
  expect: { type: string; parentId?: number },
  replay: (row: TransactionRow) => Promise<T> | T,
  run: () => Promise<T>,
): Promise<T> {
  if (!key) return run();
  const earlier = async (): Promise<T | undefined> => {
    const row = await findByIdempotencyKey(ctx, key);
    if (!row) return undefined;
    if (row.type !== expect.type || (expect.parentId !== undefined && row.parent_id !== expect.parentId)) {
      throw new DomainError(ErrorCode.CONFLICT, 'This idempotency key was already used for a different operation', { field: 'idempotency_key' });
    }
    return replay(row);
  };
  const before = await earlier();
  if (before !== undefined) return before;
  try {
    return await run();
  } catch (error) {
    if (isUniqueViolation(error)) {
      const after = await earlier();
      if (after !== undefined) return after;
    }
    throw error;
  }
}

export async function requireCustomer(tx: Tx, ctx: TenantContext, customerId: number): Promise<void> {
  const customer = await tx.selectFrom('customers').select('id').where('tenant_id', '=', ctx.tenant.id).where('id', '=', customerId).executeTakeFirst();
  if (!customer) throw notFound('customer', customerId);
}

export function simulateRef(ctx: TenantContext, seq: number): string {
  return simulate({
    tenantId: ctx.tenant.id,
    seq,
    operation: 'credit',
    amount: 0,
    currency: 'USD',
    instrument: { kind: 'bank', routingNumber: '000000000', accountNumber: '0000' },
    now: 0,
    faults: {},
  }).gatewayRef;
}
