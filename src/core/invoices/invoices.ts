// Invoices: line items, invoice-level tax and adjustments, terms and due dates; the arithmetic
// itself is in totals.ts. Issuing posts DR receivable / CR revenue (net subtotal + adjustments) and
// tax payable (line and invoice-level tax); changing an issued invoice posts the difference;
// voiding takes payments back off and reverses what is left.
import type { InvoiceLineRow, InvoiceRow } from '../database.ts';
import { isUniqueViolation } from '../db.ts';
import { forUpdate } from '../db.ts';
import type { TenantContext } from '../context.ts';
import { addDays, isIsoDate, isoDate } from '../clock/clock.ts';
import { randomAlnum } from '../crypto/secrets.ts';
import { DomainError, ErrorCode, invalid, notFound } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { Account } from '../ledger/accounts.ts';
import { post } from '../ledger/ledger.ts';
import { normalizeCurrency } from '../money/currencies.ts';
import { mergeVendorData } from '../vendor-data.ts';
import { InvoiceState } from './status.ts';
import { unapplyTransaction } from './allocations.ts';
import { cancelScheduledPayments } from './schedules.ts';
import { computeLines, computeTotals, revenueOf, taxShareOf, type AdjustmentInput, type InvoiceCharges, type LineInput } from './totals.ts';
import { postIssue, refigure, totalsColumns } from './figures.ts';
import { inWork, type TxContext } from '../work.ts';
import { setRefs, type RefChange } from '../refs/refs.ts';

export type { LineInput } from './totals.ts';

export interface InvoiceInput extends InvoiceCharges {
  customerId: number;
  currency?: string;
  lines: LineInput[];
  number?: string | null;
  refs?: RefChange[];
  issueDate?: string | null;
  termsDays?: number | null;
  dueDate?: string | null;
  notes?: string | null;
  /** Drafts post nothing to the ledger until issued. */
  draft?: boolean;
  vendorData?: Record<string, unknown>;
}

// An invoice without a number of its own is numbered from its id once inserted: unique without a
// count-then-insert race between concurrent creates (numbers increase but may skip).
export const numberFromId = (id: number): string => String(10000 + id);

export async function createInvoice(ctx: TenantContext, input: InvoiceInput): Promise<InvoiceRow> {
  return inWork(ctx, async (ctx) => {
    const customer = await ctx.db
      .selectFrom('customers')
      .select(['id', 'currency'])
      .where('tenant_id', '=', ctx.tenant.id)
      .where('id', '=', input.customerId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!customer) throw notFound('customer', input.customerId);
    const currency = normalizeCurrency(input.currency ?? customer.currency);
    if (!currency) throw invalid(`Unknown currency ${String(input.currency)}`, 'currency');
    if (input.issueDate && !isIsoDate(input.issueDate)) throw invalid('issue date must be YYYY-MM-DD', 'date');
    if (input.dueDate && !isIsoDate(input.dueDate)) throw invalid('due date must be YYYY-MM-DD', 'due_date');
    const termsDays = input.termsDays ?? 0;
    if (!Number.isInteger(termsDays) || termsDays < 0) throw invalid('terms must be a whole number of days', 'terms');
    const issueDate = input.issueDate ?? isoDate(ctx.clock.now());
    const lines = computeLines(input.lines);
    const totals = computeTotals(lines, input);
    const now = ctx.clock.now();
    let invoice: InvoiceRow;
    try {
      invoice = await ctx.db
        .insertInto('invoices')
        .values({
          tenant_id: ctx.tenant.id,
          customer_id: customer.id,
          number: input.number ?? `pending-${randomAlnum(16)}`,
          token: randomAlnum(12),
          status: input.draft ? InvoiceState.DRAFT : InvoiceState.OPEN,
          currency,
          issue_date: issueDate,
          due_date: input.dueDate ?? addDays(issueDate, termsDays),
          terms_days: termsDays,
          ...totalsColumns(totals),
          amount_paid: 0,
          amount_credited: 0,
          amount_written_off: 0,
          balance: input.draft ? 0 : totals.total,
          notes: input.notes ?? null,
          vendor_data: JSON.stringify(input.vendorData ?? {}),
          created_at: now,
          updated_at: now,
          issued_at: input.draft ? null : now,
          paid_at: null,
          voided_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError(ErrorCode.CONFLICT, 'An invoice with that number already exists', { field: 'number' });
      throw error;
    }
    await setRefs(ctx, 'invoice', invoice.id, input.refs);
    if (!input.number) {
      invoice = await ctx.db
        .updateTable('invoices')
        .set({ number: numberFromId(invoice.id) })
        .where('id', '=', invoice.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    if (lines.length > 0) {
      await ctx.db
        .insertInto('invoice_lines')
        .values(lines.map((line) => ({ ...line, tenant_id: ctx.tenant.id, invoice_id: invoice.id })))
        .execute();
    }
    if (!input.draft) await postIssue(ctx, invoice, revenueOf(invoice), invoice.tax_total, 'invoice_issued');
    await recordEvent(ctx, 'invoice.created', 'invoice', invoice.id, invoice);
    return invoice;
  });
}

async function lockInvoice(ctx: TxContext, id: number): Promise<InvoiceRow> {
  const invoice = await forUpdate(ctx.db.selectFrom('invoices').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', id), ctx.dialect).executeTakeFirst();
  if (!invoice || invoice.status === InvoiceState.DELETED) throw notFound('invoice', id);
  return invoice;
}

export async function getInvoice(ctx: TenantContext, id: number): Promise<InvoiceRow> {
  const invoice = await ctx.db.selectFrom('invoices').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', id).where('status', '!=', InvoiceState.DELETED).executeTakeFirst();
  if (!invoice) throw notFound('invoice', id);
  return invoice;
}

export async function invoiceLines(ctx: TenantContext, invoiceIds: number[]): Promise<Map<number, InvoiceLineRow[]>> {
  const map = new Map<number, InvoiceLineRow[]>();
  if (invoiceIds.length === 0) return map;
  const rows = await ctx.db.selectFrom('invoice_lines').selectAll().where('tenant_id', '=', ctx.tenant.id).where('invoice_id', 'in', invoiceIds).orderBy('invoice_id').orderBy('position').execute();
  for (const row of rows) {
    const list = map.get(row.invoice_id) ?? [];
    list.push(row);
    map.set(row.invoice_id, list);
  }
  return map;
}

export interface InvoiceUpdate {
  lines?: LineInput[];
  /** A new invoice-level tax percent; the lines' amounts are kept unless `lines` is given too. */
  taxPercent?: string | number;
  /** Replaces the invoice-level adjustments (all of them; [] removes them). */
  adjustments?: AdjustmentInput[];
  /** A new issue date; the due date follows it by the invoice's terms unless dueDate is given too. */
  issueDate?: string;
  dueDate?: string;
  termsDays?: number;
  notes?: string | null;
  refs?: RefChange[];
  /** The calling door's own fields, merged into its namespace of vendor_data; other doors' namespaces are kept. */
  vendorData?: { vendor: string; fields: Record<string, unknown> };
  /** Issue the draft once changed, in the same transaction (a door's "draft: false"). */
  issue?: boolean;
}

/** Replaces lines, invoice-level charges and/or dates. An issued invoice posts the change in totals to the ledger. */
export async function updateInvoice(ctx: TenantContext, id: number, update: InvoiceUpdate): Promise<InvoiceRow> {
  return inWork(ctx, async (ctx) => {
    const invoice = await lockInvoice(ctx, id);
    if (invoice.status === InvoiceState.VOID) throw new DomainError(ErrorCode.ILLEGAL_TRANSITION, 'A void invoice cannot be changed');
    if (update.dueDate !== undefined && !isIsoDate(update.dueDate)) throw invalid('due date must be YYYY-MM-DD', 'due_date');
    const now = ctx.clock.now();
    const changes: Partial<InvoiceRow> = { updated_at: now };
    if (update.notes !== undefined) changes.notes = update.notes;
    if (update.vendorData !== undefined) changes.vendor_data = mergeVendorData(invoice.vendor_data, update.vendorData.vendor, update.vendorData.fields);
    if (update.issueDate !== undefined && !isIsoDate(update.issueDate)) throw invalid('issue date must be YYYY-MM-DD', 'date');
    if (update.issueDate !== undefined) {
      changes.issue_date = update.issueDate;
      changes.due_date = addDays(update.issueDate, update.termsDays ?? invoice.terms_days);
    }
    if (update.termsDays !== undefined) {
      changes.terms_days = update.termsDays;
      changes.due_date = addDays(update.issueDate ?? invoice.issue_date, update.termsDays);
    }
    if (update.dueDate !== undefined) changes.due_date = update.dueDate;
    if (update.lines || update.taxPercent !== undefined || update.adjustments !== undefined) await refigure(ctx, invoice, update, changes);
    const updated = await ctx.db.updateTable('invoices').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await setRefs(ctx, 'invoice', id, update.refs);
    await recordEvent(ctx, 'invoice.updated', 'invoice', id, updated);
    return update.issue && updated.status === InvoiceState.DRAFT ? issueInvoice(ctx, id) : updated;
  });
}

/** Issues a draft: it becomes open and its total goes to the ledger. */
export async function issueInvoice(ctx: TenantContext, id: number): Promise<InvoiceRow> {
  return inWork(ctx, async (ctx) => {
    const invoice = await lockInvoice(ctx, id);
    if (invoice.status !== InvoiceState.DRAFT) throw new DomainError(ErrorCode.ILLEGAL_TRANSITION, 'Only a draft can be issued');
    const now = ctx.clock.now();
    const updated = await ctx.db
      .updateTable('invoices')
      .set({ status: InvoiceState.OPEN, balance: invoice.total, issued_at: now, updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await postIssue(ctx, updated, revenueOf(invoice), invoice.tax_total, 'invoice_issued');
    await recordEvent(ctx, 'invoice.issued', 'invoice', id, updated);
    return updated;
  });
}

/** Voids an invoice: payments applied to it return to the customer's credit; receivable goes to zero. */
export interface VoidOptions {
  /** Refuse (reason has_payments) instead of returning applied payments to the customer's credit. */
  refuseIfPaid?: boolean;
}

export async function voidInvoice(ctx: TenantContext, id: number, options: VoidOptions = {}): Promise<InvoiceRow> {
  return inWork(ctx, async (ctx) => closeInvoice(ctx, id, InvoiceState.VOID, options));
}

/**
 * Deletes an invoice with nothing applied to it (ChargeOver's DELETE /invoice): like a void, its
 * scheduled payments are cancelled and what it posted is reversed, and then no read finds it. The
 * rows stay for the ledger's history. A void invoice may be deleted too.
 */
export async function deleteInvoice(ctx: TenantContext, id: number): Promise<InvoiceRow> {
  return inWork(ctx, async (ctx) => closeInvoice(ctx, id, InvoiceState.DELETED, { refuseIfPaid: true }));
}

async function closeInvoice(ctx: TxContext, id: number, state: typeof InvoiceState.VOID | typeof InvoiceState.DELETED, options: VoidOptions): Promise<InvoiceRow> {
  const invoice = await lockInvoice(ctx, id);
  if (invoice.status === InvoiceState.VOID && state === InvoiceState.VOID) throw new DomainError(ErrorCode.ILLEGAL_TRANSITION, 'Invoice is already void', { details: { reason: 'already_void' } });
  if (options.refuseIfPaid && invoice.amount_paid + invoice.amount_credited > 0) {
    throw new DomainError(ErrorCode.ILLEGAL_TRANSITION, 'The invoice has payments or credits applied: unapply or refund them first', { details: { reason: 'has_payments' } });
  }
  await cancelScheduledPayments(ctx, id, 'voided');
  if (invoice.status === InvoiceState.OPEN) {
    const allocations = await ctx.db
      .selectFrom('allocations')
      .select(['transaction_id', (eb) => eb.fn.sum<number>('amount').as('total')])
      .where('invoice_id', '=', id)
      .groupBy('transaction_id')
      .execute();
    for (const allocation of allocations) {
      if (Number(allocation.total) <= 0 || allocation.transaction_id === null) continue;
      const txn = await ctx.db.selectFrom('transactions').selectAll().where('id', '=', allocation.transaction_id).executeTakeFirstOrThrow();
      await unapplyTransaction(ctx, txn, Number.MAX_SAFE_INTEGER, id);
    }
    const fresh = await lockInvoice(ctx, id);
    // Whatever was written off stays written off; the rest of the issuance is reversed, with
    // tax in proportion (integer arithmetic, rounded down).
    const reversible = fresh.balance;
    const taxShare = taxShareOf(fresh.tax_total, fresh.total, reversible);
    await postIssue(ctx, fresh, -(reversible - taxShare), -taxShare, 'invoice_voided');
  }
  const now = ctx.clock.now();
  const updated = await ctx.db
    .updateTable('invoices')
    .set({ status: state, balance: 0, voided_at: invoice.voided_at ?? now, updated_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordEvent(ctx, state === InvoiceState.VOID ? 'invoice.voided' : 'invoice.deleted', 'invoice', id, updated);
  return updated;
}

/** Writes off what is left of an open invoice's balance (bad debt). */
export async function writeOffInvoice(ctx: TenantContext, id: number, amount?: number): Promise<InvoiceRow> {
  return inWork(ctx, async (ctx) => {
    const invoice = await lockInvoice(ctx, id);
    if (invoice.status !== InvoiceState.OPEN) throw new DomainError(ErrorCode.ILLEGAL_TRANSITION, 'Only an open invoice can be written off');
    const value = amount ?? invoice.balance;
    if (!Number.isSafeInteger(value) || value <= 0) throw invalid('Nothing to write off', 'amount');
    if (value > invoice.balance) throw new DomainError(ErrorCode.AMOUNT_EXCEEDS_BALANCE, 'Amount exceeds the invoice balance', { field: 'amount' });
    await post(ctx, {
      kind: 'write_off',
      refType: 'invoice',
      refId: id,
      currency: invoice.currency,
      lines: [
        { account: Account.BAD_DEBT, amount: value, customerId: invoice.customer_id, invoiceId: id },
        { account: Account.RECEIVABLE, amount: -value, customerId: invoice.customer_id, invoiceId: id },
      ],
    });
    const now = ctx.clock.now();
    const balance = invoice.balance - value;
    const updated = await ctx.db
      .updateTable('invoices')
      .set({ amount_written_off: invoice.amount_written_off + value, balance, paid_at: balance === 0 ? now : null, updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordEvent(ctx, 'invoice.written_off', 'invoice', id, updated);
    return updated;
  });
}
