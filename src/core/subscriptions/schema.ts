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
  items: string; // JSON
  status: string;
  vendor_data: string;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

export type SubscriptionRow = Selectable<SubscriptionsTable>;
