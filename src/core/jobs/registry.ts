// Every kind of work that falls due because time passed, in the order the runner takes kinds due
// at the same instant. A new kind is one import and one entry here.
import type { DueWorkKind } from './kind.ts';
import { paymentInquiry } from './kinds/payment-inquiry.ts';
import { authorizationExpiry } from './kinds/authorization-expiry.ts';
import { settlement } from './kinds/settlement.ts';
import { scheduledPayments } from './kinds/scheduled-payments.ts';
import { trialEnds } from './kinds/trial-ends.ts';
import { renewals } from './kinds/renewals.ts';
import { dunning } from './kinds/dunning.ts';
import { subscriptionEnds } from './kinds/subscription-ends.ts';
import { overdue } from './kinds/overdue.ts';
import { cardExpiry } from './kinds/card-expiry.ts';
import { notices } from './kinds/notices.ts';
import { webhookDeliveries } from './kinds/webhook-deliveries.ts';

export const DUE_WORK: readonly DueWorkKind[] = [
  // Lost processor answers first: what they took is applied before anything else looks at balances.
  paymentInquiry,
  authorizationExpiry,
  settlement,
  scheduledPayments,
  // Before renewals: a cancel set for a period's end (ChargeDesk's at_period_end, ChargeOver's
  // cancel_date on a bill date) ends the subscription before that instant's renewal would bill it.
  subscriptionEnds,
  trialEnds,
  renewals,
  dunning,
  overdue,
  // Card expiry notices (1st of the expiry month, 1st of the month after), about cards and the subscriptions they pay.
  cardExpiry,
  // After renewals: a bill date the renewal just moved is noticed from its new date.
  notices,
  // Last at an instant: the events everything above wrote at that moment go out at that moment.
  webhookDeliveries,
];
