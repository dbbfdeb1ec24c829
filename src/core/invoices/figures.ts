// An invoice's computed figures as stored columns, and their ledger side: issuing posts
// DR receivable / CR revenue (net subtotal + adjustments) and CR tax payable (line and
// invoice-level tax); a change to an issued invoice's figures posts only the difference, so the
// receivable always equals what the core total says.
import type { InvoiceRow } from '../database.ts';
import { DomainError, ErrorCode } from '../errors/domain-error.ts';
import { Account } from '../ledger/accounts.ts';
import { post, type LedgerPosting } from '../ledger/ledger.ts';
import { InvoiceState } from './status.ts';
import { computeLines, computeTotals, revenueOf, type Adjustment, type InvoiceCharges, type InvoiceTotals, type LineAmounts, type LineInput } from './totals.ts';
import type { TxContext } from '../work.ts';

/** The invoice columns that hold its computed figures. */
export function totalsColumns(totals: InvoiceTotals) {
  return {
    subtotal: totals.subtotal,
    discount_total: totals.discountTotal,
    tax_total: totals.taxTotal,
    total: totals.total,
    tax_percent: totals.taxPercent,
    invoice_tax: totals.invoiceTax,
    adjustment_total: totals.adjustmentTotal,
    adjustments: JSON.stringify(totals.adjustments),
  };
}

/** What issuing (or changing) an invoice posts: receivable against revenue and tax payable. */
export function issuePosting(invoice: Pick<InvoiceRow, 'id' | 'customer_id' | 'currency'>, revenueDelta: number, taxDelta: number, kind: string): LedgerPosting {
  return {
    kind,
    refType: 'invoice',
    refId: invoice.id,
    currency: invoice.currency,
    lines: [
      { account: Account.RECEIVABLE, amount: revenueDelta + taxDelta, customerId: invoice.customer_id, invoiceId: invoice.id },
      { account: Account.REVENUE, amount: -revenueDelta, customerId: invoice.customer_id, invoiceId: invoice.id },
      { account: Account.TAX_PAYABLE, amount: -taxDelta, customerId: invoice.customer_id, invoiceId: invoice.id },
    ],
  };
}

export async function postIssue(ctx: TxContext, invoice: InvoiceRow, revenueDelta: number, taxDelta: number, kind: string): Promise<void> {
  await post(ctx, issuePosting(invoice, revenueDelta, taxDelta, kind));
}

async function storedLineAmounts(ctx: TxContext, invoiceId: number): Promise<LineAmounts[]> {
  return ctx.db.selectFrom('invoice_lines').select(['amount', 'discount', 'tax']).where('tenant_id', '=', ctx.tenant.id).where('invoice_id', '=', invoiceId).execute();
}

/**
 * New lines and/or invoice-level charges on a locked invoice: what is not given is kept (stored
 * lines, tax percent, adjustments), the figures are recomputed, the lines replaced, and an issued
 * invoice posts the difference. The column changes are added to `changes` for the caller's update.
 */
export async function refigure(ctx: TxContext, invoice: InvoiceRow, update: InvoiceCharges & { lines?: LineInput[] }, changes: Partial<InvoiceRow>): Promise<void> {
  const lines = update.lines ? computeLines(update.lines) : undefined;
  const totals = computeTotals(lines ?? (await storedLineAmounts(ctx, invoice.id)), {
    taxPercent: update.taxPercent ?? invoice.tax_percent,
    adjustments: update.adjustments ?? (JSON.parse(invoice.adjustments) as Adjustment[]),
  });
  const settled = invoice.amount_paid + invoice.amount_credited + invoice.amount_written_off;
  if (invoice.status === InvoiceState.OPEN && totals.total < settled) {
    throw new DomainError(ErrorCode.AMOUNT_EXCEEDS_BALANCE, 'The new total is less than what has already been paid', { field: 'line_items' });
  }
  if (lines) {
    await ctx.db.deleteFrom('invoice_lines').where('invoice_id', '=', invoice.id).execute();
    if (lines.length > 0) {
      await ctx.db
        .insertInto('invoice_lines')
        .values(lines.map((line) => ({ ...line, tenant_id: ctx.tenant.id, invoice_id: invoice.id })))
        .execute();
    }
  }
  const columns = totalsColumns(totals);
  Object.assign(changes, columns);
  if (invoice.status === InvoiceState.OPEN) {
    changes.balance = totals.total - settled;
    changes.paid_at = changes.balance === 0 ? (invoice.paid_at ?? ctx.clock.now()) : null;
    await postIssue(ctx, invoice, revenueOf(columns) - revenueOf(invoice), totals.taxTotal - invoice.tax_total, 'invoice_adjusted');
  }
}
