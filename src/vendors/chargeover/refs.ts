// Ids, external keys and tokens (spec 1.11): any {id} path slot takes a number, external_key:<k> or
// token:<t>; payloads refer to other objects by <obj>_id, <obj>_external_key or <obj>_token.
import { sql } from 'kysely';
import type { TenantContext } from '../../core/context.ts';
import { jsonText } from '../../store/json.ts';
import { bad, CoError } from './envelope.ts';

export type Ref = { by: 'id'; id: number } | { by: 'external_key' | 'token'; value: string };

export function parseRef(segment: string): Ref | null {
  if (/^\d{1,15}$/.test(segment)) return { by: 'id', id: Number(segment) };
  const match = /^(external_key|token):(.+)$/s.exec(segment);
  if (match) return { by: match[1] as 'external_key' | 'token', value: match[2] };
  return null;
}

type Kind = 'customer' | 'user' | 'invoice' | 'transaction' | 'item' | 'creditcard' | 'ach' | 'tokenized';

/** Finds the internal id of an object of the tenant, or null. */
export async function lookup(ctx: TenantContext, kind: Kind, ref: Ref): Promise<number | null> {
  const t = ctx.tenant.id;
  const db = ctx.db;
  switch (kind) {
    case 'customer':
    case 'user': {
      const table = kind === 'customer' ? 'customers' : 'contacts';
      let q = db.selectFrom(table).select('id').where('tenant_id', '=', t).where('deleted_at', 'is', null);
      q = ref.by === 'id' ? q.where('id', '=', ref.id) : q.where(ref.by, '=', ref.value);
      return (await q.executeTakeFirst())?.id ?? null;
    }
    case 'invoice': {
      let q = db.selectFrom('invoices').select('id').where('tenant_id', '=', t);
      q = ref.by === 'id' ? q.where('id', '=', ref.id) : q.where(ref.by, '=', ref.value);
      return (await q.executeTakeFirst())?.id ?? null;
    }
    case 'item': {
      let q = db.selectFrom('catalog_items').select('id').where('tenant_id', '=', t).where('kind', '=', 'item').where('deleted_at', 'is', null);
      q = ref.by === 'id' ? q.where('id', '=', ref.id) : q.where(ref.by, '=', ref.value);
      return (await q.executeTakeFirst())?.id ?? null;
    }
    case 'creditcard':
    case 'ach':
    case 'tokenized': {
      const methodKind = kind === 'creditcard' ? 'card' : kind === 'ach' ? 'bank' : 'tokenized';
      let q = db.selectFrom('payment_methods').select('id').where('tenant_id', '=', t).where('status', '=', 'active').where('kind', '=', methodKind);
      q = ref.by === 'id' ? q.where('id', '=', ref.id) : q.where(ref.by, '=', ref.value);
      return (await q.executeTakeFirst())?.id ?? null;
    }
    case 'transaction': {
      let q = db.selectFrom('transactions').select('id').where('tenant_id', '=', t).where('type', 'in', ['sale', 'refund', 'credit_memo']);
      q = ref.by === 'id' ? q.where('id', '=', ref.id) : q.where(sql<boolean>`${jsonText(ctx.dialect, "vendor_data", ["chargeover", ref.by])} = ${ref.value}`);
      return (await q.executeTakeFirst())?.id ?? null;
    }
  }
}

/** The target of a path: missing is 404. */
export async function target(ctx: TenantContext, kind: Kind, segment: string): Promise<number> {
  const ref = parseRef(segment);
  const id = ref ? await lookup(ctx, kind, ref) : null;
  if (id === null) throw new CoError(404, `No ${kind} found for ${segment}`);
  return id;
}

/** A reference inside a payload: <name>_id, <name>_external_key or <name>_token; unknown is 400. */
export async function payloadRef(ctx: TenantContext, kind: Kind, body: Record<string, unknown>, name: string, required: boolean): Promise<number | undefined> {
  const found: number[] = [];
  const given = [`${name}_id`, `${name}_external_key`, `${name}_token`].filter((key) => body[key] !== undefined && body[key] !== null && body[key] !== '');
  for (const key of given) {
    const value = body[key];
    let ref: Ref | null;
    if (key.endsWith('_id')) ref = (typeof value === 'number' && Number.isSafeInteger(value)) || (typeof value === 'string' && /^\d+$/.test(value)) ? { by: 'id', id: Number(value) } : null;
    else ref = typeof value === 'string' ? { by: key.endsWith('_token') ? 'token' : 'external_key', value } : null;
    if (!ref) throw bad(`${key} is invalid`);
    const id = await lookup(ctx, kind, ref);
    if (id === null) throw bad(`No ${kind} found for ${key} ${String(value)}`);
    found.push(id);
  }
  if (found.length === 0) {
    if (required) throw bad(`${name}_id is required`);
    return undefined;
  }
  if (found.some((id) => id !== found[0])) throw bad(`The ${name} references do not agree`);
  return found[0];
}
