// The idempotency records table: one row per (scope, key), written by the business transaction
// that the key protects, naming the object it produced; the answer sent is added afterwards.
import type { IdempotencyRecord } from '../database.ts';
import type { Db } from '../db.ts';
import { systemTime } from '../clock/clock.ts';
import type { IdempotencyClaim } from './claim.ts';

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The live record for a claim's key; an expired one is deleted (the key is free again). */
export async function findRecord(db: Db, claim: Pick<IdempotencyClaim, 'scope' | 'key'>): Promise<IdempotencyRecord | undefined> {
  const row = await db.selectFrom('idempotency_records').selectAll().where('scope', '=', claim.scope).where('key', '=', claim.key).executeTakeFirst();
  if (row && row.expires_at <= systemTime()) {
    await db.deleteFrom('idempotency_records').where('id', '=', row.id).where('expires_at', '<=', systemTime()).execute();
    return undefined;
  }
  return row;
}

export async function insertRecord(db: Db, claim: IdempotencyClaim, fields: { tenantId: number | null; operation: string; response?: StoredResponse }): Promise<number> {
  const now = systemTime();
  const row = await db
    .insertInto('idempotency_records')
    .values({
      tenant_id: fields.tenantId,
      scope: claim.scope,
      key: claim.key,
      fingerprint: claim.fingerprint,
      operation: fields.operation,
      result_type: null,
      result_id: null,
      response_status: fields.response?.status ?? null,
      response_headers: fields.response ? JSON.stringify(fields.response.headers) : null,
      response_body: fields.response?.body ?? null,
      created_at: now,
      expires_at: now + claim.ttlMs,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function storeResult(db: Db, recordId: number, ref: { type: string; id: number }): Promise<void> {
  await db.updateTable('idempotency_records').set({ result_type: ref.type, result_id: ref.id }).where('id', '=', recordId).execute();
}

export async function storeResponse(db: Db, claim: Pick<IdempotencyClaim, 'scope' | 'key'>, response: StoredResponse): Promise<void> {
  await db
    .updateTable('idempotency_records')
    .set({ response_status: response.status, response_headers: JSON.stringify(response.headers), response_body: response.body })
    .where('scope', '=', claim.scope)
    .where('key', '=', claim.key)
    .execute();
}

export function storedResponse(row: IdempotencyRecord): StoredResponse | null {
  if (row.response_status === null) return null;
  return { status: row.response_status, headers: JSON.parse(row.response_headers ?? '{}') as Record<string, string>, body: row.response_body ?? '' };
}
