// The terminals domain's tables as the database holds them: times are epoch milliseconds, money is
// integer minor units, JSON columns are text (core/database.ts composes every domain's tables).
import type { Generated, Selectable } from 'kysely';

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

export type TerminalRow = Selectable<TerminalsTable>;
