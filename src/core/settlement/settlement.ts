// Settlement: at each daily cut-off on the tenant's clock, every captured card and bank transaction
// from before the cut-off is closed into a batch per currency: status settled, clearing moved to bank.
// Each settled transaction gets a `transaction.settled` event (in its own mode), so a door can tell
// its clients which of their transactions completed. A capture a door submits for settlement at
// once (AffiniPay's immediate capture) is settled in a batch of its own (settleNow).
import type { SettlementBatchRow, TransactionRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { recordEvent } from '../events/events.ts';
import { Account } from '../ledger/accounts.ts';
import { post } from '../ledger/ledger.ts';
import { CLEARING_STATES, TxnStatus, direction, transition } from '../payments/states.ts';
import { inWork, type TxContext } from '../work.ts';
import { forUpdate } from '../db.ts';
import { column, type FieldSet } from '../query/compile.ts';
import type { ListQuery, Page } from '../query/conditions.ts';
import { runList } from '../query/list.ts';

const DAY = 86_400_000;

function cutoffOffsetMs(cutoff: string): number {
  const [h, m] = cutoff.split(':').map(Number);
  return ((h || 0) * 60 + (m || 0)) * 60_000;
}

/** The most recent cut-off instant at or before `now`. */
export function lastCutoff(now: number, cutoff: string): number {
  const offset = cutoffOffsetMs(cutoff);
  return Math.floor((now - offset) / DAY) * DAY + offset;
}

async function closeBatch(ctx: TxContext, cutoffAt: number, currency: string, txns: TransactionRow[]): Promise<SettlementBatchRow> {
  let captured = 0;
  let credited = 0;
  for (const txn of txns) {
    if (direction(txn.type) > 0) captured += txn.amount_captured;
    else credited += txn.amount_captured;
  }
  // Batch numbers are per tenant: the tenant row's lock orders batches closed concurrently.
  await forUpdate(ctx.db.selectFrom('tenants').select('id').where('id', '=', ctx.tenant.id), ctx.dialect).executeTakeFirst();
  const last = await ctx.db
    .selectFrom('settlement_batches')
    .select((eb) => eb.fn.max('batch_number').as('n'))
    .where('tenant_id', '=', ctx.tenant.id)
    .executeTakeFirst();
  const batch = await ctx.db
    .insertInto('settlement_batches')
    .values({
      tenant_id: ctx.tenant.id,
      batch_number: Number(last?.n ?? 0) + 1,
      currency,
      cutoff_at: cutoffAt,
      amount_captured: captured,
      amount_credit: credited,
      net_deposit: captured - credited,
      transaction_count: txns.length,
      created_at: ctx.clock.now(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  for (const txn of txns) {
    const settled = await ctx.db
      .updateTable('transactions')
      .set({ status: TxnStatus.SETTLED, amount_settled: txn.amount_captured, settled_at: cutoffAt, settlement_batch_id: batch.id, updated_at: ctx.clock.now() })
      .where('id', '=', txn.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordEvent(ctx, 'transaction.settled', 'transaction', txn.id, settled, txn.mode);
  }
  await post(ctx, {
    kind: 'settlement',
    refType: 'settlement_batch',
    refId: batch.id,
    currency,
    lines: [
      { account: Account.BANK, amount: captured - credited },
      ...txns.map((txn) => ({ account: Account.PROCESSOR_CLEARING, amount: -direction(txn.type) * txn.amount_captured, transactionId: txn.id })),
    ],
  });
  await recordEvent(ctx, 'settlement_batch.closed', 'settlement_batch', batch.id, batch);
  return batch;
}

/**
 * Closes every cut-off that passed since the last run (one batch per day and currency that had
 * captures), so advancing a test clock by a week settles each day's business into its own batch.
 */
export async function runSettlement(ctx: TenantContext): Promise<SettlementBatchRow[]> {
  const now = ctx.clock.now();
  const latest = lastCutoff(now, ctx.tenant.settlement_cutoff);
  return inWork(ctx, async (ctx) => {
    const tenant = await ctx.db.selectFrom('tenants').select(['last_settlement_at']).where('id', '=', ctx.tenant.id).executeTakeFirstOrThrow();
    if (tenant.last_settlement_at !== null && tenant.last_settlement_at >= latest) return [];
    const pending = await ctx.db
      .selectFrom('transactions')
      .selectAll()
      .where('tenant_id', '=', ctx.tenant.id)
      .where('status', 'in', [...CLEARING_STATES])
      .where('payment_kind', 'in', ['card', 'bank'])
      .where('captured_at', '<', latest)
      .orderBy('captured_at')
      .orderBy('id')
      .execute();
    const groups = new Map<string, TransactionRow[]>();
    for (const txn of pending) {
      const cutoffAt = lastCutoff(Number(txn.captured_at), ctx.tenant.settlement_cutoff) + DAY;
      const key = `${cutoffAt}|${txn.currency}`;
      const list = groups.get(key) ?? [];
      list.push(txn);
      groups.set(key, list);
    }
    const batches: SettlementBatchRow[] = [];
    for (const [key, txns] of groups) {
      const [cutoffAt, currency] = key.split('|');
      batches.push(await closeBatch(ctx, Number(cutoffAt), currency, txns));
    }
    await ctx.db.updateTable('tenants').set({ last_settlement_at: latest }).where('id', '=', ctx.tenant.id).execute();
    return batches;
  });
}

/**
 * Submits one captured transaction for settlement now, inside the caller's transaction: it is
 * settled in a batch of its own (AffiniPay's immediate capture completes the charge at once).
 */
export async function settleNow(ctx: TxContext, txn: TransactionRow): Promise<TransactionRow> {
  transition('settle', txn.status);
  await closeBatch(ctx, ctx.clock.now(), txn.currency, [txn]);
  return ctx.db.selectFrom('transactions').selectAll().where('id', '=', txn.id).executeTakeFirstOrThrow();
}

export async function listBatches(ctx: TenantContext): Promise<SettlementBatchRow[]> {
  return ctx.db.selectFrom('settlement_batches').selectAll().where('tenant_id', '=', ctx.tenant.id).orderBy('batch_number').execute();
}

export const BATCH_FIELDS: FieldSet = {
  table: 'settlement_batches',
  objectType: 'settlement_batch',
  fields: {
    id: column('settlement_batches', 'id', 'number'),
    batch_number: column('settlement_batches', 'batch_number', 'number'),
    currency: column('settlement_batches', 'currency', 'text_ci'),
    cutoff_at: column('settlement_batches', 'cutoff_at', 'number'),
    created_at: column('settlement_batches', 'created_at', 'number'),
  },
};

/** Batches over the filter language. */
export async function searchBatches(ctx: TenantContext, query: ListQuery): Promise<Page<SettlementBatchRow>> {
  const base = ctx.db.selectFrom('settlement_batches').selectAll().where('settlement_batches.tenant_id', '=', ctx.tenant.id);
  return runList(ctx, BATCH_FIELDS, base, query, { field: 'id', direction: query.tieBreak ?? 'asc' });
}
