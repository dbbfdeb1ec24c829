// Quick Bill payments (spec §2.E #63, §3.E): money a contact paid the merchant (a charge: inbound)
// or the merchant sent a contact (a credit: outbound) — the core's payments of a customer, whichever
// door took them, with the invoices they were applied to. Read only; search by dates, q and qf.
import type { FastifyRequest } from 'fastify';
import type { TenantContext } from '../../../core/context.ts';
import type { PaymentMethodRow, TransactionRow } from '../../../core/database.ts';
import { customersByIds } from '../../../core/customers/queries.ts';
import { applicationsOf, listTransactions, unappliedAmounts } from '../../../core/payments/queries.ts';
import { invoicesByIds } from '../../../core/invoices/queries.ts';
import { paymentMethodsByIds } from '../../../core/vault/queries.ts';
import type { Condition } from '../../../core/query/conditions.ts';
import { parseVendorData } from '../../../core/vendor-data.ts';
import { tenantOf } from '../../../http/auth.ts';
import { cardType } from '../accounts.ts';
import { encodeXid } from '../ids.ts';
import { VENDOR } from '../methods.ts';
import { failureCode, transactionId } from '../transactions.ts';
import { messageFor } from '../errors.ts';
import { readInstant, type Body } from '../wire.ts';
import { bankAccount, bankAccountId } from './bank-accounts.ts';
import { sparseContact } from './contacts.ts';
import { sparseInvoice } from './invoices.ts';
import { auditTrace, orgId, qbOrder, qbPage, qbResults, qfConditions, type QbField } from './wire.ts';

const TYPES = ['sale', 'authorize', 'credit'];

const PAYMENT_TYPES: Record<string, string> = { card: 'credit_card', bank: 'bank_account', cash: 'cash', check: 'check' };

function paymentStatus(row: TransactionRow): string {
  switch (row.status) {
    case 'settled':
      return 'completed';
    case 'authorized':
    case 'captured':
      return 'authorized';
    case 'pending':
    case 'unknown':
      return 'pending';
    case 'voided':
      return 'voided';
    case 'error':
      return 'submission_failed';
    default:
      return 'transaction_failed';
  }
}

export const paymentXid = (row: Pick<TransactionRow, 'id' | 'created_at'>): string => encodeXid('pmt_', 'transaction', row.id, row.created_at);

async function render(ctx: TenantContext, rows: readonly TransactionRow[]): Promise<Record<string, unknown>[]> {
  const owner = orgId(ctx.tenant);
  const [customers, methods, applied, unapplied] = await Promise.all([
    customersByIds(
      ctx,
      rows.flatMap((r) => (r.customer_id === null ? [] : [r.customer_id])),
      { includeDeleted: true },
    ),
    paymentMethodsByIds(
      ctx,
      rows.flatMap((r) => (r.payment_method_id === null ? [] : [r.payment_method_id])),
    ),
    applicationsOf(
      ctx,
      rows.map((r) => r.id),
    ),
    unappliedAmounts(ctx, rows),
  ]);
  const invoices = await invoicesByIds(ctx, [...new Set([...applied.values()].flat().map((a) => a.invoiceId))]);
  return rows.map((row) => {
    const customer = customers.find((c) => c.id === row.customer_id);
    const method: PaymentMethodRow | undefined = row.payment_method_id === null ? undefined : methods.get(row.payment_method_id);
    const applications = applied.get(row.id) ?? [];
    const onInvoices = invoices.filter((i) => applications.some((a) => a.invoiceId === i.id));
    const bankIndex = Number((parseVendorData(onInvoices[0]?.vendor_data)[VENDOR] ?? {}).bank_account ?? 1);
    const bank = bankAccount(bankIndex);
    const amount = row.amount_captured || row.amount;
    const out: Record<string, unknown> = {
      id: paymentXid(row),
      type: 'payment',
      created: auditTrace('ANONYMOUS', row.created_at),
      modified: auditTrace('ANONYMOUS', row.updated_at),
      amount,
      unallocated_amount: Math.max(0, unapplied.get(row.id) ?? 0),
      payment_type: PAYMENT_TYPES[row.payment_kind ?? ''] ?? 'other',
      contact_id: customer ? sparseContact(customer, owner).id : null,
      ...(customer ? { contact: sparseContact(customer, owner) } : {}),
      owner_id: owner,
      currency: row.currency,
      bank_account_id: bankAccountId(ctx.tenant, bank.index),
      bank_name: bank.name,
      bank_account: bank.account_id,
      bank_account_type: bank.type,
      status: paymentStatus(row),
      test_mode: row.mode !== 'live',
      invoices: onInvoices.map(sparseInvoice),
      direction: row.type === 'credit' ? 'outbound' : 'inbound',
    };
    if (row.payment_kind === 'card' || row.payment_kind === 'bank') out.transaction_id = transactionId(row);
    if (method?.kind === 'card') Object.assign(out, { card_type: cardType(method.brand), last4_digits: method.last4 });
    if (row.order_id) out.reference = row.order_id;
    if (out.status === 'transaction_failed' || out.status === 'submission_failed') out.failure_message = messageFor(failureCode(row) ?? 'card_declined');
    return out;
  });
}

const FIELDS: Record<string, QbField> = {
  status: {
    build: (_op, value) => {
      const words: Record<string, string[]> = {
        completed: ['settled'],
        authorized: ['authorized', 'captured'],
        pending: ['pending', 'unknown'],
        voided: ['voided'],
        transaction_failed: ['declined'],
        submission_failed: ['error'],
      };
      return { field: 'status', op: 'in', value: words[value] ?? ['none'] };
    },
  },
  direction: { build: (_op, value) => ({ field: 'type', op: 'in', value: value === 'outbound' ? ['credit'] : value === 'inbound' ? ['sale', 'authorize'] : ['none'] }) },
  payment_type: {
    build: (_op, value) => {
      const kind = Object.entries(PAYMENT_TYPES).find(([, word]) => word === value)?.[0];
      return { field: 'payment_kind', op: 'eq', value: kind ?? value };
    },
  },
  amount: { field: 'amount', kind: 'number' },
  currency: { field: 'currency', kind: 'exact' },
  reference: { field: 'order_id', kind: 'text' },
  'created.timestamp': { field: 'created_at', kind: 'time' },
  'modified.timestamp': { field: 'created_at', kind: 'time' },
};

export async function searchPayments(request: FastifyRequest): Promise<unknown> {
  const ctx = tenantOf(request);
  const query = request.query as Body;
  const page = qbPage(query);
  const where: Condition[] = [{ field: 'customer_id', op: 'not_null' }, { field: 'mode', op: 'in', value: ['test', 'live'] }, ...qfConditions(query.qf, FIELDS)];
  // The doc says dates do not combine with q and qf; here every filter applies (spec §6 #95).
  const start = readInstant(query.start_date, 'start_date');
  const end = readInstant(query.end_date, 'end_date');
  if (start !== undefined) where.push({ field: 'created_at', op: 'gt', value: start });
  if (end !== undefined) where.push({ field: 'created_at', op: 'lt', value: end });
  const q = typeof query.q === 'string' ? query.q.trim() : '';
  if (q)
    where.push({
      any: [
        { field: 'order_id', op: 'contains', value: q },
        { field: 'method.holder_name', op: 'contains', value: q },
        { field: 'method.last4', op: 'contains', value: q },
      ],
    });
  const order = qbOrder(query.order_by, { created: 'created_at', amount: 'amount' }, { field: 'created_at', direction: 'desc' });
  const result = await listTransactions(ctx, TYPES, { where, order, offset: page.offset, limit: page.pageSize, total: true, tieBreak: 'desc' });
  return qbResults(page, result.total ?? 0, await render(ctx, result.rows));
}
