// Customers named by a client-chosen reference (ChargeDesk's customer ids): create-or-update in one
// transaction, so "create, and if that id exists update it" is a rule of the unique index, not a
// check-then-insert in a door; and erasure, which frees the reference for reuse (GDPR deletes).
import type { CustomerRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { DomainError, ErrorCode } from '../errors/domain-error.ts';
import { findByRef, setRefs } from '../refs/refs.ts';
import { inWork, type TxContext } from '../work.ts';
import { createCustomer, updateCustomer, type CustomerInput } from './customers.ts';

export interface RefValue {
  vendor: string;
  kind: string;
  value: string;
}

/** The live customer a reference names, inside the caller's transaction. */
export async function customerByRefWithin(ctx: TxContext | TenantContext, ref: RefValue): Promise<CustomerRow | undefined> {
  const id = await findByRef(ctx, { vendor: ref.vendor, objectType: 'customer', kind: ref.kind }, ref.value);
  if (id === null) return undefined;
  return ctx.db.selectFrom('customers').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
}

/**
 * The customer the reference names, updated with `update` (when given), or a new one made from
 * `create` carrying the reference. Inside the caller's transaction: a racing create of the same
 * reference makes this transaction fail with a duplicate_ref conflict (see retryOnDuplicateRef).
 */
export async function upsertCustomerWithin(ctx: TxContext, ref: RefValue, create: CustomerInput, update: CustomerInput | null): Promise<{ customer: CustomerRow; created: boolean }> {
  const existing = await customerByRefWithin(ctx, ref);
  if (existing) return { customer: update ? await updateCustomer(ctx, existing.id, update) : existing, created: false };
  const refs = [...(create.refs ?? []).filter((r) => !(r.vendor === ref.vendor && r.kind === ref.kind)), { vendor: ref.vendor, kind: ref.kind, value: ref.value }];
  return { customer: await createCustomer(ctx, { ...create, refs }), created: true };
}

/** Runs a write again once when it lost a race for a reference (the second run finds the winner's row). */
export async function retryOnDuplicateRef<T>(run: () => Promise<T>, kinds?: readonly string[]): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const lost = error instanceof DomainError && error.code === ErrorCode.CONFLICT && error.details.reason === 'duplicate_ref';
    if (!lost || (kinds && !kinds.includes(String(error.details.kind)))) throw error;
    return run();
  }
}

/** Create-or-update by reference as one use-case. */
export async function upsertCustomer(ctx: TenantContext, ref: RefValue, create: CustomerInput, update: CustomerInput | null): Promise<{ customer: CustomerRow; created: boolean }> {
  return retryOnDuplicateRef(() => inWork(ctx, (w) => upsertCustomerWithin(w, ref, create, update)));
}

/** Frees an object's reference of one kind (a deleted object's client id may be used again). */
export async function releaseRef(ctx: TxContext, objectType: 'customer' | 'subscription' | 'catalog_item', objectId: number, ref: { vendor: string; kind: string }): Promise<void> {
  await setRefs(ctx, objectType, objectId, [{ vendor: ref.vendor, kind: ref.kind, value: null }]);
}
