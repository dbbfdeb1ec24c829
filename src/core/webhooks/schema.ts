// The webhooks domain's tables as the database holds them: times are epoch milliseconds on the
// tenant's clock (lease_until is real time: it guards an attempt in flight, whatever the tenant's
// clock says), JSON columns are text (core/database.ts composes every domain's tables).
import type { Generated, Selectable } from 'kysely';

export interface WebhookEndpointsTable {
  id: Generated<number>;
  tenant_id: number;
  /** The payload and signature format it speaks: a door's (chargedesk, chargeover, ...) or standard. */
  format: string;
  url: string;
  /** JSON array of the format's event names; ["*"] for every event. */
  events: string;
  /** test | live | null (both): which tenants' events it receives (AffiniPay's test and live URLs). */
  mode: string | null;
  enabled: number;
  secret_enc: string;
  /** JSON: format options (ChargeOver's encrypt). */
  options: string;
  description: string;
  disabled_reason: string | null;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

export interface WebhookDeliveriesTable {
  id: Generated<number>;
  tenant_id: number;
  endpoint_id: number;
  event_id: number;
  /** The format's name for it (charge_paid, customer.insert, transaction_create ...). */
  event_type: string;
  object_type: string;
  object_id: number;
  /** webhook-id: the same on every attempt of this delivery. */
  message_id: string;
  status: string; // pending | delivered | failed | cancelled
  attempts: number;
  next_attempt_at: number;
  /** Retries fall due at fixed offsets from here (the first attempt's due time). */
  schedule_start: number;
  lease_until: number | null;
  /** The body, rendered at the first attempt and sent unchanged by every later attempt and replay. */
  payload: string | null;
  content_type: string | null;
  /** Appended to the endpoint's URL (AffiniPay partner events: /<reference>). */
  target: string;
  replay_of: number | null;
  last_status: number | null;
  last_error: string | null;
  created_at: number;
  completed_at: number | null;
}

export interface WebhookAttemptsTable {
  id: Generated<number>;
  tenant_id: number;
  delivery_id: number;
  attempt: number;
  due_at: number;
  started_at: number;
  url: string;
  request_headers: string;
  outcome: string; // sending | succeeded | failed
  response_status: number | null;
  response_excerpt: string | null;
  error: string | null;
  duration_ms: number | null;
}

export type WebhookEndpointRow = Selectable<WebhookEndpointsTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
export type WebhookAttemptRow = Selectable<WebhookAttemptsTable>;
