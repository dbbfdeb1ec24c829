// Subscriptions (spec #53-56, §3.13, §4.6): create from a plan (explicit fields win), computed next
// bill date (billed on it by the recurring engine: the customer's card, or the one named), override semantics for add-ons and discounts, `total_adds`, and null for empty lists.
// Also the current clients' /recurring/subscription/{id}/status/{status} and /recurring/subscription/search.
// The schedule is the core's neutral one; ./schedule-wire.ts translates FluidPay's words both ways.
import { customersByIds } from '../../core/customers/queries.ts';
import { catalogItemsByIds } from '../../core/catalog/queries.ts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TenantContext } from '../../core/context.ts';
import { priceOf } from '../../core/catalog/catalog.ts';
import { invalid, notFound } from '../../core/errors/domain-error.ts';
import {
  adjustmentTotal,
  createSubscription,
  deleteSubscription,
  getSubscription,
  listSubscriptions,
  subscriptionSchedule,
  updateSubscription,
  type Adjustment,
  type SubscriptionItems,
  type SubscriptionStatus,
} from '../../core/subscriptions/subscriptions.ts';
import { setSubscriptionStatus } from '../../core/subscriptions/lifecycle.ts';
import { subscriptionStates } from '../../core/subscriptions/queries.ts';
import type { CatalogItemRow, SubscriptionRow } from '../../core/database.ts';
import { tenantOf } from '../../http/auth.ts';
import { decodeId, encodeId, sameSecond } from './ids.ts';
import type { Schedule } from '../../core/subscriptions/schedule.ts';
import { parseVendorData } from '../../core/vendor-data.ts';
import { adjustmentId, catalogTimes, findCatalog, parseAdjustmentList, planData } from './recurring.ts';
import { durationOf, maxOccurrencesOf, parseNextBillDate, parseScheduleFields, renderScheduleFields, sendsCadence, type ScheduleFields } from './schedule-wire.ts';
import { findCard, findCustomer } from './vault.ts';
import { customerId } from './vault-wire.ts';
import { bodyOf, isObject, listed, ok, optInt, optString, ts, type Body } from './wire.ts';
import { paging } from './search.ts';

async function findSubscription(ctx: TenantContext, idText: string): Promise<SubscriptionRow> {
  const decoded = decodeId('subscription', idText);
  if (!decoded) throw notFound('subscription', idText);
  const row = await getSubscription(ctx, decoded.id);
  if (!sameSecond(decoded, row.created_at)) throw notFound('subscription', idText);
  return row;
}

/**
 * The door's own words kept beside the core: the client's billing_cycle_interval (see
 * schedule-wire.ts), and the vault pointers its current clients send in `customer` (echoed).
 */
type FluidPaySubscriptionData = { billing_cycle_interval?: number; customer?: Record<string, unknown> };

/** FluidPay's statuses (fluidpay-v2 §5.3): the core's states in its five words. */
export const FLUIDPAY_STATUSES = ['active', 'paused', 'past_due', 'cancelled', 'completed'] as const;
const WIRE_STATUS: Record<string, string> = {
  active: 'active',
  trialing: 'active',
  overdue: 'active',
  paused: 'paused',
  cancelled: 'cancelled',
  cancelled_nonpayment: 'cancelled',
  completed: 'completed',
};

function wireStatusOf(row: SubscriptionRow, state: string | undefined): string {
  // Past due (and unpaid after the dunning ladder) is FluidPay's past_due; an invoice merely overdue is not.
  if (row.status === 'past_due' || row.status === 'unpaid') return state === 'paused' ? 'paused' : 'past_due';
  return WIRE_STATUS[state ?? row.status] ?? 'active';
}

/**
 * An add-on's or discount's duration counts billings from when it was added (§4.6 R: the billing
 * job decrements it): one already on the subscription keeps its start, a new one starts after the
 * billings made so far.
 */
function keepSince(items: Adjustment[], before: readonly Adjustment[], billed: number): Adjustment[] {
  const since = new Map(before.map((a) => [a.catalogId, a.since ?? 0]));
  return items.map((a) => ({ ...a, since: since.get(a.catalogId) ?? billed }));
}

const CUSTOMER_POINTERS = ['payment_method_type', 'payment_method_id', 'billing_address_id', 'shipping_address_id'] as const;

function wireSchedule(row: SubscriptionRow): { schedule: Schedule; fields: ScheduleFields } {
  const schedule = subscriptionSchedule(row);
  const data = (parseVendorData(row.vendor_data).fluidpay ?? {}) as FluidPaySubscriptionData;
  return { schedule, fields: renderScheduleFields(schedule, data.billing_cycle_interval) };
}

const keptWords = (fields: ScheduleFields): FluidPaySubscriptionData => ({ billing_cycle_interval: fields.billing_cycle_interval });

async function renderSubscriptions(ctx: TenantContext, rows: readonly SubscriptionRow[]) {
  const items = rows.map((row) => JSON.parse(row.items) as SubscriptionItems);
  const times = await catalogTimes(
    ctx,
    items.flatMap((i) => [...i.add_ons, ...i.discounts]),
  );
  const customers = await customersByIds(
    ctx,
    rows.map((r) => r.customer_id),
    { includeDeleted: true },
  );
  const plans = await catalogItemsByIds(
    ctx,
    rows.flatMap((r) => (r.plan_id ? [r.plan_id] : [])),
  );
  const customerTimes = new Map(customers.map((c) => [c.id, Number(c.created_at)]));
  const states = await subscriptionStates(
    ctx,
    rows.map((r) => r.id),
  );
  const planTimes = new Map(plans.map((p) => [p.id, Number(p.created_at)]));
  return rows.map((row, i) => {
    const { schedule, fields } = wireSchedule(row);
    const embed = (kind: 'addon' | 'discount') => (a: Adjustment) => ({
      id: adjustmentId(kind, a, (id) => times.get(id)),
      description: a.description,
      amount: a.amount,
      percentage: a.percentage,
      duration: a.duration,
    });
    const { add_ons: addOns, discounts } = items[i];
    const data = (parseVendorData(row.vendor_data).fluidpay ?? {}) as FluidPaySubscriptionData;
    return {
      id: encodeId('subscription', row.id, row.created_at),
      plan_id: row.plan_id ? encodeId('plan', row.plan_id, planTimes.get(row.plan_id) ?? 0) : '',
      description: row.description,
      customer: { id: customerId({ id: row.customer_id, created_at: customerTimes.get(row.customer_id) ?? 0 }), ...(data.customer ?? {}) },
      status: wireStatusOf(row, states.get(row.id)),
      amount: row.amount,
      total_adds: adjustmentTotal(row.amount, addOns),
      total_discounts: adjustmentTotal(row.amount, discounts),
      billing_cycle_interval: fields.billing_cycle_interval,
      billing_frequency: fields.billing_frequency,
      billing_days: fields.billing_days,
      duration: durationOf(schedule),
      next_bill_date: row.next_bill_date,
      add_ons: addOns.length ? addOns.map(embed('addon')) : null,
      discounts: discounts.length ? discounts.map(embed('discount')) : null,
      created_at: ts(row.created_at),
      updated_at: ts(row.updated_at),
    };
  });
}

async function renderOne(ctx: TenantContext, row: SubscriptionRow) {
  return (await renderSubscriptions(ctx, [row]))[0];
}

interface CustomerRef {
  id: number;
  /** The vault card renewals charge, when the client named one (else the customer's default). */
  paymentMethodId: number | null | undefined;
  /** What the client sent beside the id, echoed back (fluidpay-v2 §5.3). */
  pointers: Record<string, unknown>;
}

async function parseCustomerRef(ctx: TenantContext, body: Body, required: boolean): Promise<CustomerRef | undefined> {
  const customer = body.customer;
  if (customer === undefined || customer === null) {
    if (required) throw invalid('customer.id is required', 'customer.id');
    return undefined;
  }
  if (!isObject(customer) || typeof customer.id !== 'string') throw invalid('customer.id is required', 'customer.id');
  let row;
  try {
    row = await findCustomer(ctx, customer.id);
  } catch {
    throw invalid('customer.id is not a customer of this merchant', 'customer.id');
  }
  const pointers: Record<string, unknown> = {};
  for (const key of CUSTOMER_POINTERS) {
    const value = customer[key];
    if (value === undefined) continue;
    if (value !== null && typeof value !== 'string') throw invalid(`customer.${key} must be a string or null`, `customer.${key}`);
    pointers[key] = value;
  }
  let paymentMethodId: number | null | undefined;
  if (typeof pointers.payment_method_id === 'string' && pointers.payment_method_id !== '') {
    try {
      paymentMethodId = (await findCard(ctx, row, pointers.payment_method_id)).id;
    } catch {
      throw invalid('customer.payment_method_id is not a payment method of this customer', 'customer.payment_method_id');
    }
  } else if ('payment_method_id' in pointers) paymentMethodId = null;
  return { id: row.id, paymentMethodId, pointers };
}

async function parsePlanRef(ctx: TenantContext, body: Body): Promise<CatalogItemRow | null | undefined> {
  const planId = optString(body, 'plan_id');
  if (planId === undefined) return undefined;
  if (planId === '') return null;
  try {
    return await findCatalog(ctx, 'plan', planId);
  } catch {
    throw invalid('plan_id is not a plan of this merchant', 'plan_id');
  }
}

export async function subscriptionRoutes(app: FastifyInstance): Promise<void> {
  app.post('/recurring/subscription', async (request) => {
    const ctx = tenantOf(request);
    const body = bodyOf(request);
    const plan = await parsePlanRef(ctx, body);
    const fromPlan = plan ? planData(plan) : undefined;
    const customerRef = (await parseCustomerRef(ctx, body, true)) as CustomerRef;
    const customer = customerRef.id;
    const amount = optInt(body, 'amount', { min: 0 }) ?? (plan ? (priceOf(plan, 'USD') ?? 0) : undefined);
    if (amount === undefined) throw invalid('amount is required', 'amount');
    const { fields, cadence } = parseScheduleFields(body, fromPlan);
    const nextBillDate = parseNextBillDate(body);
    const duration = optInt(body, 'duration', { min: 0 }) ?? fromPlan?.duration ?? 0;
    const addOns = (await parseAdjustmentList(ctx, body.add_ons, 'addon', 'add_ons')) ?? fromPlan?.add_ons ?? [];
    const discounts = (await parseAdjustmentList(ctx, body.discounts, 'discount', 'discounts')) ?? fromPlan?.discounts ?? [];
    const row = await createSubscription(ctx, {
      customerId: customer,
      planId: plan?.id ?? null,
      description: optString(body, 'description', { max: 255 }) ?? plan?.description ?? '',
      amount,
      // A next_bill_date sent starts the schedule there; otherwise the core starts it today.
      schedule: { ...cadence, start: nextBillDate, maxOccurrences: maxOccurrencesOf(duration) },
      nextBillDate,
      items: { add_ons: addOns, discounts },
      // Renewals charge the card named, else the customer's default (§4.6 R); FluidPay's sandbox does
      // not judge card expiry (its documented cards expired in 2020), so neither do its renewals.
      paymentMethodId: customerRef.paymentMethodId ?? null,
      chargeOptions: { checkExpiry: false },
      vendor: 'fluidpay',
      vendorData: { ...keptWords(fields), ...(Object.keys(customerRef.pointers).length ? { customer: customerRef.pointers } : {}) },
    });
    return ok(await renderOne(ctx, row));
  });

  app.post('/recurring/subscription/search', async (request) => {
    const ctx = tenantOf(request);
    const { rows, total } = await listSubscriptions(ctx, paging(bodyOf(request)));
    return listed(await renderSubscriptions(ctx, rows), total);
  });

  const get = async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const ctx = tenantOf(request);
    return ok(await renderOne(ctx, await findSubscription(ctx, request.params.id)));
  };
  app.get('/recurring/subscription/:id', get);
  app.get('/subscription/:id', get); // G12: the doc's curl
  app.post('/subscription/:id', get);

  app.post<{ Params: { id: string } }>('/recurring/subscription/:id', async (request) => {
    const ctx = tenantOf(request);
    const body = bodyOf(request);
    const row = await findSubscription(ctx, request.params.id);
    const stored = { ...wireSchedule(row), items: JSON.parse(row.items) as SubscriptionItems };
    const plan = await parsePlanRef(ctx, body);
    const nextBillDate = parseNextBillDate(body);
    const duration = optInt(body, 'duration', { min: 0 });
    // Only what the body says changes: an update without schedule words keeps the stored schedule
    // as it is (it may hold what FluidPay cannot say, set through another door).
    const parsed = sendsCadence(body) ? parseScheduleFields(body, stored.fields) : undefined;
    let schedule: Schedule | undefined;
    if (parsed || nextBillDate !== undefined || duration !== undefined) {
      schedule = { ...stored.schedule, ...parsed?.cadence, start: nextBillDate ?? stored.schedule.start };
      if (duration !== undefined) schedule.maxOccurrences = maxOccurrencesOf(duration);
    }
    const customerRef = await parseCustomerRef(ctx, body, false);
    const updated = await updateSubscription(ctx, row.id, {
      customerId: customerRef?.id,
      paymentMethodId: customerRef?.paymentMethodId,
      planId: plan === undefined ? undefined : (plan?.id ?? null),
      description: optString(body, 'description', { max: 255 }),
      amount: optInt(body, 'amount', { min: 0 }),
      schedule,
      nextBillDate,
      items: {
        add_ons: keepSince((await parseAdjustmentList(ctx, body.add_ons, 'addon', 'add_ons')) ?? stored.items.add_ons, stored.items.add_ons, row.billed_count),
        discounts: keepSince((await parseAdjustmentList(ctx, body.discounts, 'discount', 'discounts')) ?? stored.items.discounts, stored.items.discounts, row.billed_count),
      },
      ...(parsed || customerRef
        ? { vendor: 'fluidpay', vendorData: { ...(parsed ? keptWords(parsed.fields) : {}), ...(customerRef && Object.keys(customerRef.pointers).length ? { customer: customerRef.pointers } : {}) } }
        : {}),
    });
    return ok(await renderOne(ctx, updated));
  });

  app.delete<{ Params: { id: string } }>('/recurring/subscription/:id', async (request) => {
    const ctx = tenantOf(request);
    await deleteSubscription(ctx, (await findSubscription(ctx, request.params.id)).id);
    return ok(null);
  });

  // Current clients: /recurring/subscription/{id}/status/{paused|past_due|cancelled|active|completed}.
  // paused stops billing until active again (missed periods are not billed afterwards); cancelled and
  // completed end it; active also reactivates one that ended; past_due marks it.
  const setStatus = async (request: FastifyRequest<{ Params: { id: string; status: string } }>) => {
    const ctx = tenantOf(request);
    const status = request.params.status;
    if (!(FLUIDPAY_STATUSES as readonly string[]).includes(status)) throw invalid(`status must be one of ${FLUIDPAY_STATUSES.join(', ')}`, 'status');
    const row = await findSubscription(ctx, request.params.id);
    return ok(await renderOne(ctx, await setSubscriptionStatus(ctx, row.id, status as SubscriptionStatus)));
  };
  app.get('/recurring/subscription/:id/status/:status', setStatus);
  app.post('/recurring/subscription/:id/status/:status', setStatus);
}
