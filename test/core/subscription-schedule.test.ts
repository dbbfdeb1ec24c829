// The core subscription service with the neutral schedule, as any door will call it: the start
// defaults to today on the tenant clock, the next bill date follows trial and anchors, a bad schedule
// is refused in neutral field names, and a change of timing moves the next bill date.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore, type TestStore } from '../helpers/store.ts';
import { contextFor, createTenant } from '../../src/core/tenants/tenants.ts';
import { setClock } from '../../src/core/clock/tenant-clock.ts';
import { createCustomer } from '../../src/core/customers/customers.ts';
import { DomainError } from '../../src/core/errors/domain-error.ts';
import { createSubscription, subscriptionSchedule, updateSubscription } from '../../src/core/subscriptions/subscriptions.ts';
import type { TenantContext } from '../../src/core/context.ts';

let t: TestStore;
let ctx: TenantContext;
let customerId: number;

before(async () => {
  t = await openTestStore();
  const tenant = await setClock(t.services, await createTenant(t.services, { name: 'Schedules' }), { to: '2030-01-31T12:00:00.000Z', freeze: true });
  ctx = contextFor(t.services, tenant);
  customerId = (await createCustomer(ctx, { firstName: 'Sam', currency: 'USD' })).id;
});
after(async () => {
  await t?.dispose();
});

test('the start defaults to today on the tenant clock; the next bill date follows the trial and the anchors', async () => {
  const monthly = await createSubscription(ctx, { customerId, amount: 1000, schedule: { unit: 'month', interval: 1, anchors: [], shortMonths: 'clamp' } });
  assert.equal(subscriptionSchedule(monthly).start, '2030-01-31');
  assert.equal(monthly.next_bill_date, '2030-01-31');
  const trial = await createSubscription(ctx, { customerId, amount: 1000, schedule: { unit: 'month', interval: 1, anchors: [{ kind: 'lastDayOfMonth' }], shortMonths: 'clamp', trialDays: 14 } });
  assert.equal(trial.next_bill_date, '2030-02-28', "trial to Feb 14, then the month's last day");
  const capped = await createSubscription(ctx, { customerId, amount: 1000, schedule: { unit: 'week', interval: 2, anchors: [], shortMonths: 'clamp', maxOccurrences: 3 } });
  assert.equal(subscriptionSchedule(capped).maxOccurrences, 3, 'the cap is the schedule’s (no second copy)');
});

test('a bad schedule is refused with the neutral field name and writes nothing', async () => {
  const attempt = (schedule: Parameters<typeof createSubscription>[1]['schedule'], amount = 1000) => createSubscription(ctx, { customerId, amount, schedule });
  const base = { unit: 'month' as const, interval: 1, anchors: [], shortMonths: 'clamp' as const };
  for (const [schedule, field, amount] of [
    [{ ...base, interval: 0 }, 'schedule.interval', 1000],
    [{ ...base, trialDays: -1 }, 'schedule.trialDays', 1000],
    [{ ...base, start: '2030-01-01', end: '2029-12-31' }, 'schedule.end', 1000],
    [{ ...base, maxAmount: 500 }, 'schedule.maxAmount', 1000],
  ] as const) {
    await assert.rejects(attempt(schedule, amount), (error: unknown) => error instanceof DomainError && error.field === field, field);
  }
  const rows = await t.store.db.selectFrom('subscriptions').select('id').where('tenant_id', '=', ctx.tenant.id).execute();
  assert.equal(rows.length, 3, "only the first test's three");
});

test('an update that changes the timing moves the next bill date; one that changes only a cap does not', async () => {
  const sub = await createSubscription(ctx, {
    customerId,
    amount: 1000,
    schedule: { unit: 'month', interval: 1, anchors: [{ kind: 'dayOfMonth', day: 5 }], shortMonths: 'clamp' },
    nextBillDate: '2030-03-09',
  });
  assert.equal(sub.next_bill_date, '2030-03-09', 'a next bill date set by the caller stands');
  const capped = await updateSubscription(ctx, sub.id, { schedule: { ...subscriptionSchedule(sub), maxOccurrences: 4 } });
  assert.equal(capped.next_bill_date, '2030-03-09');
  const moved = await updateSubscription(ctx, sub.id, { schedule: { ...subscriptionSchedule(capped), anchors: [{ kind: 'dayOfMonth', day: 20 }] } });
  assert.equal(moved.next_bill_date, '2030-02-20');
  await assert.rejects(
    updateSubscription(ctx, sub.id, { amount: 5000, schedule: { ...subscriptionSchedule(moved), maxAmount: 4000 } }),
    (error: unknown) => error instanceof DomainError && error.field === 'schedule.maxAmount',
  );
});
