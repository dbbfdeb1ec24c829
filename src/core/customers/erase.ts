// Erasing a customer (GDPR): the customer goes, its stored cards go, its client-chosen reference is
// freed, and its charges and subscriptions either go with it, stay as they are, or stay anonymised.
// Money history is never destroyed: charges the processor made keep their ledger and only carry
// the asking door's mark; recorded charges are withdrawn (their money reversed) when they go.
import type { TenantContext } from '../context.ts';
import { recordEvent } from '../events/events.ts';
import { withdrawWithin } from '../payments/recorded-charges.ts';
import { TxnType } from '../payments/states.ts';
import { deleteSubscription, updateSubscription } from '../subscriptions/subscriptions.ts';
import { deletePaymentMethod, listPaymentMethods } from '../vault/vault.ts';
import { mergeVendorData } from '../vendor-data.ts';
import { inWork } from '../work.ts';
import { releaseRef } from './by-ref.ts';
import { getCustomer } from './customers.ts';

export type EraseMode = 'everything' | 'customer_only' | 'anonymise';

export interface EraseOptions {
  mode: EraseMode;
  vendor: string;
  /** The reference kind to free (the client's id for the customer). */
  releaseKind?: string;
  /** Merged into the door's namespace of the deleted customer (what it was called, for old charges). */
  tombstone?: Record<string, unknown>;
  /** Merged into the door's namespace of each kept charge and subscription when anonymising. */
  anonymise?: Record<string, unknown>;
  /** Merged into the door's namespace of each charge taken away with everything. */
  removedMark?: Record<string, unknown>;
}

export interface EraseResult {
  charges: number;
  subscriptions: number;
}

export async function eraseCustomer(ctx: TenantContext, id: number, options: EraseOptions): Promise<EraseResult> {
  await getCustomer(ctx, id);
  return inWork(ctx, async (ctx) => {
    const now = ctx.clock.now();
    for (const method of await listPaymentMethods(ctx, id)) await deletePaymentMethod(ctx, method.id);
    if (options.releaseKind) await releaseRef(ctx, 'customer', id, { vendor: options.vendor, kind: options.releaseKind });
    const customer = await getCustomer(ctx, id);
    const personal = options.mode === 'anonymise' ? { first_name: null, last_name: null, email: null, phone: null, company: null } : {};
    const deleted = await ctx.db
      .updateTable('customers')
      .set({ ...personal, deleted_at: now, updated_at: now, vendor_data: options.tombstone ? mergeVendorData(customer.vendor_data, options.vendor, options.tombstone) : customer.vendor_data })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await ctx.db.updateTable('contacts').set({ deleted_at: now }).where('customer_id', '=', id).where('deleted_at', 'is', null).execute();
    const charges = await ctx.db
      .selectFrom('transactions')
      .select(['id', 'vendor_data'])
      .where('tenant_id', '=', ctx.tenant.id)
      .where('customer_id', '=', id)
      .where('type', 'in', [TxnType.SALE, TxnType.AUTHORIZE])
      .orderBy('id')
      .execute();
    const subscriptions = await ctx.db
      .selectFrom('subscriptions')
      .select(['id'])
      .where('tenant_id', '=', ctx.tenant.id)
      .where('customer_id', '=', id)
      .where('deleted_at', 'is', null)
      .orderBy('id')
      .execute();
    if (options.mode === 'everything') {
      for (const charge of charges) await withdrawWithin(ctx, charge.id, { vendor: options.vendor, fields: options.removedMark ?? { removed: true } });
      for (const subscription of subscriptions) await deleteSubscription(ctx, subscription.id);
    } else if (options.mode === 'anonymise' && options.anonymise) {
      for (const charge of charges) {
        await ctx.db
          .updateTable('transactions')
          .set({ vendor_data: mergeVendorData(charge.vendor_data, options.vendor, options.anonymise), updated_at: now })
          .where('id', '=', charge.id)
          .execute();
      }
      for (const subscription of subscriptions) await updateSubscription(ctx, subscription.id, { vendor: options.vendor, vendorData: options.anonymise });
    }
    await recordEvent(ctx, 'customer.deleted', 'customer', id, deleted);
    return { charges: charges.length, subscriptions: subscriptions.length };
  });
}
