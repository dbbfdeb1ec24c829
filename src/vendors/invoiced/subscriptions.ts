// Subscriptions (beyond the seed): a customer on a plan. The plan's interval words (day, week,
// month, year and interval_count) become the core's neutral Cadence, start_date its start and
// `cycles` its maxOccurrences; the recurring amount is the plan's price times the quantity (core
// money arithmetic). The recurring engine invoices and charges each period on the tenant's clock
// (the customer's default payment source); DELETE cancels.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TenantContext } from '../../core/context.ts';
import type { CatalogItemRow, SubscriptionRow } from '../../core/database.ts';
import { invalid, notFound } from '../../core/errors/domain-error.ts';
import { multiplyQuantity } from '../../core/money/money.ts';
import type { ScheduleDraft, ScheduleUnit } from '../../core/subscriptions/schedule.ts';
import { createSubscription, deleteSubscription, getSubscription, listSubscriptions, subscriptionSchedule, updateSubscription } from '../../core/subscriptions/subscriptions.ts';
import { tenantOf } from '../../http/auth.ts';
import { findCatalog } from './catalog.ts';
import { own, renderSubscriptions } from './render.ts';
import { bodyId, bodyOf, idParam, readDay, readList, readMetadata, sendList, VENDOR, type Body } from './wire.ts';

/** A plan's interval words as the core's neutral schedule (no anchors: the start's day sets the billing day, clamped in short months). */
export function planCadence(plan: CatalogItemRow): Omit<ScheduleDraft, 'start'> {
  if (!plan.interval_unit) throw invalid('The plan has no billing interval', 'plan');
  return { unit: plan.interval_unit as ScheduleUnit, interval: plan.interval_count ?? 1, anchors: [], shortMonths: 'clamp' };
}

function planPrice(plan: CatalogItemRow): { currency: string; amount: number } {
  const prices = JSON.parse(plan.prices) as Record<string, number>;
  const currency = (own(plan).currency as string | undefined) ?? Object.keys(prices)[0] ?? 'USD';
  return { currency, amount: prices[currency] ?? 0 };
}

function quantity(body: Body): number | undefined {
  if (body.quantity === undefined || body.quantity === null) return undefined;
  if (typeof body.quantity !== 'number' || !Number.isInteger(body.quantity) || body.quantity < 1 || body.quantity > 1_000_000) throw invalid('quantity must be a whole number from 1', 'quantity');
  return body.quantity;
}

function cycles(body: Body): number | null | undefined {
  if (body.cycles === undefined) return undefined;
  if (body.cycles === null || body.cycles === 0) return null;
  if (typeof body.cycles !== 'number' || !Number.isInteger(body.cycles) || body.cycles < 1) throw invalid('cycles must be a whole number from 1, or null for no end', 'cycles');
  return body.cycles;
}

async function findSubscription(ctx: TenantContext, text: unknown): Promise<SubscriptionRow> {
  return getSubscription(ctx, idParam(text, 'subscription'));
}

type Id = { Params: { id: string } };

export async function subscriptionRoutes(app: FastifyInstance): Promise<void> {
  const one = async (ctx: TenantContext, row: SubscriptionRow) => (await renderSubscriptions(ctx, [row]))[0];

  app.post('/subscriptions', async (request, reply) => {
    const ctx = tenantOf(request);
    const body = bodyOf(request);
    if (body.customer === undefined || body.customer === null) throw invalid('customer is required', 'customer');
    if (body.plan === undefined || body.plan === null) throw invalid('plan is required', 'plan');
    const customerId = bodyId(body.customer, 'customer');
    const plan = await findCatalog(ctx, body.plan, 'plan').catch(() => Promise.reject(invalid('plan does not name a plan', 'plan')));
    const price = planPrice(plan);
    const count = quantity(body) ?? 1;
    const max = cycles(body);
    const metadata = readMetadata(body);
    const row = await createSubscription(ctx, {
      customerId,
      planId: plan.id,
      description: plan.name,
      currency: price.currency,
      amount: multiplyQuantity(price.amount, String(count)),
      schedule: { ...planCadence(plan), start: readDay(body, 'start_date'), ...(max ? { maxOccurrences: max } : {}) },
      vendor: VENDOR,
      vendorData: { quantity: count, ...(metadata ? { metadata } : {}) },
    }).catch((error: unknown) => {
      if (error instanceof Error && (error as { details?: { object?: string } }).details?.object === 'customer') throw invalid(`No such customer: ${customerId}`, 'customer');
      throw error;
    });
    return reply.code(201).send(await one(ctx, row));
  });

  app.get('/subscriptions', async (request, reply) => {
    const ctx = tenantOf(request);
    const list = readList(request, {});
    const page = await listSubscriptions(ctx, { offset: list.offset, limit: list.perPage });
    return sendList(request, reply, list, await renderSubscriptions(ctx, page.rows), page.total);
  });

  app.get('/subscriptions/:id', async (request: FastifyRequest<Id>) => {
    const ctx = tenantOf(request);
    return one(ctx, await findSubscription(ctx, request.params.id));
  });

  app.patch('/subscriptions/:id', async (request: FastifyRequest<Id>) => {
    const ctx = tenantOf(request);
    const row = await findSubscription(ctx, request.params.id);
    const body = bodyOf(request);
    const unknown = Object.keys(body).filter((key) => !['quantity', 'cycles', 'metadata'].includes(key));
    if (unknown.length > 0) throw invalid(`${unknown[0]} cannot be changed here (quantity, cycles and metadata can)`, unknown[0]);
    const count = quantity(body);
    const max = cycles(body);
    const metadata = readMetadata(body);
    const plan = row.plan_id && count !== undefined ? await findCatalog(ctx, row.plan_id, 'plan') : undefined;
    const stored = subscriptionSchedule(row);
    const schedule = max === undefined ? undefined : { ...stored, maxOccurrences: max ?? undefined };
    if (schedule && max === null) delete schedule.maxOccurrences;
    const updated = await updateSubscription(ctx, row.id, {
      ...(plan && count !== undefined ? { amount: multiplyQuantity(planPrice(plan).amount, String(count)) } : {}),
      ...(schedule ? { schedule } : {}),
      vendor: VENDOR,
      vendorData: { ...(count !== undefined ? { quantity: count } : {}), ...(metadata ? { metadata } : {}) },
    });
    return one(ctx, updated);
  });

  app.delete('/subscriptions/:id', async (request: FastifyRequest<Id>, reply) => {
    const ctx = tenantOf(request);
    const row = await findSubscription(ctx, request.params.id);
    if (row.deleted_at) throw notFound('subscription', request.params.id);
    await deleteSubscription(ctx, row.id);
    return reply.code(204).send();
  });
}
