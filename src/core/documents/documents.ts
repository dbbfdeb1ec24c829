// Documents a client gives the merchant and reads back later: a cardholder's signature on a
// transaction, a file attached to an invoice, a merchant application. Each has the mode it was
// made in. Uploads are scanned (simulated: the EICAR test string is a virus) and read as still
// processing for a moment, as a real scanner would take (the tenant's clock decides).
import type { DocumentRow } from '../database.ts';
import { modeOf, type TenantContext } from '../context.ts';
import { DomainError, ErrorCode, notFound } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { mergeVendorData } from '../vendor-data.ts';
import { inWork, type TxContext } from '../work.ts';

export const DocumentState = { STORED: 'stored', CLEAN: 'clean', INFECTED: 'infected' } as const;

/** How long an upload reads as being scanned. */
export const SCAN_MS = 1000;
const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

export interface DocumentInput {
  kind: string;
  object?: { type: string; id: number } | null;
  name?: string;
  contentType: string;
  /** Raw bytes (an upload, kept as base64) or text (kept as is). */
  content: Buffer | string;
  /** Scan the content for viruses (uploads). */
  scan?: boolean;
  vendor?: string;
  vendorData?: Record<string, unknown>;
}

async function insertDocument(ctx: TxContext, input: DocumentInput): Promise<DocumentRow> {
  const now = ctx.clock.now();
  const binary = Buffer.isBuffer(input.content);
  const text = binary ? (input.content as Buffer).toString('base64') : (input.content as string);
  const size = binary ? (input.content as Buffer).length : Buffer.byteLength(input.content as string);
  const infected = input.scan === true && (binary ? (input.content as Buffer).includes(EICAR) : (input.content as string).includes(EICAR));
  const row = await ctx.db
    .insertInto('documents')
    .values({
      tenant_id: ctx.tenant.id,
      mode: modeOf(ctx),
      kind: input.kind,
      object_type: input.object?.type ?? null,
      object_id: input.object?.id ?? null,
      name: input.name ?? '',
      content_type: binary ? `${input.contentType};base64` : input.contentType,
      content: text,
      size,
      state: input.scan ? (infected ? DocumentState.INFECTED : DocumentState.CLEAN) : DocumentState.STORED,
      vendor_data: input.vendor && input.vendorData ? mergeVendorData('{}', input.vendor, input.vendorData) : '{}',
      created_at: now,
      updated_at: now,
      deleted_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordEvent(ctx, 'document.created', 'document', row.id, { ...row, content: undefined });
  return row;
}

/** Stores a document (attached to an object when one is named). */
export async function storeDocument(ctx: TenantContext, input: DocumentInput): Promise<DocumentRow> {
  return inWork(ctx, (ctx) => insertDocument(ctx, input));
}

/** A live document of a kind, by id, of the acting mode, or null. */
export async function getDocument(ctx: TenantContext, id: number, kind: string): Promise<DocumentRow | null> {
  const row = await ctx.db
    .selectFrom('documents')
    .selectAll()
    .where('tenant_id', '=', ctx.tenant.id)
    .where('id', '=', id)
    .where('kind', '=', kind)
    .where('mode', '=', modeOf(ctx))
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return row ?? null;
}

/** The live documents of a kind attached to each of the objects, oldest first. */
export async function documentsOf(ctx: TenantContext, kind: string, objectType: string, objectIds: readonly number[]): Promise<Map<number, DocumentRow[]>> {
  const map = new Map<number, DocumentRow[]>();
  const ids = [...new Set(objectIds)];
  if (ids.length === 0) return map;
  const rows = await ctx.db
    .selectFrom('documents')
    .selectAll()
    .where('tenant_id', '=', ctx.tenant.id)
    .where('kind', '=', kind)
    .where('object_type', '=', objectType)
    .where('object_id', 'in', ids)
    .where('deleted_at', 'is', null)
    .orderBy('id')
    .execute();
  for (const row of rows) map.set(Number(row.object_id), [...(map.get(Number(row.object_id)) ?? []), row]);
  return map;
}

/** Unattached live documents of a kind in the acting mode (uploads waiting to be attached). */
export async function unattachedDocuments(ctx: TenantContext, kind: string): Promise<DocumentRow[]> {
  return ctx.db
    .selectFrom('documents')
    .selectAll()
    .where('tenant_id', '=', ctx.tenant.id)
    .where('kind', '=', kind)
    .where('mode', '=', modeOf(ctx))
    .where('object_id', 'is', null)
    .where('deleted_at', 'is', null)
    .execute();
}

/** The scan's verdict as of `now`: still processing for SCAN_MS after upload. */
export function scanState(row: Pick<DocumentRow, 'state' | 'created_at'>, now: number): 'processing' | 'completed' | 'failed' | 'stored' {
  if (row.state === DocumentState.STORED) return 'stored';
  if (now - row.created_at < SCAN_MS) return 'processing';
  return row.state === DocumentState.INFECTED ? 'failed' : 'completed';
}

/** The bytes (or text) of a document. */
export function documentContent(row: Pick<DocumentRow, 'content' | 'content_type'>): Buffer {
  return row.content_type.endsWith(';base64') ? Buffer.from(row.content, 'base64') : Buffer.from(row.content, 'utf8');
}

export function documentContentType(row: Pick<DocumentRow, 'content_type'>): string {
  return row.content_type.replace(/;base64$/, '');
}

/** Why a document cannot be attached or removed (details.reason). */
export const DocumentRefusal = { NOT_FOUND: 'document_not_found', NOT_SCANNED: 'document_not_clean', ATTACHED: 'document_attached' } as const;

/**
 * Makes `ids` exactly the documents of a kind attached to an object, inside the caller's
 * transaction: new ones (unattached uploads that scanned clean) are attached, the ones left out are
 * deleted. Refusals carry details.reason (DocumentRefusal).
 */
export async function setAttachedDocuments(ctx: TxContext, kind: string, object: { type: string; id: number }, ids: readonly number[]): Promise<void> {
  const now = ctx.clock.now();
  const current = (await documentsOf(ctx, kind, object.type, [object.id])).get(object.id) ?? [];
  for (const id of ids) {
    if (current.some((doc) => doc.id === id)) continue;
    // In the acting mode only: a test upload is not another mode's to attach.
    const doc = await getDocument(ctx, id, kind);
    if (!doc) throw new DomainError(ErrorCode.INVALID, `Attachment ${id} not found`, { field: 'attachments', details: { reason: DocumentRefusal.NOT_FOUND, id } });
    if (doc.object_id !== null) throw new DomainError(ErrorCode.CONFLICT, `Attachment ${id} is attached elsewhere`, { field: 'attachments', details: { reason: DocumentRefusal.ATTACHED, id } });
    if (scanState(doc, now) !== 'completed')
      throw new DomainError(ErrorCode.INVALID, `Attachment ${id} has not been scanned clean`, { field: 'attachments', details: { reason: DocumentRefusal.NOT_SCANNED, id } });
    await ctx.db.updateTable('documents').set({ object_type: object.type, object_id: object.id, updated_at: now }).where('id', '=', id).execute();
    await recordEvent(ctx, 'document.attached', 'document', id, { object_type: object.type, object_id: object.id });
  }
  for (const doc of current) {
    if (ids.includes(doc.id)) continue;
    await ctx.db.updateTable('documents').set({ deleted_at: now, updated_at: now }).where('id', '=', doc.id).execute();
    await recordEvent(ctx, 'document.deleted', 'document', doc.id, { object_type: object.type, object_id: object.id });
  }
}

/**
 * Deletes a document. `attached` says which: an unattached upload (refused, reason
 * document_attached, once attached), or a document of the given object.
 */
export async function deleteDocument(ctx: TenantContext, id: number, kind: string, attached: { type: string; id: number } | null): Promise<DocumentRow> {
  return inWork(ctx, async (ctx) => {
    const doc = await getDocument(ctx, id, kind);
    if (!doc) throw notFound('document', id);
    if (attached === null && doc.object_id !== null) throw new DomainError(ErrorCode.CONFLICT, 'The file is attached to an invoice', { details: { reason: DocumentRefusal.ATTACHED } });
    if (attached !== null && (doc.object_type !== attached.type || Number(doc.object_id) !== attached.id)) throw notFound('document', id);
    const now = ctx.clock.now();
    const row = await ctx.db.updateTable('documents').set({ deleted_at: now, updated_at: now }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await recordEvent(ctx, 'document.deleted', 'document', id, { object_type: doc.object_type, object_id: doc.object_id });
    return row;
  });
}
