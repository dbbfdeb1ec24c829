// Record (or correct) a subscription another system bills, named by a client-chosen reference,
// for a customer named by its reference (created when missing). One transaction; a race for either
// reference reruns it once. With `upsert`, an existing reference is corrected instead of refused.
import type { CustomerRow, SubscriptionRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { retryOnDuplicateRef, upsertCustomerWithin, type RefValue } from '../customers/by-ref.ts';
import type { CustomerInput } from '../customers/customers.ts';
import { findByRef, setRefs } from '../refs/refs.ts';
import { createSubscription, updateSubscription, type SubscriptionChanges, type SubscriptionInput } from '../subscriptions/subscriptions.ts';
import { inWork, type TxContext } from '../work.ts';

export interface RecordSubscriptionRequest {
  /** The subscription's reference (created with it, or renamed to it on a correction). */
  ref?: RefValue;
  customer?: { ref: RefValue; create: CustomerInput };
  /** A new subscription's fields (without customer). */
  create?: Omit<SubscriptionInput, 'customerId'>;
  changes?: SubscriptionChanges;
  /** Correct this subscription instead of recording one. */
  subscriptionId?: number;
  /** A reference that exists is corrected (duplicate=update) rather than refused. */
  upsert?: boolean;
}

export interface RecordSubscriptionResult {
  subscription: SubscriptionRow;
  created: boolean;
  customer: CustomerRow | null;
  customerCreated: boolean;
}

async function within(ctx: TxContext, request: RecordSubscriptionRequest): Promise<RecordSubscriptionResult> {
  let customer: CustomerRow | null = null;
  let customerCreated = false;
  if (request.customer) ({ customer, created: customerCreated } = await upsertCustomerWithin(ctx, request.customer.ref, request.customer.create, null));
  let id = request.subscriptionId;
  if (id === undefined && request.upsert && request.ref) {
    const found = await findByRef(ctx, { vendor: request.ref.vendor, objectType: 'subscription', kind: request.ref.kind }, request.ref.value);
    if (found !== null) id = found;
  }
  const refs = request.ref ? [{ vendor: request.ref.vendor, kind: request.ref.kind, value: request.ref.value }] : undefined;
  if (id !== undefined) {
    const changes: SubscriptionChanges = { ...(request.changes ?? {}), ...(customer ? { customerId: customer.id } : {}) };
    const subscription = await updateSubscription(ctx, id, changes);
    await setRefs(ctx, 'subscription', id, refs);
    return { subscription, created: false, customer, customerCreated };
  }
  if (!request.create) throw new Error('a new subscription needs its fields');
  if (!customer) throw new Error('a new subscription needs its customer');
  const subscription = await createSubscription(ctx, { ...request.create, customerId: customer.id });
  await setRefs(ctx, 'subscription', subscription.id, refs);
  return { subscription, created: true, customer, customerCreated };
}

export async function recordSubscription(ctx: TenantContext, request: RecordSubscriptionRequest): Promise<RecordSubscriptionResult> {
  const kinds = [request.customer?.ref.kind, request.upsert ? request.ref?.kind : undefined].filter((k): k is string => k !== undefined);
  return retryOnDuplicateRef(() => inWork(ctx, (w) => within(w, request)), kinds);
}
