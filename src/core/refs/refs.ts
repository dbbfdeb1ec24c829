// External references: the ids other systems (and a door's clients) use for core objects — ChargeOver
// external keys, ChargeDesk client-chosen ids, AffiniPay source ids, a vendor's own ids. One table,
// unique per (tenant, vendor, object type, kind, value) by an index, so two writers racing for one
// key cannot both win; a write that loses gets a CONFLICT naming the kind.
import { isUniqueViolation } from '../db.ts';
import type { TenantContext } from '../context.ts';
import { DomainError, ErrorCode } from '../errors/domain-error.ts';
import type { TxContext } from '../work.ts';

export type ObjectType = 'customer' | 'contact' | 'invoice' | 'transaction' | 'payment_method' | 'catalog_item' | 'subscription' | 'subscription_line' | 'subscription_usage' | 'address';

export interface RefKey {
  vendor: string;
  objectType: ObjectType;
  kind: string;
}

/** A reference to set on an object: a value, or null to clear the object's reference of that kind. */
export interface RefChange {
  vendor: string;
  kind: string;
  value: string | null;
}

export function duplicateRef(objectType: ObjectType, kind: string): DomainError {
  return new DomainError(ErrorCode.CONFLICT, `A ${objectType.replace('_', ' ')} with that ${kind.replace('_', ' ')} already exists`, { field: kind, details: { reason: 'duplicate_ref', kind } });
}

/** Sets (or clears) an object's references inside the caller's transaction. */
export async function setRefs(ctx: TxContext, objectType: ObjectType, objectId: number, changes: readonly RefChange[] | undefined): Promise<void> {
  for (const change of changes ?? []) {
    await ctx.db
      .deleteFrom('external_refs')
      .where('tenant_id', '=', ctx.tenant.id)
      .where('vendor', '=', change.vendor)
      .where('object_type', '=', objectType)
      .where('kind', '=', change.kind)
      .where('object_id', '=', objectId)
      .execute();
    if (change.value === null || change.value === '') continue;
    try {
      await ctx.db
        .insertInto('external_refs')
        .values({ tenant_id: ctx.tenant.id, vendor: change.vendor, object_type: objectType, kind: change.kind, value: change.value, object_id: objectId, created_at: ctx.clock.now() })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateRef(objectType, change.kind);
      throw error;
    }
  }
}

/** The object a reference names, or null. */
export async function findByRef(ctx: TenantContext, key: RefKey, value: string): Promise<number | null> {
  const row = await ctx.db
    .selectFrom('external_refs')
    .select('object_id')
    .where('tenant_id', '=', ctx.tenant.id)
    .where('vendor', '=', key.vendor)
    .where('object_type', '=', key.objectType)
    .where('kind', '=', key.kind)
    .where('value', '=', value)
    .executeTakeFirst();
  return row ? Number(row.object_id) : null;
}

/** Each object's reference of one kind (objects without one are absent). */
export async function refsOf(ctx: TenantContext, key: RefKey, objectIds: readonly number[]): Promise<Map<number, string>> {
  const ids = [...new Set(objectIds)];
  if (ids.length === 0) return new Map();
  const rows = await ctx.db
    .selectFrom('external_refs')
    .select(['object_id', 'value'])
    .where('tenant_id', '=', ctx.tenant.id)
    .where('vendor', '=', key.vendor)
    .where('object_type', '=', key.objectType)
    .where('kind', '=', key.kind)
    .where('object_id', 'in', ids)
    .execute();
  return new Map(rows.map((row) => [Number(row.object_id), row.value]));
}
