// The subscriptions domain's tables as the database holds them: times are epoch milliseconds, money is
// integer minor units, JSON columns are text (core/database.ts composes every domain's tables).
import type { Generated, Selectable } from 'kysely';

export interface SubscriptionsTable {
  id: Generated<number>;
  tenant_id: number;
  customer_id: number;
  plan_id: number | null;
  description: string;
  currency: string;
  amount: number;
  schedule: string; // JSON
  next_bill_date: string | null;
  /** The instant next_bill_date falls due: the start of that day in the tenant's zone. */
  next_bill_at: number | null;
  items: string; // JSON
  status: string; // trialing | active | past_due | unpaid | paused | cancelled | completed
  vendor_data: string;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
  /** Public token, as every object has. */
  token: string;
  /** The method renewals charge; null: the customer's chargeable methods, default first. */
  payment_method_id: number | null;
  /** charge: renewals charge and apply; invoice: renewals only issue (and e-mail) the invoice. */
  collection: Generated<string>;
  /** Exact decimal: the amount is per unit. */
  quantity: Generated<string>;
  /** Occurrences billed, and their total, against the schedule's caps. */
  billed_count: Generated<number>;
  billed_amount: Generated<number>;
  current_period_start: string | null;
  current_period_end: string | null;
  trial_ends_on: string | null;
  /** Billing pauses while pause_from ≤ now < pause_until (no end: until resumed). */
  pause_from: number | null;
  pause_until: number | null;
  /** A cancel scheduled for this instant. */
  cancel_at: number | null;
  cancelled_at: number | null;
  /** When the last billed period ends on a schedule that has run out: then it completes. */
  ends_at: number | null;
  ended_at: number | null;
  /** Why it is in its state: manual, nonpayment, schedule_complete … */
  status_reason: string | null;
  /** JSON: one-off lines (prorations) the next invoice carries. */
  carry: Generated<string>;
  /** 1: dunning steps and invoices are e-mailed to the customer (doors whose vendor mails). */
  notify: Generated<number>;
  /** A renewal that failed with an error is tried again at this instant. */
  retry_after: number | null;
  last_error: string | null;
  /** Days after issue the invoices it raises are due (0: on receipt). */
  terms_days: Generated<number>;
  /** JSON ChargeOptions for its charges (a door whose vendor does not check card expiry says so). */
  charge_options: Generated<string>;
  /** test | live (| purged): the mode its renewals charge and record events in. */
  mode: Generated<string>;
  /** The door whose object it is (null: made before doors were noted). */
  vendor: string | null;
  /** JSON CollectOptions (./collect-options.ts). */
  options: Generated<string>;
}

export type SubscriptionRow = Selectable<SubscriptionsTable>;

export interface SubscriptionLinesTable {
  id: Generated<number>;
  tenant_id: number;
  subscription_id: number;
  position: number;
  item_id: number | null;
  description: string | null;
  quantity: string;
  unit_price: number;
  /** flat: unit price × quantity; per_unit: the tier price for the quantity (or usage); percent: −percent of the other lines. */
  pricing: string;
  percent: string | null;
  tiers: string; // JSON [{from, to, price}]
  setup_fee: number;
  /** JSON Cadence of the line's own cycle; null: it bills once each period of the subscription. */
  cadence: string | null;
  /** First day the line bills (its start plus its trial). */
  bill_from: string | null;
  /** How many periods it bills (null: every one). */
  max_billings: number | null;
  billings: number;
  /** 1: bills the usage recorded on it instead of its quantity. */
  usage: number;
  started_at: number;
  cancelled_at: number | null;
  expires_at: number | null;
  vendor_data: string;
  created_at: number;
  updated_at: number;
}

export type SubscriptionLineRow = Selectable<SubscriptionLinesTable>;

export interface RenewalsTable {
  id: Generated<number>;
  tenant_id: number;
  subscription_id: number;
  period_start: string;
  period_end: string | null;
  invoice_id: number | null;
  transaction_id: number | null;
  amount: number;
  /** pending (being billed) | paid | open (invoiced, not charged) | failed (in dunning) | unknown | skipped | uncollected (the ladder ran out) | ignored */
  status: string;
  attempts: number;
  dunning_step: number;
  retry_at: number | null;
  created_at: number;
  updated_at: number;
}

export type RenewalRow = Selectable<RenewalsTable>;

export interface SubscriptionUsageTable {
  id: Generated<number>;
  tenant_id: number;
  subscription_id: number;
  line_id: number;
  quantity: string;
  from_at: number;
  to_at: number;
  renewal_id: number | null;
  vendor_data: string;
  created_at: number;
}

export type SubscriptionUsageRow = Selectable<SubscriptionUsageTable>;
