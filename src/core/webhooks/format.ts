// What a webhook format is: the vendor's event names, which of them one core event is, the vendor's
// retry schedule and timeout, its payload and its own signature headers. Each door declares its
// formats (src/vendors/<vendor>/webhooks.ts) and the core delivers them; the core knows no vendor.
import type { TenantContext } from '../context.ts';
import type { TxContext } from '../work.ts';
import type { RetrySchedule } from './schedules.ts';

/** A core event as the log holds it, with its snapshot parsed. */
export interface WebhookEvent {
  id: number;
  type: string;
  objectType: string;
  objectId: number;
  data: unknown;
  createdAt: number;
  /** The mode of the object the event is about (test, live): an endpoint of one mode gets only its events. */
  mode?: string;
}

/** One message a format sends for a core event: its event name and the object it is about. */
export interface Notification {
  event: string;
  objectType: string;
  objectId: number;
  /** Appended to the endpoint URL for this message (AffiniPay partner events: /<reference>). */
  target?: string;
}

/** An endpoint as a format sees it while rendering and signing. */
export interface EndpointView {
  id: number;
  url: string;
  secret: string;
  options: Record<string, unknown>;
  mode: string | null;
}

export interface RenderInput {
  event: WebhookEvent;
  notification: Notification;
  endpoint: EndpointView;
  messageId: string;
  /** The server's public base (http://host:port), for links some payloads embed. */
  baseUrl: string;
}

export interface RenderedPayload {
  body: string;
  contentType?: string;
}

export interface SignInput {
  body: string;
  endpoint: EndpointView;
  /** The format's event name (FluidPay signs its test deliveries with a shared test key). */
  eventType: string;
  messageId: string;
  /** The message id this one replays, if it is a replay. */
  replayOf: string | null;
  /** The server's public base URL (ChargeOver names its instance host in a header). */
  baseUrl: string;
}

/** The event name of the delivery an operator sends to try an endpoint. */
export const TEST_EVENT = 'test';

export interface WebhookFormat {
  /** Stored on the endpoint: chargedesk, affinipay, affinipay_partner, chargeover, fluidpay, standard. */
  name: string;
  title: string;
  /** The event names an endpoint may subscribe to; "*" always means every event. */
  events: readonly string[];
  /** Event names beyond the list it accepts (the standard format takes any core event type). */
  accepts?(name: string): boolean;
  schedule: RetrySchedule;
  /** Per attempt, in real time. */
  timeoutMs: number;
  /** Answers that disable the endpoint at once (ChargeDesk: 410 Gone). */
  disableOn?: readonly number[];
  /** A new signing secret in the vendor's form. */
  newSecret(): string;
  /** Format options an endpoint may carry (ChargeOver: encrypt). */
  options?: readonly string[];
  /**
   * What one core event is in this format: zero or more messages. Most formats are pure; one whose
   * vendor names a change by the state before it (ChargeDesk: a customer's first payment, a status
   * entered) may read the tenant's data in the event's own transaction (`ctx`), never write.
   */
  notifications(event: WebhookEvent, ctx: TxContext): Notification[] | Promise<Notification[]>;
  /** The body of one message (reads the object through the door's renderers; no request). */
  render(ctx: TenantContext, input: RenderInput): Promise<RenderedPayload>;
  /** The vendor's own headers (signature, key); Standard Webhooks headers are added by the core. */
  headers?(input: SignInput): Record<string, string>;
}
