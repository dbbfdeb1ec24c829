// ChargeDesk webhooks (spec chargedesk.md §1.15, §3.6, §4.10): a JSON POST
// {event_id, created, class, event, data: {<class>: OBJECT}} for the 25 notification codes; any 2xx
// acknowledges; retried hourly for 3 days; a 410 disables the webhook at once; 30 s per attempt.
// The document specifies no signature: X-ChargeDesk-Signature: sha256=<hex HMAC of the body> is the
// spec's resolution (harmless to clients that ignore it), beside the Standard Webhooks headers.
// Which notifications an event is comes from notifications.ts (the one mapping, also behind the
// activity log); data.<class> is the object as the API shows it (payloads.ts).
import { createHash } from 'node:crypto';
import { TEST_EVENT, type WebhookFormat } from '../../core/webhooks/format.ts';
import { SCHEDULES } from '../../core/webhooks/schedules.ts';
import { hmacSha256, newStandardSecret } from '../../core/webhooks/signing.ts';
import { snapshotOf, unixSeconds } from '../kit/webhooks.ts';
import { NOTIFICATION_CODES } from './catalogue.ts';
import { notificationsOf } from './notifications.ts';
import { classOf, CORE_TYPE, renderPayload } from './payloads.ts';

/** `event-` + 18 alphanumerics (§1.15), the same for every attempt and replay of a message. */
function eventIdOf(messageId: string): string {
  const digest = createHash('sha256')
    .update(messageId)
    .digest('base64')
    .replace(/[^A-Za-z0-9]/g, '');
  return `event-${digest.slice(0, 18)}`;
}

export function chargeDeskWebhooks(): WebhookFormat {
  return {
    name: 'chargedesk',
    title: 'ChargeDesk webhooks',
    events: NOTIFICATION_CODES,
    schedule: SCHEDULES.hourlyFor3Days,
    timeoutMs: 30_000,
    disableOn: [410],
    newSecret: newStandardSecret,
    notifications: async (event, ctx) =>
      (await notificationsOf(ctx, { id: event.id, type: event.type, objectId: event.objectId, data: event.data, actor: ctx.actor ? JSON.stringify(ctx.actor) : null })).map((n) => ({
        event: n.code,
        objectType: CORE_TYPE[n.class],
        objectId: n.objectId,
      })),
    async render(ctx, input) {
      const eventId = eventIdOf(input.messageId);
      if (input.notification.event === TEST_EVENT) return { body: JSON.stringify({ event_id: eventId, created: unixSeconds(input.event.createdAt), class: 'test', event: 'test', data: {} }) };
      const known = classOf(input.notification.objectType);
      const cls = known ?? input.notification.objectType;
      const rendered = known ? await renderPayload(ctx, known, input.notification.objectId, input.baseUrl) : null;
      // Gone by the first attempt (a customer deleted at once): the snapshot the event recorded.
      const object = rendered ?? snapshotOf(input);
      return { body: JSON.stringify({ event_id: eventId, created: unixSeconds(input.event.createdAt), class: cls, event: input.notification.event, data: { [cls]: object } }) };
    },
    headers: ({ body, endpoint }) => ({ 'x-chargedesk-signature': `sha256=${hmacSha256(endpoint.secret, body, 'hex')}` }),
  };
}
