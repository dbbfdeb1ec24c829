// ChargeDesk's notifications and activity log, read from the core event log. Every change writes its
// event in the same transaction (the core does); here each event is put in ChargeDesk's words: which
// of the 25 notifications it is (spec 3.6, status-entry rules of 4.2 and 4.6, the recurring engine's
// moves of 4.6) and which activity entry (3.7). This is the one mapping: the webhook format
// (webhooks.ts) queues exactly these for the endpoints registered through /webhooks.
import type { EventRow, SubscriptionRow, TransactionRow } from '../../core/database.ts';
import type { TenantContext } from '../../core/context.ts';
import { countTransactions } from '../../core/payments/queries.ts';
import { previousEvent } from '../../core/events/events.ts';
import { parseVendorData } from '../../core/vendor-data.ts';
import { chargeStatus, REQUEST_STATUSES } from './charge-view.ts';
import type { NotificationCode } from './catalogue.ts';
import { subscriptionStatus } from './views.ts';
import { VENDOR } from './wire.ts';

/** A core event as the log or the outbox holds it, its snapshot parsed. */
export interface LoggedEvent {
  id: number;
  type: string;
  objectId: number;
  data: unknown;
  /** JSON Actor: who acted (an API request), null for the engine's own moves. */
  actor: string | null;
}

export const loggedEvent = (row: EventRow): LoggedEvent => ({ id: row.id, type: row.type, objectId: row.object_id, data: JSON.parse(row.data) as unknown, actor: row.actor });

export interface Notification {
  code: NotificationCode;
  /** The payload's class (spec 1.15) and the core object it carries. */
  class: 'charge' | 'customer' | 'subscription' | 'agent_log';
  objectId: number;
}

const PAID_STATES = ['captured', 'settled'];

async function firstPaid(ctx: TenantContext, txn: TransactionRow): Promise<Notification[]> {
  if (txn.customer_id === null) return [];
  const earlier = await countTransactions(ctx, ['sale', 'authorize'], {
    where: [
      { field: 'customer_id', op: 'eq', value: txn.customer_id },
      { field: 'status', op: 'in', value: PAID_STATES },
      { field: 'id', op: 'ne', value: txn.id },
      { field: 'captured_at', op: 'lte', value: txn.captured_at ?? txn.created_at },
    ],
  });
  return earlier === 0 ? [{ code: 'customer_first_paid', class: 'customer', objectId: txn.customer_id }] : [];
}

function charge(code: NotificationCode, id: number): Notification {
  return { code, class: 'charge', objectId: id };
}

/** Entering a status (spec 4.2): which notification says so. */
function statusEntry(before: string | null, after: string, id: number): Notification[] {
  if (before === after) return [];
  if (after === 'paid') return [charge(before === 'pending' ? 'charge_pending_paid' : before && REQUEST_STATUSES.has(before) ? 'charge_request_paid' : 'charge_paid', id)];
  if (after === 'refunded' || after === 'partially refunded') return [charge('charge_refunded', id)];
  if (after === 'failed') return [charge('charge_failed', id)];
  if (after === 'disputed') return [charge('charge_disputed', id)];
  return [];
}

const delinquent = (snapshot: unknown): boolean => (parseVendorData((snapshot as { vendor_data?: string } | null)?.vendor_data)[VENDOR]?.delinquent ?? 0) === 1;

/** Core events whose snapshot is the whole subscription row (its state after the change). */
export const SUBSCRIPTION_ROWS = [
  'subscription.created',
  'subscription.updated',
  'subscription.cancelled',
  'subscription.unpaid',
  'subscription.completed',
  'subscription.recovered',
  'subscription.trial_ended',
];

/** The recurring engine's moves (core/jobs, core/flows/renew-subscriptions, retry-renewal), in ChargeDesk's words. */
const ENGINE: Record<string, NotificationCode> = {
  // Past due on a failed renewal; after the dunning ladder, cancelled or unpaid (spec: "canceled or unpaid").
  'subscription.past_due': 'subscription_past_due',
  'subscription.cancelled': 'subscription_canceled',
  // A cancel at the period's end (pending_cancel) changes the subscription; it ends later.
  'subscription.cancel_scheduled': 'subscription_updated',
  'subscription.unpaid': 'subscription_canceled',
  // Billing cycles used up (4.6: canceled at the period's end, ended_at set).
  'subscription.completed': 'subscription_canceled',
  // Past due → active again once paid; a trial converted: the subscription changed, nothing more.
  'subscription.recovered': 'subscription_updated',
  'subscription.trial_ended': 'subscription_updated',
  // The "X days before" notices (jobs kind `notices`, the tenant's lead time).
  'subscription.payment_upcoming': 'subscription_upcoming_payment',
  'subscription.trial_ending': 'subscription_trial_ending',
};

function subscriptionChange(before: SubscriptionRow | null, after: SubscriptionRow): NotificationCode {
  const from = before ? subscriptionStatus(before) : null;
  const to = subscriptionStatus(after);
  if (from !== to) {
    if (to === 'canceled' || to === 'unpaid') return 'subscription_canceled';
    if (to === 'suspended') return 'subscription_suspended';
    if (to === 'past_due') return 'subscription_past_due';
    if ((from === 'suspended' || from === 'canceled') && (to === 'active' || to === 'trialing')) return 'subscription_reactivated';
  }
  if (before && after.amount > before.amount) return 'subscription_upgraded';
  if (before && after.amount < before.amount) return 'subscription_downgraded';
  return 'subscription_updated';
}

/** The ChargeDesk notifications one core event stands for (empty when it stands for none). */
export async function notificationsOf(ctx: TenantContext, event: LoggedEvent): Promise<Notification[]> {
  const data = (event.data && typeof event.data === 'object' ? event.data : {}) as Record<string, unknown>;
  const id = event.objectId;
  const out: Notification[] = [];
  switch (event.type) {
    case 'transaction.captured': {
      const txn = data as unknown as TransactionRow;
      if (txn.type === 'sale') out.push(charge('charge_new', id));
      out.push(charge('charge_paid', id), ...(await firstPaid(ctx, txn)));
      break;
    }
    case 'transaction.authorized':
    case 'transaction.unknown':
      out.push(charge('charge_new', id));
      break;
    case 'transaction.declined':
      out.push(charge('charge_new', id), charge('charge_failed', id));
      break;
    case 'transaction.requested':
      out.push(charge('charge_new', id), charge('charge_request', id));
      break;
    case 'transaction.request_paid':
      out.push(charge('charge_request_paid', id), ...(await firstPaid(ctx, data as unknown as TransactionRow)));
      break;
    case 'transaction.refunded':
      out.push(charge('charge_refunded', id));
      break;
    case 'transaction.request_reminder':
      out.push(charge('charge_request_reminder', id));
      break;
    case 'transaction.voided':
    case 'transaction.annotated':
      out.push(charge('charge_updated', id));
      break;
    case 'transaction.record_created': {
      const after = data.after as TransactionRow;
      out.push(charge('charge_new', id), ...statusEntry(null, chargeStatus(after), id));
      if (chargeStatus(after) === 'paid' || chargeStatus(after) === 'disputed') out.push(...(await firstPaid(ctx, after)));
      break;
    }
    case 'transaction.record_updated': {
      const before = data.before as TransactionRow;
      const after = data.after as TransactionRow;
      out.push(charge('charge_updated', id), ...statusEntry(chargeStatus(before), chargeStatus(after), id));
      break;
    }
    case 'customer.created':
      out.push({ code: 'customer_new', class: 'customer', objectId: id });
      if (delinquent(data)) out.push({ code: 'customer_delinquent', class: 'customer', objectId: id });
      break;
    case 'customer.updated': {
      out.push({ code: 'customer_updated', class: 'customer', objectId: id });
      const previous = await previousEvent(ctx, 'customer', id, event.id, ['customer.created', 'customer.updated']);
      if (delinquent(data) && !(previous && delinquent(JSON.parse(previous.data)))) out.push({ code: 'customer_delinquent', class: 'customer', objectId: id });
      break;
    }
    case 'subscription.created':
      out.push({ code: 'subscription_new', class: 'subscription', objectId: id });
      break;
    case 'subscription.updated': {
      const previous = await previousEvent(ctx, 'subscription', id, event.id, SUBSCRIPTION_ROWS);
      out.push({ code: subscriptionChange(previous ? (JSON.parse(previous.data) as SubscriptionRow) : null, data as unknown as SubscriptionRow), class: 'subscription', objectId: id });
      break;
    }
    case 'subscription.plan_changed':
      out.push({ code: subscriptionChange(data.before as SubscriptionRow, data.after as SubscriptionRow), class: 'subscription', objectId: id });
      break;
    case 'subscription.renewed':
      // A period billed moves the subscription on (period, cycles); a failed one is its past_due.
      if (data.status === 'paid') out.push({ code: 'subscription_updated', class: 'subscription', objectId: id });
      break;
    default:
      if (ENGINE[event.type]) out.push({ code: ENGINE[event.type], class: 'subscription', objectId: id });
  }
  if (activityOf({ type: event.type, data, actor: event.actor })) out.push({ code: 'agent_log_new', class: 'agent_log', objectId: event.id });
  return out;
}

export interface Activity {
  object_type: 'charge' | 'customer' | 'subscription' | 'product';
  action_type: string;
  description: string;
}

/** The activity-log entry an event is (spec 3.7), or null for events that are not actions. */
export function activityOf(event: { type: string; data: string | Record<string, unknown>; actor: string | null }): Activity | null {
  const actor = event.actor ? (JSON.parse(event.actor) as { params?: Record<string, unknown> }) : null;
  const data = (): Record<string, unknown> => (typeof event.data === 'string' ? (JSON.parse(event.data) as Record<string, unknown>) : event.data);
  switch (event.type) {
    case 'transaction.captured':
      return (data() as { type?: string }).type === 'authorize'
        ? { object_type: 'charge', action_type: 'capture', description: 'Charge Captured' }
        : { object_type: 'charge', action_type: 'charge', description: 'Charge Created' };
    case 'transaction.authorized':
    case 'transaction.declined':
      return { object_type: 'charge', action_type: 'charge', description: 'Charge Created' };
    case 'transaction.requested':
      return { object_type: 'charge', action_type: 'request', description: 'Payment Requested' };
    case 'transaction.request_paid':
      return { object_type: 'charge', action_type: 'pay', description: 'Payment Request Paid' };
    case 'transaction.refunded':
      return { object_type: 'charge', action_type: 'refund', description: 'Charge Refunded' };
    case 'transaction.voided':
      return { object_type: 'charge', action_type: 'void', description: (data() as { payment_kind?: string | null }).payment_kind === null ? 'Payment Request Canceled' : 'Charge Voided' };
    case 'transaction.emailed':
      return { object_type: 'charge', action_type: 'email', description: 'Email Sent' };
    case 'transaction.record_created':
      return { object_type: 'charge', action_type: 'create', description: 'Charge Created' };
    case 'transaction.record_updated':
      return { object_type: 'charge', action_type: 'update', description: 'Charge Updated' };
    case 'transaction.withdrawn':
      return { object_type: 'charge', action_type: 'delete', description: 'Charge Deleted' };
    case 'customer.created':
      return { object_type: 'customer', action_type: 'create', description: 'Customer Created' };
    case 'customer.updated':
      return { object_type: 'customer', action_type: 'update', description: 'Customer Updated' };
    case 'customer.deleted':
      return { object_type: 'customer', action_type: 'delete', description: 'Customer Deleted' };
    case 'subscription.created':
      return { object_type: 'subscription', action_type: 'create', description: 'Subscription Created' };
    case 'subscription.updated':
      return actor?.params?.action === 'cancel'
        ? { object_type: 'subscription', action_type: 'cancel', description: 'Subscription Canceled' }
        : { object_type: 'subscription', action_type: 'update', description: 'Subscription Updated' };
    case 'subscription.plan_changed':
      return { object_type: 'subscription', action_type: 'plans', description: 'Subscription Plans Updated' };
    // A cancel asked for through the API (the engine ending one at its period's end is no action).
    case 'subscription.cancelled':
    case 'subscription.cancel_scheduled':
      return event.actor ? { object_type: 'subscription', action_type: 'cancel', description: 'Subscription Canceled' } : null;
    case 'product.created':
      return { object_type: 'product', action_type: 'create', description: 'Product Created' };
    case 'product.updated':
      return { object_type: 'product', action_type: 'update', description: 'Product Updated' };
    default:
      return null;
  }
}

/** The core event types each activity (object_type, action_type) comes from. */
export const ACTIVITY_EVENTS: Record<string, Record<string, string[]>> = {
  charge: {
    charge: ['transaction.captured', 'transaction.authorized', 'transaction.declined'],
    capture: ['transaction.captured'],
    request: ['transaction.requested'],
    pay: ['transaction.request_paid'],
    refund: ['transaction.refunded'],
    void: ['transaction.voided'],
    email: ['transaction.emailed'],
    create: ['transaction.record_created'],
    update: ['transaction.record_updated'],
    delete: ['transaction.withdrawn'],
  },
  customer: { create: ['customer.created'], update: ['customer.updated'], delete: ['customer.deleted'] },
  subscription: {
    create: ['subscription.created'],
    update: ['subscription.updated'],
    cancel: ['subscription.updated', 'subscription.cancelled', 'subscription.cancel_scheduled'],
    plans: ['subscription.plan_changed'],
  },
  product: { create: ['product.created'], update: ['product.updated'] },
};

export const CORE_OBJECT: Record<string, string> = { charge: 'transaction', customer: 'customer', subscription: 'subscription', product: 'product' };
