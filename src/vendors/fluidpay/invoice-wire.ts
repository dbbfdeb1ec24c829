// FluidPay's invoice on the wire (spec §2.6, §3.15, §4.7): its items parsed into core lines, and
// the invoice rendered from the core row. Every amount FluidPay shows (item amount and tax,
// subtotal, tax, adjustment, total, amount_paid, amount_due) is a core column, so FluidPay and
// every other door show the same figures; only fields the core has no word for (names, payable_to,
// bill_to as sent, send_via, urls, the item's discount as typed) live in the `fluidpay` namespace.
import { invalid } from '../../core/errors/domain-error.ts';
import { InvoiceState } from '../../core/invoices/status.ts';
import type { LineInput } from '../../core/invoices/invoices.ts';
import { applyPercent, multiplyQuantity } from '../../core/money/money.ts';
import { parseVendorData } from '../../core/vendor-data.ts';
import type { InvoiceLineRow, InvoiceRow } from '../../core/database.ts';
import { decodeId, encodeId } from './ids.ts';
import { isObject, oneOf, optBool, optInt, optString, ts, ZERO_TIME, type Body, type WireAddress } from './wire.ts';

export const VENDOR = 'fluidpay';

export interface ItemData {
  item_id: string;
  name: string;
  quantity_shipped: number;
  unit_of_measure: string;
  /** As sent: cents for "$", a percentage for "%" (the core line holds the resulting cents). */
  discount: number;
  discount_type: string;
  taxable: boolean;
  local_tax: string;
  national_tax: string;
  /** As sent; the core line's rate is this when taxable, else 0. */
  tax_rate: string;
}

export interface InvoiceData {
  company_name: string;
  company_logo_url: string;
  customer_number: string;
  payable_to: WireAddress & { id: string };
  bill_to: WireAddress & { id: string };
  date_due: string;
  date_due_ms: number;
  advanced_fields: boolean;
  message: string;
  send_via: string;
  last_sent_at: number | null;
  payment_methods: string[];
  card_processor_id: string;
  ach_processor_id: string;
  public_url: string;
  hosted_url: string;
  item_seq: number;
}

export const invoiceData = (row: InvoiceRow): Partial<InvoiceData> => (parseVendorData(row.vendor_data)[VENDOR] ?? {}) as Partial<InvoiceData>;
const itemData = (line: InvoiceLineRow): Partial<ItemData> => (parseVendorData(line.vendor_data)[VENDOR] ?? {}) as Partial<ItemData>;

/** A non-negative decimal string (FluidPay sends percentages and rates as strings, "10.00"). */
export function decimalString(body: Body, field: string, path: string, fallback: string): string {
  const value = body[field];
  if (value === undefined || value === null || value === '') return fallback;
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^\d+(\.\d+)?$/.test(text)) throw invalid(`${path} must be a decimal string`, path);
  return text;
}

/** The core's percent ("10", "8.125") the way FluidPay prints it: at least two decimals ("10.00"). */
export function percentWire(percent: string): string {
  const [whole, fraction = ''] = percent.split('.');
  return `${whole}.${fraction.padEnd(2, '0')}`;
}

export interface ParsedItem {
  line: LineInput;
  data: Omit<ItemData, 'item_id'> & { item_id?: string };
}

/** A "%" discount as cents of the item's gross, by the core's exact percentage (half away from zero). */
function discountCents(quantity: number, unitPrice: number, discount: number, type: string, path: string): number {
  try {
    if (type !== '%') return discount;
    return applyPercent(multiplyQuantity(unitPrice, String(quantity)), String(discount));
  } catch {
    throw invalid(`${path} is out of range`, path);
  }
}

export function parseItems(value: unknown): ParsedItem[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid('items must be an array', 'items');
  return value.map((item, i) => {
    const path = `items[${i}]`;
    if (!isObject(item)) throw invalid(`${path} must be an object`, path);
    const quantity = optInt(item, 'quantity', { min: 0, path: `${path}.quantity` }) ?? 1;
    const unitPrice = optInt(item, 'unit_price', { min: 0, path: `${path}.unit_price` }) ?? 0;
    const discount = optInt(item, 'discount', { min: 0, path: `${path}.discount` }) ?? 0;
    const discountType = oneOf(optString(item, 'discount_type', { path: `${path}.discount_type` }) || undefined, ['$', '%'], `${path}.discount_type`) ?? '$';
    const taxable = optBool(item, 'taxable', `${path}.taxable`) ?? false;
    const taxRate = decimalString(item, 'tax_rate', `${path}.tax_rate`, '0');
    const id = optString(item, 'id', { path: `${path}.id` });
    return {
      line: {
        description: optString(item, 'description', { max: 1000, path: `${path}.description` }) ?? '',
        quantity,
        unitPrice,
        // The core refuses a discount above the line's gross, naming the line.
        discount: discountCents(quantity, unitPrice, discount, discountType, `${path}.discount`),
        taxRate: taxable ? taxRate : '0',
      },
      data: {
        item_id: id || undefined,
        name: optString(item, 'name', { max: 255, path: `${path}.name` }) ?? '',
        quantity_shipped: optInt(item, 'quantity_shipped', { min: 0, path: `${path}.quantity_shipped` }) ?? 0,
        unit_of_measure: optString(item, 'unit_of_measure', { max: 50, path: `${path}.unit_of_measure` }) ?? '',
        discount,
        discount_type: discountType,
        taxable,
        local_tax: decimalString(item, 'local_tax', `${path}.local_tax`, '0'),
        national_tax: decimalString(item, 'national_tax', `${path}.national_tax`, '0'),
        tax_rate: taxRate,
      },
    };
  });
}

/** Item ids stay stable across updates: an item sent with its id keeps it; others get new ones. */
export function assignItemIds(items: ParsedItem[], invoiceId: number, createdAt: number, seq: number): { lines: LineInput[]; seq: number } {
  let next = seq;
  const lines = items.map((item) => {
    const id = item.data.item_id && decodeId('invoice_item', item.data.item_id) ? item.data.item_id : encodeId('invoice_item', invoiceId * 1000 + ++next, createdAt);
    return { ...item.line, vendorData: { [VENDOR]: { ...item.data, item_id: id } } };
  });
  return { lines, seq: next };
}

// FluidPay documents only "pending"; "paid" and "partially_paid" are its reserved words for what
// another door (ChargeOver's pay action) applied to the invoice. A void invoice is never rendered:
// FluidPay's delete voids, and one voided elsewhere is gone for FluidPay alike.
function statusOf(row: InvoiceRow): string {
  const applied = row.amount_paid + row.amount_credited;
  if (row.status === InvoiceState.OPEN && applied > 0) return row.balance === 0 ? 'paid' : 'partially_paid';
  return 'pending';
}

export const BLANK_ADDRESS: WireAddress & { id: string } = {
  id: '',
  first_name: '',
  last_name: '',
  company: '',
  address_line_1: '',
  address_line_2: '',
  city: '',
  state: '',
  postal_code: '',
  country: '',
  phone: '',
  fax: '',
  email: '',
};

/**
 * An invoice as FluidPay shows it. One made through another door has none of FluidPay's own fields:
 * its bill_to is the customer's (given by the caller), its due date the core's, its items named by
 * their description, and the rest FluidPay's defaults.
 */
export function renderInvoice(row: InvoiceRow, lines: InvoiceLineRow[], billTo?: WireAddress & { id: string }) {
  const data = invoiceData(row);
  const items = lines.map((line) => {
    const d = itemData(line);
    return {
      id: d.item_id ?? encodeId('invoice_item', line.id, row.created_at),
      name: d.name ?? line.description ?? '',
      description: line.description ?? '',
      quantity: Number(line.quantity),
      quantity_shipped: d.quantity_shipped ?? 0,
      unit_of_measure: d.unit_of_measure ?? '',
      unit_price: line.unit_price,
      discount: d.discount ?? line.discount,
      discount_type: d.discount_type ?? '$',
      taxable: d.taxable ?? Number(line.tax_rate) > 0,
      local_tax: d.local_tax ?? '0',
      national_tax: d.national_tax ?? '0',
      tax_rate: d.tax_rate ?? line.tax_rate,
      tax_amount: line.tax,
      amount: line.amount,
      status: 'pending',
    };
  });
  return {
    id: encodeId('invoice', row.id, row.created_at),
    currency: row.currency,
    company_name: data.company_name ?? '',
    company_logo_url: data.company_logo_url ?? '',
    customer_number: data.customer_number ?? '',
    payable_to: data.payable_to ?? BLANK_ADDRESS,
    bill_to: data.bill_to ?? billTo ?? BLANK_ADDRESS,
    created_at: ts(row.created_at),
    date_due: data.date_due ?? `${row.due_date}T00:00:00Z`,
    items,
    advanced_fields: data.advanced_fields ?? false,
    // §4.7's subtotal is Σ item.amount, i.e. after item discounts.
    subtotal: row.subtotal - row.discount_total,
    tax_percent: percentWire(row.tax_percent),
    tax: row.tax_total,
    total: row.total,
    amount_paid: row.amount_paid + row.amount_credited,
    adjustment: row.adjustment_total,
    amount_due: row.balance,
    payment_methods: data.payment_methods ?? ['card', 'ach'],
    card_processor_id: data.card_processor_id ?? '',
    ach_processor_id: data.ach_processor_id ?? '',
    status: statusOf(row),
    message: data.message ?? row.notes ?? '',
    reject_message: '',
    send_via: data.send_via ?? 'none',
    last_sent_at: data.last_sent_at === null || data.last_sent_at === undefined ? ZERO_TIME : ts(data.last_sent_at),
    updated_at: ts(row.updated_at),
    public_url: data.public_url ?? row.token,
    hosted_url: data.hosted_url ?? '',
  };
}
