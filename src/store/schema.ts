// Row shapes of every table. Times are epoch milliseconds (integers) and money is integer minor
// units, so the same code runs on SQLite and PostgreSQL; JSON columns are text serialised in code.
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface TenantsTable {
  id: Generated<number>;
  name: string;
  slug: string;
  is_test: number;
  is_demo: number;
  clock_offset_ms: number;
  clock_frozen_at: number | null;
  timezone: string;
  settlement_cutoff: string; // HH:MM in the tenant's timezone (UTC only for now)
  last_settlement_at: number | null;
  txn_seq: number;
  faults: string; // JSON FaultKnobs
  settings: string; // JSON
  created_at: number;
}

export interface CredentialsTable {
  id: Generated<number>;
  tenant_id: number;
  vendor: string;
  kind: string;
  mode: string; // test | live
  label: string;
  lookup: string; // public identifier or sha256 of a high-entropy secret
  secret_hash: string | null;
  secret_enc: string | null;
  created_at: number;
  revoked_at: number | null;
  /** The user an API key acts as (FluidPay keys belong to the user who created them). */
  user_id?: number | null;
  /** JSON: what a front door knows about the credential (FluidPay key type and name). */
  meta?: string;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface CustomersTable {
  id: Generated<number>;
  tenant_id: number;
  token: string;
  first_name: string | null;
  last_name: string | null;
  company: string | null;
  email: string | null;
  phone: string | null;
  currency: string;
  status: string;
  parent_id: number | null;
  /** The customer's defaults: one home for what every door shows as "the" address or card. */
  billing_address_id: number | null;
  shipping_address_id: number | null;
  default_payment_method_id: number | null;
  custom_fields: string; // JSON
  vendor_data: string; // JSON, per vendor
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
  invoice_recipient: Generated<number>; // 1: made by the core for an invoice's recipient (see core/invoices/recipients.ts)
}

export interface ContactsTable {
  id: Generated<number>;
  tenant_id: number;
  customer_id: number;
  token: string;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  title: string | null;
  is_primary: number;
  vendor_data: string;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

export interface PaymentMethodsTable {
  id: Generated<number>;
  tenant_id: number;
  customer_id: number | null;
  kind: string; // card | bank
  status: string; // active | deleted
  holder_name: string | null;
  billing_address: string;
  brand: string | null;
  first6: string | null;
  last4: string;
  exp_month: number | null;
  exp_year: number | null;
  fingerprint: string;
  secret_enc: string; // card number or bank account number, AES-256-GCM
  routing_number: string | null;
  account_type: string | null;
  holder_type: string | null;
  token: string;
  vendor_data: string;
  created_at: number;
  deleted_at: number | null;
}

export interface PaymentTokensTable {
  id: Generated<number>;
  tenant_id: number;
  token: string;
  payment_method_id: number;
  cvv_enc: string | null;
  expires_at: number;
  used_at: number | null;
  created_at: number;
}

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
  created_at: number;
  authorized_at: number | null;
  captured_at: number | null;
  settled_at: number | null;
  voided_at: number | null;
  updated_at: number;
}

export interface SettlementBatchesTable {
  id: Generated<number>;
  tenant_id: number;
  batch_number: number;
  currency: string;
  cutoff_at: number;
  amount_captured: number;
  amount_credit: number;
  net_deposit: number;
  transaction_count: number;
  created_at: number;
}

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
}

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
}

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

export interface CatalogItemsTable {
  id: Generated<number>;
  tenant_id: number;
  kind: string; // item | product | plan | addon | discount
  name: string;
  description: string | null;
  token: string;
  active: number;
  interval_unit: string | null; // day | week | month | year
  interval_count: number | null;
  trial_days: number | null;
  prices: string; // JSON { "USD": 1000 }
  vendor_data: string;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

export interface EventsTable {
  id: Generated<number>;
  tenant_id: number;
  type: string;
  object_type: string;
  object_id: number;
  data: string;
  created_at: number;
}

export interface LedgerEntriesTable {
  id: Generated<number>;
  tenant_id: number;
  kind: string;
  ref_type: string;
  ref_id: number;
  currency: string;
  created_at: number;
}

export interface LedgerLinesTable {
  id: Generated<number>;
  entry_id: number;
  tenant_id: number;
  account: string;
  customer_id: number | null;
  invoice_id: number | null;
  transaction_id: number | null;
  currency: string;
  amount: number; // debit positive, credit negative
}

export interface IdempotencyRecordsTable {
  id: Generated<number>;
  tenant_id: number | null;
  scope: string; // door and credential: keys are the caller's own
  key: string;
  fingerprint: string; // of the request: the same key with another request is refused
  operation: string;
  result_type: string | null; // the object the write produced, re-rendered on a replay
  result_id: number | null;
  response_status: number | null; // the answer sent, once there is one
  response_headers: string | null;
  response_body: string | null;
  created_at: number;
  expires_at: number;
}

export interface ExternalRefsTable {
  id: Generated<number>;
  tenant_id: number;
  vendor: string;
  object_type: string; // customer | contact | invoice | transaction | payment_method | catalog_item | ...
  kind: string; // external_key | client_id | source_id | vendor_id
  value: string;
  object_id: number;
  created_at: number;
}

export interface OutboxTable {
  id: Generated<number>;
  tenant_id: number;
  channel: string; // email
  recipient: string;
  subject: string;
  body: string;
  meta: string;
  created_at: number;
}

export interface NoncesTable {
  scope: string;
  nonce: string;
  expires_at: number;
}

export interface AddressesTable {
  id: Generated<number>;
  tenant_id: number;
  customer_id: number;
  first_name: string;
  last_name: string;
  company: string;
  line1: string;
  line2: string;
  line3: string;
  city: string;
  state: string;
  postal_code: string;
  country: string;
  email: string;
  phone: string;
  fax: string;
  vendor_data: string;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

export interface UsersTable {
  id: Generated<number>;
  tenant_id: number;
  username: string;
  name: string;
  phone: string;
  email: string;
  timezone: string;
  status: string; // active | disabled
  role: string; // admin | standard
  password_hash: string;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

export interface UserSessionsTable {
  id: Generated<number>;
  tenant_id: number;
  user_id: number;
  jti: string;
  expires_at: number;
  revoked_at: number | null;
  created_at: number;
}

export interface PasswordResetsTable {
  id: Generated<number>;
  tenant_id: number;
  user_id: number;
  code_hash: string;
  expires_at: number;
  used_at: number | null;
  created_at: number;
}

export interface SubscriptionsTable {
  id: Generated<number>;
  tenant_id: number;
  customer_id: number;
  plan_id: number | null;
  description: string;
  currency: string;
  amount: number;
  schedule: string; // JSON
  duration: number;
  next_bill_date: string | null;
  items: string; // JSON
  status: string;
  vendor_data: string;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

export interface TerminalsTable {
  id: Generated<number>;
  tenant_id: number;
  manufacturer: string;
  model: string;
  serial_number: string;
  tpn: string;
  description: string;
  status: string;
  auth_key: string;
  register_id: string;
  auto_settle: number;
  settle_at: string;
  created_at: number;
  updated_at: number | null;
}

export interface ContactLoginsTable {
  id: Generated<number>;
  tenant_id: number;
  contact_id: number;
  username: string;
  password_hash: string | null;
  login_token_hash: string | null;
  login_token_expires_at: number | null;
  updated_at: number;
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
}

export interface PaymentAttemptsTable {
  id: Generated<number>;
  tenant_id: number;
  invoice_id: number;
  transaction_id: number | null;
  outcome: string;
  created_at: number;
}

export interface Database {
  tenants: TenantsTable;
  credentials: CredentialsTable;
  settings: SettingsTable;
  customers: CustomersTable;
  contacts: ContactsTable;
  payment_methods: PaymentMethodsTable;
  payment_tokens: PaymentTokensTable;
  transactions: TransactionsTable;
  settlement_batches: SettlementBatchesTable;
  invoices: InvoicesTable;
  invoice_lines: InvoiceLinesTable;
  allocations: AllocationsTable;
  catalog_items: CatalogItemsTable;
  events: EventsTable;
  ledger_entries: LedgerEntriesTable;
  ledger_lines: LedgerLinesTable;
  idempotency_records: IdempotencyRecordsTable;
  outbox: OutboxTable;
  external_refs: ExternalRefsTable;
  nonces: NoncesTable;
  addresses: AddressesTable;
  users: UsersTable;
  user_sessions: UserSessionsTable;
  password_resets: PasswordResetsTable;
  subscriptions: SubscriptionsTable;
  terminals: TerminalsTable;
  contact_logins: ContactLoginsTable;
  scheduled_payments: ScheduledPaymentsTable;
  payment_attempts: PaymentAttemptsTable;
}

export type Tenant = Selectable<TenantsTable>;
export type IdempotencyRecord = Selectable<IdempotencyRecordsTable>;
export type Credential = Selectable<CredentialsTable>;
export type CustomerRow = Selectable<CustomersTable>;
export type ContactRow = Selectable<ContactsTable>;
export type PaymentMethodRow = Selectable<PaymentMethodsTable>;
export type TransactionRow = Selectable<TransactionsTable>;
export type NewTransaction = Insertable<TransactionsTable>;
export type TransactionUpdate = Updateable<TransactionsTable>;
export type InvoiceRow = Selectable<InvoicesTable>;
export type InvoiceLineRow = Selectable<InvoiceLinesTable>;
export type CatalogItemRow = Selectable<CatalogItemsTable>;
export type EventRow = Selectable<EventsTable>;
export type SettlementBatchRow = Selectable<SettlementBatchesTable>;
export type AddressRow = Selectable<AddressesTable>;
export type UserRow = Selectable<UsersTable>;
export type SubscriptionRow = Selectable<SubscriptionsTable>;
export type TerminalRow = Selectable<TerminalsTable>;
