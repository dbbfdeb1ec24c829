// The payments domain's tables as the database holds them: times are epoch milliseconds, money is
// integer minor units, JSON columns are text (core/database.ts composes every domain's tables).
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface TransactionsTable {
  id: Generated<number>;
  tenant_id: number;
  seq: number;
  type: string; // sale | authorize | credit | refund
  status: string;
  currency: string;
  amount: number;
  amount_authorized: number;
  amount_captured: number;
  amount_refunded: number;
  amount_settled: number;
  payment_method_id: number | null;
  payment_kind: string | null; // card | bank | cash | check | other
  customer_id: number | null;
  parent_id: number | null;
  settlement_batch_id: number | null;
  decline_reason: string | null;
  auth_code: string | null;
  gateway_ref: string;
  avs_result: string | null;
  cvv_result: string | null;
  order_id: string | null;
  description: string | null;
  /** Why the money moved, when a flow decided it: invoice_payment (the balance of named invoices). */
  purpose: string | null;
  /** Public token (payment links, lookups by token), as every other object has. */
  token: string;
  vendor_data: string;
  /** test | live (the acting credential's mode), or purged (a purged test row, seen by no key). */
  mode: Generated<string>;
  /** The merchant account that processed it (core/merchant-accounts), when the door names one. */
  account_id: number | null;
  created_at: number;
  authorized_at: number | null;
  captured_at: number | null;
  settled_at: number | null;
  voided_at: number | null;
  updated_at: number;
  /** The subscription this charge collects for (a renewal or its retry). */
  subscription_id: Generated<number | null>;
  /** An authorization not captured by then is released (voided) by the due-work runner. */
  auth_expires_at: Generated<number | null>;
}

export type TransactionRow = Selectable<TransactionsTable>;

export type NewTransaction = Insertable<TransactionsTable>;

export type TransactionUpdate = Updateable<TransactionsTable>;

/**
 * SQLite only (migration transaction_counts): a tenant's transactions per type, kept by triggers,
 * for totals of unfiltered lists. PostgreSQL counts from an index instead.
 */
export interface TransactionCountsTable {
  tenant_id: number;
  type: string;
  n: number;
}
