// Every table of the core, composed from each domain's own schema file, and the row types by
// name. The store opens a database of this shape; the core's modules read and write it.
import type { Kysely, Transaction } from 'kysely';
import type { TenantsTable, CredentialsTable, SettingsTable, NoncesTable, Tenant, Credential } from './tenants/schema.ts';
import type { CustomersTable, ContactsTable, AddressesTable, ContactLoginsTable, CustomerRow, ContactRow, AddressRow } from './customers/schema.ts';
import type { PaymentMethodsTable, PaymentTokensTable, PaymentMethodRow } from './vault/schema.ts';
import type { TransactionsTable, TransactionRow, NewTransaction, TransactionUpdate, TransactionCountsTable } from './payments/schema.ts';
import type { SettlementBatchesTable, SettlementBatchRow } from './settlement/schema.ts';
import type { InvoicesTable, InvoiceLinesTable, AllocationsTable, ScheduledPaymentsTable, PaymentAttemptsTable, InvoiceRow, InvoiceLineRow } from './invoices/schema.ts';
import type { CatalogItemsTable, CatalogItemRow } from './catalog/schema.ts';
import type { EventsTable, EventRow, DueNoticesTable } from './events/schema.ts';
import type { LedgerEntriesTable, LedgerLinesTable } from './ledger/schema.ts';
import type { IdempotencyRecordsTable, IdempotencyRecord } from './idempotency/schema.ts';
import type { ExternalRefsTable } from './refs/schema.ts';
import type { OutboxTable } from './outbox/schema.ts';
import type { UsersTable, UserSessionsTable, PasswordResetsTable, UserRow } from './users/schema.ts';
import type {
  SubscriptionsTable,
  SubscriptionRow,
  SubscriptionLinesTable,
  SubscriptionLineRow,
  RenewalsTable,
  RenewalRow,
  SubscriptionUsageTable,
  SubscriptionUsageRow,
} from './subscriptions/schema.ts';
import type { TerminalsTable, TerminalRow } from './terminals/schema.ts';
import type { NotesTable, NoteRow } from './notes/schema.ts';
import type { WebhookEndpointsTable, WebhookDeliveriesTable, WebhookAttemptsTable } from './webhooks/schema.ts';
import type { DocumentsTable, DocumentRow } from './documents/schema.ts';

export interface Database {
  tenants: TenantsTable;
  credentials: CredentialsTable;
  settings: SettingsTable;
  customers: CustomersTable;
  contacts: ContactsTable;
  payment_methods: PaymentMethodsTable;
  payment_tokens: PaymentTokensTable;
  transactions: TransactionsTable;
  transaction_counts: TransactionCountsTable;
  settlement_batches: SettlementBatchesTable;
  invoices: InvoicesTable;
  invoice_lines: InvoiceLinesTable;
  allocations: AllocationsTable;
  catalog_items: CatalogItemsTable;
  events: EventsTable;
  due_notices: DueNoticesTable;
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
  subscription_lines: SubscriptionLinesTable;
  renewals: RenewalsTable;
  subscription_usage: SubscriptionUsageTable;
  terminals: TerminalsTable;
  contact_logins: ContactLoginsTable;
  scheduled_payments: ScheduledPaymentsTable;
  payment_attempts: PaymentAttemptsTable;
  notes: NotesTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  documents: DocumentsTable;
}

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;

export type {
  TenantsTable,
  CredentialsTable,
  SettingsTable,
  NoncesTable,
  Tenant,
  Credential,
  CustomersTable,
  ContactsTable,
  AddressesTable,
  ContactLoginsTable,
  CustomerRow,
  ContactRow,
  AddressRow,
  PaymentMethodsTable,
  PaymentTokensTable,
  PaymentMethodRow,
  TransactionsTable,
  TransactionRow,
  NewTransaction,
  TransactionUpdate,
  SettlementBatchesTable,
  SettlementBatchRow,
  InvoicesTable,
  InvoiceLinesTable,
  AllocationsTable,
  ScheduledPaymentsTable,
  PaymentAttemptsTable,
  InvoiceRow,
  InvoiceLineRow,
  CatalogItemsTable,
  CatalogItemRow,
  EventsTable,
  EventRow,
  LedgerEntriesTable,
  LedgerLinesTable,
  IdempotencyRecordsTable,
  IdempotencyRecord,
  ExternalRefsTable,
  OutboxTable,
  UsersTable,
  UserSessionsTable,
  PasswordResetsTable,
  UserRow,
  SubscriptionsTable,
  SubscriptionRow,
  SubscriptionLinesTable,
  SubscriptionLineRow,
  RenewalsTable,
  RenewalRow,
  SubscriptionUsageTable,
  SubscriptionUsageRow,
  TerminalsTable,
  TerminalRow,
  NotesTable,
  NoteRow,
  WebhookEndpointsTable,
  WebhookDeliveriesTable,
  WebhookAttemptsTable,
  DocumentsTable,
  DocumentRow,
};
