// ChargeDesk webhooks (spec chargedesk.md §1.15, §3.6, §4.10): a JSON POST
// {event_id, created, class, event, data: {<class>: OBJECT}} for the 25 notification codes; any 2xx
// acknowledges; retried hourly for 3 days; a 410 disables the webhook at once; 30 s per attempt.
// The document specifies no signature: X-ChargeDesk-Signature: sha256=<hex HMAC of the body> is the
// spec's resolution (harmless to clients that ignore it), beside the Standard Webhooks headers.
// Until this door has renderers, data.<class> is the core's snapshot of the object.
import { createHash } from 'node:crypto';
import { changesOf, type Change } from '../../core/webhooks/changes.ts';
import { TEST_EVENT, type WebhookFormat } from '../../core/webhooks/format.ts';
import { SCHEDULES } from '../../core/webhooks/schedules.ts';
import { hmacSha256, newStandardSecret } from '../../core/webhooks/signing.ts';
import type { Renderers } from '../kit/door.ts';
import { objectOf, unixSeconds } from '../kit/webhooks.ts';

/** §3.6, in the document's order. */
export const CHARGEDESK_NOTIFICATIONS = [
  'charge_new',
  'charge_updated',
  'charge_request',
  'charge_paid',
  'charge_request_paid',
  'charge_pending_paid',
  'charge_refunded',
  'charge_failed',
  'charge_disputed',
  'charge_request_reminder',
  'customer_new',
  'customer_updated',
  'customer_first_paid',
  'customer_delinquent',
  'subscription_new',
  'subscription_updated',
  'subscription_upgraded',
  'subscription_downgraded',
  'subscription_past_due',
  'subscription_canceled',
  'subscription_suspended',
  'subscription_reactivated',
  'subscription_upcoming_payment',
  'subscription_trial_ending',
  'agent_log_new',
] as const;

/** The payload's class (and data key) for a core object type. */
const CLASS: Record<string, string> = { transaction: 'charge', customer: 'customer', subscription: 'subscription' };

const PAID = new Set(['captured', 'settled']);
const FAILED = new Set(['declined', 'error']);

/** The status-entry rule (§4.2): creation fires charge_new first, then the status's event. */
function chargeEvents(change: Change): string[] {
  if (change.action === 'created') {
    if (change.kind === 'refund') return []; // a refund is the parent charge's charge_refunded
    return ['charge_new', ...(change.status && PAID.has(change.status) ? ['charge_paid'] : []), ...(change.status && FAILED.has(change.status) ? ['charge_failed'] : [])];
  }
  switch (change.cause) {
    case 'transaction.refunded':
      return ['charge_refunded'];
    case 'transaction.captured':
      return ['charge_updated', 'charge_paid'];
    case 'transaction.returned':
      return ['charge_updated', 'charge_failed'];
    default:
      return ['charge_updated'];
  }
}

function eventsFor(change: Change): string[] {
  if (change.object === 'transaction') return chargeEvents(change);
  if (change.object === 'customer') return change.action === 'created' ? ['customer_new'] : change.action === 'updated' ? ['customer_updated'] : [];
  if (change.object === 'subscription') return change.action === 'created' ? ['subscription_new'] : change.action === 'updated' ? ['subscription_updated'] : ['subscription_canceled'];
  return [];
}

/** `event-` + 18 alphanumerics (§1.15), the same for every attempt and replay of a message. */
function eventIdOf(messageId: string): string {
  const digest = createHash('sha256')
    .update(messageId)
    .digest('base64')
    .replace(/[^A-Za-z0-9]/g, '');
  return `event-${digest.slice(0, 18)}`;
}

export function chargeDeskWebhooks(renderers: () => Renderers | undefined): WebhookFormat {
  return {
    name: 'chargedesk',
    title: 'ChargeDesk webhooks',
    events: CHARGEDESK_NOTIFICATIONS,
    schedule: SCHEDULES.hourlyFor3Days,
    timeoutMs: 30_000,
    disableOn: [410],
    newSecret: newStandardSecret,
    notifications: (event) => changesOf(event).flatMap((change) => eventsFor(change).map((name) => ({ event: name, objectType: change.object, objectId: change.id }))),
    async render(ctx, input) {
      const eventId = eventIdOf(input.messageId);
      if (input.notification.event === TEST_EVENT) return { body: JSON.stringify({ event_id: eventId, created: unixSeconds(input.event.createdAt), class: 'test', event: 'test', data: {} }) };
      const cls = CLASS[input.notification.objectType] ?? input.notification.objectType;
      const object = await objectOf(ctx, renderers(), input);
      return { body: JSON.stringify({ event_id: eventId, created: unixSeconds(input.event.createdAt), class: cls, event: input.notification.event, data: { [cls]: object } }) };
    },
    headers: ({ body, endpoint }) => ({ 'x-chargedesk-signature': `sha256=${hmacSha256(endpoint.secret, body, 'hex')}` }),
  };
}
