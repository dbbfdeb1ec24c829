// The notification catalogue of GET /webhooks/notifications (spec 3.6), byte for byte as the document
// prints it (typos included), and the event log mapped to these notifications (notifications.ts).
export const NOTIFICATIONS = [
  { notification: 'charge_new', object: 'Charge', name: 'Charge Created', description: 'Sent when a new charge is created.' },
  { notification: 'charge_updated', object: 'Charge', name: 'Charge Updated', description: 'Sent when a charge is updated.' },
  { notification: 'charge_request', object: 'Charge', name: 'Charge Requested', description: 'Sent when a payment request is created.' },
  { notification: 'charge_paid', object: 'Charge', name: 'Charge Paid', description: 'Sent when a charge is successfully paid. Does not include payment requests.' },
  { notification: 'charge_request_paid', object: 'Charge', name: 'Charge Request Paid', description: 'Sent when a payment request is successfully paid by a customer.' },
  { notification: 'charge_pending_paid', object: 'Charge', name: 'Charge Pending Paid', description: 'Sent when a previously pending payment is successfully paid.' },
  { notification: 'charge_refunded', object: 'Charge', name: 'Charge Refunded', description: 'Sent when a charge is refunded.' },
  { notification: 'charge_failed', object: 'Charge', name: 'Charge Failed', description: "Sent when a charge fails, often due to an issue with the customer's card." },
  { notification: 'charge_disputed', object: 'Charge', name: 'Charge Disputed', description: 'Sent when a charge is disputed, often due to a chargeback by the customer.' },
  { notification: 'charge_request_reminder', object: 'Charge', name: 'Charge Unpaid Payment Request', description: "Sent when a payment request hasn't been paid for X days." },
  { notification: 'customer_new', object: 'Customer', name: 'Customer Created', description: 'Sent when a new customer is created.' },
  { notification: 'customer_updated', object: 'Customer', name: 'Customer Updated', description: 'Sent when a customer is updated.' },
  { notification: 'customer_first_paid', object: 'Customer', name: 'Customer First Payment', description: 'Sent when a customer makes their first successful payment.' },
  { notification: 'customer_delinquent', object: 'Customer', name: 'Customer Delinquent', description: 'Sent when a customer is marked as delinquent.' },
  { notification: 'subscription_new', object: 'Subscription', name: 'Subscription Created', description: 'Sent when a new subscription is created.' },
  { notification: 'subscription_updated', object: 'Subscription', name: 'Subscription Updated', description: 'Sent when a subscription is updated.' },
  { notification: 'subscription_upgraded', object: 'Subscription', name: 'Subscription Upgraded', description: 'Sent when a subscription is upgraded.' },
  { notification: 'subscription_downgraded', object: 'Subscription', name: 'Subscription Downgraded', description: 'Sent when a subscription is downgraded.' },
  { notification: 'subscription_past_due', object: 'Subscription', name: 'Subscription Past Due', description: 'Sent when a subscription goes past due.' },
  { notification: 'subscription_canceled', object: 'Subscription', name: 'Subscription Canceled', description: 'Sent when a subscription is canceled or unpaid.' },
  { notification: 'subscription_suspended', object: 'Subscription', name: 'Subscription Suspended', description: 'Sent when a subscription is suspended or paused.' },
  { notification: 'subscription_reactivated', object: 'Subscription', name: 'Subscription Reactivated', description: 'Sent when a subscription is reactivated.' },
  {
    notification: 'subscription_upcoming_payment',
    object: 'Subscription',
    name: 'Subscription Upcoming Payment on Active Subscription',
    description: 'Sent when a charge on an active subscription is due in X days.',
  },
  { notification: 'subscription_trial_ending', object: 'Subscription', name: 'Subscription Subscription Trial Ends Soon', description: 'Sent when a charge on a trial subscription is due in X days.' },
  { notification: 'agent_log_new', object: 'AgentLog', name: 'Agent Log Created', description: 'Sent when a new agent log is created.' },
] as const;

export type NotificationCode = (typeof NOTIFICATIONS)[number]['notification'];
export const NOTIFICATION_CODES: readonly string[] = NOTIFICATIONS.map((n) => n.notification);
