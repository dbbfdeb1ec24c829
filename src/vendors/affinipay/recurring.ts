// Recurring charges (spec §2.C #13, #24–34, §4.10–4.12): create (or schedule an existing charge's
// method), get, list, replace, patch, cancel, delete, and their occurrences (get, list, pay, ignore).
// Each request is read and checked here and handed to one core call (core/flows/recurring-charges.ts,
// core/flows/occurrences.ts); occurrences are collected on the tenant's clock by the engine's renewals.
import type { FastifyRequest } from 'fastify';
import { modeOf, type TenantContext } from '../../core/context.ts';
import type { SubscriptionRow } from '../../core/database.ts';
import { tenantToday } from '../../core/clock/tenant-time.ts';
import { deleteRecurring, ignoreOccurrence, payOccurrence } from '../../core/flows/occurrences.ts';
import { createRecurring } from '../../core/flows/recurring-charges.ts';
import type { MerchantAccount } from '../../core/merchant-accounts/accounts.ts';
import type { PaymentSource } from '../../core/payments/payments.ts';
import { TxnStatus, TxnType } from '../../core/payments/states.ts';
import { listVendorSubscriptions } from '../../core/subscriptions/occurrences.ts';
import { cancelSubscription } from '../../core/subscriptions/lifecycle.ts';
import { firstBillDate, type Schedule } from '../../core/subscriptions/schedule.ts';
import { tenantOf } from '../../http/auth.ts';
import { accountsOf, findAccount } from './accounts.ts';
import { methodRef, paymentAccount, processorOptions, sourceOf } from './charges.ts';
import { ApError, apError, notFoundError } from './errors.ts';
import { VENDOR } from './methods.ts';
import { findRecurring, occurrenceNumber, occurrenceViews, renderRecurring, wireStatus } from './recurring-render.ts';
import { chargeFields, readCaps, readData, readSchedule, recurringRefusal } from './recurring-wire.ts';
import { reviseRoutes } from './recurring-revise.ts';
import { recurRoutes } from './recur.ts';
import type { Router } from './routing.ts';
import { findTransaction } from './transactions.ts';
import { isObject, jsonBody, readAmount, readCurrency, readOrderBy, readPage, readString, searchResults, type Body } from './wire.ts';

/** The creation rules (spec §4.10): a first occurrence, and not today. */
export function checkFirstOccurrence(ctx: TenantContext, schedule: Schedule): void {
  const first = firstBillDate(schedule, tenantToday(ctx));
  if (first === null) throw apError('no_occurrences_for_schedule');
  if (first === tenantToday(ctx)) throw apError('first_occurrence_due_immediately');
}

interface NewRecurring {
  amount: number;
  body: Body;
  account: MerchantAccount;
  source: PaymentSource;
}

async function open(ctx: TenantContext, input: NewRecurring): Promise<Record<string, unknown>> {
  const { body, amount, account } = input;
  const caps = readCaps(body, '');
  const schedule = readSchedule(body.schedule, { prefix: 'schedule', amount, ...caps });
  const description = readString(body.description, 'description', 255) ?? '';
  const reference = readString(body.reference, 'reference', 128);
  const data = readData(body);
  checkFirstOccurrence(ctx, schedule);
  let sub: SubscriptionRow;
  try {
    sub = await createRecurring(ctx, {
      amount,
      currency: account.currency,
      description,
      schedule,
      charge: chargeFields(account, reference, data),
      processor: processorOptions(ctx, account, false, false),
      vendor: VENDOR,
      source: input.source,
    });
  } catch (error) {
    throw recurringRefusal(error, account.kind);
  }
  return renderRecurring(ctx, sub, { withOccurrences: true });
}

async function create(request: FastifyRequest): Promise<Record<string, unknown>> {
  const ctx = tenantOf(request);
  const body = jsonBody(request);
  const amount = readAmount(body.amount, 'amount', { required: true }) as number;
  const currency = readCurrency(body.currency);
  const caps = readCaps(body, '');
  readSchedule(body.schedule, { prefix: 'schedule', amount, ...caps });
  const accounts = await accountsOf(ctx);
  const named = body.account_id === undefined || body.account_id === null || body.account_id === '' ? undefined : findAccount(accounts, body.account_id);
  const ref = await methodRef(ctx, body.method, 'method', named?.kind);
  const account = paymentAccount(ctx, accounts, body.account_id, ref.kind, false, currency);
  const { source } = sourceOf(ref, account, 'method');
  return open(ctx, { amount, body, account, source });
}

/** POST /v1/charges/{id}/schedule (spec §4.12): a recurring charge on an approved charge's method and account. */
async function scheduleCharge(request: FastifyRequest): Promise<Record<string, unknown>> {
  const ctx = tenantOf(request);
  const charge = await findTransaction(ctx, (request.params as Body).id);
  const body = jsonBody(request);
  const approved = charge.status === TxnStatus.CAPTURED || charge.status === TxnStatus.SETTLED || charge.status === TxnStatus.AUTHORIZED;
  if ((charge.type !== TxnType.SALE && charge.type !== TxnType.AUTHORIZE) || !approved || charge.payment_method_id === null) throw apError('not_valid_for_transaction_status');
  const amount = readAmount(body.amount, 'amount', { required: true }) as number;
  const accounts = await accountsOf(ctx);
  const kind = charge.payment_kind === 'bank' ? 'bank' : 'card';
  const account =
    accounts.find((a) => a.id === charge.account_id) ??
    accounts.find((a) => a.mode === modeOf(ctx) && a.kind === kind && a.primary && a.status === 'active') ??
    paymentAccount(ctx, accounts, undefined, kind);
  return open(ctx, { amount, body, account, source: { methodId: charge.payment_method_id } });
}

const ACTIVE = ['active', 'past_due', 'trialing', 'unpaid', 'paused'];
const DONE = ['cancelled', 'completed'];

async function list(request: FastifyRequest): Promise<Record<string, unknown>> {
  const ctx = tenantOf(request);
  const query = request.query as Body;
  const page = readPage(query);
  const [order] = readOrderBy(query.order_by, ['created'], [{ field: 'created', direction: 'desc' }]);
  const statusText = readString(query.status, 'status');
  const statuses = statusText === undefined || statusText === '' ? undefined : statusText === 'ACTIVE' ? ACTIVE : statusText === 'COMPLETED' ? DONE : [];
  const reference = readString(query.reference, 'reference');
  let accountId: number | undefined;
  if (query.account_id !== undefined && query.account_id !== '') accountId = findAccount(await accountsOf(ctx), query.account_id)?.id ?? -1;
  const { rows, total } = await listVendorSubscriptions(ctx, {
    vendor: VENDOR,
    mode: modeOf(ctx),
    statuses,
    exceptReason: 'deleted',
    accountId,
    orderId: reference === '' ? undefined : reference,
    offset: page.offset,
    limit: page.pageSize,
    direction: order?.direction ?? 'desc',
  });
  return searchResults(page, total, await Promise.all(rows.map((row) => renderRecurring(ctx, row))));
}

async function cancel(request: FastifyRequest): Promise<Record<string, unknown>> {
  const ctx = tenantOf(request);
  const sub = await findRecurring(ctx, (request.params as Body).id);
  if (wireStatus(sub).status !== 'ACTIVE') throw apError('unavailable_for_current_status');
  try {
    return await renderRecurring(ctx, await cancelSubscription(ctx, sub.id, { reason: 'manual' }));
  } catch (error) {
    throw recurringRefusal(error);
  }
}

async function remove(request: FastifyRequest): Promise<Record<string, unknown>> {
  const ctx = tenantOf(request);
  const sub = await findRecurring(ctx, (request.params as Body).id);
  try {
    return await renderRecurring(ctx, await deleteRecurring(ctx, sub.id));
  } catch (error) {
    throw recurringRefusal(error);
  }
}

async function occurrence(ctx: TenantContext, sub: SubscriptionRow, n: number): Promise<Record<string, unknown>> {
  const view = (await occurrenceViews(ctx, sub)).find((v) => v.n === n);
  if (!view) throw notFoundError();
  return view.body;
}

async function occurrences(request: FastifyRequest): Promise<Record<string, unknown>> {
  const ctx = tenantOf(request);
  const sub = await findRecurring(ctx, (request.params as Body).id);
  const page = readPage(request.query as Body);
  // Newest first: the pending one, then the closed ones by date, latest first (spec §4.11).
  const views = (await occurrenceViews(ctx, sub)).reverse();
  return searchResults(
    page,
    views.length,
    views.slice(page.offset, page.offset + page.pageSize).map((v) => v.body),
  );
}

async function pay(request: FastifyRequest): Promise<Record<string, unknown>> {
  const ctx = tenantOf(request);
  const params = request.params as Body;
  const sub = await findRecurring(ctx, params.id);
  const n = occurrenceNumber(sub, params.occurrence);
  await occurrence(ctx, sub, n);
  let result;
  try {
    result = await payOccurrence(ctx, sub.id, n);
  } catch (error) {
    throw recurringRefusal(error);
  }
  const body = await occurrence(ctx, (await findRecurring(ctx, params.id)) ?? sub, n);
  if (result === 'paid') return body;
  // Declined (spec §6 #67): 422 with the occurrence and the decline's messages; no answer: the processor's 500.
  const txns = Array.isArray(body.transactions) ? (body.transactions as Body[]) : [];
  const last = txns[txns.length - 1];
  const code = isObject(last) && typeof last.failure_code === 'string' ? last.failure_code : result === 'unknown' ? 'card_processor_not_available' : 'card_declined';
  throw new ApError(result === 'unknown' ? 500 : 422, [apError(code).messages[0]], body);
}

async function ignore(request: FastifyRequest): Promise<Record<string, unknown>> {
  const ctx = tenantOf(request);
  const params = request.params as Body;
  const sub = await findRecurring(ctx, params.id);
  const n = occurrenceNumber(sub, params.occurrence);
  await occurrence(ctx, sub, n);
  try {
    await ignoreOccurrence(ctx, sub.id, n);
  } catch (error) {
    throw recurringRefusal(error);
  }
  return occurrence(ctx, sub, n);
}

export function recurringRoutes(router: Router): void {
  router.post('/v1/recurring/charges', create);
  router.get('/v1/recurring/charges', list);
  router.get('/v1/recurring/charges/:id', async (request) => renderRecurring(tenantOf(request), await findRecurring(tenantOf(request), (request.params as Body).id)));
  router.delete('/v1/recurring/charges/:id', remove);
  router.post('/v1/recurring/charges/:id/cancel', cancel);
  router.get('/v1/recurring/charges/:id/occurrences', occurrences);
  router.get('/v1/recurring/charges/:id/occurrences/:occurrence', async (request) => {
    const ctx = tenantOf(request);
    const params = request.params as Body;
    const sub = await findRecurring(ctx, params.id);
    return occurrence(ctx, sub, occurrenceNumber(sub, params.occurrence));
  });
  router.post('/v1/recurring/charges/:id/occurrences/:occurrence/pay', pay);
  router.post('/v1/recurring/charges/:id/occurrences/:occurrence/ignore', ignore);
  router.post('/v1/charges/:id/schedule', scheduleCharge);
  reviseRoutes(router);
  recurRoutes(router);
}
