// What a page of customers shows about money, in a few grouped reads: the total of open invoices,
// whether any is overdue on the tenant's clock, the receivable and credit from the ledger, and what
// the customer has paid (net of refunds); plus each customer's default payment method.
import { sql } from 'kysely';
import type { TenantContext } from '../context.ts';
import { isoDate } from '../clock/clock.ts';
import { Account } from '../ledger/accounts.ts';

export interface CustomerFigures {
  openTotal: number;
  paid: number;
  receivable: number;
  credit: number;
  overdue: boolean;
}

export async function customerFigures(ctx: TenantContext, ids: readonly number[]): Promise<Map<number, CustomerFigures>> {
  const unique = [...new Set(ids)];
  const map = new Map<number, CustomerFigures>(unique.map((id) => [id, { openTotal: 0, paid: 0, receivable: 0, credit: 0, overdue: false }]));
  if (unique.length === 0) return map;
  const today = isoDate(ctx.clock.now());
  const invoices = await ctx.db
    .selectFrom('invoices')
    .select(['customer_id', (eb) => eb.fn.sum<number>('total').as('total'), sql<number>`max(case when balance > 0 and due_date < ${today} then 1 else 0 end)`.as('overdue')])
    .where('tenant_id', '=', ctx.tenant.id)
    .where('customer_id', 'in', unique)
    .where('status', '=', 'open')
    .groupBy('customer_id')
    .execute();
  for (const row of invoices) Object.assign(map.get(Number(row.customer_id)) as CustomerFigures, { openTotal: Number(row.total), overdue: Number(row.overdue) > 0 });
  const ledger = await ctx.db
    .selectFrom('ledger_lines')
    .select(['customer_id', 'account', (eb) => eb.fn.sum<number>('amount').as('total')])
    .where('tenant_id', '=', ctx.tenant.id)
    .where('customer_id', 'in', unique)
    .where('account', 'in', [Account.RECEIVABLE, Account.CUSTOMER_CREDIT])
    .groupBy(['customer_id', 'account'])
    .execute();
  for (const row of ledger) {
    const f = map.get(Number(row.customer_id));
    if (!f) continue;
    if (row.account === Account.RECEIVABLE) f.receivable = Number(row.total);
    else f.credit = -Number(row.total);
  }
  const paid = await ctx.db
    .selectFrom('transactions')
    .select(['customer_id', sql<number>`sum(amount_captured - amount_refunded)`.as('paid')])
    .where('tenant_id', '=', ctx.tenant.id)
    .where('customer_id', 'in', unique)
    .where('type', '=', 'sale')
    .where('status', 'in', ['captured', 'pending', 'settled'])
    .groupBy('customer_id')
    .execute();
  for (const row of paid) {
    const f = map.get(Number(row.customer_id));
    if (f) f.paid = Number(row.paid);
  }
  return map;
}
