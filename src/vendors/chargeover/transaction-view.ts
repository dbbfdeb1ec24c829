// Renders ChargeOver transactions (spec 3.5) from core transactions: pay (sale), ref (refund,
// negative amount), cre (credit memo); and maps where= fields.
import { sql, type ExpressionBuilder } from 'kysely';
import type { TenantContext } from '../../core/context.ts';
import { expressionCondition, type FieldMap, type FieldType, type Filter } from '../../core/query/filters.ts';
import type { Database, TransactionRow } from '../../store/schema.ts';
import { jsonText } from '../../store/json.ts';
import type { CoRequest } from './envelope.ts';
import { currencyId, date, datetime, money, symbolOf, VENDOR, vendorData } from './wire.ts';

export const WIRE_TYPES = ['sale', 'refund', 'credit_memo'] as const;
const TYPE_CODES: Record<string, string> = { sale: 'pay', refund: 'ref', credit_memo: 'cre' };
const TYPE_NAMES: Record<string, string> = { pay: 'Payment', ref: 'Refund', cre: 'Credit', spl: 'Split' };
export const GATEWAY_METHODS: Record<string, string> = { visa: 'Visa', mastercard: 'Mastercard', 'american-express': 'American Express', discover: 'Discover', check: 'Paid by Check', paypal: 'PayPal', credit: 'Credit', ach: 'ACH/eCheck' };
const BRANDS: Record<string, string> = { visa: 'visa', mastercard: 'mastercard', amex: 'american-express', discover: 'discover' };

// A bank refund waiting for its cut-off (pending) has gone through as far as ChargeOver shows.
const OK_STATUSES = new Set(['captured', 'pending', 'settled']);

export function statusOf(row: TransactionRow): { name: string; str: string; state: string } {
  if (row.voided_at !== null || row.status === 'voided') return { name: 'Void', str: 'void-void', state: 'v' };
  if (OK_STATUSES.has(row.status)) return { name: 'Success', str: 'ok-successful', state: 'o' };
  return { name: 'Failed', str: 'failed-failed', state: 'f' };
}

const expr = (build: () => ReturnType<typeof sql>, type: FieldType) => ({
  condition: (_eb: ExpressionBuilder<Database, 'transactions'>, filter: Filter) => expressionCondition(build(), type, filter),
});

export function transactionFields(req: CoRequest): FieldMap<Database, 'transactions'> {
  const d = req.ctx.dialect;
  const v = (key: string) => jsonText(d, 'transactions.vendor_data', [VENDOR, key]);
  const state = sql`(case when transactions.status = 'voided' then 'v' when transactions.status in ('captured', 'pending', 'settled') then 'o' else 'f' end)`;
  const out: FieldMap<Database, 'transactions'> = {
    transaction_id: { column: 'id', type: 'number' },
    customer_id: { column: 'customer_id', type: 'number' },
    gateway_status: expr(() => sql`(case when transactions.status in ('captured', 'pending', 'settled') then 1 else 0 end)`, 'number'),
    transaction_type: expr(() => sql`(case transactions.type when 'sale' then 'pay' when 'refund' then 'ref' when 'credit_memo' then 'cre' else transactions.type end)`, 'text_ci'),
    'transaction_status.state': expr(() => state, 'text_ci'),
    'transaction_status.str': expr(() => sql`(case when transactions.status = 'voided' then 'void-void' when transactions.status in ('captured', 'pending', 'settled') then 'ok-successful' else 'failed-failed' end)`, 'text_ci'),
    transaction_status_state: expr(() => state, 'text_ci'),
    currency_id: expr(() => sql`(case transactions.currency when 'USD' then 1 when 'CAD' then 2 when 'GBP' then 3 when 'EUR' then 4 when 'AUD' then 6 else 0 end)`, 'number'),
    transaction_datetime: expr(() => sql`coalesce(${v('transaction_datetime')}, '')`, 'string'),
    transaction_date: expr(() => sql`coalesce(${v('transaction_date')}, '')`, 'string'),
    creditcard_id: expr(() => sql`(case when transactions.payment_kind = 'card' then transactions.payment_method_id end)`, 'number'),
    ach_id: expr(() => sql`(case when transactions.payment_kind = 'bank' then transactions.payment_method_id end)`, 'number'),
    tokenized_id: expr(() => sql`(case when transactions.payment_kind = 'tokenized' then transactions.payment_method_id end)`, 'number'),
    'applied_to.invoice_id': { condition: (_eb, f) => sql`exists (select 1 from allocations a where a.transaction_id = transactions.id and ${expressionCondition(sql.ref('a.invoice_id'), 'number', f)})` },
    'applied_to.package_id': expr(() => sql`(case when 1 = 0 then 1 else null end)`, 'number'),
  };
  for (const key of ['token', 'external_key', 'gateway_transid', 'gateway_method', 'transaction_method', 'transaction_detail', 'gateway_msg']) out[key] = expr(() => v(key), 'text_ci');
  out.gateway_id = expr(() => sql`coalesce(${v('gateway_id')}, '1')`, 'number');
  return out;
}

export async function renderTransactions(req: CoRequest, rows: TransactionRow[]): Promise<Record<string, unknown>[]> {
  const ctx: TenantContext = req.ctx;
  const ids = rows.map((r) => r.id);
  const allocations = ids.length
    ? await ctx.db.selectFrom('allocations').select(['transaction_id', 'invoice_id', (eb) => eb.fn.sum<number>('amount').as('amount')]).where('tenant_id', '=', ctx.tenant.id).where('transaction_id', 'in', ids).groupBy(['transaction_id', 'invoice_id']).orderBy('invoice_id').execute()
    : [];
  const methodIds = [...new Set(rows.map((r) => r.payment_method_id).filter((id): id is number => id !== null))];
  const methods = methodIds.length ? await ctx.db.selectFrom('payment_methods').select(['id', 'kind', 'brand', 'last4']).where('id', 'in', methodIds).execute() : [];
  const methodById = new Map(methods.map((m) => [m.id, m]));
  return rows.map((row) => {
    const v = vendorData(row.vendor_data);
    const c = row.currency;
    const type = TYPE_CODES[row.type] ?? 'pay';
    const method = row.payment_method_id !== null ? methodById.get(row.payment_method_id) : undefined;
    const applied = allocations.filter((a) => Number(a.transaction_id) === row.id && Number(a.amount) !== 0).map((a) => ({ invoice_id: Number(a.invoice_id), applied: money(Number(a.amount), c) }));
    const appliedMinor = allocations.filter((a) => Number(a.transaction_id) === row.id).reduce((sum, a) => sum + Number(a.amount), 0);
    const ok = OK_STATUSES.has(row.status);
    const gatewayMethod = (v.gateway_method as string | undefined) ?? (method?.kind === 'card' ? (BRANDS[method.brand ?? ''] ?? 'visa') : method?.kind === 'bank' ? 'ach' : row.type === 'credit_memo' ? 'credit' : (row.payment_kind ?? 'check'));
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
      token: v.token ?? null,
      external_key: v.external_key ?? null,
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
