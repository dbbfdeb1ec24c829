// Invoices: line items with quantity × unit price, discounts and tax, totals, terms and due dates.
// Issuing posts DR receivable / CR revenue + tax; changing an issued invoice posts the difference;
// voiding takes payments back off and reverses what is left.
import type { InvoiceLineRow, InvoiceRow } from '../../store/schema.ts';
import { isUniqueViolation } from '../../store/tx.ts';
import { forUpdate } from '../../store/locks.ts';
import type { TenantContext } from '../context.ts';
import { addDays, isIsoDate, isoDate } from '../clock/clock.ts';
import { randomAlnum } from '../crypto/secrets.ts';
import { DomainError, ErrorCode, invalid, notFound } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { Account } from '../ledger/accounts.ts';
import { post } from '../ledger/ledger.ts';
import { normalizeCurrency } from '../money/currencies.ts';
import { applyPercent, multiplyQuantity, normalizeDecimalText } from '../money/money.ts';
import { InvoiceState } from './status.ts';
import { unapplyTransaction } from './allocations.ts';
import { cancelScheduledPayments } from './schedules.ts';
import { inWork, type TxContext } from '../work.ts';
import { setRefs, type RefChange } from '../refs/refs.ts';

export interface LineInput {
  itemId?: number | null;
  description?: string | null;
  /** Exact decimal string or integer; default "1". */
  quantity?: string | number;
  unitPrice: number;
  discount?: number;
  /** Percent as an exact decimal string ("8.25"). */
  taxRate?: string | number;
  vendorData?: Record<string, unknown>;
}

export interface InvoiceInput {
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

interface ComputedLine {
  position: number;
  item_id: number | null;
  description: string | null;
  quantity: string;
  unit_price: number;
  discount: number;
  tax_rate: string;
  tax: number;
  amount: number;
  vendor_data: string;
}

function decimalText(value: string | number | undefined, fallback: string, field: string): string {
  if (value === undefined || value === null) return fallback;
  const text = typeof value === 'number' ? String(value) : value;
  try {
    return normalizeDecimalText(text);
  } catch {
    throw invalid(`${field} must be a decimal number`, field);
  }
}

export function computeLines(lines: LineInput[]): { lines: ComputedLine[]; subtotal: number; discount: number; tax: number; total: number } {
  let subtotal = 0;
  let discount = 0;
  let tax = 0;
  const computed = lines.map((line, position) => {
    if (!Number.isSafeInteger(line.unitPrice)) throw invalid('Line price must be an amount', `lines[${position}].unit_price`);
    const quantity = decimalText(line.quantity, '1', `lines[${position}].quantity`);
    const taxRate = decimalText(line.taxRate, '0', `lines[${position}].tax_rate`);
    const gross = multiplyQuantity(line.unitPrice, quantity);
    const lineDiscount = line.discount ?? 0;
    if (!Number.isSafeInteger(lineDiscount) || lineDiscount < 0) throw invalid('Line discount must be a non-negative amount', `lines[${position}].discount`);
    if (lineDiscount > Math.max(0, gross)) throw invalid('Line discount cannot exceed the line amount', `lines[${position}].discount`);
    const amount = gross - lineDiscount;
    const lineTax = applyPercent(amount, taxRate);
    subtotal += gross;
    discount += lineDiscount;
    tax += lineTax;
    return {
      position,
      item_id: line.itemId ?? null,
      description: line.description ?? null,
      quantity,
      unit_price: line.unitPrice,
      discount: lineDiscount,
      tax_rate: taxRate,
      tax: lineTax,
      amount,
      vendor_data: JSON.stringify(line.vendorData ?? {}),
    };
  });
  return { lines: computed, subtotal, discount, tax, total: subtotal - discount + tax };
}

// An invoice without a number of its own is numbered from its id once inserted: unique without a
// count-then-insert race between concurrent creates (numbers increase but may skip).
const numberFromId = (id: number): string => String(10000 + id);

async function postIssue(ctx: TxContext, invoice: InvoiceRow, revenueDelta: number, taxDelta: number, kind: string): Promise<void> {
  await post(ctx, {
    kind,
    refType: 'invoice',
    refId: invoice.id,
    currency: invoice.currency,
    lines: [
      { account: Account.RECEIVABLE, amount: revenueDelta + taxDelta, customerId: invoice.customer_id, invoiceId: invoice.id },
      { account: Account.REVENUE, amount: -revenueDelta, customerId: invoice.customer_id, invoiceId: invoice.id },
      { account: Account.TAX_PAYABLE, amount: -taxDelta, customerId: invoice.customer_id, invoiceId: invoice.id },
    ],
  });
}

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
    const totals = computeLines(input.lines);
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
          subtotal: totals.subtotal,
          discount_total: totals.discount,
          tax_total: totals.tax,
          total: totals.total,
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
      invoice = await ctx.db.updateTable('invoices').set({ number: numberFromId(invoice.id) }).where('id', '=', invoice.id).returningAll().executeTakeFirstOrThrow();
    }
    if (totals.lines.length > 0) {
      await ctx.db.insertInto('invoice_lines').values(totals.lines.map((line) => ({ ...line, tenant_id: ctx.tenant.id, invoice_id: invoice.id }))).execute();
    }
    if (!input.draft) await postIssue(ctx, invoice, totals.subtotal - totals.discount, totals.tax, 'invoice_issued');
    await recordEvent(ctx, 'invoice.created', 'invoice', invoice.id, invoice);
    return invoice;
  });
}

async function lockInvoice(ctx: TxContext, id: number): Promise<InvoiceRow> {
  const invoice = await forUpdate(ctx.db.selectFrom('invoices').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', id), ctx.dialect).executeTakeFirst();
  if (!invoice) throw notFound('invoice', id);
  return invoice;
}

export async function getInvoice(ctx: TenantContext, id: number): Promise<InvoiceRow> {
  const invoice = await ctx.db.selectFrom('invoices').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', id).executeTakeFirst();
  if (!invoice) throw notFound('invoice', id);
  return invoice;
}

export async function invoiceLines(ctx: TenantContext, invoiceIds: number[]): Promise<Map<number, InvoiceLineRow[]>> {
  const map = new Map<number, InvoiceLineRow[]>();
  if (invoiceIds.length === 0) return map;
  const rows = await ctx.db
    .selectFrom('invoice_lines')
    .selectAll()
    .where('tenant_id', '=', ctx.tenant.id)
    .where('invoice_id', 'in', invoiceIds)
    .orderBy('invoice_id')
    .orderBy('position')
    .execute();
  for (const row of rows) {
    const list = map.get(row.invoice_id) ?? [];
    list.push(row);
    map.set(row.invoice_id, list);
  }
  return map;
}

export interface InvoiceUpdate {
  lines?: LineInput[];
  /** A new issue date; the due date follows it by the invoice's terms unless dueDate is given too. */
  issueDate?: string;
  dueDate?: string;
  termsDays?: number;
  notes?: string | null;
  refs?: RefChange[];
  vendorData?: Record<string, unknown>;
}

/** Replaces lines and/or dates. An issued invoice posts the change in totals to the ledger. */
export async function updateInvoice(ctx: TenantContext, id: number, update: InvoiceUpdate): Promise<InvoiceRow> {
  return inWork(ctx, async (ctx) => {
    const invoice = await lockInvoice(ctx, id);
    if (invoice.status === InvoiceState.VOID) throw new DomainError(ErrorCode.ILLEGAL_TRANSITION, 'A void invoice cannot be changed');
    if (update.dueDate !== undefined && !isIsoDate(update.dueDate)) throw invalid('due date must be YYYY-MM-DD', 'due_date');
    const now = ctx.clock.now();
    const changes: Partial<InvoiceRow> = { updated_at: now };
    if (update.notes !== undefined) changes.notes = update.notes;
    if (update.vendorData !== undefined) changes.vendor_data = JSON.stringify(update.vendorData);
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
    if (update.lines) {
      const totals = computeLines(update.lines);
      const settled = invoice.amount_paid + invoice.amount_credited + invoice.amount_written_off;
      if (invoice.status === InvoiceState.OPEN && totals.total < settled) {
        throw new DomainError(ErrorCode.AMOUNT_EXCEEDS_BALANCE, 'The new total is less than what has already been paid', { field: 'line_items' });
      }
      await ctx.db.deleteFrom('invoice_lines').where('invoice_id', '=', id).execute();
      if (totals.lines.length > 0) {
        await ctx.db.insertInto('invoice_lines').values(totals.lines.map((line) => ({ ...line, tenant_id: ctx.tenant.id, invoice_id: id }))).execute();
      }
      Object.assign(changes, { subtotal: totals.subtotal, discount_total: totals.discount, tax_total: totals.tax, total: totals.total });
      if (invoice.status === InvoiceState.OPEN) {
        changes.balance = totals.total - settled;
        changes.paid_at = changes.balance === 0 ? (invoice.paid_at ?? now) : null;
        const revenueDelta = totals.subtotal - totals.discount - (invoice.subtotal - invoice.discount_total);
        await postIssue(ctx, invoice, revenueDelta, totals.tax - invoice.tax_total, 'invoice_adjusted');
      }
    }
    const updated = await ctx.db.updateTable('invoices').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await setRefs(ctx, 'invoice', id, update.refs);
    await recordEvent(ctx, 'invoice.updated', 'invoice', id, updated);
    return updated;
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
    await postIssue(ctx, updated, invoice.subtotal - invoice.discount_total, invoice.tax_total, 'invoice_issued');
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
  return inWork(ctx, async (ctx) => {
    const invoice = await lockInvoice(ctx, id);
    if (invoice.status === InvoiceState.VOID) throw new DomainError(ErrorCode.ILLEGAL_TRANSITION, 'Invoice is already void', { details: { reason: 'already_void' } });
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
      const taxShare = fresh.total === 0 ? 0 : Math.floor((fresh.tax_total * reversible) / fresh.total);
      await postIssue(ctx, fresh, -(reversible - taxShare), -taxShare, 'invoice_voided');
    }
    const now = ctx.clock.now();
    const updated = await ctx.db
      .updateTable('invoices')
      .set({ status: InvoiceState.VOID, balance: 0, voided_at: now, updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordEvent(ctx, 'invoice.voided', 'invoice', id, updated);
    return updated;
  });
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
