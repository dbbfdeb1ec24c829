// The catalog domain's tables as the database holds them: times are epoch milliseconds, money is
// integer minor units, JSON columns are text (core/database.ts composes every domain's tables).
import type { Generated, Selectable } from 'kysely';

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

export type CatalogItemRow = Selectable<CatalogItemsTable>;
