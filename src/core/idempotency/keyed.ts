// Runs a business write under the request's idempotency claim: the record of the key is the
// transaction's first write, so a concurrent duplicate waits on its unique index and then reads the
// committed result; a retry after a crash finds it too. A request refused before anything is
// written leaves no record (its transaction rolled back), so a corrected retry goes through.
import { inTransaction, isUniqueViolation } from '../db.ts';
import type { IdempotencyRecord } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { DomainError, ErrorCode } from '../errors/domain-error.ts';
import type { TxContext } from '../work.ts';
import type { KeyedOperation } from './claim.ts';
import { findRecord, insertRecord, storeResult } from './records.ts';

/** The key was used by a write whose result this call cannot rebuild; the HTTP layer answers with the stored response. */
export class KeyAlreadyUsedError extends Error {
  readonly recordId: number;
  constructor(recordId: number) {
    super('A request with this idempotency key was already processed');
    this.recordId = recordId;
  }
}

/** Operation names of records that carry no result the core can load. */
export const GENERIC_WRITE = 'write';
export const ANSWER_ONLY = 'response';

async function replay<T>(ctx: TenantContext, op: KeyedOperation<T> | null, row: IdempotencyRecord): Promise<T> {
  const claim = ctx.idempotency!;
  if (row.fingerprint !== claim.fingerprint) {
    throw new DomainError(ErrorCode.IDEMPOTENCY_MISMATCH, 'This idempotency key was already used with a different request', { field: 'idempotency_key' });
  }
  if (op && row.operation === op.name && row.result_type !== null && row.result_id !== null) {
    const result = await op.load(ctx, { type: row.result_type, id: row.result_id });
    claim.replayed = true;
    return result;
  }
  if (op && row.operation !== op.name && row.operation !== GENERIC_WRITE && row.operation !== ANSWER_ONLY) {
    throw new DomainError(ErrorCode.CONFLICT, 'This idempotency key was already used for a different operation', { field: 'idempotency_key' });
  }
  throw new KeyAlreadyUsedError(row.id);
}

/**
 * Opens the business transaction for fn. With an unrecorded claim in the context, the key is
 * recorded first, inside it; `prepare` runs before the transaction opens (simulated latency,
 * sequence numbers), and only when the write will really run.
 */
export async function keyedWork<T, P = undefined>(
  ctx: TenantContext,
  op: KeyedOperation<T> | null,
  fn: (ctx: TxContext, prepared: P | undefined) => Promise<T>,
  prepare?: () => Promise<P>,
): Promise<T> {
  const claim = ctx.idempotency;
  if (ctx.db.isTransaction) return fn(ctx as TxContext, undefined);
  if (!claim || claim.recorded) {
    const prepared = prepare ? await prepare() : undefined;
    return inTransaction(ctx.db, (tx) => fn({ ...ctx, db: tx }, prepared));
  }
  const earlier = await findRecord(ctx.db, claim);
  if (earlier) return replay(ctx, op, earlier);
  const prepared = prepare ? await prepare() : undefined;
  try {
    const result = await inTransaction(ctx.db, async (tx) => {
      const recordId = await insertRecord(tx, claim, { tenantId: ctx.tenant.id, operation: op?.name ?? GENERIC_WRITE });
      const value = await fn({ ...ctx, db: tx }, prepared);
      if (op) await storeResult(tx, recordId, op.ref(value));
      return value;
    });
    claim.recorded = true;
    return result;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const winner = await findRecord(ctx.db, claim);
    if (!winner) throw error;
    return replay(ctx, op, winner);
  }
}
