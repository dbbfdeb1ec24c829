// The events domain's tables as the database holds them: times are epoch milliseconds, money is
// integer minor units, JSON columns are text (core/database.ts composes every domain's tables).
import type { Generated, Selectable } from 'kysely';

export interface EventsTable {
  id: Generated<number>;
  tenant_id: number;
  type: string;
  object_type: string;
  object_id: number;
  data: string;
  created_at: number;
  /** JSON Actor (who, from where, why), or null. */
  actor: Generated<string | null>;
}

export type EventRow = Selectable<EventsTable>;
