// Renders ChargeOver transactions (spec 3.5) from core transactions: pay (sale), ref (refund,
// negative amount), cre (credit memo); and maps where= fields.
import type { TenantContext } from '../../core/context.ts';
import { applicationsOf } from '../../core/payments/queries.ts';
import { TxnStatus } from '../../core/payments/states.ts';
import { refsOf } from '../../core/refs/refs.ts';
import { paymentMethodsByIds } from '../../core/vault/queries.ts';
import type { TransactionRow } from '../../core/database.ts';
import type { CoRequest } from './envelope.ts';
import { CURRENCY_ID, EXTERNAL_KEY, vendorNumber, vendorText } from './fields.ts';
import type { FieldTable } from './lists.ts';
import { currencyId, date, datetime, money, symbolOf, VENDOR, vendorData } from './wire.ts';

export const WIRE_TYPES = ['sale', 'refund', 'credit_memo'] as const;
const TYPE_CODES: Record<string, string> = { sale: 'pay', refund: 'ref', credit_memo: 'cre' };
const TYPE_NAMES: Record<string, string> = { pay: 'Payment', ref: 'Refund', cre: 'Credit', spl: 'Split' };
export const GATEWAY_METHODS: Record<string, string> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  'american-express': 'American Express',
  discover: 'Discover',
  check: 'Paid by Check',
  paypal: 'PayPal',
  credit: 'Credit',
  ach: 'ACH/eCheck',
};
const BRANDS: Record<string, string> = { visa: 'visa', mastercard: 'mastercard', amex: 'american-express', discover: 'discover' };

// A bank refund waiting for its cut-off (pending) has gone through as far as ChargeOver shows.
const OK_STATUSES = new Set(['captured', 'pending', 'settled']);

export function statusOf(row: TransactionRow): { name: string; str: string; state: string } {
  if (row.voided_at !== null || row.status === 'voided') return { name: 'Void', str: 'void-void', state: 'v' };
  if (OK_STATUSES.has(row.status)) return { name: 'Success', str: 'ok-successful', state: 'o' };
  return { name: 'Failed', str: 'failed-failed', state: 'f' };
}

const OK = [...OK_STATUSES];
const FAILED = Object.values(TxnStatus).filter((status) => status !== TxnStatus.VOIDED && !OK_STATUSES.has(status));
const STATUS_STATE = { enum: 'status', values: { o: OK, f: FAILED, v: [TxnStatus.VOIDED] } };

/** where= fields of /transaction (README: where fields). */
export const TRANSACTION_FIELDS: FieldTable = {
  transaction_id: 'id',
  customer_id: 'customer_id',
  gateway_status: { enum: 'status', values: { 1: OK, 0: [...FAILED, TxnStatus.VOIDED] }, wireType: 'number' },
  transaction_type: { enum: 'type', values: Object.fromEntries(Object.entries(TYPE_CODES).map(([core, wire]) => [wire, core])) },
  'transaction_status.state': STATUS_STATE,
  transaction_status_state: STATUS_STATE,
  'transaction_status.str': { enum: 'status', values: { 'ok-successful': OK, 'failed-failed': FAILED, 'void-void': [TxnStatus.VOIDED] } },
  currency_id: CURRENCY_ID,
  transaction_datetime: vendorText('transaction_datetime', ''),
  transaction_date: vendorText('transaction_date', ''),
  creditcard_id: 'card_id',
  ach_id: 'bank_account_id',
  tokenized_id: 'gateway_token_id',
  'applied_to.invoice_id': { related: 'applied', field: 'invoice_id' },
  'applied_to.package_id': { related: 'applied_invoices', field: 'subscription_id' },
  token: 'token',
  external_key: EXTERNAL_KEY,
  gateway_transid: vendorText('gateway_transid'),
  gateway_method: vendorText('gateway_method'),
  transaction_method: vendorText('transaction_method'),
  transaction_detail: vendorText('transaction_detail'),
  gateway_msg: vendorText('gateway_msg'),
  gateway_id: vendorNumber('gateway_id', 1),
};

export async function renderTransactions(req: CoRequest, rows: TransactionRow[]): Promise<Record<string, unknown>[]> {
  const ctx: TenantContext = req.ctx;
  const ids = rows.map((r) => r.id);
  const methodIds = rows.map((r) => r.payment_method_id).filter((id): id is number => id !== null);
  const [applications, methodById, keys] = await Promise.all([
    applicationsOf(ctx, ids),
    paymentMethodsByIds(ctx, methodIds),
    refsOf(ctx, { vendor: VENDOR, objectType: 'transaction', kind: 'external_key' }, ids),
  ]);
  return rows.map((row) => {
    const v = vendorData(row.vendor_data);
    const c = row.currency;
    const type = TYPE_CODES[row.type] ?? 'pay';
    const method = row.payment_method_id !== null ? methodById.get(row.payment_method_id) : undefined;
    const mine = applications.get(row.id) ?? [];
    const applied = mine.map((a) => ({ invoice_id: a.invoiceId, applied: money(a.amount, c) }));
    const appliedMinor = mine.reduce((sum, a) => sum + a.amount, 0);
    const ok = OK_STATUSES.has(row.status);
    const gatewayMethod =
      (v.gateway_method as string | undefined) ??
      (method?.kind === 'card' ? (BRANDS[method.brand ?? ''] ?? 'visa') : method?.kind === 'bank' ? 'ach' : row.type === 'credit_memo' ? 'credit' : (row.payment_kind ?? 'check'));
    const status = statusOf(row);
    return {
      transaction_id: row.id,
      customer_id: row.customer_id,
      brand_id: 1,
      gateway_id: v.gateway_id ?? 1,
      gateway_status: ok ? 1 : 0,
      gateway_transid: (v.gateway_transid as string | undefined) ?? (row.gateway_ref || null),
      gateway_method: gatewayMethod,
      gateway_msg: (v.gateway_msg as string | undefined) ?? (ok ? '' : (row.decline_reason ?? '')),
      gateway_err_code: v.gateway_err_code ?? null,
      gateway_err_detail: v.gateway_err_detail ?? null,
      gateway_opts: row.auth_code ? { auth_code: row.auth_code } : null,
      token: row.token,
      external_key: keys.get(row.id) ?? null,
      currency_id: currencyId(c),
      currency_symbol: symbolOf(c),
      currency_iso4217: c,
      amount: money(row.type === 'refund' ? -row.amount : row.amount, c),
      fee: 0,
      applied: money(appliedMinor, c),
      unapplied: money(ok && row.type !== 'refund' ? row.amount_captured - row.amount_refunded - appliedMinor : 0, c),
      transaction_date: (v.transaction_date as string | undefined) ?? date(row.created_at),
      transaction_datetime: (v.transaction_datetime as string | undefined) ?? datetime(row.created_at),
      transaction_status_name: status.name,
      transaction_status_str: status.str,
      transaction_status_state: status.state,
      transaction_type: type,
      transaction_type_name: TYPE_NAMES[type],
      transaction_method: (v.transaction_method as string | undefined) ?? GATEWAY_METHODS[gatewayMethod] ?? gatewayMethod,
      transaction_detail: (v.transaction_detail as string | undefined) ?? (method ? `x${method.last4}` : ''),
      transaction_ipaddr: v.transaction_ipaddr ?? null,
      void_datetime: (v.void_datetime as string | undefined) ?? datetime(row.voided_at),
      creditcard_id: method?.kind === 'card' ? method.id : null,
      ach_id: method?.kind === 'bank' ? method.id : null,
      tokenized_id: method?.kind === 'tokenized' ? method.id : null,
      url_self: `${req.siteBase}/admin/r/transaction/view/${row.id}`,
      applied_to: applied,
    };
  });
}
