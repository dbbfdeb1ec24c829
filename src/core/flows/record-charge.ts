// Record a charge made elsewhere, with what it names: the customer by its reference (created, or
// updated with what the record says of it), the product and the subscription by theirs (created
// minimal when missing). One transaction; a race for any of those references reruns it once, and
// the second run finds the winner's rows. With `upsertOn`, a charge whose reference exists is
// corrected instead of duplicated (the unique index decides, not a check in a door).
import type { CustomerRow, TransactionRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { createCatalogItem, type CatalogInput } from '../catalog/catalog.ts';
import { retryOnDuplicateRef, upsertCustomerWithin, type RefValue } from '../customers/by-ref.ts';
import type { CustomerInput } from '../customers/customers.ts';
import { keyedWork } from '../idempotency/keyed.ts';
import type { KeyedOperation } from '../idempotency/claim.ts';
import { getTransaction } from '../payments/rows.ts';
import { correctWithin, recordChargeWithin, type RecordedChargeFields } from '../payments/recorded-charges.ts';
import { reserveSeq } from '../payments/rows.ts';
import { findByRef, setRefs } from '../refs/refs.ts';
import { createSubscription, type SubscriptionInput } from '../subscriptions/subscriptions.ts';
import type { TxContext } from '../work.ts';

export interface RecordChargeRequest {
  fields: Omit<RecordedChargeFields, 'customerId'>;
  /** The customer the charge is for, by reference: updated with `update`, or created from `create`. */
  customer?: { ref: RefValue; create: CustomerInput; update: CustomerInput | null };
  /** The product the charge is for, by reference (created from `create` when missing). */
  product?: { ref: RefValue; create: CatalogInput };
  /** The subscription the charge belongs to, by reference (created from `create` when missing). */
  subscription?: { ref: RefValue; create: Omit<SubscriptionInput, 'customerId'> };
  /** Correct an existing charge instead of recording a new one. */
  chargeId?: number;
  /** With a reference of this kind among the charge's refs, an existing charge is corrected. */
  upsertOn?: { vendor: string; kind: string };
  /** The door whose namespace links the charge to its product and subscription (their core ids). */
  vendor: string;
}

export interface RecordChargeResult {
  charge: TransactionRow;
  created: boolean;
  customer: CustomerRow | null;
  customerCreated: boolean;
}

async function ensureByRef(ctx: TxContext, objectType: 'catalog_item' | 'subscription', ref: RefValue, create: () => Promise<number>): Promise<number> {
  const found = await findByRef(ctx, { vendor: ref.vendor, objectType, kind: ref.kind }, ref.value);
  if (found !== null) {
    const table = objectType === 'catalog_item' ? 'catalog_items' : 'subscriptions';
    const live = await ctx.db.selectFrom(table).select('id').where('id', '=', found).where('deleted_at', 'is', null).executeTakeFirst();
    if (live) return found;
  }
  const id = await create();
  await setRefs(ctx, objectType, id, [{ vendor: ref.vendor, kind: ref.kind, value: ref.value }]);
  return id;
}

async function recordWithin(ctx: TxContext, request: RecordChargeRequest, seq: number | null | undefined): Promise<RecordChargeResult> {
  let customer: CustomerRow | null = null;
  let customerCreated = false;
  if (request.customer) {
    const upserted = await upsertCustomerWithin(ctx, request.customer.ref, request.customer.create, request.customer.update);
    customer = upserted.customer;
    customerCreated = upserted.created;
  }
  const links: Record<string, unknown> = {};
  if (request.product) {
    const product = request.product;
    links.product = await ensureByRef(ctx, 'catalog_item', product.ref, async () => (await createCatalogItem(ctx, product.create)).id);
  }
  let charge: TransactionRow | null = request.chargeId !== undefined ? await getTransaction(ctx, request.chargeId) : null;
  const customerId = customer?.id ?? charge?.customer_id ?? null;
  if (request.subscription && customerId !== null) {
    const subscription = request.subscription;
    links.subscription = await ensureByRef(ctx, 'subscription', subscription.ref, async () => (await createSubscription(ctx, { ...subscription.create, customerId })).id);
  }
  const vendorData = Object.keys(links).length > 0 ? { ...(request.fields.vendorData ?? {}), ...links } : request.fields.vendorData;
  const fields: RecordedChargeFields = { ...request.fields, ...(vendorData ? { vendor: request.vendor, vendorData } : {}), ...(customer ? { customerId: customer.id } : {}) };
  let created = false;
  if (charge) charge = await correctWithin(ctx, charge.id, fields);
  else ({ charge, created } = await recordChargeWithin(ctx, fields, { upsertOn: request.upsertOn }, seq));
  return { charge, created, customer, customerCreated };
}

const RECORD_CHARGE: KeyedOperation<RecordChargeResult> = {
  name: 'record_charge',
  ref: (result) => ({ type: 'transaction', id: result.charge.id }),
  load: async (ctx, ref) => ({ charge: await getTransaction(ctx, ref.id), created: false, customer: null, customerCreated: false }),
};

export async function recordCharge(ctx: TenantContext, request: RecordChargeRequest): Promise<RecordChargeResult> {
  // Only a race for the references this request creates-or-reuses reruns it; a duplicate charge
  // reference without upsert is the client's conflict.
  const kinds = [request.customer?.ref.kind, request.product?.ref.kind, request.subscription?.ref.kind, request.upsertOn?.kind].filter((k): k is string => k !== undefined);
  return retryOnDuplicateRef(
    () =>
      keyedWork(
        ctx,
        RECORD_CHARGE,
        (w, seq) => recordWithin(w, request, seq),
        () => (request.chargeId === undefined ? reserveSeq(ctx) : Promise.resolve(null)),
      ),
    kinds,
  );
}
