// Core objects in Invoiced's shapes (spec §2, §3): customers, payment sources (card, bank_account),
// payments with their nested charge and refunds, invoices with line items, catalog items, plans,
// subscriptions and events. Renderers read in batches (one query per kind of row, never per row);
// every figure is a core column or a core read, converted to major units at this edge.
import type { CatalogItemRow, CustomerRow, EventRow, InvoiceRow, PaymentMethodRow, SubscriptionRow, TransactionRow } from '../../core/database.ts';
import type { TenantContext } from '../../core/context.ts';
import { isoDate } from '../../core/clock/clock.ts';
import { addressesByIds } from '../../core/customers/addresses.ts';
import { customersByIds } from '../../core/customers/queries.ts';
import { invoiceLines } from '../../core/invoices/invoices.ts';
import { invoicesByIds } from '../../core/invoices/queries.ts';
import { invoiceStatus } from '../../core/invoices/status.ts';
import { applicationsOf, listTransactions, transactionsByIds, unappliedAmounts } from '../../core/payments/queries.ts';
import { catalogItemsByIds } from '../../core/catalog/queries.ts';
import { refsOf } from '../../core/refs/refs.ts';
import { subscriptionSchedule } from '../../core/subscriptions/subscriptions.ts';
import { parseVendorData } from '../../core/vendor-data.ts';
import { defaultPaymentMethods, paymentMethodsByIds } from '../../core/vault/queries.ts';
import { daySeconds, money, seconds, VENDOR, wireCurrency } from './wire.ts';

type Json = Record<string, unknown>;

/** The door's own fields on an object (its namespace of vendor_data). */
export const own = (row: { vendor_data: string }): Json => parseVendorData(row.vendor_data)[VENDOR] ?? {};

// ---- payment sources ----------------------------------------------------------------------------

const BRANDS: Record<string, string> = {
  visa: 'Visa',
  mastercard: 'MasterCard',
  amex: 'American Express',
  discover: 'Discover',
  diners: 'Diners Club',
  jcb: 'JCB',
  unionpay: 'UnionPay',
  maestro: 'Maestro',
};

export function renderSource(method: PaymentMethodRow): Json {
  const common = {
    id: method.id,
    chargeable: method.status !== 'deleted',
    failure_reason: null,
    gateway: 'test',
    gateway_id: method.token,
    gateway_customer: null,
    merchant_account: null,
    receipt_email: null,
    created_at: seconds(method.created_at),
    updated_at: seconds(method.deleted_at ?? method.created_at),
  };
  if (method.kind === 'bank') {
    return {
      ...common,
      object: 'bank_account',
      bank_name: null,
      last4: method.last4,
      routing_number: method.routing_number,
      currency: 'usd',
      verified: true,
      account_holder_name: method.holder_name,
      account_holder_type: method.holder_type === 'business' ? 'company' : 'individual',
      type: method.account_type ?? 'checking',
    };
  }
  return {
    ...common,
    object: 'card',
    brand: BRANDS[method.brand ?? ''] ?? 'Unknown',
    last4: method.last4,
    exp_month: method.exp_month,
    exp_year: method.exp_year,
    funding: 'credit',
    name: method.holder_name,
  };
}

// ---- customers ----------------------------------------------------------------------------------

export function customerName(customer: Pick<CustomerRow, 'company' | 'first_name' | 'last_name'>): string {
  return customer.company || [customer.first_name, customer.last_name].filter(Boolean).join(' ');
}

export async function renderCustomers(ctx: TenantContext, rows: readonly CustomerRow[]): Promise<Json[]> {
  const ids = rows.map((row) => row.id);
  const addresses = await addressesByIds(
    ctx,
    rows.flatMap((row) => (row.billing_address_id ? [row.billing_address_id] : [])),
  );
  const methods = await defaultPaymentMethods(ctx, ids);
  const numbers = await refsOf(ctx, { vendor: VENDOR, objectType: 'customer', kind: 'number' }, ids);
  return rows.map((row) => {
    const mine = own(row);
    const address = row.billing_address_id ? addresses.get(row.billing_address_id) : undefined;
    const method = methods.get(row.id);
    return {
      id: row.id,
      object: 'customer',
      name: customerName(row),
      number: numbers.get(row.id) ?? `CUST-${String(row.id).padStart(5, '0')}`,
      email: row.email,
      type: mine.type ?? (row.company ? 'company' : 'person'),
      currency: wireCurrency(row.currency),
      payment_terms: mine.payment_terms ?? null,
      autopay: mine.autopay ?? false,
      payment_source: method ? renderSource(method) : null,
      attention_to: mine.attention_to ?? null,
      address1: address?.line1 || null,
      address2: address?.line2 || null,
      city: address?.city || null,
      state: address?.state || null,
      postal_code: address?.postal_code || null,
      country: address?.country || null,
      phone: row.phone,
      notes: mine.notes ?? null,
      metadata: mine.metadata ?? {},
      created_at: seconds(row.created_at),
      updated_at: seconds(row.updated_at),
    };
  });
}

// ---- payments, charges, refunds -----------------------------------------------------------------

const METHODS: Record<string, string> = { card: 'credit_card', bank: 'ach', check: 'check', cash: 'cash', wire: 'wire_transfer' };
export const paymentMethodWord = (kind: string | null): string => METHODS[kind ?? ''] ?? 'other';

export function renderRefund(refund: TransactionRow): Json {
  return {
    id: refund.id,
    object: 'refund',
    charge: refund.parent_id,
    amount: money(refund.amount, refund.currency),
    currency: wireCurrency(refund.currency),
    status: refund.status === 'pending' ? 'pending' : refund.status === 'voided' ? 'failed' : 'succeeded',
    gateway: 'test',
    gateway_id: refund.gateway_ref,
    failure_message: null,
    created_at: seconds(refund.created_at),
    updated_at: seconds(refund.updated_at),
  };
}

function chargeStatus(txn: TransactionRow): string {
  if (txn.status === 'declined' || txn.status === 'error' || txn.status === 'voided') return 'failed';
  if (txn.status === 'unknown') return 'pending';
  // A bank debit is pending until the settlement cut-off, as ACH is at Invoiced.
  if (txn.payment_kind === 'bank' && txn.status !== 'settled') return 'pending';
  return 'succeeded';
}

export async function renderPayments(ctx: TenantContext, rows: readonly TransactionRow[], base: string): Promise<Json[]> {
  const ids = rows.map((row) => row.id);
  const [methods, applications, balances, refunds] = await Promise.all([
    paymentMethodsByIds(
      ctx,
      rows.flatMap((row) => (row.payment_method_id ? [row.payment_method_id] : [])),
    ),
    applicationsOf(ctx, ids),
    unappliedAmounts(ctx, rows),
    refundsOfMany(ctx, rows),
  ]);
  return rows.map((txn) => {
    const mine = own(txn);
    const method = txn.payment_method_id ? methods.get(txn.payment_method_id) : undefined;
    const processed = txn.payment_kind === 'card' || txn.payment_kind === 'bank';
    const charge = processed
      ? {
          id: txn.id,
          object: 'charge',
          customer: txn.customer_id,
          currency: wireCurrency(txn.currency),
          amount: money(txn.amount, txn.currency),
          amount_refunded: money(txn.amount_refunded, txn.currency),
          status: chargeStatus(txn),
          failure_message: txn.decline_reason,
          gateway: 'test',
          gateway_id: txn.gateway_ref,
          payment_source: method ? renderSource(method) : null,
          receipt_email: mine.receipt_email ?? null,
          refunded: txn.amount_refunded > 0 && txn.amount_refunded >= txn.amount_captured,
          refunds: (refunds.get(txn.id) ?? []).map(renderRefund),
          disputed: false,
          created_at: seconds(txn.created_at),
          updated_at: seconds(txn.updated_at),
        }
      : null;
    return {
      id: txn.id,
      object: 'payment',
      customer: txn.customer_id,
      date: mine.date ?? seconds(txn.created_at),
      currency: wireCurrency(txn.currency),
      amount: money(txn.amount, txn.currency),
      balance: money(balances.get(txn.id) ?? 0, txn.currency),
      method: (mine.method as string | undefined) ?? paymentMethodWord(txn.payment_kind),
      reference: mine.reference ?? txn.gateway_ref,
      source: mine.source ?? (processed ? 'api' : 'keyed'),
      matched: null,
      voided: txn.status === 'voided',
      notes: mine.notes ?? txn.description ?? null,
      ach_sender_id: null,
      applied_to: (applications.get(txn.id) ?? []).map((a) => ({ type: 'invoice', invoice: a.invoiceId, amount: money(a.amount, txn.currency) })),
      pdf_url: `${base}/payments/${txn.id}/pdf`,
      created_at: seconds(txn.created_at),
      updated_at: seconds(txn.updated_at),
      charge,
    };
  });
}

async function refundsOfMany(ctx: TenantContext, parents: readonly TransactionRow[]): Promise<Map<number, TransactionRow[]>> {
  const map = new Map<number, TransactionRow[]>();
  const refunded = parents.filter((row) => row.amount_refunded > 0);
  if (refunded.length === 0) return map;
  const page = await listTransactions(ctx, ['refund'], { where: [{ field: 'parent_id', op: 'in', value: refunded.map((row) => row.id) }], limit: 1000 });
  for (const row of page.rows) {
    const list = map.get(row.parent_id as number) ?? [];
    list.push(row);
    map.set(row.parent_id as number, list);
  }
  return map;
}

// ---- invoices -----------------------------------------------------------------------------------

/** Invoiced's invoice status from the core's stored state, balance and the tenant's clock. */
export function invoicedStatus(invoice: InvoiceRow, today: string): string {
  const status = invoiceStatus(invoice, today);
  if (status === 'void') return 'voided';
  if (status === 'overdue') return 'past_due';
  if (status === 'draft' || status === 'paid') return status;
  return own(invoice).sent ? 'sent' : 'not_sent';
}

export function paymentTerms(invoice: InvoiceRow): string | null {
  const mine = own(invoice);
  if (typeof mine.payment_terms === 'string') return mine.payment_terms;
  return invoice.terms_days > 0 ? `NET ${invoice.terms_days}` : null;
}

export async function renderInvoices(ctx: TenantContext, rows: readonly InvoiceRow[], base: string): Promise<Json[]> {
  const lines = await invoiceLines(
    ctx,
    rows.map((row) => row.id),
  );
  const today = isoDate(ctx.clock.now());
  return rows.map((row) => {
    const mine = own(row);
    const status = invoicedStatus(row, today);
    const c = row.currency;
    return {
      id: row.id,
      object: 'invoice',
      customer: row.customer_id,
      name: mine.name ?? 'Invoice',
      number: row.number,
      currency: wireCurrency(c),
      status,
      draft: row.status === 'draft',
      closed: status === 'paid' || status === 'voided',
      paid: status === 'paid',
      autopay: mine.autopay ?? false,
      date: daySeconds(row.issue_date),
      due_date: daySeconds(row.due_date),
      payment_terms: paymentTerms(row),
      purchase_order: mine.purchase_order ?? null,
      items: (lines.get(row.id) ?? []).map((line) => {
        const lineOwn = parseVendorData(line.vendor_data)[VENDOR] ?? {};
        return {
          id: line.id,
          object: 'line_item',
          catalog_item: line.item_id,
          type: lineOwn.type ?? null,
          name: lineOwn.name ?? line.description ?? '',
          description: lineOwn.name === undefined ? null : line.description === lineOwn.name ? null : line.description,
          quantity: Number(line.quantity),
          unit_cost: money(line.unit_price, c),
          amount: money(line.amount, c),
          discountable: true,
          discounts: line.discount > 0 ? [{ amount: money(line.discount, c) }] : [],
          taxable: true,
          taxes: line.tax > 0 ? [{ amount: money(line.tax, c) }] : [],
          metadata: lineOwn.metadata ?? {},
        };
      }),
      notes: row.notes,
      subtotal: money(row.subtotal - row.discount_total, c),
      discounts: [],
      taxes: row.invoice_tax > 0 ? [{ amount: money(row.invoice_tax, c) }] : [],
      total: money(row.total, c),
      balance: money(row.balance, c),
      url: `${base}/invoices/${row.id}`,
      payment_url: null,
      pdf_url: `${base}/invoices/${row.id}/pdf`,
      metadata: mine.metadata ?? {},
      created_at: seconds(row.created_at),
      updated_at: seconds(row.updated_at),
    };
  });
}

// ---- catalog: items and plans --------------------------------------------------------------------

/** A catalog item's price and currency: the one it was given, else its first. */
function priceOf(row: CatalogItemRow): { currency: string | null; amount: number } {
  const prices = JSON.parse(row.prices) as Record<string, number>;
  const currency = (own(row).currency as string | undefined) ?? Object.keys(prices)[0] ?? null;
  return { currency, amount: currency ? (prices[currency] ?? 0) : 0 };
}

/** Client-chosen ids (Invoiced items and plans are named "delivery", "pro-monthly") or the integer. */
export async function catalogIds(ctx: TenantContext, rows: readonly CatalogItemRow[]): Promise<Map<number, string | number>> {
  const refs = await refsOf(
    ctx,
    { vendor: VENDOR, objectType: 'catalog_item', kind: 'client_id' },
    rows.map((row) => row.id),
  );
  return new Map(rows.map((row) => [row.id, refs.get(row.id) ?? row.id]));
}

export async function renderItems(ctx: TenantContext, rows: readonly CatalogItemRow[]): Promise<Json[]> {
  const ids = await catalogIds(ctx, rows);
  return rows.map((row) => {
    const mine = own(row);
    const { currency, amount } = priceOf(row);
    return {
      id: ids.get(row.id),
      object: 'item',
      name: row.name,
      currency: currency ? wireCurrency(currency) : null,
      unit_cost: currency ? money(amount, currency) : 0,
      description: row.description,
      type: mine.type ?? null,
      taxable: mine.taxable ?? true,
      taxes: [],
      discountable: mine.discountable ?? true,
      gl_account: null,
      metadata: mine.metadata ?? {},
      created_at: seconds(row.created_at),
      updated_at: seconds(row.updated_at),
    };
  });
}

export async function renderPlans(ctx: TenantContext, rows: readonly CatalogItemRow[]): Promise<Json[]> {
  const ids = await catalogIds(ctx, rows);
  return rows.map((row) => {
    const mine = own(row);
    const { currency, amount } = priceOf(row);
    return {
      id: ids.get(row.id),
      object: 'plan',
      name: row.name,
      currency: currency ? wireCurrency(currency) : null,
      amount: currency ? money(amount, currency) : 0,
      pricing_mode: 'per_unit',
      quantity_type: 'constant',
      interval: row.interval_unit,
      interval_count: row.interval_count,
      catalog_item: mine.catalog_item ?? null,
      tiers: null,
      metadata: mine.metadata ?? {},
      created_at: seconds(row.created_at),
      updated_at: seconds(row.updated_at),
    };
  });
}

// ---- subscriptions ------------------------------------------------------------------------------

const SUBSCRIPTION_STATUS: Record<string, string> = { active: 'active', paused: 'paused', past_due: 'past_due', cancelled: 'canceled', completed: 'finished' };

export async function renderSubscriptions(ctx: TenantContext, rows: readonly SubscriptionRow[]): Promise<Json[]> {
  const plans = await catalogItemsByIds(
    ctx,
    rows.flatMap((row) => (row.plan_id ? [row.plan_id] : [])),
  );
  const planIds = await catalogIds(ctx, plans);
  return rows.map((row) => {
    const mine = own(row);
    const schedule = subscriptionSchedule(row);
    return {
      id: row.id,
      object: 'subscription',
      customer: row.customer_id,
      plan: row.plan_id ? (planIds.get(row.plan_id) ?? row.plan_id) : null,
      quantity: mine.quantity ?? 1,
      cycles: schedule.maxOccurrences ?? null,
      status: row.deleted_at ? 'canceled' : (SUBSCRIPTION_STATUS[row.status] ?? row.status),
      start_date: daySeconds(schedule.start),
      period_start: daySeconds(row.current_period_start),
      period_end: daySeconds(row.current_period_end),
      renews_next: row.status === 'active' && !row.deleted_at ? daySeconds(row.next_bill_date) : null,
      cancel_at_period_end: false,
      canceled_at: seconds(row.deleted_at),
      currency: wireCurrency(row.currency),
      recurring_total: money(row.amount, row.currency),
      addons: [],
      discounts: [],
      taxes: [],
      metadata: mine.metadata ?? {},
      created_at: seconds(row.created_at),
      updated_at: seconds(row.updated_at),
    };
  });
}

// ---- events -------------------------------------------------------------------------------------

const EVENT_TYPES: Record<string, string> = {
  'transaction.captured': 'payment.created',
  'transaction.recorded': 'payment.created',
  'transaction.voided': 'payment.deleted',
  'transaction.refunded': 'charge.refunded',
  'transaction.declined': 'charge.failed',
  'transaction.annotated': 'payment.updated',
  'invoice.issued': 'invoice.updated',
  'invoice.payment_applied': 'invoice.updated',
  'invoice.payment_unapplied': 'invoice.updated',
  'customer.defaults_changed': 'customer.updated',
  'payment_method.created': 'payment_source.created',
  'payment_method.deleted': 'payment_source.deleted',
};

/** Events as Invoiced shows them: its event words, and the object as it is now in Invoiced's shape. */
export async function renderEvents(ctx: TenantContext, rows: readonly EventRow[], base: string): Promise<Json[]> {
  const idsOf = (type: string) => rows.filter((row) => row.object_type === type).map((row) => Number(row.object_id));
  const [customers, invoices, txns] = await Promise.all([
    customersByIds(ctx, idsOf('customer'), { includeDeleted: true }),
    invoicesByIds(ctx, idsOf('invoice')),
    transactionsByIds(ctx, idsOf('transaction')),
  ]);
  const payments = [...txns.values()].filter((row) => row.type === 'sale');
  const rendered = new Map<string, Json>();
  for (const [i, json] of (await renderCustomers(ctx, customers)).entries()) rendered.set(`customer:${customers[i].id}`, json);
  for (const [i, json] of (await renderInvoices(ctx, invoices, base)).entries()) rendered.set(`invoice:${invoices[i].id}`, json);
  for (const [i, json] of (await renderPayments(ctx, payments, base)).entries()) rendered.set(`transaction:${payments[i].id}`, json);
  return rows.map((row) => ({
    id: row.id,
    object: 'event',
    type: EVENT_TYPES[row.type] ?? row.type,
    timestamp: seconds(row.created_at),
    data: { object: rendered.get(`${row.object_type}:${row.object_id}`) ?? { id: Number(row.object_id), object: row.object_type } },
  }));
}
