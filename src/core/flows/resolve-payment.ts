// Resolve a payment whose processor answer was lost (`unknown`): ask the processor (inquire), move
// the transaction to what really happened, and, when it was taken to pay invoices, apply it to them
// now. One use-case, one transaction; the due-work run calls it for every unresolved payment.
import type { TransactionRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { keyedWork } from '../idempotency/keyed.ts';
import { applyPlan } from '../invoices/apply-plan.ts';
import { attemptedInvoices } from '../invoices/attempts.ts';
import { InvoiceState } from '../invoices/status.ts';
import { transactionOperation } from '../payments/operations.ts';
import { resolveWithin } from '../payments/payments.ts';
import { TxnStatus } from '../payments/states.ts';

const RESOLVE = transactionOperation('resolve_payment');

export async function resolvePayment(ctx: TenantContext, id: number): Promise<TransactionRow> {
  return keyedWork(ctx, RESOLVE, async (ctx) => {
    const resolved = await resolveWithin(ctx, id);
    if (resolved.status !== TxnStatus.CAPTURED) return resolved;
    const invoiceIds = await attemptedInvoices(ctx, id);
    const open =
      invoiceIds.length === 0
        ? []
        : await ctx.db
            .selectFrom('invoices')
            .select(['id'])
            .where('tenant_id', '=', ctx.tenant.id)
            .where('id', 'in', invoiceIds)
            .where('status', '=', InvoiceState.OPEN)
            .where('balance', '>', 0)
            .execute();
    if (open.length > 0) await applyPlan(ctx, resolved, { applyTo: open.map((row) => ({ invoiceId: row.id })) });
    return ctx.db.selectFrom('transactions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  });
}

/** Every payment of the tenant still waiting for its answer, oldest first. */
export async function unresolvedPayments(ctx: TenantContext): Promise<number[]> {
  const rows = await ctx.db.selectFrom('transactions').select('id').where('tenant_id', '=', ctx.tenant.id).where('status', '=', TxnStatus.UNKNOWN).orderBy('id').execute();
  return rows.map((row) => row.id);
}
