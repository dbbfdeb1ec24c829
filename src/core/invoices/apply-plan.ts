// Where a payment goes once it is in: to named invoices (each up to an amount, or what is left of
// it), or spread over the customer's open invoices by a strategy. The named invoices are locked
// and checked first, so a flow decides amounts from rows no concurrent request can change.
import type { InvoiceRow, TransactionRow } from '../database.ts';
import { DomainError, ErrorCode, invalid } from '../errors/domain-error.ts';
import type { TxContext } from '../work.ts';
import { applyWithin, autoApplyWithin, lockInvoice, unappliedAmount, type AutoApplyStrategy } from './allocations.ts';
import { InvoiceState } from './status.ts';

export interface Application {
  invoiceId: number;
  /** Minor units; absent applies what is left, up to the invoice balance. */
  amount?: number;
}

export interface ApplyPlan {
  applyTo?: Application[];
  autoApply?: AutoApplyStrategy;
}

/** Locks and checks the invoices a payment is for (the customer's, open, each amount within its balance). */
export async function lockPlannedInvoices(ctx: TxContext, customerId: number, applications: readonly Application[] | undefined): Promise<InvoiceRow[]> {
  const out: InvoiceRow[] = [];
  // What the request applies to each invoice in all (one invoice may be named twice).
  const planned = new Map<number, number>();
  for (const application of applications ?? []) {
    const invoice = await lockInvoice(ctx, application.invoiceId).catch(() => {
      throw invalid(`Invoice ${application.invoiceId} does not exist`, 'applied_to');
    });
    if (invoice.customer_id !== customerId) throw invalid(`Invoice ${application.invoiceId} belongs to another customer`, 'applied_to');
    if (invoice.status !== InvoiceState.OPEN) throw invalid(`Invoice ${application.invoiceId} is not open`, 'applied_to');
    if (application.amount !== undefined && (!Number.isSafeInteger(application.amount) || application.amount <= 0)) throw invalid('Applied amounts must be positive', 'applied_to');
    const total = (planned.get(invoice.id) ?? 0) + (application.amount ?? 0);
    planned.set(invoice.id, total);
    if (total > invoice.balance) {
      throw new DomainError(ErrorCode.AMOUNT_EXCEEDS_BALANCE, `The amount applied exceeds the balance of invoice ${invoice.id}`, {
        field: 'applied_to',
        details: { reason: 'exceeds_invoice_balance', invoice_id: invoice.id },
      });
    }
    if (!out.some((row) => row.id === invoice.id)) out.push(invoice);
  }
  return out;
}

export async function applyPlan(ctx: TxContext, txn: TransactionRow, plan: ApplyPlan): Promise<void> {
  if (plan.applyTo && plan.applyTo.length > 0) {
    const explicit = plan.applyTo.reduce((sum, a) => sum + (a.amount ?? 0), 0);
    if (explicit > txn.amount) throw new DomainError(ErrorCode.AMOUNT_EXCEEDS_BALANCE, 'The amounts applied exceed the transaction amount', { field: 'applied_to' });
    for (const application of plan.applyTo) {
      const left = await unappliedAmount(ctx, txn);
      if (application.amount === undefined && left <= 0) break;
      const invoice = await lockInvoice(ctx, application.invoiceId);
      const amount = application.amount ?? Math.min(left, invoice.balance);
      if (amount <= 0) continue;
      await applyWithin(ctx, txn, application.invoiceId, amount);
    }
  } else if (plan.autoApply) {
    await autoApplyWithin(ctx, txn, plan.autoApply);
  }
}
