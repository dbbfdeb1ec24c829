// How a subscription collects, beyond the tenant's defaults (the `options` column): vendors differ
// in what a failed renewal leads to and in when a schedule that ran out ends. AffiniPay's recurring
// charges, for one, never retry on their own (a failed occurrence waits to be paid on request) and
// complete as soon as their last occurrence is billed; their charges carry the merchant account,
// the reference and the door's fields the recurring charge was made with.
import type { SubscriptionRow } from '../database.ts';
import type { Mode } from '../context.ts';

export interface ChargeFields {
  /** The merchant account its charges go through (core/merchant-accounts). */
  accountId?: number | null;
  /** The order reference each charge carries. */
  orderId?: string | null;
  /** The door's fields on each charge: { vendor: { field: value } }. */
  vendorData?: Record<string, unknown>;
}

export interface CollectOptions {
  /** ladder (default): a failed renewal is retried on the tenant's dunning ladder; none: it stays failed until collected on request. */
  retries?: 'ladder' | 'none';
  /** period_end (default): a schedule that ran out ends when its last billed period ends; last_billing: as soon as it is billed. */
  ends?: 'period_end' | 'last_billing';
  charge?: ChargeFields;
}

export function collectOptions(row: Pick<SubscriptionRow, 'options'>): CollectOptions {
  return JSON.parse(row.options || '{}') as CollectOptions;
}

/** The mode a subscription's work runs in (a purged one's never runs). */
export function subscriptionMode(row: Pick<SubscriptionRow, 'mode'>): Mode {
  return row.mode === 'live' ? 'live' : 'test';
}
