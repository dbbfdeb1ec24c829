// The ledger domain's tables as the database holds them: times are epoch milliseconds, money is
// integer minor units, JSON columns are text (core/database.ts composes every domain's tables).
import type { Generated } from 'kysely';

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
