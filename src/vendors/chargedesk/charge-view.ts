// The charge object (spec 3.1, 50 fields in alphabetical order) from a core transaction: a payment
// the processor made (through any door), a payment request, or a recorded charge. Its status is
// derived from the core state and refunds, refined by the word a record stored (disputed, trial …).
import type { CustomerRow, PaymentMethodRow, TransactionRow } from '../../core/database.ts';
import type { TenantContext } from '../../core/context.ts';
import { customersByIds } from '../../core/customers/queries.ts';
import { catalogItemsByIds } from '../../core/catalog/queries.ts';
import { paymentMethodsByIds } from '../../core/vault/queries.ts';
import { isProcessed } from '../../core/payments/recorded-charges.ts';
import { TxnStatus, TxnType } from '../../core/payments/states.ts';
import { refsOf } from '../../core/refs/refs.ts';
import { parseVendorData } from '../../core/vendor-data.ts';
import { addressesByIds } from '../../core/customers/addresses.ts';
import { customerWireIds, encodeId, productWireIds, REF, subscriptionWireIds } from './ids.ts';
import { decimal, formatted, relative, seconds, symbolOf, VENDOR, withCommas } from './wire.ts';

export const CHARGE_STATUSES = [
  'pending',
  'paid',
  'partially refunded',
  'refunded',
  'failed',
  'authorized',
  'void',
  'invoiced',
  'invoice canceled',
  'unpaid',
  'past due',
  'subscription pending',
  'disputed',
  'trial',
  'credit',
  'uncollectible',
  'open',
  'draft',
] as const;
export type ChargeStatus = (typeof CHARGE_STATUSES)[number];

/** Statuses of money asked for and not (yet) paid. */
export const REQUEST_STATUSES = new Set<string>(['invoiced', 'unpaid', 'past due', 'open', 'draft', 'subscription pending', 'trial', 'credit', 'uncollectible']);
export const PAID_STATUSES = new Set<string>(['paid', 'partially refunded', 'refunded', 'disputed']);

/** ChargeDesk's own fields on a charge (its vendor_data namespace). */
export interface ChargeData {
  status?: string;
  metadata?: Record<string, string>;
  last_4_digits?: string;
  gateway_id?: string;
  product?: number;
  subscription?: number;
  email_last_sent?: number;
  sent_invoice?: string;
  sent_invoice_reminder?: string;
  lines?: unknown[];
  removed?: boolean;
  anonymised?: boolean;
  contact?: string;
}

export const chargeData = (row: Pick<TransactionRow, 'vendor_data'>): ChargeData => (parseVendorData(row.vendor_data)[VENDOR] ?? {}) as ChargeData;

/** Input words (spec 3.1.3): case-insensitive, `_` for a space. */
export function readStatus(text: string): ChargeStatus | null {
  const word = text.trim().toLowerCase().replace(/_/g, ' ');
  return (CHARGE_STATUSES as readonly string[]).includes(word) ? (word as ChargeStatus) : null;
}

export function chargeStatus(row: TransactionRow): ChargeStatus {
  const word = chargeData(row).status;
  if (row.type === TxnType.CREDIT_MEMO) return 'credit';
  switch (row.status) {
    case TxnStatus.CAPTURED:
    case TxnStatus.SETTLED:
      if (row.amount_refunded > 0) return row.amount_refunded >= row.amount_captured ? 'refunded' : 'partially refunded';
      return word === 'disputed' ? 'disputed' : 'paid';
    case TxnStatus.PENDING:
    case TxnStatus.UNKNOWN:
      return 'pending';
    case TxnStatus.AUTHORIZED:
      return 'authorized';
    case TxnStatus.DECLINED:
    case TxnStatus.ERROR:
      return 'failed';
    case TxnStatus.VOIDED:
      return word === 'invoice canceled' || (word === undefined && row.payment_kind === null) ? 'invoice canceled' : 'void';
    case TxnStatus.REQUESTED:
      return word && REQUEST_STATUSES.has(word) ? (word as ChargeStatus) : 'invoiced';
    default:
      return 'pending';
  }
}

const EMAILS: Array<[readonly string[], string, string]> = [
  [['paid', 'pending'], 'receipt', 'Send Receipt'],
  [['partially refunded', 'refunded'], 'refund notification', 'Send Refund Notification'],
  [['authorized'], 'authorized notification', 'Send Authorized Notification'],
  [['void'], 'void notification', 'Send Void Notification'],
  [['invoiced', 'unpaid', 'past due', 'open', 'draft', 'subscription pending'], 'invoice', 'Send Invoice'],
  [['failed'], 'failed payment notification', 'Send Failed Payment Notification'],
];

/** The e-mail `/email` sends now, and its button (spec 4.4). */
export function emailKind(status: string): { name: string; button: string } {
  const row = EMAILS.find(([statuses]) => statuses.includes(status));
  return row ? { name: row[1], button: row[2] } : { name: 'receipt', button: 'Send Receipt' };
}

const BRANDS: Record<string, string> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  amex: 'American Express',
  discover: 'Discover',
  diners: 'Diners Club',
  jcb: 'JCB',
  unionpay: 'UnionPay',
  maestro: 'Maestro',
};

/** The subscription a charge belongs to: a record's link, or the one the engine collected it for. */
export function subscriptionOf(row: TransactionRow): number | null {
  const linked = chargeData(row).subscription;
  return typeof linked === 'number' ? linked : (row.subscription_id ?? null);
}

export interface ChargeRelations {
  customers: Map<number, CustomerRow>;
  customerIds: Map<number, string>;
  countries: Map<number, string>;
  methods: Map<number, PaymentMethodRow>;
  products: Map<number, { id: string; name: string }>;
  subscriptions: Map<number, string>;
  transactionIds: Map<number, string>;
}

export async function chargeRelations(ctx: TenantContext, rows: readonly TransactionRow[]): Promise<ChargeRelations> {
  const customers = await customersByIds(
    ctx,
    rows.map((r) => r.customer_id).filter((id): id is number => id !== null),
    { includeDeleted: true },
  );
  const addresses = await addressesByIds(
    ctx,
    customers.map((c) => c.billing_address_id).filter((id): id is number => id !== null),
  );
  const data = rows.map(chargeData);
  const productRows = await catalogItemsByIds(
    ctx,
    data.map((d) => d.product).filter((id): id is number => typeof id === 'number'),
  );
  const productIds = await productWireIds(ctx, productRows);
  const subscriptionIds = rows.map(subscriptionOf).filter((id): id is number => id !== null);
  return {
    customers: new Map(customers.map((c) => [c.id, c])),
    customerIds: await customerWireIds(ctx, customers),
    countries: new Map(customers.map((c) => [c.id, c.billing_address_id !== null ? (addresses.get(c.billing_address_id)?.country ?? '') : ''])),
    methods: await paymentMethodsByIds(
      ctx,
      rows.map((r) => r.payment_method_id).filter((id): id is number => id !== null),
    ),
    products: new Map(productRows.map((p) => [p.id, { id: productIds.get(p.id) as string, name: p.name }])),
    subscriptions: await subscriptionWireIds(
      ctx,
      subscriptionIds.map((id) => ({ id })),
    ),
    transactionIds: await refsOf(
      ctx,
      { ...REF.transaction, objectType: 'transaction' },
      rows.map((r) => r.id),
    ),
  };
}

export interface Links {
  company: string;
  base: string;
  now: number;
}

export function customerData(row: CustomerRow | undefined): Record<string, unknown> {
  return row ? (parseVendorData(row.vendor_data)[VENDOR] ?? {}) : {};
}

export const fullName = (row: CustomerRow): string => [row.first_name, row.last_name].filter((p) => p).join(' ');

/** Who an e-mail about the customer's charges goes to (spec 4.4: send_email_to, then email). */
export function recipientsOf(customer: CustomerRow | undefined): string[] {
  if (!customer) return [];
  const override = String(customerData(customer).send_email_to ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s);
  return override.length > 0 ? override : customer.email ? [customer.email] : [];
}

export function renderCharge(row: TransactionRow, rel: ChargeRelations, links: Links): Record<string, unknown> {
  const data = chargeData(row);
  const status = chargeStatus(row);
  const customer = row.customer_id !== null ? rel.customers.get(row.customer_id) : undefined;
  const cdata = customerData(customer);
  const method = row.payment_method_id !== null ? rel.methods.get(row.payment_method_id) : undefined;
  const gateway = isProcessed(row);
  const chargeId = encodeId('ch', row.id);
  const cur = row.currency;
  const brand = method?.kind === 'card' ? (BRANDS[method.brand ?? ''] ?? '') : '';
  const funding = method ? (method.kind === 'bank' ? 'Bank' : 'Credit') : '';
  const product = typeof data.product === 'number' ? rel.products.get(data.product) : undefined;
  const recipients = recipientsOf(customer);
  const active: string[] = [];
  if (recipients.length > 0) active.push('email');
  if (['invoiced', 'unpaid', 'past due', 'open'].includes(status)) active.push('remind');
  if (['draft', 'open', 'invoiced', 'unpaid', 'pending'].includes(status)) active.push('edit');
  if (gateway && (status === 'paid' || status === 'partially refunded')) active.push('refund');
  if (gateway && status === 'authorized') active.push('capture');
  if (gateway && (status === 'authorized' || ['invoiced', 'unpaid', 'past due', 'open', 'draft', 'subscription pending'].includes(status))) active.push('void');
  const email = emailKind(status);
  const anonymous = data.anonymised === true;
  const person = <T>(value: T): T | null => (anonymous ? null : value);
  const occurred = row.created_at;
  return {
    added_tax: decimal(0, cur),
    amount: decimal(row.amount, cur),
    amount_formatted: formatted(row.amount, cur),
    amount_refunded: decimal(row.amount_refunded, cur),
    amount_refunded_formatted: formatted(row.amount_refunded, cur),
    amount_symbol: symbolOf(cur),
    amount_with_commas: withCommas(row.amount, cur),
    charge_id: chargeId,
    company: links.company,
    currency: cur,
    customer_country: person(customer ? rel.countries.get(customer.id) || null : null),
    customer_email: person(customer?.email ?? null),
    customer_id: customer ? (rel.customerIds.get(customer.id) ?? null) : null,
    customer_name: person(customer ? fullName(customer) || null : null),
    customer_phone: person(customer?.phone || null),
    customer_username: person(typeof cdata.username === 'string' && cdata.username ? cdata.username : null),
    description: row.description ?? '',
    email_last_sent: data.email_last_sent ?? 0,
    gateway_id: gateway ? 'test' : (data.gateway_id ?? ''),
    gateway_url: '',
    invoice_company: person(customer?.company || null),
    invoice_download_url: `${links.base}/${links.company}/${chargeId}/invoice/download`,
    invoice_url: `${links.base}/${links.company}/${chargeId}/invoice`,
    is_paid: PAID_STATUSES.has(status),
    last_4_digits: method?.last4 ?? data.last_4_digits ?? '',
    logs: [],
    manage_url: `${links.base}/manage/${links.company}/charges/${chargeId}`,
    metadata: data.metadata ?? {},
    methods_active: active,
    methods_supported: gateway ? ['edit', 'remind', 'email', 'refund', 'capture', 'void'] : ['edit', 'remind', 'email'],
    name_email: email.name,
    name_send_email: email.button,
    object: 'charge',
    occurred: seconds(occurred),
    occurred_formatted: relative(occurred, links.now),
    occurred_relative: relative(occurred, links.now),
    payment_method: funding,
    payment_method_brand: brand,
    payment_method_describe: method ? (method.kind === 'bank' ? 'Bank account' : `${brand || 'Unknown'} ${funding.toLowerCase()} card`) : '',
    product_desc: product?.name ?? '',
    product_id: product?.id ?? null,
    refunded_at_formatted: row.amount_refunded > 0 ? relative(row.updated_at, links.now) : '',
    sent_invoice: data.sent_invoice ?? '',
    sent_invoice_reminder: data.sent_invoice_reminder ?? '',
    status,
    status_text: status,
    subscription_id: subscriptionOf(row) !== null ? (rel.subscriptions.get(subscriptionOf(row) as number) ?? null) : null,
    support_email: `${links.company}+${chargeId}@chargedesk.com`,
    support_url: `${links.base}/${links.company}/${chargeId}`,
    transaction_id: rel.transactionIds.get(row.id) ?? (gateway && row.status !== TxnStatus.REQUESTED && !(row.status === TxnStatus.VOIDED && row.payment_kind === null) ? row.gateway_ref : null),
  };
}

export async function renderCharges(ctx: TenantContext, rows: readonly TransactionRow[], links: Links): Promise<Array<Record<string, unknown>>> {
  const rel = await chargeRelations(ctx, rows);
  return rows.map((row) => renderCharge(row, rel, links));
}
