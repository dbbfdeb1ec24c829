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
  /** The mode of the object the event is about (test | live | purged). */
  mode: Generated<string>;
  created_at: number;
  /** JSON Actor (who, from where, why), or null. */
  actor: Generated<string | null>;
}

export type EventRow = Selectable<EventsTable>;

/** A notice given ahead of something due (jobs kind `notices`), once per object and date. */
export interface DueNoticesTable {
  id: Generated<number>;
  tenant_id: number;
  /** upcoming_payment | request_reminder */
  kind: string;
  object_type: string;
  object_id: number;
  /** What it is about: the bill date (YYYY-MM-DD) of an upcoming payment, '' for a request. */
  due_for: string;
  created_at: number;
}
