// The renewal engine as a property, on the database under test: random subscriptions of every
// schedule kind (each unit, with and without anchors, the month's last day, skipped short months,
// trials, end dates, occurrence and amount caps) on a tenant in a random time zone, and random moves
// of its clock. After every move: exactly one renewal per elapsed date of each schedule (the dates
// and amounts the neutral schedule functions compute), each dated on its day in the tenant's zone
// and run as of that day's start, a subscription past its last period completed, and verify clean.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { openTestStore, type TestStore } from '../helpers/store.ts';
import { contextFor, createTenant } from '../../src/core/tenants/tenants.ts';
import { setRecurringSettings } from '../../src/core/tenants/recurring-settings.ts';
import { moveClockBy, setClock } from '../../src/core/clock/tenant-clock.ts';
import { openVaultCustomer } from '../../src/core/flows/vault-customer.ts';
import { createSubscription, subscriptionSchedule } from '../../src/core/subscriptions/subscriptions.ts';
import { addDaysTo, localDate, startOfDay } from '../../src/core/clock/zone.ts';
import { occurrences, type Anchor, type Schedule, type ScheduleDraft } from '../../src/core/subscriptions/schedule.ts';
import { verify } from '../../src/core/verify/verify.ts';
import type { Tenant } from '../../src/core/database.ts';

let t: TestStore;
before(async () => {
  t = await openTestStore();
});
after(async () => {
  await t?.dispose();
});

const ZONES = ['UTC', 'America/New_York', 'Europe/Paris', 'Asia/Tokyo', 'Australia/Lord_Howe', 'Pacific/Kiritimati', 'America/St_Johns'];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const weekday = fc.integer({ min: 1, max: 7 }).map((w): Anchor => ({ kind: 'weekday', weekday: w }));
const dayOfMonth = fc.oneof(fc.integer({ min: 1, max: 31 }), fc.integer({ min: 28, max: 31 })).map((d): Anchor => ({ kind: 'dayOfMonth', day: d }));
const lastDay = fc.constant<Anchor>({ kind: 'lastDayOfMonth' });
const dayOfYear = fc.integer({ min: 1, max: 12 }).map((month): Anchor => ({ kind: 'dayOfYear', month, day: month === 2 ? 29 : 30 }));
const anchors = (a: fc.Arbitrary<Anchor>, max: number) => fc.uniqueArray(a, { minLength: 0, maxLength: max, selector: (x) => JSON.stringify(x) });

/** Every unit, with and without anchors, and every bound; starts today or within two months. */
const draft: fc.Arbitrary<ScheduleDraft & { startIn: number; amount: number }> = fc
  .oneof(
    fc.record({ unit: fc.constant('day' as const), interval: fc.integer({ min: 1, max: 12 }), anchors: fc.constant<Anchor[]>([]) }),
    fc.record({ unit: fc.constant('week' as const), interval: fc.integer({ min: 1, max: 4 }), anchors: anchors(weekday, 2) }),
    fc.record({ unit: fc.constant('month' as const), interval: fc.integer({ min: 1, max: 3 }), anchors: anchors(fc.oneof(dayOfMonth, lastDay), 2) }),
    fc.record({ unit: fc.constant('year' as const), interval: fc.constant(1), anchors: anchors(dayOfYear, 1) }),
  )
  .chain((cadence) =>
    fc.record({
      unit: fc.constant(cadence.unit),
      interval: fc.constant(cadence.interval),
      anchors: fc.constant(cadence.anchors),
      shortMonths: fc.constantFrom('clamp' as const, 'skip' as const),
      startIn: fc.integer({ min: 0, max: 60 }),
      trialDays: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
      endIn: fc.option(fc.integer({ min: 30, max: 400 }), { nil: undefined }),
      maxOccurrences: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
      capped: fc.boolean(),
      amount: fc.integer({ min: 100, max: 5000 }),
    }),
  )
  .map(({ startIn, endIn, capped, amount, ...rest }) => ({
    ...rest,
    startIn,
    amount,
    ...(endIn === undefined ? {} : { endIn }),
    ...(capped ? { maxAmount: amount * 2 + Math.floor(amount / 3) } : {}),
  }))
  .filter((d) => d.anchors.length === 0 || d.shortMonths === 'clamp' || d.unit !== 'day');

const world = fc.record({
  zone: fc.constantFrom(...ZONES),
  /** Hours after the base instant the tenant's clock starts at. */
  startHour: fc.integer({ min: 0, max: 24 * 365 }),
  subscriptions: fc.array(draft, { minLength: 1, maxLength: 4 }),
  /** Clock moves in hours: from one hour to forty days. */
  moves: fc.array(fc.integer({ min: 1, max: 40 * 24 }), { minLength: 2, maxLength: 6 }),
});

const BASE = Date.UTC(2031, 0, 1);
let runs = 0;
let checked = 0;

test('random subscriptions and clock moves: one renewal per elapsed date, each on its day in the tenant zone; verify clean', { timeout: 600_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(world, async ({ zone, startHour, subscriptions, moves }) => {
      runs++;
      let tenant: Tenant = await createTenant(t.services, { name: `Prop ${runs}`, slug: `prop-${runs}-${Math.random().toString(36).slice(2, 8)}` });
      tenant = await setRecurringSettings(t.services, tenant, { timezone: zone });
      tenant = await setClock(t.services, tenant, { to: BASE + startHour * HOUR + runs * 17 * DAY, freeze: true });
      const ctx = contextFor(t.services, tenant);
      const today = localDate(ctx.clock.now(), zone);
      const customer = await openVaultCustomer(ctx, { customer: { company: 'Prop' }, card: { number: '4242424242424242', expMonth: 12, expYear: 2099 } });
      const made: Array<{ id: number; schedule: Schedule; amount: number; createdAt: number }> = [];
      for (const d of subscriptions) {
        const { startIn, amount, endIn, ...cadence } = d as typeof d & { endIn?: number };
        const start = addDaysTo(today, startIn);
        const schedule: ScheduleDraft = { ...cadence, start, ...(endIn === undefined ? {} : { end: addDaysTo(start, endIn) }) };
        let row;
        try {
          row = await createSubscription(ctx, { customerId: customer.id, amount, schedule });
        } catch {
          continue; // a schedule with no date at all (its end before its first date) is refused; nothing to bill
        }
        made.push({ id: row.id, schedule: subscriptionSchedule(row), amount, createdAt: Number(row.created_at) });
      }
      for (const hours of moves) {
        const moved = await moveClockBy(t.services, tenant, hours * HOUR);
        tenant = moved.tenant;
        const now = contextFor(t.services, tenant).clock.now();
        const todayNow = localDate(now, zone);
        for (const sub of made) {
          const expected = occurrences(sub.schedule, sub.amount, 500).filter((o) => o.date <= todayNow);
          const renewals = await t.services.db
            .selectFrom('renewals')
            .innerJoin('invoices', 'invoices.id', 'renewals.invoice_id')
            .select(['renewals.period_start', 'renewals.amount', 'renewals.status', 'renewals.created_at', 'invoices.issue_date', 'invoices.balance'])
            .where('renewals.subscription_id', '=', sub.id)
            .orderBy('renewals.period_start')
            .execute();
          checked += renewals.length;
          const context = `zone ${zone}, schedule ${JSON.stringify(sub.schedule)}, now ${new Date(now).toISOString()}`;
          assert.deepEqual(
            renewals.map((r) => [r.period_start, r.amount]),
            expected.map((o) => [o.date, o.amount]),
            context,
          );
          for (const r of renewals) {
            assert.equal(r.issue_date, r.period_start, 'the invoice is dated on its day');
            assert.equal(r.status, 'paid');
            assert.equal(r.balance, 0, 'charged and applied');
            // Run as of its own moment: the start of its day in the zone (or the subscription's creation, that day).
            assert.equal(Number(r.created_at), Math.max(startOfDay(r.period_start, zone), sub.createdAt), context);
          }
          const row = await t.services.db.selectFrom('subscriptions').select(['status', 'next_bill_date', 'ends_at']).where('id', '=', sub.id).executeTakeFirstOrThrow();
          const all = occurrences(sub.schedule, sub.amount, 500);
          const remaining = all.filter((o) => o.date > todayNow);
          if (remaining.length > 0) assert.equal(row.next_bill_date, remaining[0].date, context);
          else if (row.ends_at !== null && Number(row.ends_at) <= now) assert.equal(row.status, 'completed', context);
        }
        const report = await verify(t.services, tenant.id);
        assert.equal(report.violation, null);
      }
    }),
    { numRuns: Number(process.env.RECURRING_PROPERTY_RUNS ?? 20) },
  );
  assert.ok(checked > 0, 'some renewals were billed and checked');
});
