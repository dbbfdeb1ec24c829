// POST /settlement/batch/search (spec §2 #22, §3.10, §4.9): batches closed by the core at the
// merchant's cut-off on the tenant clock. results are paged; summary aggregates every matched batch
// by day and processor. The core batches per currency, not per processor, so every batch reports
// the merchant's card processor (tsys_sierra "main mid"), ACH included.
import type { FastifyInstance } from 'fastify';
import type { Condition } from '../../core/query/conditions.ts';
import { searchBatches } from '../../core/settlement/settlement.ts';
import type { SettlementBatchRow } from '../../core/database.ts';
import { tenantOf } from '../../http/auth.ts';
import { decodeId, encodeId } from './ids.ts';
import { dateRange, idMatch, paging, rangeMatch, stringCriterion } from './search.ts';
import { merchantId, processorsOf } from './transaction-wire.ts';
import { bodyOf } from './wire.ts';

/** Whole-second RFC 3339, as the batch sample shows. */
const batchTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export async function settlementRoutes(app: FastifyInstance): Promise<void> {
  app.post('/settlement/batch/search', async (request) => {
    const ctx = tenantOf(request);
    const body = bodyOf(request);
    const page = paging(body, { maxOffset: 1000 });
    const where: Condition[] = [];
    const range = dateRange(body, 'batch_date');
    if (range) where.push(rangeMatch('cutoff_at', range));
    const byId = stringCriterion(body, 'settlement_batch_id', 'settlement_batch_id', ['=']);
    if (byId) where.push(idMatch('id', decodeId('batch', byId.value)?.id ?? null, '='));
    const newestFirst = { where, order: [{ field: 'cutoff_at', direction: 'desc' as const }], tieBreak: 'desc' as const };
    const { rows, total } = await searchBatches(ctx, { ...newestFirst, ...page, total: true });
    // The summary covers every matched batch, not just this page.
    const all: SettlementBatchRow[] = (total ?? 0) > rows.length ? (await searchBatches(ctx, { ...newestFirst, offset: 0, limit: total ?? 0 })).rows : rows;
    const merchant = merchantId(ctx.tenant);
    const processor = processorsOf(ctx.tenant).card;
    const days = new Map<string, { num_transactions: number; captured: number; credit: number }>();
    for (const batch of [...all].sort((a, b) => a.cutoff_at - b.cutoff_at)) {
      const day = batchTime(batch.cutoff_at).slice(0, 10);
      const sum = days.get(day) ?? { num_transactions: 0, captured: 0, credit: 0 };
      sum.num_transactions += batch.transaction_count;
      sum.captured += batch.amount_captured;
      sum.credit += batch.amount_credit;
      days.set(day, sum);
    }
    const summary = [...days].map(([day, sum]) => ({ merchant_id: merchant, batch_date: day, processor_id: processor.id, processor_name: processor.name, ...sum }));
    const results = rows.map((batch) => ({
      id: encodeId('batch', batch.id, batch.created_at),
      merchant_id: merchant,
      batch_date: batchTime(batch.cutoff_at),
      processor_id: processor.id,
      processor_name: processor.name,
      processor_type: processor.type,
      batch_number: batch.batch_number,
      num_transactions: batch.transaction_count,
      amount_captured: batch.amount_captured,
      amount_credit: batch.amount_credit,
      net_deposit: batch.net_deposit,
      response_code: 100,
      response_message: ' ACCEPT',
    }));
    return { status: 'success', msg: 'success', data: { summary, results }, total_count: total ?? 0 };
  });
}
