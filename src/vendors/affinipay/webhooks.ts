// AffiniPay's two kinds of webhooks (spec affinipay.md §4.16-4.17, §2.F, §3.C15).
// Gateway events: a POST of the event JSON {id, created, type, data} (the body GET /v1/events/{id}
// answers) to each of the merchant's test or live event URLs (an endpoint with mode test or live);
// success on 2xx, otherwise retried hourly 6 more times (t0+1h ... t0+6h), 10 s per attempt.
// Partner events: {"events":[{type, reason?, data}]} to the partner's Event URL + "/" + reference,
// every 10 minutes up to 25 attempts. The document names no signature: only the Standard Webhooks
// headers. A gateway event's body is the door's own event (events.ts), as GET /v1/events/{id} has it.
import { createHash } from 'node:crypto';
import { TEST_EVENT, type WebhookEvent, type WebhookFormat } from '../../core/webhooks/format.ts';
import { SCHEDULES } from '../../core/webhooks/schedules.ts';
import { newStandardSecret } from '../../core/webhooks/signing.ts';
import { snapshotOf } from '../kit/webhooks.ts';
import { expand, renderEventAt, type CoreEvent } from './events.ts';

/** §3.C15. */
export const AFFINIPAY_EVENTS = [
  'transaction.created',
  'transaction.authorized',
  'transaction.completed',
  'transaction.voided',
  'transaction.failed',
  'transaction.updated',
  'transaction.pending_parent_settlement',
  'payment_method.expiring',
  'payment_method.expired',
  'recurring_charge.created',
  'recurring_charge.updated',
  'recurring_charge.deleted',
  'recurring_charge.completed',
  'recurring_charge.payment_method.expiring',
  'recurring_charge.payment_method.expired',
  'recurring_charge.occurrence.created',
  'recurring_charge.occurrence.updated',
  'recurring_charge.occurrence.paid',
  'recurring_charge.occurrence.failed',
  'recurring_charge.occurrence.ignored',
] as const;

export const AFFINIPAY_PARTNER_EVENTS = ['merchant.provisioned', 'merchant_application.declined'] as const;

/** The place of a message among the AffiniPay events its core event shows as (its event id's kind). */
function placeOf(event: CoreEvent, notification: { event: string; objectId: number }): number {
  return expand(event).findIndex((shown) => shown.type === notification.event && shown.row.id === notification.objectId);
}

/**
 * Gateway events to the merchant's test or live event URLs (endpoints of that mode, made from
 * PUT/PATCH /v1/merchant): each message is one of the AffiniPay events a core event shows as
 * (events.ts), and its body is exactly what GET /v1/events/{id} answers for it (spec §5 case 93).
 */
export function affiniPayWebhooks(): WebhookFormat {
  return {
    name: 'affinipay',
    title: 'AffiniPay gateway events (test/live event URLs)',
    events: AFFINIPAY_EVENTS,
    schedule: SCHEDULES.hourlySixTimes,
    timeoutMs: 10_000,
    newSecret: newStandardSecret,
    notifications: (event) =>
      expand(event).map((shown) => ({ event: shown.type, objectType: shown.recurring ? 'subscription' : shown.saved !== undefined ? 'payment_method' : 'transaction', objectId: shown.row.id })),
    async render(ctx, input) {
      const created = new Date(input.event.createdAt).toISOString();
      if (input.notification.event === TEST_EVENT) return { body: JSON.stringify({ id: eventIdOf(input.messageId), created, type: 'test', data: {} }) };
      const rendered = await renderEventAt(ctx, input.event, placeOf(input.event, input.notification));
      return { body: JSON.stringify(rendered ?? { id: eventIdOf(input.messageId), created, type: input.notification.event, data: {} }) };
    },
  };
}

/** A 22-character URL-safe id for a test delivery, the same for every attempt and replay of it. */
function eventIdOf(messageId: string): string {
  return createHash('sha256').update(messageId).digest('base64url').slice(0, 22);
}

function partnerNotifications(event: WebhookEvent) {
  if (!(AFFINIPAY_PARTNER_EVENTS as readonly string[]).includes(event.type)) return [];
  const data = (event.data ?? {}) as { reference?: unknown };
  const reference = typeof data.reference === 'string' ? data.reference : String(event.objectId);
  // §6 item 85: eventUrl.replace(/\/$/, '') + '/' + encodeURIComponent(reference).
  return [{ event: event.type, objectType: event.objectType, objectId: event.objectId, target: `/${encodeURIComponent(reference)}` }];
}

export const affiniPayPartnerWebhooks: WebhookFormat = {
  name: 'affinipay_partner',
  title: 'AffiniPay partner (merchant application) events',
  events: AFFINIPAY_PARTNER_EVENTS,
  schedule: SCHEDULES.tenMinutes25,
  timeoutMs: 10_000,
  newSecret: newStandardSecret,
  notifications: partnerNotifications,
  async render(_ctx, input) {
    if (input.notification.event === TEST_EVENT) return { body: JSON.stringify({ events: [{ type: 'test', data: {} }] }) };
    const { reason, ...data } = snapshotOf(input);
    return { body: JSON.stringify({ events: [{ type: input.notification.event, ...(reason === undefined ? {} : { reason }), data }] }) };
  },
};
