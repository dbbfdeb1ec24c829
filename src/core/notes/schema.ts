// The notes domain's tables as the database holds them: times are epoch milliseconds, JSON columns
// are text (core/database.ts composes every domain's tables).
import type { Generated, Selectable } from 'kysely';

export interface NotesTable {
  id: Generated<number>;
  tenant_id: number;
  /** What the note is about: customer | contact | invoice | transaction | catalog_item | subscription. */
  object_type: string;
  object_id: number;
  body: string;
  pinned: number;
  vendor_data: string;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

export type NoteRow = Selectable<NotesTable>;
