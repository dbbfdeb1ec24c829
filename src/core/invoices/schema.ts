// The invoices domain's tables as the database holds them: times are epoch milliseconds, money is
// integer minor units, JSON columns are text (core/database.ts composes every domain's tables).
import type { Generated, Selectable } from 'kysely';

export interface InvoicesTable {
  id: Generated<number>;
  tenant_id: number;
  customer_id: number;
  number: string;
  token: string;
  status: string;
  currency: string;
  issue_date: string; // YYYY-MM-DD
  due_date: string;
  terms_days: number;
  subtotal: number;
  discount_total: number;
  tax_total: number;
  total: number;
  amount_paid: number;
  amount_credited: number;
  amount_written_off: number;
  balance: number;
  notes: string | null;
  vendor_data: string;
  created_at: number;
  updated_at: number;
  issued_at: number | null;
  paid_at: number | null;
  voided_at: number | null;
  tax_percent: Generated<string>; // exact decimal percent on the net subtotal, e.g. "10"
  invoice_tax: Generated<number>; // what tax_percent gives; included in tax_total
  adjustment_total: Generated<number>; // Σ adjustments, signed; included in total
  adjustments: Generated<string>; // JSON [{ kind, description, amount }]
  /** The subscription whose renewal (or proration) raised it. */
  subscription_id: Generated<number | null>;
  /** When the overdue job noted it past due (its event was recorded then). */
  overdue_at: Generated<number | null>;
}

export type InvoiceRow = Selectable<InvoicesTable>;

export interface InvoiceLinesTable {
  id: Generated<number>;
  tenant_id: number;
  invoice_id: number;
  position: number;
  item_id: number | null;
  description: string | null;
  quantity: string; // exact decimal
  unit_price: number;
  discount: number;
  tax_rate: string; // exact decimal percent, e.g. "8.25"
  tax: number;
  amount: number; // quantity * unit_price - discount, before tax
  vendor_data: string;
  /** The subscription line it bills, on a renewal invoice. */
  subscription_line_id: Generated<number | null>;
}

export type InvoiceLineRow = Selectable<InvoiceLinesTable>;

export interface AllocationsTable {
  id: Generated<number>;
  tenant_id: number;
  transaction_id: number | null;
  invoice_id: number;
  customer_id: number;
  kind: string; // payment | credit | refund
  amount: number;
  created_at: number;
}

export interface ScheduledPaymentsTable {
  id: Generated<number>;
  tenant_id: number;
  invoice_id: number;
  customer_id: number;
  amount: number;
  currency: string;
  due_date: string; // YYYY-MM-DD
  method_kind: string; // any | card | bank | method
  payment_method_id: number | null;
  status: string; // scheduled | cancelled | done | failed
  created_at: number;
  updated_at: number;
  /** Declined attempts so far, the next retry on the dunning ladder, and the charge that paid it. */
  attempts: Generated<number>;
  retry_at: Generated<number | null>;
  transaction_id: Generated<number | null>;
}

export interface PaymentAttemptsTable {
  id: Generated<number>;
  tenant_id: number;
  invoice_id: number;
  transaction_id: number | null;
  outcome: string;
  created_at: number;
}
