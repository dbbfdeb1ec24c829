// PUT and PATCH of a recurring charge (spec §2.C #26–27, §4.11): PUT replaces amount, method and
// schedule (all required) and the optional fields; PATCH merges what it is given. A method hash in a
// PATCH names its `type`: the same type changes fields of the stored method (kept as the recurring
// charge's own copy), another type needs full details. `account_id` and `currency` are read-only.
// The pending occurrence moves with the schedule; none left is update_results_in_no_occurrences.
import type { FastifyRequest } from 'fastify';
import type { TenantContext } from '../../core/context.ts';
import type { SubscriptionRow } from '../../core/database.ts';
import { tenantToday } from '../../core/clock/tenant-time.ts';
import { reviseRecurring, type RecurringChanges } from '../../core/flows/recurring-charges.ts';
import { collectOptions } from '../../core/subscriptions/collect-options.ts';
import { occurrencesOf } from '../../core/subscriptions/occurrences.ts';
import { uncapped } from '../../core/subscriptions/renewal-plan.ts';
import { firstBillDate, nextBillDate, type Schedule } from '../../core/subscriptions/schedule.ts';
import { subscriptionSchedule } from '../../core/subscriptions/subscriptions.ts';
import { paymentMethodsByIds } from '../../core/vault/queries.ts';
import { tenantOf } from '../../http/auth.ts';
import { accountsOf } from './accounts.ts';
import { methodRef, sourceOf } from './charges.ts';
import { apError, invalidData } from './errors.ts';
import { methodKind, methodValue, VENDOR } from './methods.ts';
import { readCaps, readData, readSchedule, recurringRefusal, renderSchedule } from './recurring-wire.ts';
import { findRecurring, renderRecurring, wireStatus } from './recurring-render.ts';
import type { Router } from './routing.ts';
import { isObject, jsonBody, readAmount, readInteger, readString, type Body } from './wire.ts';

/** The next occurrence the changed schedule leaves: on or after today and after the last one billed; null when none (caps met included). */
async function nextAfterChange(ctx: TenantContext, sub: SubscriptionRow, schedule: Schedule): Promise<string | null> {
  if (schedule.maxOccurrences !== undefined && sub.billed_count >= schedule.maxOccurrences) return null;
  if (schedule.maxAmount !== undefined && sub.billed_amount >= schedule.maxAmount) return null;
  const renewals = (await occurrencesOf(ctx, [sub.id])).get(sub.id) ?? [];
  const last = renewals.length > 0 ? renewals[renewals.length - 1].period_start : null;
  const today = tenantToday(ctx);
  return last !== null && last >= today ? nextBillDate(uncapped(schedule), last) : firstBillDate(uncapped(schedule), today);
}

const HOLDER: Record<string, string> = { address1: 'line1', address2: 'line2', city: 'city', state: 'state', postal_code: 'postal_code', country: 'country', email: 'email', phone: 'phone' };

/** A PATCH method hash of the stored method's type: the fields it changes (spec §5 case 77). */
function methodChanges(hash: Body): NonNullable<RecurringChanges['methodChanges']> {
  const out: NonNullable<RecurringChanges['methodChanges']> = {};
  const month = readInteger(hash.exp_month, 'method.exp_month');
  if (month !== undefined && (month < 1 || month > 12)) throw invalidData('method.exp_month', 'invalid', 'Expiration month is invalid');
  const year = readInteger(hash.exp_year, 'method.exp_year');
  if (year !== undefined && (year < 0 || year > 9999)) throw invalidData('method.exp_year', 'invalid', 'Expiration year is invalid');
  if (month !== undefined) out.expMonth = month;
  if (year !== undefined) out.expYear = year < 100 ? 2000 + year : year;
  const name = readString(hash.name, 'method.name', 255);
  if (name !== undefined) out.holderName = name;
  const address: Record<string, string | null> = {};
  for (const [wire, core] of Object.entries(HOLDER)) {
    const value = readString(hash[wire], `method.${wire}`, 255);
    if (value !== undefined) address[core] = value;
  }
  if (Object.keys(address).length > 0) out.address = address;
  return out;
}

async function revise(request: FastifyRequest, replace: boolean): Promise<Record<string, unknown>> {
  const ctx = tenantOf(request);
  const sub = await findRecurring(ctx, (request.params as Body).id);
  const body = jsonBody(request);
  if (replace) for (const field of ['amount', 'method', 'schedule']) if (body[field] === undefined || body[field] === null) throw invalidData(field, 'not_null', 'may not be null');
  const stored = subscriptionSchedule(sub);
  const amount = readAmount(body.amount, 'amount') ?? sub.amount;
  const given = readCaps(body, '');
  const caps = replace ? given : { maxOccurrences: given.maxOccurrences ?? stored.maxOccurrences, maxAmount: given.maxAmount ?? stored.maxAmount };
  const touched = body.schedule !== undefined || body.amount !== undefined || body.max_occurrences !== undefined || body.max_amount !== undefined;
  const wire = replace ? body.schedule : { ...renderSchedule(stored), ...(isObject(body.schedule) ? body.schedule : {}) };
  const schedule = touched
    ? readSchedule(wire, {
        prefix: 'schedule',
        update: true,
        amount,
        ...(caps.maxOccurrences !== undefined ? { maxOccurrences: caps.maxOccurrences } : {}),
        ...(caps.maxAmount !== undefined ? { maxAmount: caps.maxAmount } : {}),
      })
    : undefined;
  const changes: RecurringChanges = { vendor: VENDOR };
  if (body.amount !== undefined) changes.amount = amount;
  if (body.description !== undefined) changes.description = readString(body.description, 'description', 255) ?? '';
  if (body.reference !== undefined) changes.orderId = readString(body.reference, 'reference', 128) ?? null;
  const data = readData(body);
  if (data !== undefined) changes.chargeVendorData = { [VENDOR]: { data } };
  else if (body.reference !== undefined) changes.chargeVendorData = collectOptions(sub).charge?.vendorData ?? {};
  const accountId = collectOptions(sub).charge?.accountId;
  const account = (await accountsOf(ctx)).find((a) => a.id === accountId) ?? null;
  if (body.method !== undefined && body.method !== null) {
    const value = methodValue(body.method);
    const current = sub.payment_method_id === null ? undefined : (await paymentMethodsByIds(ctx, [sub.payment_method_id])).get(sub.payment_method_id);
    if (!replace && isObject(value)) {
      // A PATCH's method hash names its type (spec §4.11); the same type changes fields of the stored one.
      if (value.type === undefined || value.type === null || value.type === '') throw invalidData('method.type', 'not_null', 'may not be null');
      const type = methodKind(value, 'method');
      // Full details (a number, an account number, track data) replace the method instead.
      const details = ['number', 'track1', 'track2', 'account_number', 'routing_number'].some((field) => value[field] !== undefined && value[field] !== null && value[field] !== '');
      if (current && type === current.kind && !details) changes.methodChanges = methodChanges(value);
    }
    if (!changes.methodChanges) {
      const ref = await methodRef(ctx, body.method, 'method', account?.kind);
      if (account && ref.kind !== account.kind) throw apError('incorrect_payment_type');
      changes.source = sourceOf(ref, account, 'method').source;
    }
  }
  if (wireStatus(sub).status !== 'ACTIVE') throw apError('unavailable_for_current_status');
  if (schedule) {
    if ((await nextAfterChange(ctx, sub, schedule)) === null) throw apError('update_results_in_no_occurrences');
    changes.schedule = schedule;
  }
  try {
    return await renderRecurring(ctx, await reviseRecurring(ctx, sub.id, changes));
  } catch (error) {
    throw recurringRefusal(error, account?.kind);
  }
}

export function reviseRoutes(router: Router): void {
  router.put('/v1/recurring/charges/:id', (request) => revise(request, true));
  router.patch('/v1/recurring/charges/:id', (request) => revise(request, false));
}
