// Settlement: at each daily cut-off on the tenant's clock (HH:MM in its time zone), every captured card and bank transaction
// from before the cut-off is closed into a batch per currency: status settled, clearing moved to bank.
// Each settled transaction gets a `transaction.settled` event (in its own mode), so a door can tell
// its clients which of their transactions completed. A capture a door submits for settlement at
// once (AffiniPay's immediate capture) is settled in a batch of its own (settleNow).
import type { SettlementBatchRow, TransactionRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { recordEvent, recordEvents } from '../events/events.ts';
import { Account } from '../ledger/accounts.ts';
import { postMany } from '../ledger/ledger.ts';
import { CLEARING_STATES, TxnStatus, direction, transition } from '../payments/states.ts';
import { inWork, type TxContext } from '../work.ts';
import { forUpdate } from '../db.ts';
import { chunks } from '../bulk.ts';
import { lastDailyAt, nextDailyAfter } from '../clock/zone.ts';
import { zoneOf } from '../clock/tenant-time.ts';
import { column, type FieldSet } from '../query/compile.ts';
import type { ListQuery, Page } from '../query/conditions.ts';
import { runList } from '../query/list.ts';

/** The most recent cut-off instant at or before `now` (HH:MM in the zone, UTC by default). */
export function lastCutoff(now: number, cutoff: string, zone = 'UTC'): number {
  return lastDailyAt(now, cutoff, zone);
}

/** The cut-off a capture at `at` settles in: the first one strictly after it. */
export function cutoffAfter(at: number, cutoff: string, zone = 'UTC'): number {
  return nextDailyAfter(at, cutoff, zone);
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
  // One statement per few thousand transactions: a day of renewals settles in one batch.
  const updatedAt = ctx.clock.now();
  for (const part of chunks(txns.map((txn) => txn.id))) {
    await ctx.db
      .updateTable('transactions')
      .set((eb) => ({ status: TxnStatus.SETTLED, amount_settled: eb.ref('amount_captured'), settled_at: cutoffAt, settlement_batch_id: batch.id, updated_at: updatedAt }))
      .where('id', 'in', part)
      .execute();
  }
  // Each settled transaction's event carries the row as the update left it (in the transaction's own mode).
  await recordEvents(
    ctx,
    txns.map((txn) => ({
      type: 'transaction.settled',
      objectType: 'transaction',
      objectId: txn.id,
      snapshot: { ...txn, status: TxnStatus.SETTLED, amount_settled: txn.amount_captured, settled_at: cutoffAt, settlement_batch_id: batch.id, updated_at: updatedAt },
      mode: txn.mode,
    })),
  );
  // A day's batch can hold more lines than one statement takes: postMany splits them.
  await postMany(ctx, [
    {
      kind: 'settlement',
      refType: 'settlement_batch',
      refId: batch.id,
      currency,
      lines: [
        { account: Account.BANK, amount: captured - credited },
        ...txns.map((txn) => ({ account: Account.PROCESSOR_CLEARING, amount: -direction(txn.type) * txn.amount_captured, transactionId: txn.id })),
      ],
    },
  ]);
  await recordEvent(ctx, 'settlement_batch.closed', 'settlement_batch', batch.id, batch);
  return batch;
}

/**
 * Closes every cut-off that passed since the last run (one batch per day and currency that had
 * captures), so advancing a test clock by a week settles each day's business into its own batch.
 */
export async function runSettlement(ctx: TenantContext): Promise<SettlementBatchRow[]> {
  const latest = lastCutoff(ctx.clock.now(), ctx.tenant.settlement_cutoff, zoneOf(ctx));
  return settleThrough(ctx, latest, { onlyIfNew: true });
}

/**
 * Closes the captures made before `cutoffAt` into batches at their own cut-offs (the due-work
 * runner calls it at each cut-off). The tenant row is locked, so two runners close a day once.
 */
export async function settleThrough(ctx: TenantContext, cutoffAt: number, options: { onlyIfNew?: boolean } = {}): Promise<SettlementBatchRow[]> {
  const zone = zoneOf(ctx);
  return inWork(ctx, async (ctx) => {
    const tenant = await forUpdate(ctx.db.selectFrom('tenants').select(['last_settlement_at']).where('id', '=', ctx.tenant.id), ctx.dialect).executeTakeFirstOrThrow();
    if (options.onlyIfNew && tenant.last_settlement_at !== null && tenant.last_settlement_at >= cutoffAt) return [];
    const pending = await ctx.db
      .selectFrom('transactions')
      .selectAll()
      .where('tenant_id', '=', ctx.tenant.id)
      .where('status', 'in', [...CLEARING_STATES])
      .where('payment_kind', 'in', ['card', 'bank'])
      .where('captured_at', '<', cutoffAt)
      .orderBy('captured_at')
      .orderBy('id')
      .execute();
    const groups = new Map<string, TransactionRow[]>();
    for (const txn of pending) {
      const at = cutoffAfter(Number(txn.captured_at), ctx.tenant.settlement_cutoff, zone);
      const key = `${at}|${txn.currency}`;
      const list = groups.get(key) ?? [];
      list.push(txn);
      groups.set(key, list);
    }
    const batches: SettlementBatchRow[] = [];
    for (const [key, txns] of groups) {
      const [at, currency] = key.split('|');
      batches.push(await closeBatch(ctx, Number(at), currency, txns));
    }
    if (tenant.last_settlement_at === null || tenant.last_settlement_at < cutoffAt) await ctx.db.updateTable('tenants').set({ last_settlement_at: cutoffAt }).where('id', '=', ctx.tenant.id).execute();
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

/** The next cut-off with captures waiting for it (null: nothing to settle). */
export async function nextSettlementDue(ctx: TenantContext): Promise<number | null> {
  const row = await ctx.db
    .selectFrom('transactions')
    .select((eb) => eb.fn.min('captured_at').as('at'))
    .where('tenant_id', '=', ctx.tenant.id)
    .where('status', 'in', [...CLEARING_STATES])
    .where('payment_kind', 'in', ['card', 'bank'])
    .executeTakeFirst();
  if (row?.at === null || row?.at === undefined) return null;
  return cutoffAfter(Number(row.at), ctx.tenant.settlement_cutoff, zoneOf(ctx));
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
