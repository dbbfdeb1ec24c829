// The settlement domain's tables as the database holds them: times are epoch milliseconds, money is
// integer minor units, JSON columns are text (core/database.ts composes every domain's tables).
import type { Generated, Selectable } from 'kysely';

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

export type SettlementBatchRow = Selectable<SettlementBatchesTable>;
