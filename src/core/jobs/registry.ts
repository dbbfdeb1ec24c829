// Every kind of work that falls due because time passed, in the order the runner takes kinds due
// at the same instant. A new kind (webhook deliveries, say) is one import and one entry here.
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

export const DUE_WORK: readonly DueWorkKind[] = [
  // Lost processor answers first: what they took is applied before anything else looks at balances.
  paymentInquiry,
  authorizationExpiry,
  settlement,
  scheduledPayments,
  trialEnds,
  renewals,
  dunning,
  subscriptionEnds,
  overdue,
];
