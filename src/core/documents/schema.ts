// The documents domain's tables as the database holds them: times are epoch milliseconds, JSON
// columns are text (core/database.ts composes every domain's tables).
import type { Generated, Selectable } from 'kysely';

export interface DocumentsTable {
  id: Generated<number>;
  tenant_id: number;
  /** test | live | purged, as for transactions. */
  mode: Generated<string>;
  /** signature | attachment | merchant_application | ... (what the door keeps). */
  kind: string;
  /** The object it belongs to (transaction, invoice ...), when attached. */
  object_type: string | null;
  object_id: number | null;
  name: string;
  content_type: string;
  /** Text as given, or base64 for binary content (content_type says which). */
  content: string;
  size: number;
  /** clean | infected (a scanned upload), or stored. */
  state: string;
  vendor_data: string;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

export type DocumentRow = Selectable<DocumentsTable>;
