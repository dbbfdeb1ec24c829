// Ids, external keys and tokens (spec 1.11): any {id} path slot takes a number, external_key:<k> or
// token:<t>; payloads refer to other objects by <obj>_id, <obj>_external_key or <obj>_token.
import type { TenantContext } from '../../core/context.ts';
import { catalogIdByToken, catalogItemsByIds } from '../../core/catalog/queries.ts';
import { contactIdByToken, contactsByIds } from '../../core/customers/contact-queries.ts';
import { customerIdByToken, customersByIds } from '../../core/customers/queries.ts';
import { invoiceIdByToken, invoicesByIds } from '../../core/invoices/queries.ts';
import { transactionIdByToken, transactionsByIds } from '../../core/payments/queries.ts';
import { findByRef, type ObjectType } from '../../core/refs/refs.ts';
import { activeMethodsInOrder, paymentMethodIdByToken } from '../../core/vault/queries.ts';
import { subscriptionIdByToken, subscriptionsByIds } from '../../core/subscriptions/queries.ts';
import { bad, doesNotExist } from './envelope.ts';
import { WIRE_TYPES } from './transaction-view.ts';
import { VENDOR } from './wire.ts';

export type Ref = { by: 'id'; id: number } | { by: 'external_key' | 'token'; value: string };

export function parseRef(segment: string): Ref | null {
  if (/^\d{1,15}$/.test(segment)) return { by: 'id', id: Number(segment) };
  const match = /^(external_key|token):(.+)$/s.exec(segment);
  if (match) return { by: match[1] as 'external_key' | 'token', value: match[2] };
  return null;
}

type Kind = 'customer' | 'user' | 'invoice' | 'transaction' | 'item' | 'creditcard' | 'ach' | 'tokenized' | 'package';

const METHOD_KINDS: Partial<Record<Kind, string>> = { creditcard: 'card', ach: 'bank', tokenized: 'tokenized' };

/** How each ChargeOver type finds its objects in the core: by token, and which ids are its own. */
const KINDS: Record<Kind, { objectType: ObjectType; byToken: (ctx: TenantContext, token: string) => Promise<number | null>; own: (ctx: TenantContext, ids: number[]) => Promise<number[]> }> = {
  customer: { objectType: 'customer', byToken: customerIdByToken, own: async (ctx, ids) => (await customersByIds(ctx, ids)).map((r) => r.id) },
  user: { objectType: 'contact', byToken: contactIdByToken, own: async (ctx, ids) => (await contactsByIds(ctx, ids)).map((r) => r.id) },
  invoice: { objectType: 'invoice', byToken: invoiceIdByToken, own: async (ctx, ids) => (await invoicesByIds(ctx, ids)).map((r) => r.id) },
  transaction: {
    objectType: 'transaction',
    byToken: transactionIdByToken,
    own: async (ctx, ids) => [...(await transactionsByIds(ctx, ids)).values()].filter((r) => (WIRE_TYPES as readonly string[]).includes(r.type)).map((r) => r.id),
  },
  item: {
    objectType: 'catalog_item',
    byToken: (ctx, token) => catalogIdByToken(ctx, 'item', token),
    own: async (ctx, ids) => (await catalogItemsByIds(ctx, ids)).filter((r) => r.kind === 'item' && r.deleted_at === null).map((r) => r.id),
  },
  creditcard: methodKind('creditcard'),
  ach: methodKind('ach'),
  tokenized: methodKind('tokenized'),
  package: { objectType: 'subscription', byToken: subscriptionIdByToken, own: async (ctx, ids) => (await subscriptionsByIds(ctx, ids)).map((r) => r.id) },
};

function methodKind(kind: Kind): (typeof KINDS)[Kind] {
  return {
    objectType: 'payment_method',
    byToken: paymentMethodIdByToken,
    own: async (ctx, ids) => (await activeMethodsInOrder(ctx, ids)).filter((r) => r.kind === METHOD_KINDS[kind]).map((r) => r.id),
  };
}

/** Finds the internal id of an object of the tenant of this ChargeOver type, or null. */
export async function lookup(ctx: TenantContext, kind: Kind, ref: Ref): Promise<number | null> {
  const k = KINDS[kind];
  let id: number | null;
  if (ref.by === 'id') id = ref.id;
  else if (ref.by === 'token') id = await k.byToken(ctx, ref.value);
  else id = await findByRef(ctx, { vendor: VENDOR, objectType: k.objectType, kind: 'external_key' }, ref.value);
  if (id === null) return null;
  return (await k.own(ctx, [id]))[0] ?? null;
}

/** The target of a path: missing is 404 "This <kind> does not exist." (extra §2). */
export async function target(ctx: TenantContext, kind: Kind, segment: string): Promise<number> {
  const ref = parseRef(segment);
  const id = ref ? await lookup(ctx, kind, ref) : null;
  if (id === null) throw doesNotExist(kind);
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
