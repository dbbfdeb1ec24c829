import type { InvoiceRow } from '../database.ts';
import { daysBetween } from '../clock/clock.ts';

/**
 * Stored states; paid, partially paid and overdue are derived from the balance and the clock. A
 * deleted invoice (ChargeOver's DELETE) keeps its rows for the ledger's history and is found by no
 * read.
 */
export const InvoiceState = { DRAFT: 'draft', OPEN: 'open', VOID: 'void', DELETED: 'deleted' } as const;

export type InvoiceStatus = 'draft' | 'open' | 'paid' | 'partially_paid' | 'overdue' | 'void';

export function invoiceStatus(invoice: InvoiceRow, today: string): InvoiceStatus {
  if (invoice.status === InvoiceState.DRAFT) return 'draft';
  if (invoice.status === InvoiceState.VOID) return 'void';
  if (invoice.balance <= 0) return 'paid';
  if (daysOverdue(invoice, today) > 0) return 'overdue';
  return invoice.balance < invoice.total ? 'partially_paid' : 'open';
}

export function daysOverdue(invoice: InvoiceRow, today: string): number {
  if (invoice.status !== InvoiceState.OPEN || invoice.balance <= 0) return 0;
  return Math.max(0, daysBetween(invoice.due_date, today));
}
