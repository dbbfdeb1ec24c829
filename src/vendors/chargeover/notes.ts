// /note (chargeover-extra §3): notes on customers, users, invoices, items, transactions and
// packages, kept by the core (core/notes). obj_type/obj_id (clients) and context_str/context_id
// (docs) are synonyms on input, in where= and on output.
import { countNotes, createNote, deleteNote, getNote, listNotes, updateNote, type NoteObject } from '../../core/notes/notes.ts';
import { DomainError } from '../../core/errors/domain-error.ts';
import type { NoteRow } from '../../core/database.ts';
import { accepted, bad, created, doesNotExist, ok, type CoRequest, type CoResult } from './envelope.ts';
import { datetimeField } from './fields.ts';
import { listing, pageOf, whereOf, type FieldTable } from './lists.ts';
import type { Resource } from './router.ts';
import { asObject, datetime, optBool, optString, VENDOR, vendorData } from './wire.ts';

/** ChargeOver object types → core object types (billing_package is the docs' word for package). */
const OBJECTS: Record<string, NoteObject> = {
  customer: 'customer',
  invoice: 'invoice',
  user: 'contact',
  item: 'catalog_item',
  transaction: 'transaction',
  package: 'subscription',
  billing_package: 'subscription',
};
const WIRE: Record<string, string> = { customer: 'customer', invoice: 'invoice', contact: 'user', catalog_item: 'item', transaction: 'transaction', subscription: 'package' };

const OBJ_TYPE = { enum: 'object_type', values: OBJECTS };

/** where= fields of /note. */
export const NOTE_FIELDS: FieldTable = {
  note_id: 'id',
  obj_type: OBJ_TYPE,
  context_str: OBJ_TYPE,
  obj_id: 'object_id',
  context_id: 'object_id',
  note: 'body',
  note_is_pinned: 'pinned',
  note_datetime: datetimeField('created_at'),
};

function render(row: NoteRow): Record<string, unknown> {
  const v = vendorData(row.vendor_data);
  const type = WIRE[row.object_type] ?? row.object_type;
  return {
    note_id: row.id,
    user_id: v.user_id ?? null,
    admin_id: v.admin_id ?? null,
    note: row.body,
    note_is_pinned: row.pinned === 1,
    note_datetime: datetime(row.created_at),
    obj_type: type,
    obj_id: row.object_id,
    context_str: type,
    context_id: row.object_id,
  };
}

function pick(body: Record<string, unknown>, a: string, b: string): unknown {
  return body[a] !== undefined && body[a] !== null ? body[a] : body[b];
}

async function create(req: CoRequest): Promise<CoResult> {
  const body = asObject(req.body);
  const note = optString(body, 'note');
  if (!note || !note.trim()) throw bad('note is required');
  const type = pick(body, 'obj_type', 'context_str');
  const objectType = typeof type === 'string' ? OBJECTS[type] : undefined;
  const idValue = pick(body, 'obj_id', 'context_id');
  const objectId = typeof idValue === 'number' ? idValue : typeof idValue === 'string' && /^\d{1,15}$/.test(idValue) ? Number(idValue) : NaN;
  if (!objectType || !Number.isSafeInteger(objectId)) throw bad('Invalid obj_type/obj_id');
  const row = await createNote(req.ctx, { objectType, objectId, body: note, pinned: optBool(body, 'note_is_pinned') ?? false, vendor: VENDOR, vendorData: { user_id: null, admin_id: null } }).catch(
    (error: unknown) => {
      if (error instanceof DomainError && error.field !== 'note') throw bad('Invalid obj_type/obj_id');
      throw error;
    },
  );
  return created(req, 'note', row.id);
}

function noteId(segment: string): number {
  if (!/^\d{1,15}$/.test(segment)) throw doesNotExist('note');
  return Number(segment);
}

export const notes: Resource = {
  list: async (req) => ok((await listing(listNotes(req.ctx, pageOf(req, NOTE_FIELDS)))).rows.map(render)),
  count: async (req) => ok(await listing(countNotes(req.ctx, { where: whereOf(req, NOTE_FIELDS) }))),
  create,
  get: async (req, segment) => ok(render(await getNote(req.ctx, noteId(segment)))),
  update: async (req, segment) => {
    const id = noteId(segment);
    const body = asObject(req.body);
    const note = optString(body, 'note');
    if (note !== undefined && (note === null || !note.trim())) throw bad('note must not be empty');
    await updateNote(req.ctx, id, { body: note ?? undefined, pinned: optBool(body, 'note_is_pinned') });
    return accepted(req, 'note', id);
  },
  remove: async (req, segment) => {
    await deleteNote(req.ctx, noteId(segment));
    return ok(true);
  },
};
