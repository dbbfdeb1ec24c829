// The outbox domain's tables as the database holds them: times are epoch milliseconds, money is
// integer minor units, JSON columns are text (core/database.ts composes every domain's tables).
import type { Generated } from 'kysely';

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
