// The refs domain's tables as the database holds them: times are epoch milliseconds, money is
// integer minor units, JSON columns are text (core/database.ts composes every domain's tables).
import type { Generated } from 'kysely';

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
