// Notes on a tenant's objects (ChargeOver's /note; other vendors keep comments too): free text about
// a customer, contact, invoice, transaction, catalog item or subscription. The object must be the
// tenant's; a deleted note is gone for every reader.
import type { NoteRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { invalid, notFound } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { column, type FieldSet, type ScalarField } from '../query/compile.ts';
import type { ListQuery, Page } from '../query/conditions.ts';
import { countList, runList } from '../query/list.ts';
import { mergeVendorData } from '../vendor-data.ts';
import { inWork } from '../work.ts';

export const NOTE_OBJECTS = ['customer', 'contact', 'invoice', 'transaction', 'catalog_item', 'subscription'] as const;
export type NoteObject = (typeof NOTE_OBJECTS)[number];

const TABLES: Record<NoteObject, 'customers' | 'contacts' | 'invoices' | 'transactions' | 'catalog_items' | 'subscriptions'> = {
  customer: 'customers',
  contact: 'contacts',
  invoice: 'invoices',
  transaction: 'transactions',
  catalog_item: 'catalog_items',
  subscription: 'subscriptions',
};

export interface NoteInput {
  objectType: NoteObject;
  objectId: number;
  body: string;
  pinned?: boolean;
  vendor?: string;
  vendorData?: Record<string, unknown>;
}

async function objectExists(ctx: TenantContext, type: NoteObject, id: number): Promise<boolean> {
  if (!Number.isSafeInteger(id) || id <= 0) return false;
  const table = TABLES[type];
  let query = ctx.db.selectFrom(table).select('id').where('tenant_id', '=', ctx.tenant.id).where('id', '=', id);
  if (table === 'customers' || table === 'contacts') query = query.where('deleted_at', 'is', null);
  return (await query.executeTakeFirst()) !== undefined;
}

export async function createNote(ctx: TenantContext, input: NoteInput): Promise<NoteRow> {
  if (!NOTE_OBJECTS.includes(input.objectType)) throw invalid(`Notes cannot be attached to ${String(input.objectType)}`, 'object_type');
  if (typeof input.body !== 'string' || input.body.trim() === '') throw invalid('A note needs text', 'note');
  if (!(await objectExists(ctx, input.objectType, input.objectId))) throw invalid(`No ${input.objectType} ${input.objectId} to attach the note to`, 'object_id');
  return inWork(ctx, async (ctx) => {
    const now = ctx.clock.now();
    const row = await ctx.db
      .insertInto('notes')
      .values({
        tenant_id: ctx.tenant.id,
        object_type: input.objectType,
        object_id: input.objectId,
        body: input.body,
        pinned: input.pinned ? 1 : 0,
        vendor_data: input.vendor && input.vendorData ? mergeVendorData('{}', input.vendor, input.vendorData) : '{}',
        created_at: now,
        updated_at: now,
        deleted_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordEvent(ctx, 'note.created', 'note', row.id, row);
    return row;
  });
}

export async function getNote(ctx: TenantContext, id: number): Promise<NoteRow> {
  const row = await ctx.db.selectFrom('notes').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
  if (!row) throw notFound('note', id);
  return row;
}

export async function updateNote(ctx: TenantContext, id: number, changes: { body?: string; pinned?: boolean }): Promise<NoteRow> {
  if (changes.body !== undefined && changes.body.trim() === '') throw invalid('A note needs text', 'note');
  await getNote(ctx, id);
  return inWork(ctx, async (ctx) => {
    const set: Partial<NoteRow> = { updated_at: ctx.clock.now() };
    if (changes.body !== undefined) set.body = changes.body;
    if (changes.pinned !== undefined) set.pinned = changes.pinned ? 1 : 0;
    const row = await ctx.db.updateTable('notes').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await recordEvent(ctx, 'note.updated', 'note', id, row);
    return row;
  });
}

export async function deleteNote(ctx: TenantContext, id: number): Promise<void> {
  await getNote(ctx, id);
  await inWork(ctx, async (ctx) => {
    const now = ctx.clock.now();
    await ctx.db.updateTable('notes').set({ deleted_at: now, updated_at: now }).where('id', '=', id).execute();
    await recordEvent(ctx, 'note.deleted', 'note', id, { id });
  });
}

const c = (name: string, type: ScalarField['type']) => column('notes', name, type);

export const NOTE_FIELDS: FieldSet = {
  table: 'notes',
  objectType: 'note',
  fields: {
    id: c('id', 'number'),
    object_type: c('object_type', 'text_ci'),
    object_id: c('object_id', 'number'),
    body: c('body', 'text_ci'),
    pinned: c('pinned', 'number'),
    created_at: c('created_at', 'number'),
  },
};

const base = (ctx: TenantContext) => ctx.db.selectFrom('notes').selectAll().where('notes.tenant_id', '=', ctx.tenant.id).where('notes.deleted_at', 'is', null);

export async function listNotes(ctx: TenantContext, query: ListQuery): Promise<Page<NoteRow>> {
  return runList(ctx, NOTE_FIELDS, base(ctx), query, { field: 'id', direction: query.tieBreak ?? 'asc' });
}

export async function countNotes(ctx: TenantContext, query: Pick<ListQuery, 'where'>): Promise<number> {
  return countList(ctx, NOTE_FIELDS, base(ctx), query);
}
