// Compose and revise an invoice with what travels with it, each in one transaction: its lines and
// dates, documents attached to it (files a client uploaded), messages sent about it (kept as
// documents, their e-mails in the outbox), and whether it is issued or voided. Quick Bill creates
// an invoice with its attachments and messages in one request, and patches any of them in one.
import type { InvoiceRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { setAttachedDocuments, storeDocument, type DocumentInput } from '../documents/documents.ts';
import { DomainError, ErrorCode } from '../errors/domain-error.ts';
import { createInvoice, issueInvoice, updateInvoice, voidInvoice, type InvoiceUpdate, type LineInput } from '../invoices/invoices.ts';
import { InvoiceState } from '../invoices/status.ts';
import { queueEmail, type EmailInput } from '../outbox/outbox.ts';
import { forUpdate } from '../db.ts';
import { notFound } from '../errors/domain-error.ts';
import { inWork, type TxContext } from '../work.ts';

/** A message about the invoice: its record (a document attached to the invoice) and the e-mails it sends. */
export interface InvoiceMessage {
  record: Omit<DocumentInput, 'object'>;
  emails: EmailInput[];
}

export interface InvoiceExtras {
  /** The documents of this kind attached to the invoice, exactly (new ones attached, the others removed). */
  attachments?: { kind: string; ids: number[] };
  messages?: InvoiceMessage[];
}

export interface ComposeInvoiceInput extends InvoiceExtras {
  customerId: number;
  currency: string;
  issueDate: string;
  dueDate?: string;
  lines: LineInput[];
  vendorData?: { vendor: string; fields: Record<string, unknown> };
  /** Issue it (post it to the ledger) rather than keep it a draft. */
  issue: boolean;
}

async function extras(ctx: TxContext, invoice: InvoiceRow, input: InvoiceExtras): Promise<void> {
  if (input.attachments) await setAttachedDocuments(ctx, input.attachments.kind, { type: 'invoice', id: invoice.id }, input.attachments.ids);
  for (const message of input.messages ?? []) {
    await storeDocument(ctx, { ...message.record, object: { type: 'invoice', id: invoice.id } });
    for (const email of message.emails) await queueEmail(ctx, email);
  }
}

export async function composeInvoice(ctx: TenantContext, input: ComposeInvoiceInput): Promise<InvoiceRow> {
  return inWork(ctx, async (ctx) => {
    const draft = await createInvoice(ctx, {
      customerId: input.customerId,
      currency: input.currency,
      lines: input.lines,
      issueDate: input.issueDate,
      dueDate: input.dueDate,
      draft: true,
      vendorData: input.vendorData ? { [input.vendorData.vendor]: input.vendorData.fields } : {},
    });
    await extras(ctx, draft, input);
    return input.issue ? issueInvoice(ctx, draft.id) : draft;
  });
}

export interface ReviseInvoiceInput extends InvoiceExtras {
  update?: InvoiceUpdate;
  /** Issue a draft (a message was sent about it); an issued invoice stays as it is. */
  issue?: boolean;
  /** Void it (refused with reason has_payments when anything is applied to it). */
  void?: boolean;
  /** Refuse (reason invoice_paid) to change an invoice whose balance is paid, or a void one (reason invoice_void). */
  onlyUnpaid?: boolean;
}

export async function reviseInvoice(ctx: TenantContext, id: number, input: ReviseInvoiceInput): Promise<InvoiceRow> {
  return inWork(ctx, async (ctx) => {
    const current = await forUpdate(ctx.db.selectFrom('invoices').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', id), ctx.dialect).executeTakeFirst();
    if (!current) throw notFound('invoice', id);
    if (input.onlyUnpaid && current.status === InvoiceState.VOID) throw new DomainError(ErrorCode.ILLEGAL_TRANSITION, 'A void invoice cannot be changed', { details: { reason: 'invoice_void' } });
    if (input.onlyUnpaid && current.status === InvoiceState.OPEN && current.balance <= 0) {
      throw new DomainError(ErrorCode.ILLEGAL_TRANSITION, 'A paid invoice cannot be changed', { details: { reason: 'invoice_paid' } });
    }
    let invoice = input.update ? await updateInvoice(ctx, id, input.update) : current;
    await extras(ctx, invoice, input);
    if (input.issue && invoice.status === InvoiceState.DRAFT) invoice = await issueInvoice(ctx, id);
    if (input.void) invoice = await voidInvoice(ctx, id, { refuseIfPaid: true });
    return invoice;
  });
}
