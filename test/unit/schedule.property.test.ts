// Properties of the neutral schedule (src/core/subscriptions/schedule*.ts), for every unit and
// every anchor kind: dates only move forward, consecutive dates keep the interval, anchored days
// land where they should (the month's last day, Feb 29 in leap years only, the 31st clamped or
// skipped), end and maxOccurrences bound the run, and maxAmount is met exactly with a smaller last
// charge. Plus the calendar arithmetic against the platform's own UTC calendar.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { civilDate, dayNumber, daysInMonth, fromDayNumber, isLeapYear, isoWeekday, toDayNumber, weekIndex } from '../../src/core/subscriptions/calendar.ts';
import {
  firstBillDate,
  firstOccurrence,
  nextBillDate,
  occurrenceDates,
  occurrences,
  scheduleProblems,
  type Anchor,
  type AnchorKind,
  type Schedule,
  type ScheduleUnit,
} from '../../src/core/subscriptions/schedule.ts';

const RUNS = { numRuns: 250 };
const SAMPLE = 40;

const MIN_DAY = toDayNumber('1900-01-01');
const MAX_DAY = toDayNumber('2399-12-31');
const date: fc.Arbitrary<string> = fc.integer({ min: MIN_DAY, max: MAX_DAY }).map(fromDayNumber);

const parts = (d: string) => civilDate(toDayNumber(d));
const monthIndex = (d: string) => parts(d).year * 12 + parts(d).month - 1;

const weekday = fc.integer({ min: 1, max: 7 }).map((w): Anchor => ({ kind: 'weekday', weekday: w }));
const dayOfMonth = fc.integer({ min: 1, max: 31 }).map((d): Anchor => ({ kind: 'dayOfMonth', day: d }));
// Days 28-31 carry the interesting cases; weight them.
const lateDayOfMonth = fc.integer({ min: 28, max: 31 }).map((d): Anchor => ({ kind: 'dayOfMonth', day: d }));
const lastDay = fc.constant<Anchor>({ kind: 'lastDayOfMonth' });
const dayOfYear = fc.integer({ min: 1, max: 12 }).chain((month) => fc.integer({ min: 1, max: daysInMonth(2000, month) }).map((day): Anchor => ({ kind: 'dayOfYear', month, day })));
const feb29 = fc.constant<Anchor>({ kind: 'dayOfYear', month: 2, day: 29 });

const anchorList = (anchor: fc.Arbitrary<Anchor>, max: number) => fc.uniqueArray(anchor, { minLength: 1, maxLength: max, selector: (a) => JSON.stringify(a) });

/** Every unit with every anchor kind it takes, and with none (the start sets the day). */
const COMBINATIONS: { unit: ScheduleUnit; kind: AnchorKind | 'none' | 'mixed'; anchors: fc.Arbitrary<Anchor[]> }[] = [
  { unit: 'day', kind: 'none', anchors: fc.constant([]) },
  { unit: 'week', kind: 'none', anchors: fc.constant([]) },
  { unit: 'week', kind: 'weekday', anchors: anchorList(weekday, 4) },
  { unit: 'month', kind: 'none', anchors: fc.constant([]) },
  { unit: 'month', kind: 'dayOfMonth', anchors: anchorList(fc.oneof(dayOfMonth, lateDayOfMonth), 3) },
  { unit: 'month', kind: 'lastDayOfMonth', anchors: anchorList(lastDay, 1) },
  { unit: 'month', kind: 'mixed', anchors: anchorList(fc.oneof(dayOfMonth, lateDayOfMonth, lastDay), 4) },
  { unit: 'year', kind: 'none', anchors: fc.constant([]) },
  { unit: 'year', kind: 'dayOfYear', anchors: anchorList(fc.oneof(dayOfYear, feb29), 3) },
];

const maxInterval: Record<ScheduleUnit, number> = { day: 400, week: 60, month: 30, year: 5 };

function scheduleOf(unit: ScheduleUnit, anchors: fc.Arbitrary<Anchor[]>, bounds = true): fc.Arbitrary<Schedule> {
  return fc
    .record({
      interval: fc.integer({ min: 1, max: maxInterval[unit] }),
      anchors,
      shortMonths: fc.constantFrom('clamp' as const, 'skip' as const),
      start: date,
      trialDays: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
      endAfter: bounds ? fc.option(fc.integer({ min: 0, max: 4000 }), { nil: undefined }) : fc.constant(undefined),
      maxOccurrences: bounds ? fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }) : fc.constant(undefined),
    })
    .map(({ endAfter, ...s }) => ({ unit, ...s, ...(endAfter === undefined ? {} : { end: fromDayNumber(toDayNumber(s.start) + endAfter) }) }));
}

/** Anchors as the schedule applies them: none means the billable day's own. */
function matchesAnchor(s: Schedule, d: string): boolean {
  const billable = toDayNumber(s.start) + (s.trialDays ?? 0);
  const { year, month, day } = parts(d);
  const length = daysInMonth(year, month);
  const own = civilDate(billable);
  const anchors: Anchor[] =
    s.anchors.length > 0
      ? s.anchors
      : s.unit === 'week'
        ? [{ kind: 'weekday', weekday: isoWeekday(billable) }]
        : s.unit === 'month'
          ? [{ kind: 'dayOfMonth', day: own.day }]
          : s.unit === 'year'
            ? [{ kind: 'dayOfYear', month: own.month, day: own.day }]
            : [];
  if (s.unit === 'day') return true;
  const lands = (wanted: number) => day === wanted || (s.shortMonths === 'clamp' && wanted > length && day === length);
  return anchors.some((a) => {
    switch (a.kind) {
      case 'weekday':
        return isoWeekday(toDayNumber(d)) === a.weekday;
      case 'lastDayOfMonth':
        return day === length;
      case 'dayOfMonth':
        return lands(a.day);
      case 'dayOfYear':
        return month === a.month && lands(a.day);
    }
  });
}

/** How many periods apart two dates are in the schedule's unit. */
function periodsApart(unit: ScheduleUnit, a: string, b: string): number {
  if (unit === 'day') return toDayNumber(b) - toDayNumber(a);
  if (unit === 'week') return weekIndex(toDayNumber(b)) - weekIndex(toDayNumber(a));
  if (unit === 'month') return monthIndex(b) - monthIndex(a);
  return parts(b).year - parts(a).year;
}

describe('calendar arithmetic', () => {
  test('day numbers, dates and weekdays agree with the UTC calendar', () => {
    fc.assert(
      fc.property(fc.integer({ min: toDayNumber('0001-01-01'), max: toDayNumber('9999-12-31') }), (n) => {
        const utc = new Date(n * 86_400_000);
        const c = civilDate(n);
        assert.deepEqual(c, { year: utc.getUTCFullYear(), month: utc.getUTCMonth() + 1, day: utc.getUTCDate() });
        assert.equal(dayNumber(c), n);
        assert.equal(isoWeekday(n), ((utc.getUTCDay() + 6) % 7) + 1);
        assert.equal(daysInMonth(c.year, c.month), new Date(Date.UTC(c.year, c.month, 0)).getUTCDate());
      }),
      { numRuns: 2000 },
    );
  });
});

for (const { unit, kind, anchors } of COMBINATIONS) {
  describe(`${unit} unit, anchors: ${kind}`, () => {
    test('dates move strictly forward, each on an anchor, after start + trial, and next/first agree with the sequence', () => {
      fc.assert(
        fc.property(scheduleOf(unit, anchors), (s) => {
          const dates = occurrenceDates(s, SAMPLE);
          assert.equal(dates[0] ?? null, firstOccurrence(s));
          const billable = toDayNumber(s.start) + (s.trialDays ?? 0);
          dates.forEach((d, i) => {
            assert.ok(toDayNumber(d) >= billable, `${d} before the billable day`);
            assert.ok(matchesAnchor(s, d), `${d} is on no anchor`);
            assert.equal(firstBillDate(s, d), d, 'an occurrence is the first on or after itself');
            if (i > 0) {
              assert.ok(d > dates[i - 1], `${d} not after ${dates[i - 1]}`);
              assert.equal(nextBillDate(s, dates[i - 1]), d, 'next after an occurrence is the following one');
            }
          });
        }),
        RUNS,
      );
    });

    test('consecutive dates keep the interval: same period or interval periods on (whole multiples where a short month is skipped)', () => {
      fc.assert(
        fc.property(scheduleOf(unit, anchors, false), (s) => {
          const dates = occurrenceDates(s, SAMPLE);
          assert.equal(dates.length, SAMPLE, 'an unbounded schedule goes on');
          for (let i = 1; i < dates.length; i++) {
            const apart = periodsApart(unit, dates[i - 1], dates[i]);
            if (unit === 'day') assert.equal(apart, s.interval);
            else if (s.shortMonths === 'clamp' || unit === 'week') assert.ok(apart === 0 || apart === s.interval, `${dates[i - 1]} → ${dates[i]} is ${apart} ${unit}s`);
            else assert.ok(apart % s.interval === 0, `${dates[i - 1]} → ${dates[i]} is ${apart} ${unit}s`);
            if (s.anchors.length === 0 && s.shortMonths === 'clamp') assert.equal(apart, s.interval, 'one anchor: one date a period');
          }
        }),
        RUNS,
      );
    });

    test('from any date: the next bill date is strictly after it and nothing on the schedule lies between', () => {
      fc.assert(
        fc.property(scheduleOf(unit, anchors), fc.integer({ min: -100, max: 3000 }), (s, offset) => {
          const x = fromDayNumber(toDayNumber(s.start) + offset);
          const next = nextBillDate(s, x);
          const first = firstBillDate(s, x);
          if (next !== null) assert.ok(next > x, `${next} not after ${x}`);
          if (first !== null) assert.ok(first >= x, `${first} before ${x}`);
          // 5000 dates reach past start + 3000 days for every unit: the sequence answers too.
          const all = occurrenceDates(s, 5000);
          assert.equal(next, all.find((d) => d > x) ?? null);
          assert.equal(first, all.find((d) => d >= x) ?? null);
        }),
        RUNS,
      );
    });

    test('end and maxOccurrences bound the run; past the last date there is no next', () => {
      fc.assert(
        fc.property(scheduleOf(unit, anchors), (s) => {
          const dates = occurrenceDates(s, 100_000);
          if (s.maxOccurrences !== undefined) assert.ok(dates.length <= s.maxOccurrences);
          if (s.end !== undefined) assert.ok(dates.every((d) => d <= s.end!));
          if (s.end === undefined && s.maxOccurrences !== undefined) assert.equal(dates.length, s.maxOccurrences);
          if ((s.end !== undefined || s.maxOccurrences !== undefined) && dates.length > 0) assert.equal(nextBillDate(s, dates[dates.length - 1]), null);
        }),
        RUNS,
      );
    });
  });
}

describe('anchored days in short months', () => {
  const monthly = (anchors: Anchor[], start: string, shortMonths: 'clamp' | 'skip' = 'clamp'): Schedule => ({ unit: 'month', interval: 1, anchors, shortMonths, start });

  test('"last day" is the month\'s last day, Feb 29 in leap years and Feb 28 otherwise', () => {
    fc.assert(
      fc.property(date, fc.integer({ min: 1, max: 12 }), (start, interval) => {
        for (const d of occurrenceDates({ ...monthly([{ kind: 'lastDayOfMonth' }], start), interval }, 30)) {
          const { year, month, day } = parts(d);
          assert.equal(day, daysInMonth(year, month));
          if (month === 2) assert.equal(day, isLeapYear(year) ? 29 : 28);
        }
      }),
      RUNS,
    );
    assert.deepEqual(occurrenceDates(monthly([{ kind: 'lastDayOfMonth' }], '2024-01-15'), 3), ['2024-01-31', '2024-02-29', '2024-03-31']);
    assert.deepEqual(occurrenceDates(monthly([{ kind: 'lastDayOfMonth' }], '2023-01-31'), 3), ['2023-01-31', '2023-02-28', '2023-03-31']);
    assert.deepEqual(occurrenceDates(monthly([{ kind: 'lastDayOfMonth' }], '2100-02-01'), 1), ['2100-02-28'], '2100 is not a leap year');
    assert.deepEqual(occurrenceDates(monthly([{ kind: 'lastDayOfMonth' }], '2000-02-01'), 1), ['2000-02-29'], '2000 is');
  });

  test("the 31st clamps to the 30th in 30-day months (and to Feb's end), or skips them", () => {
    fc.assert(
      fc.property(date, (start) => {
        for (const d of occurrenceDates(monthly([{ kind: 'dayOfMonth', day: 31 }], start), 24)) {
          const { year, month, day } = parts(d);
          assert.equal(day, Math.min(31, daysInMonth(year, month)));
        }
        const skipped = occurrenceDates(monthly([{ kind: 'dayOfMonth', day: 31 }], start, 'skip'), 24);
        assert.ok(skipped.every((d) => parts(d).day === 31));
        assert.equal(new Set(skipped.map((d) => parts(d).month)).size, 7, 'only the seven 31-day months');
      }),
      RUNS,
    );
    assert.deepEqual(occurrenceDates(monthly([{ kind: 'dayOfMonth', day: 31 }], '2030-01-31'), 4), ['2030-01-31', '2030-02-28', '2030-03-31', '2030-04-30']);
  });

  test('a yearly Feb 29 falls on Feb 28 in common years, or only in leap years', () => {
    const feb29: Anchor[] = [{ kind: 'dayOfYear', month: 2, day: 29 }];
    assert.deepEqual(occurrenceDates({ unit: 'year', interval: 1, anchors: feb29, shortMonths: 'clamp', start: '2024-03-01' }, 5), [
      '2025-02-28',
      '2026-02-28',
      '2027-02-28',
      '2028-02-29',
      '2029-02-28',
    ]);
    assert.deepEqual(occurrenceDates({ unit: 'year', interval: 1, anchors: feb29, shortMonths: 'skip', start: '2096-03-01' }, 2), ['2104-02-29', '2108-02-29'], '2100 is skipped');
  });
});

describe('maxAmount', () => {
  test('the charges sum exactly to maxAmount, every one the full amount but a smaller (non-zero) last', () => {
    fc.assert(
      fc.property(
        scheduleOf('month', fc.constant([]), false),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 100_000 }),
        (s, amount, charges, extra) => {
          const maxAmount = amount * (charges - 1) + 1 + (extra % amount);
          const run = occurrences({ ...s, maxAmount }, amount, 1000);
          assert.equal(
            run.reduce((sum, o) => sum + o.amount, 0),
            maxAmount,
          );
          assert.equal(run.length, Math.ceil(maxAmount / amount));
          run.slice(0, -1).forEach((o) => assert.equal(o.amount, amount));
          const last = run[run.length - 1].amount;
          assert.ok(last > 0 && last <= amount);
          assert.ok(Number.isInteger(last));
          assert.deepEqual(
            run.map((o) => o.date),
            occurrenceDates(s, run.length),
          );
        },
      ),
      RUNS,
    );
    assert.deepEqual(
      occurrences({ unit: 'month', interval: 1, anchors: [], shortMonths: 'clamp', start: '2016-01-01', maxAmount: 15_000 }, 10_000, 10).map((o) => o.amount),
      [10_000, 5_000],
      'AffiniPay §4.10',
    );
  });

  test('a cap below one charge, and the other bounds out of range, are problems with neutral field names', () => {
    const base: Schedule = { unit: 'month', interval: 1, anchors: [], shortMonths: 'clamp', start: '2030-01-01' };
    const codes = (s: Schedule, amount?: number) => scheduleProblems(s, { amount }).map((p) => `${p.field}:${p.code}`);
    assert.deepEqual(codes({ ...base, maxAmount: 99 }, 100), ['maxAmount:below_amount']);
    assert.deepEqual(codes({ ...base, maxAmount: 100 }, 100), []);
    assert.deepEqual(codes({ ...base, interval: 0 }), ['interval:out_of_range']);
    assert.deepEqual(codes({ ...base, unit: 'day', anchors: [{ kind: 'dayOfMonth', day: 1 }] }), ['anchors:not_allowed']);
    assert.deepEqual(codes({ ...base, anchors: [{ kind: 'weekday', weekday: 1 }] }), ['anchors:not_allowed']);
    assert.deepEqual(codes({ ...base, anchors: [{ kind: 'dayOfMonth', day: 32 }] }), ['anchors:out_of_range']);
    assert.deepEqual(codes({ ...base, unit: 'year', anchors: [{ kind: 'dayOfYear', month: 2, day: 30 }] }), ['anchors:out_of_range']);
    assert.deepEqual(codes({ ...base, anchors: [{ kind: 'lastDayOfMonth' }, { kind: 'lastDayOfMonth' }] }), ['anchors:duplicate']);
    assert.deepEqual(codes({ ...base, start: '2030-02-30' }), ['start:invalid']);
    assert.deepEqual(codes({ ...base, end: '2029-12-31' }), ['end:no_occurrences']);
    assert.deepEqual(codes({ ...base, trialDays: 31, end: '2030-01-31' }), ['end:no_occurrences'], 'the trial outlasts the end');
    assert.deepEqual(codes({ ...base, maxOccurrences: 0, trialDays: -1 }), ['trialDays:out_of_range', 'maxOccurrences:out_of_range']);
  });
});

describe('trial', () => {
  test('a trial of N days runs the schedule as if it started N days later', () => {
    fc.assert(
      fc.property(fc.constantFrom<ScheduleUnit>('day', 'week', 'month', 'year'), fc.integer({ min: 1, max: 90 }), fc.integer({ min: 0, max: 7 }), (unit, trialDays, pick) => {
        const { anchors } = COMBINATIONS.filter((c) => c.unit === unit)[pick % COMBINATIONS.filter((c) => c.unit === unit).length];
        fc.assert(
          fc.property(scheduleOf(unit, anchors, false), ({ trialDays: _drawn, ...s }) => {
            const later = fromDayNumber(toDayNumber(s.start) + trialDays);
            assert.deepEqual(occurrenceDates({ ...s, trialDays }, 10), occurrenceDates({ ...s, start: later }, 10));
            assert.ok(toDayNumber(firstOccurrence({ ...s, trialDays })!) >= toDayNumber(later));
          }),
          { numRuns: 5 },
        );
      }),
      { numRuns: 60 },
    );
  });
});
