// The vendor-neutral format, for endpoints made through the admin API or CLI that speak no vendor:
// Standard Webhooks' recommended body {type, timestamp, data} with the core's event type and the
// object's snapshot as the event recorded it. Signed by the Standard Webhooks headers alone.
import type { WebhookFormat } from './format.ts';
import { SCHEDULES } from './schedules.ts';
import { newStandardSecret } from './signing.ts';

export const standardFormat: WebhookFormat = {
  name: 'standard',
  title: 'Standard Webhooks (core event types)',
  events: [
    'customer.created',
    'customer.updated',
    'customer.deleted',
    'transaction.captured',
    'transaction.authorized',
    'transaction.declined',
    'transaction.voided',
    'transaction.refunded',
    'invoice.created',
    'invoice.updated',
    'invoice.paid',
    'invoice.voided',
    'payment_method.created',
    'payment_method.deleted',
    'subscription.created',
    'subscription.updated',
    'settlement_batch.closed',
  ],
  accepts: (name) => /^[a-z_]+\.[a-z_.]+$/.test(name),
  schedule: SCHEDULES.exponential3Days,
  timeoutMs: 15_000,
  newSecret: newStandardSecret,
  notifications: (event) => [{ event: event.type, objectType: event.objectType, objectId: event.objectId }],
  async render(_ctx, { event }) {
    const data = event.data && typeof event.data === 'object' && !Array.isArray(event.data) ? event.data : { value: event.data };
    return { body: JSON.stringify({ type: event.type, timestamp: new Date(event.createdAt).toISOString(), data: { object: event.objectType, id: event.objectId, ...data } }) };
  },
};
