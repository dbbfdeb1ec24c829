// The idempotency domain's tables as the database holds them: times are epoch milliseconds, money is
// integer minor units, JSON columns are text (core/database.ts composes every domain's tables).
import type { Generated, Selectable } from 'kysely';

export interface IdempotencyRecordsTable {
  id: Generated<number>;
  tenant_id: number | null;
  scope: string; // door and credential: keys are the caller's own
  key: string;
  fingerprint: string; // of the request: the same key with another request is refused
  operation: string;
  result_type: string | null; // the object the write produced, re-rendered on a replay
  result_id: number | null;
  response_status: number | null; // the answer sent, once there is one
  response_headers: string | null;
  response_body: string | null;
  created_at: number;
  expires_at: number;
}

export type IdempotencyRecord = Selectable<IdempotencyRecordsTable>;
