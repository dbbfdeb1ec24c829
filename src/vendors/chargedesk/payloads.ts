// The objects a ChargeDesk webhook carries (spec 1.15: data.<class>), rendered without a request by
// the same views the API answers with: a charge, customer or subscription as it is when the first
// attempt renders it, an activity entry for agent_log. Links use the server's public base.
import type { TenantContext } from '../../core/context.ts';
import { customersByIds } from '../../core/customers/queries.ts';
import { getEvent } from '../../core/events/events.ts';
import { getTransaction } from '../../core/payments/rows.ts';
import { getSubscription } from '../../core/subscriptions/subscriptions.ts';
import type { CdRequest } from './context.ts';
import { links, renderOne } from './charges.ts';
import { renderCustomers } from './customers.ts';
import { activityEntries } from './logs.ts';
import { renderSubscriptions } from './views.ts';

export type PayloadClass = 'charge' | 'customer' | 'subscription' | 'agent_log';

/** The core object type each class is about (the outbox row's object_type). */
export const CORE_TYPE: Record<PayloadClass, string> = { charge: 'transaction', customer: 'customer', subscription: 'subscription', agent_log: 'event' };

export const classOf = (objectType: string): PayloadClass | undefined => (Object.keys(CORE_TYPE) as PayloadClass[]).find((cls) => CORE_TYPE[cls] === objectType);

const missing = (error: unknown): null => {
  if ((error as { code?: string }).code === 'not_found') return null;
  throw error;
};

/** The object in ChargeDesk's shape, or null when it is gone. */
export async function renderPayload(ctx: TenantContext, cls: PayloadClass, id: number, serverBase: string): Promise<Record<string, unknown> | null> {
  const req: CdRequest = { ctx, query: {}, body: {}, company: ctx.tenant.slug, base: `${serverBase}/chargedesk`, ip: '' };
  switch (cls) {
    case 'charge': {
      const row = await getTransaction(ctx, id).catch(missing);
      return row ? renderOne(req, row) : null;
    }
    case 'customer': {
      const [row] = await customersByIds(ctx, [id], { includeDeleted: true });
      return row ? ((await renderCustomers(req, [row]))[0] ?? null) : null;
    }
    case 'subscription': {
      const row = await getSubscription(ctx, id).catch(missing);
      return row ? ((await renderSubscriptions(ctx, [row], links(req)))[0] ?? null) : null;
    }
    case 'agent_log': {
      const row = await getEvent(ctx, id);
      return row ? ((await activityEntries(req, [row]))[0] ?? null) : null;
    }
  }
}
