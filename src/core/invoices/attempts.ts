// Payment attempts per invoice: a declined (or unanswered) charge for an invoice is noted against
// it, so doors can show failed attempts and a resolved charge knows which invoices it was for.
import type { TenantContext } from '../context.ts';
import type { TxContext } from '../work.ts';
import { insertRows } from '../bulk.ts';

export type AttemptOutcome = 'declined' | 'unknown';

export async function noteAttempts(ctx: TxContext, invoiceIds: readonly number[], transactionId: number | null, outcome: AttemptOutcome = 'declined'): Promise<void> {
  if (invoiceIds.length === 0) return;
  const now = ctx.clock.now();
  await ctx.db
    .insertInto('payment_attempts')
    .values(invoiceIds.map((invoiceId) => ({ tenant_id: ctx.tenant.id, invoice_id: invoiceId, transaction_id: transactionId, outcome, created_at: now })))
    .execute();
}

/** Attempts on many invoices, each with its own charge (batch work). */
export async function noteAttemptsMany(ctx: TxContext, attempts: readonly { invoiceId: number; transactionId: number | null; outcome: AttemptOutcome }[]): Promise<void> {
  const now = ctx.clock.now();
  await insertRows(
    ctx,
    'payment_attempts',
    attempts.map((a) => ({ tenant_id: ctx.tenant.id, invoice_id: a.invoiceId, transaction_id: a.transactionId, outcome: a.outcome, created_at: now })),
  );
}

/** The invoices a charge with an unknown outcome was meant for. */
export async function attemptedInvoices(ctx: TxContext, transactionId: number): Promise<number[]> {
  const rows = await ctx.db
    .selectFrom('payment_attempts')
    .select('invoice_id')
    .where('tenant_id', '=', ctx.tenant.id)
    .where('transaction_id', '=', transactionId)
    .where('outcome', '=', 'unknown')
    .orderBy('id')
    .execute();
  return rows.map((row) => Number(row.invoice_id));
}

/** Failed payment attempts per invoice. */
export async function declineCounts(ctx: TenantContext, invoiceIds: number[]): Promise<Map<number, number>> {
  const map = new Map<number, number>();
  if (invoiceIds.length === 0) return map;
  const rows = await ctx.db
    .selectFrom('payment_attempts')
    .select(['invoice_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('tenant_id', '=', ctx.tenant.id)
    .where('invoice_id', 'in', invoiceIds)
    .where('outcome', '=', 'declined')
    .groupBy('invoice_id')
    .execute();
  for (const row of rows) map.set(Number(row.invoice_id), Number(row.n));
  return map;
}
