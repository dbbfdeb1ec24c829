// Subscriptions (spec #53-56, §3.13, §4.6): create from a plan (explicit fields win), computed next
// bill date, override semantics for add-ons and discounts, `total_adds`, and null for empty lists.
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
  SUBSCRIPTION_STATUSES,
  subscriptionSchedule,
  updateSubscription,
  type Adjustment,
  type SubscriptionItems,
} from '../../core/subscriptions/subscriptions.ts';
import type { CatalogItemRow, SubscriptionRow } from '../../core/database.ts';
import { tenantOf } from '../../http/auth.ts';
import { decodeId, encodeId, sameSecond } from './ids.ts';
import type { Schedule } from '../../core/subscriptions/schedule.ts';
import { parseVendorData } from '../../core/vendor-data.ts';
import { adjustmentId, catalogTimes, findCatalog, parseAdjustmentList, planData } from './recurring.ts';
import { durationOf, maxOccurrencesOf, parseNextBillDate, parseScheduleFields, renderScheduleFields, sendsCadence, type ScheduleFields } from './schedule-wire.ts';
import { findCustomer } from './vault.ts';
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

/** The door's own words kept beside the core schedule: the client's billing_cycle_interval (see schedule-wire.ts). */
type FluidPaySubscriptionData = { billing_cycle_interval?: number };

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
    return {
      id: encodeId('subscription', row.id, row.created_at),
      plan_id: row.plan_id ? encodeId('plan', row.plan_id, planTimes.get(row.plan_id) ?? 0) : '',
      description: row.description,
      customer: { id: customerId({ id: row.customer_id, created_at: customerTimes.get(row.customer_id) ?? 0 }) },
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

async function parseCustomer(ctx: TenantContext, body: Body, required: boolean): Promise<number | undefined> {
  const customer = body.customer;
  if (customer === undefined || customer === null) {
    if (required) throw invalid('customer.id is required', 'customer.id');
    return undefined;
  }
  if (!isObject(customer) || typeof customer.id !== 'string') throw invalid('customer.id is required', 'customer.id');
  try {
    return (await findCustomer(ctx, customer.id)).id;
  } catch {
    throw invalid('customer.id is not a customer of this merchant', 'customer.id');
  }
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
    const customer = (await parseCustomer(ctx, body, true)) as number;
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
      vendor: 'fluidpay',
      vendorData: keptWords(fields),
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
    const stored = wireSchedule(row);
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
    const updated = await updateSubscription(ctx, row.id, {
      customerId: await parseCustomer(ctx, body, false),
      planId: plan === undefined ? undefined : (plan?.id ?? null),
      description: optString(body, 'description', { max: 255 }),
      amount: optInt(body, 'amount', { min: 0 }),
      schedule,
      nextBillDate,
      items: {
        add_ons: (await parseAdjustmentList(ctx, body.add_ons, 'addon', 'add_ons')) ?? (JSON.parse(row.items) as SubscriptionItems).add_ons,
        discounts: (await parseAdjustmentList(ctx, body.discounts, 'discount', 'discounts')) ?? (JSON.parse(row.items) as SubscriptionItems).discounts,
      },
      ...(parsed ? { vendor: 'fluidpay', vendorData: keptWords(parsed.fields) } : {}),
    });
    return ok(await renderOne(ctx, updated));
  });

  app.delete<{ Params: { id: string } }>('/recurring/subscription/:id', async (request) => {
    const ctx = tenantOf(request);
    await deleteSubscription(ctx, (await findSubscription(ctx, request.params.id)).id);
    return ok(null);
  });

  // Current clients: /recurring/subscription/{id}/status/{paused|past_due|cancelled|active|completed}.
  const setStatus = async (request: FastifyRequest<{ Params: { id: string; status: string } }>) => {
    const ctx = tenantOf(request);
    const status = request.params.status;
    if (!(SUBSCRIPTION_STATUSES as readonly string[]).includes(status)) throw invalid(`status must be one of ${SUBSCRIPTION_STATUSES.join(', ')}`, 'status');
    const row = await findSubscription(ctx, request.params.id);
    return ok(await renderOne(ctx, await updateSubscription(ctx, row.id, { status: status as (typeof SUBSCRIPTION_STATUSES)[number] })));
  };
  app.get('/recurring/subscription/:id/status/:status', setStatus);
  app.post('/recurring/subscription/:id/status/:status', setStatus);
}
