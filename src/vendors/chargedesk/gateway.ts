// /gateway (spec 2.2 1-8, 4.2, 4.6): one path for a card charge, a subscription with its first
// charge, and a payment request with a pay link (dispatch as G20); refund, capture (amount 0
// voids), cancel a payment request, cancel a subscription (now, or at period end), edit its plans.
// Each is one core use-case; declines answer 402 with the failed charge's id.
import { cancelSubscription } from '../../core/subscriptions/lifecycle.ts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SubscriptionRow } from '../../core/database.ts';
import { capture, createPayment, voidTransaction } from '../../core/payments/payments.ts';
import { isProcessed } from '../../core/payments/recorded-charges.ts';
import { refundCharge } from '../../core/flows/refund-charge.ts';
import { startSubscription } from '../../core/flows/start-subscription.ts';
import { changePlans } from '../../core/flows/change-plans.ts';
import { requestPaymentFor } from '../../core/flows/request-payment.ts';
import { getSubscription } from '../../core/subscriptions/subscriptions.ts';
import { catalogItemsByIds } from '../../core/catalog/queries.ts';
import { chargeableMethods } from '../../core/vault/vault.ts';
import { FlowRefusal, refuse } from '../../core/flows/refusals.ts';
import type { ScheduleUnit } from '../../core/subscriptions/schedule.ts';
import { cdRequest, type CdRequest } from './context.ts';
import { chargeByPath, renderOne } from './charges.ts';
import { chargeStatus } from './charge-view.ts';
import { badParam, cdError, notFoundHere } from './errors.ts';
import { customerIdOf, objectIdOf, productWireIds, REF } from './ids.ts';
import { renderSubscriptions, subscriptionData, subscriptionStatus } from './views.ts';
import { productData, productPrice } from './views.ts';
import { nested, NOT_ON_GATEWAY, objectList, optAmount, optFlag, optText, optWhole, readAmount, readCurrency, readMetadata, mergeMetadata, VENDOR, formatted, decimal } from './wire.ts';
import { randomAlnum } from '../../core/crypto/secrets.ts';
import type { Body } from '../kit/fields.ts';

const INTERVALS = ['day', 'week', 'month', 'year'] as const;
const links = (req: CdRequest) => ({ company: req.company, base: req.base });

function gatewayCurrency(body: Body): string {
  if (body.currency === undefined || body.currency === '') throw badParam('currency is required', 'currency');
  const currency = readCurrency(body.currency);
  if (NOT_ON_GATEWAY.has(currency)) throw badParam(`${currency} is not supported by the gateway`, 'currency');
  return currency;
}

function requiredAmount(body: Body, currency: string): number {
  if (body.amount === undefined || body.amount === '') throw badParam('amount is required', 'amount');
  const amount = readAmount(body.amount, currency);
  if (amount <= 0) throw badParam('amount must be more than zero', 'amount');
  return amount;
}

async function existingCustomer(req: CdRequest, required: boolean): Promise<number | null> {
  const text = optText(nested(req.body, 'customer'), 'id', { field: 'customer[id]' });
  if (!text) {
    if (required) throw badParam('customer[id] is required', 'customer[id]');
    return null;
  }
  const id = await customerIdOf(req.ctx, text);
  if (id === null) throw badParam('No customer with this customer[id]', 'customer[id]');
  return id;
}

function declined(chargeId: string): never {
  throw cdError(402, 'Your card was declined.', undefined, { type: 'gateway', charge_id: chargeId });
}

async function createCharge(req: CdRequest) {
  const currency = gatewayCurrency(req.body);
  const amount = requiredAmount(req.body, currency);
  const customerId = (await existingCustomer(req, true)) as number;
  const [methodId] = await chargeableMethods(req.ctx, customerId);
  if (methodId === undefined) throw refuse(FlowRefusal.NO_PAYMENT_METHOD);
  const metadata = readMetadata(req.body);
  const authorizeOnly = optFlag(req.body, 'capture') === false;
  const result = await createPayment(req.ctx, {
    type: authorizeOnly ? 'authorize' : 'sale',
    amount,
    currency,
    source: { methodId },
    customerId,
    description: optText(req.body, 'description') ?? null,
    vendorData: { [VENDOR]: { metadata: mergeMetadata(undefined, metadata) } },
    processor: { checkExpiry: false },
  });
  const charge = await renderOne(req, result.transaction);
  if (charge.status === 'failed') declined(charge.charge_id as string);
  return { charge };
}

async function createSubscriptionCharge(req: CdRequest, productRef: string | undefined) {
  const body = req.body;
  const product = nested(body, 'product');
  const currency = gatewayCurrency(body);
  const amount = requiredAmount(body, currency);
  const customerId = (await existingCustomer(req, true)) as number;
  let defaults: { interval?: string; count?: number; trial?: number; cycles?: number; setup?: number; planId?: number } = {};
  if (productRef) {
    const id = await objectIdOf(req.ctx, 'product', productRef);
    const [row] = id === null ? [] : await catalogItemsByIds(req.ctx, [id]);
    if (!row || row.deleted_at !== null) throw badParam('No product with this product[product_id]', 'product[product_id]');
    const data = productData(row);
    const price = productPrice(row);
    defaults = {
      interval: row.interval_unit ?? undefined,
      count: row.interval_count ?? undefined,
      trial: row.trial_days ?? undefined,
      cycles: data.billing_cycles_total,
      setup: price && price.currency === currency ? data.setup_amount : undefined,
      planId: row.id,
    };
  }
  const interval = optText(product, 'interval', { field: 'product[interval]' }) || defaults.interval;
  if (!interval || !(INTERVALS as readonly string[]).includes(interval)) throw badParam('product[interval] must be day, week, month or year', 'product[interval]');
  const count = optWhole(product, 'interval_count', { field: 'product[interval_count]', min: 1 }) ?? defaults.count ?? 1;
  const trial = optWhole(product, 'trial_period_days', { field: 'product[trial_period_days]' }) ?? defaults.trial ?? 0;
  const cycles = optWhole(product, 'billing_cycles_total', { field: 'product[billing_cycles_total]' }) ?? defaults.cycles ?? 0;
  const setup = optAmount(product, 'setup_amount', currency, 'product[setup_amount]') ?? defaults.setup ?? 0;
  const quantity = optWhole(body, 'quantity', { min: 1 }) ?? 1;
  const coupon = optText(product, 'coupon', { field: 'product[coupon]' });
  if (coupon) throw badParam('No such coupon', 'product[coupon]');
  const metadata = mergeMetadata(undefined, readMetadata(body));
  const subscriptionId = `sub-${randomAlnum(10)}`;
  const result = await startSubscription(req.ctx, {
    customerId,
    unitAmount: amount,
    quantity,
    setupAmount: setup,
    currency,
    schedule: { unit: interval as ScheduleUnit, interval: count, anchors: [], shortMonths: 'clamp', ...(trial > 0 ? { trialDays: trial } : {}), ...(cycles > 0 ? { maxOccurrences: cycles } : {}) },
    planId: defaults.planId ?? null,
    description: optText(body, 'description') ?? null,
    vendor: VENDOR,
    subscriptionData: {
      status: trial > 0 ? 'trialing' : 'active',
      quantity,
      setup_amount: setup,
      gateway: true,
      interval,
      billing_cycles_current: trial > 0 ? 0 : 1,
      billing_cycles_total: cycles,
      metadata,
    },
    chargeData: { metadata, ...(trial > 0 && setup === 0 ? { status: 'trial' } : {}) },
    subscriptionRefs: [{ ...REF.subscription, value: subscriptionId }],
  });
  const charge = await renderOne(req, result.charge);
  if (!result.subscription) declined(charge.charge_id as string);
  const [subscription] = await renderSubscriptions(req.ctx, [result.subscription], links(req));
  return { subscription, charge };
}

async function requestPayment(req: CdRequest) {
  const body = req.body;
  const currency = gatewayCurrency(body);
  const amount = requiredAmount(body, currency);
  const contact = optText(body, 'contact');
  const linkOnly = optFlag(body, 'link_only') ?? false;
  if (contact && !contact.includes('@') && contact.replace(/\D/g, '').length < 7) throw badParam('contact must be an e-mail address or a phone number', 'contact');
  optWhole(body, 'quantity', { min: 1 });
  const lines = objectList(body, 'lines');
  if (lines) {
    let total = 0;
    for (const line of lines) {
      const cur = line.currency !== undefined && line.currency !== '' ? readCurrency(line.currency, 'lines') : currency;
      if (cur !== currency) throw badParam('Every line must be in the charge currency', 'lines');
      total += readAmount(line.amount ?? '', cur, 'lines') * (optWhole(line, 'quantity', { field: 'lines', min: 1 }) ?? 1);
      if (line.interval !== undefined && line.interval !== '' && !(INTERVALS as readonly string[]).includes(String(line.interval)))
        throw badParam('lines interval must be day, week, month or year', 'lines');
    }
    // The line total must be the amount asked (G42: enforced where money is charged).
    if (total !== amount) throw badParam('The lines do not add up to the charge amount', 'lines');
  }
  const customerId = await existingCustomer(req, false);
  const send = contact !== undefined && contact !== '' && !linkOnly;
  const metadata = mergeMetadata(undefined, readMetadata(body));
  const { charge } = await requestPaymentFor(req.ctx, {
    request: {
      amount,
      currency,
      description: optText(body, 'description') ?? null,
      vendor: VENDOR,
      vendorData: { metadata, contact: contact ?? '', ...(lines ? { lines } : {}), ...(send ? { sent_invoice: contact, email_last_sent: Math.floor(req.ctx.clock.now() / 1000) } : {}) },
    },
    ...(customerId !== null
      ? { customerId }
      : contact?.includes('@')
        ? { customer: { ref: { ...REF.customer, value: contact }, create: { email: contact, vendor: VENDOR, vendorData: { username: contact } } } }
        : {}),
    emails: (row) =>
      send && contact.includes('@')
        ? [
            {
              to: contact,
              subject: `Invoice from ${req.company}`,
              body: `Please pay ${formatted(amount, currency)}: ${req.base}/pay/${row.token}`,
              meta: { door: VENDOR, kind: 'invoice', pay_link: `${req.base}/pay/${row.token}` },
            },
          ]
        : [],
  });
  return { pay_link: `${req.base}/pay/${charge.token}`, charge: await renderOne(req, charge) };
}

async function gatewaySubscription(req: CdRequest, text: string): Promise<SubscriptionRow> {
  const id = await objectIdOf(req.ctx, 'subscription', text);
  const row = id === null ? null : await getSubscription(req.ctx, id).catch(() => null);
  if (!row) throw notFoundHere('subscription');
  if (!subscriptionData(row).gateway) throw cdError(400, 'This subscription was not created through a connected gateway', undefined, { type: 'gateway_unsupported' });
  return row;
}

/** Refund, through the gateway only (`gatewayOnly`) or also of records (the PHP client's /charges/{id}/refund). */
export async function refundRoute(request: FastifyRequest, gatewayOnly: boolean) {
  const base = cdRequest(request);
  const row = await chargeByPath(base.ctx, (request.params as { id: string }).id);
  const amount = optAmount(base.body, 'amount', row.currency);
  const reason = optText(base.body, 'log_reason') ?? '';
  const req = cdRequest(request, reason, amount !== undefined ? { amount: base.body.amount } : undefined);
  if (amount === 0) throw badParam('amount must be more than zero', 'amount');
  const updated = await refundCharge(req.ctx, row.id, { amount, processedOnly: gatewayOnly });
  return renderOne(req, updated);
}

async function cancelRoute(request: FastifyRequest) {
  const base = cdRequest(request);
  const row = await gatewaySubscription(base, (request.params as { id: string }).id);
  const req = cdRequest(request, optText(base.body, 'log_reason') ?? '');
  const status = subscriptionStatus(row);
  if (status === 'canceled' || status === 'unpaid') throw badParam('Subscription is already canceled', 'subscription_id');
  const atEnd = (optFlag(req.body, 'at_period_end') ?? false) && row.next_bill_at !== null;
  const now = Math.floor(req.ctx.clock.now() / 1000);
  // The core decides under the row lock: of parallel cancels one cancels, the others are refused.
  const updated = await cancelSubscription(
    req.ctx,
    row.id,
    atEnd ? { at: row.next_bill_at } : {},
    atEnd
      ? // The core cancels it when the period ends (the runner does not bill the next one).
        { vendor: VENDOR, fields: { status: 'pending_cancel', cancel_method: 'at_period_end' } }
      : { vendor: VENDOR, fields: { status: 'canceled', canceled_at: now, ended_at: now, cancel_method: 'immediately' } },
  );
  return (await renderSubscriptions(req.ctx, [updated], links(req)))[0];
}

export async function gatewayRoutes(app: FastifyInstance): Promise<void> {
  app.post('/gateway/products/charge', async (request) => {
    const req = cdRequest(request);
    const using = optText(req.body, 'using');
    if (using !== undefined && using !== '' && using !== 'card' && using !== 'invoice') throw badParam('using must be card or invoice', 'using');
    if (using === 'card') {
      const product = nested(req.body, 'product');
      const productRef = optText(product, 'product_id', { field: 'product[product_id]' }) || undefined;
      if (optText(product, 'interval', { field: 'product[interval]' }) || productRef) {
        if (productRef && !optText(product, 'interval')) {
          const id = await objectIdOf(req.ctx, 'product', productRef);
          const [row] = id === null ? [] : await catalogItemsByIds(req.ctx, [id]);
          if (!row) throw badParam('No product with this product[product_id]', 'product[product_id]');
          if (!row.interval_unit) return createCharge(req);
        }
        return createSubscriptionCharge(req, productRef);
      }
      return createCharge(req);
    }
    return requestPayment(req);
  });

  app.post('/gateway/charges/:id/refund', (request) => refundRoute(request, true));

  app.post('/gateway/charges/:id/capture', async (request) => {
    const req = cdRequest(request);
    const row = await chargeByPath(req.ctx, (request.params as { id: string }).id);
    if (!isProcessed(row)) throw cdError(400, 'This charge was not processed through a connected gateway', undefined, { type: 'gateway_unsupported' });
    const amount = optAmount(req.body, 'amount', row.currency);
    if (amount === 0) {
      if (chargeStatus(row) !== 'authorized') throw badParam('Charge is not authorized', 'amount');
      return renderOne(req, await voidTransaction(req.ctx, row.id));
    }
    return renderOne(req, await capture(req.ctx, row.id, { amount }));
  });

  app.post('/gateway/charges/:id/void', async (request) => {
    const req = cdRequest(request);
    const row = await chargeByPath(req.ctx, (request.params as { id: string }).id);
    if (!isProcessed(row)) throw cdError(400, 'This charge was not processed through a connected gateway', undefined, { type: 'gateway_unsupported' });
    const status = chargeStatus(row);
    if (status !== 'authorized' && !['invoiced', 'unpaid', 'past due', 'open', 'draft', 'subscription pending'].includes(status))
      throw badParam('Only unpaid payment requests or authorizations can be voided', 'charge_id');
    return renderOne(req, await voidTransaction(req.ctx, row.id));
  });

  app.post('/gateway/subscriptions/:id/cancel', cancelRoute);
  // The PHP client's cancel path (no /gateway segment; clients.md).
  app.post('/subscriptions/:id/cancel', cancelRoute);

  app.post('/gateway/subscriptions/:id/plans', async (request) => {
    const req = cdRequest(request);
    const row = await gatewaySubscription(req, (request.params as { id: string }).id);
    const plans = objectList(req.body, 'plans');
    const lines: Array<{ catalogId: number; quantity: number }> = [];
    for (const plan of plans ?? []) {
      const text = optText(plan, 'id', { field: 'plans' });
      const id = text ? await objectIdOf(req.ctx, 'product', text) : null;
      if (id === null) throw badParam('Every plan must be an existing product', 'plans');
      lines.push({ catalogId: id, quantity: optWhole(plan, 'quantity', { field: 'plans', min: 1 }) ?? 1 });
    }
    const items = plans && plans.length > 1 ? await planItems(req, lines, row.currency) : [];
    const result = await changePlans(req.ctx, row.id, {
      ...(plans && plans.length > 0 ? { plans: lines } : {}),
      prorate: optFlag(req.body, 'prorate') ?? false,
      invoice: optFlag(req.body, 'invoice') ?? false,
      vendor: VENDOR,
      vendorData: plans && plans.length > 0 ? { quantity: plans.length > 1 ? 1 : lines[0].quantity, items } : {},
    });
    if (result.charge && result.charge.status === 'declined') declined((await renderOne(req, result.charge)).charge_id as string);
    return (await renderSubscriptions(req.ctx, [result.subscription], links(req)))[0];
  });
}

async function planItems(req: CdRequest, lines: Array<{ catalogId: number; quantity: number }>, currency: string) {
  const rows = await catalogItemsByIds(
    req.ctx,
    lines.map((l) => l.catalogId),
  );
  const ids = await productWireIds(req.ctx, rows);
  return lines.map((line) => {
    const row = rows.find((r) => r.id === line.catalogId);
    const price = row ? productPrice(row) : null;
    return { id: ids.get(line.catalogId), amount: decimal(price?.amount ?? 0, currency), currency, quantity: line.quantity, percent: null, description: row?.name ?? '' };
  });
}
