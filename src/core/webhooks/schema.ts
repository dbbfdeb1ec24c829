// MINIMAL, MERGE WITH THE WEBHOOK ISSUE: the endpoints a tenant subscribed, stored by the ChargeOver
// door's `_resthook` before delivery exists. The webhook-delivery work owns this domain; when it
// lands, its endpoints table (same name) replaces this one and the `resthook_endpoints` migration
// goes (same meaning: per tenant, per door format, a URL, the events it wants, a shared secret).
import type { Generated, Selectable } from 'kysely';

export interface WebhookEndpointsTable {
  id: Generated<number>;
  tenant_id: number;
  /** The door format deliveries take (chargeover, ...): the webhook branch's `format`. */
  vendor: string;
  url: string;
  /** JSON array of event names in the door's words (e.g. "customer.insert"). */
  events: string;
  /** Shared secret sent with each delivery. */
  secret: string;
  created_at: number;
  deleted_at: number | null;
}

export type WebhookEndpointRow = Selectable<WebhookEndpointsTable>;
