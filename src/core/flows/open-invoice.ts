// Open an invoice in one transaction: the customer it bills (given, or the core's recipient
// customer for free-form bill-to details), the invoice, its lines (which may carry ids a door
// derives from the invoice's own id, as FluidPay's item ids are) and invoice-level charges, then
// issue it so its total is posted once.
import type { InvoiceRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { createInvoice, issueInvoice, updateInvoice } from '../invoices/invoices.ts';
import { recipientCustomer, type RecipientInput } from '../invoices/recipients.ts';
import type { InvoiceCharges, LineInput } from '../invoices/totals.ts';
import { inWork } from '../work.ts';

export interface OpenInvoiceInput {
  billTo: { customerId: number } | { recipient: RecipientInput };
  currency: string;
  dueDate?: string;
  charges?: InvoiceCharges;
  /** The lines (and the door's own fields) once the invoice exists and has its id. */
  lines: (invoice: InvoiceRow) => { lines: LineInput[]; vendorData?: { vendor: string; fields: Record<string, unknown> } };
}

export async function openInvoice(ctx: TenantContext, input: OpenInvoiceInput): Promise<InvoiceRow> {
  return inWork(ctx, async (ctx) => {
    const customerId = 'customerId' in input.billTo ? input.billTo.customerId : await recipientCustomer(ctx, input.billTo.recipient);
    const draft = await createInvoice(ctx, { customerId, currency: input.currency, lines: [], dueDate: input.dueDate, draft: true });
    const { lines, vendorData } = input.lines(draft);
    await updateInvoice(ctx, draft.id, { lines, ...input.charges, vendorData });
    return issueInvoice(ctx, draft.id);
  });
}
