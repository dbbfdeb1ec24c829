// GET /_report and /_report/{id}?action=reportData (spec 1.13, 4.18): a few listed reports whose
// rows are built from the same renderers as the API objects; filters (the where grammar) apply to
// the unformatted values; order, offset, limit (up to 1000).
import { parseFloatMajor } from '../../core/money/money.ts';
import { customersByIds, listCustomers } from '../../core/customers/queries.ts';
import { listTransactions } from '../../core/payments/queries.ts';
import type { WireFilter } from '../kit/filters.ts';
import { bad, doesNotExist, INVALID_ENDPOINT, ok, type CoRequest, type CoResult } from './envelope.ts';
import type { Resource } from './router.ts';
import { parseCondition, parseOrder, parsePaging, parseWhere } from './where.ts';
import { renderCustomers } from './customer-view.ts';
import { renderTransactions, WIRE_TYPES } from './transaction-view.ts';
import { listInvoices } from '../../core/invoices/queries.ts';
import { renderInvoices } from './invoice-view.ts';
import { formatted } from './wire.ts';

type Row = Record<string, unknown>;
const REPORTS: Array<{ report_id: number; name: string }> = [
  { report_id: 3, name: 'Open Customer Balances' },
  { report_id: 4, name: 'All Customer Balances' },
  { report_id: 6, name: 'Credits' },
  { report_id: 7, name: 'Failed Payments' },
  { report_id: 37, name: 'All Customers' },
  { report_id: 58, name: 'Payments' },
  { report_id: 44, name: 'Invoices' },
];
/** reportData, and getData, its alias in ChargeOver's PHP example (extra §10). */
const DATA_ACTIONS = new Set(['reportData', 'getData']);
const MAX_ROWS = 10_000;

function displayDate(iso: unknown): string {
  if (typeof iso !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(iso)) return '';
  return new Date(`${iso.slice(0, 10)}T00:00:00Z`).toLocaleDateString('en-US', { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
}

async function customerRows(req: CoRequest): Promise<Row[]> {
  return renderCustomers(req, (await listCustomers(req.ctx, { limit: MAX_ROWS })).rows);
}

async function transactionRows(req: CoRequest): Promise<Row[]> {
  return renderTransactions(req, (await listTransactions(req.ctx, WIRE_TYPES, { limit: MAX_ROWS })).rows);
}

function balanceRow(c: Row): Row {
  const cur = String(c.currency_iso4217);
  // Rendered rows carry major units; back to minor units through core/money (the currency's exponent).
  const minor = (v: unknown) => parseFloatMajor(Number(v), cur);
  return {
    customer_customer_id: c.customer_id,
    customer_company: c.company,
    customer_external_key: c.external_key,
    customer_total: formatted(minor(c.total), cur),
    customer_total_unformatted: c.total,
    customer_paid: formatted(minor(c.paid), cur),
    customer_paid_unformatted: c.paid,
    customer_balance: formatted(minor(c.balance), cur),
    customer_balance_unformatted: c.balance,
  };
}

function transactionRow(t: Row): Row {
  return {
    transaction_transaction_id: t.transaction_id,
    transaction_customer_id: t.customer_id,
    transaction_transaction_date: displayDate(t.transaction_date),
    transaction_transaction_date_unformatted: t.transaction_date,
    transaction_transaction_method: t.transaction_method,
    transaction_transaction_detail: t.transaction_detail,
    transaction_amount: formatted(parseFloatMajor(Number(t.amount), String(t.currency_iso4217)), String(t.currency_iso4217)),
    transaction_amount_unformatted: t.amount,
    transaction_gateway_transid: t.gateway_transid,
    transaction_transaction_type: t.transaction_type_name,
    transaction_gateway_status: t.gateway_status,
  };
}

/** Report 44 "Invoices" (extra §10): one row per invoice, ordered by id. */
function invoiceRow(i: Row, companies: Map<number, string | null>): Row {
  const cur = String(i.currency_iso4217);
  const minor = (v: unknown) => parseFloatMajor(Number(v), cur);
  return {
    invoice_invoice_id: i.invoice_id,
    invoice_refnumber: i.refnumber,
    invoice_invoice_date: displayDate(i.date),
    invoice_invoice_date_unformatted: i.date,
    invoice_date_due: displayDate(i.due_date),
    invoice_date_due_unformatted: i.due_date,
    customer_customer_id: i.customer_id,
    customer_company: companies.get(Number(i.customer_id)) ?? null,
    invoice_total: formatted(minor(i.total), cur),
    invoice_total_unformatted: i.total,
    invoice_balance: formatted(minor(i.balance), cur),
    invoice_balance_unformatted: i.balance,
    invoice_invoice_status_name: i.invoice_status_name,
    invoice_invoice_status_str: i.invoice_status_str,
  };
}

async function rowsOf(req: CoRequest, id: number): Promise<Row[]> {
  switch (id) {
    case 3:
      return (await customerRows(req)).filter((c) => Number(c.balance) > 0).map(balanceRow);
    case 4:
      return (await customerRows(req)).map(balanceRow);
    case 37:
      return (await customerRows(req)).map((c) => ({
        tenant_tenant_id: c.customer_id,
        tenant_company: c.company,
        tenant_external_key: c.external_key,
        tenant_bill_country: c.bill_country,
        tenant_write_datetime: c.write_datetime,
      }));
    case 6:
      return (await transactionRows(req)).filter((t) => t.transaction_type === 'cre').map(transactionRow);
    case 7:
      return (await transactionRows(req)).filter((t) => t.gateway_status === 0).map(transactionRow);
    case 58:
      return (await transactionRows(req)).filter((t) => t.transaction_type === 'pay' && t.gateway_status === 1).map(transactionRow);
    case 44: {
      const rows = (await listInvoices(req.ctx, { limit: MAX_ROWS })).rows;
      const companies = new Map(
        (
          await customersByIds(
            req.ctx,
            rows.map((r) => r.customer_id),
            { includeDeleted: true },
          )
        ).map((c) => [c.id, c.company]),
      );
      return (await renderInvoices(req, rows, false)).map((i) => invoiceRow(i, companies));
    }
    default:
      throw doesNotExist('report');
  }
}

function valueOf(row: Row, field: string): unknown {
  if (!(field in row)) throw bad(`Unknown report column ${field}`);
  return `${field}_unformatted` in row ? row[`${field}_unformatted`] : row[field];
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a ?? '').localeCompare(String(b ?? ''));
}

function matches(row: Row, f: WireFilter): boolean {
  const value = valueOf(row, f.field);
  if (f.op === 'is_null') return value === null || value === undefined;
  if (f.op === 'not_null') return value !== null && value !== undefined;
  const target = typeof value === 'number' ? Number(f.value) : String(f.value ?? '').toLowerCase();
  const actual = typeof value === 'number' ? value : String(value ?? '').toLowerCase();
  switch (f.op) {
    case 'eq':
      return actual === target;
    case 'ne':
      return actual !== target;
    case 'contains':
      return String(actual).includes(String(target));
    case 'gt':
      return compare(actual, target) > 0;
    case 'lt':
      return compare(actual, target) < 0;
    case 'gte':
      return compare(actual, target) >= 0;
    case 'lte':
      return compare(actual, target) <= 0;
    default:
      return false;
  }
}

async function report(req: CoRequest): Promise<CoResult | null> {
  const [, id, second, third] = req.segments;
  // /_report/{id}/_action/{name} is the docs' spelling of ?action=name.
  const extra = second === '_action' && third ? undefined : second;
  const action = second === '_action' && third ? third : String(req.query.action);
  if (id === undefined) {
    if (req.method !== 'GET') throw bad(INVALID_ENDPOINT);
    return ok(REPORTS);
  }
  if (extra !== undefined || !/^\d+$/.test(id) || !DATA_ACTIONS.has(action) || (req.method !== 'POST' && req.method !== 'GET')) throw bad(INVALID_ENDPOINT);
  let filters: WireFilter[];
  if (Array.isArray(req.body)) filters = req.body.map((f) => parseCondition(String(f)));
  else if (req.body === undefined || req.body === null || req.body === '') filters = parseWhere(req.query.where);
  else throw bad('The report filters must be a JSON array of conditions');
  let rows = await rowsOf(req, Number(id));
  rows = rows.filter((row) => filters.every((f) => matches(row, f)));
  const order = parseOrder(req.query.order);
  if (order.length > 0 && rows.length > 0) {
    rows.sort((a, b) => {
      for (const o of order) {
        const d = compare(valueOf(a, o.field), valueOf(b, o.field));
        if (d !== 0) return o.direction === 'asc' ? d : -d;
      }
      return 0;
    });
  }
  const { offset, limit } = parsePaging(req.query, 1000, 1000);
  return ok({ _report: rows.slice(offset, offset + limit), _count: rows.length });
}

export const reports: Resource = { custom: report };
