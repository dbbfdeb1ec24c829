// The dates of a schedule. Day numbers inside (./calendar.ts), YYYY-MM-DD outside.
//
// The sequence: the first occurrence F is the first anchored date on or after start + trialDays
// (whatever the interval); then the remaining anchored dates of F's period, then those of the period
// `interval` periods later, and so on. Periods are days, ISO weeks, calendar months or calendar
// years. It stops after `end`, after `maxOccurrences` dates, or at the end of year 9999.
import type { Anchor, Cadence, Schedule, ScheduleUnit } from './schedule.ts';
import { civilDate, dayNumber, daysInMonth, fromDayNumber, isoWeekday, LAST_YEAR, mondayOfWeek, toDayNumber, weekIndex } from './calendar.ts';

const LAST_DAY = dayNumber({ year: LAST_YEAR, month: 12, day: 31 });

// How many periods in a row may hold no date before the search gives up. A 'skip' rule can empty
// periods (Feb 29 in common years, across 2100 too), never this many; past year 9999 all are empty.
const EMPTY_PERIODS_LIMIT = 400;

function periodOf(unit: ScheduleUnit, day: number): number {
  if (unit === 'day') return day;
  if (unit === 'week') return weekIndex(day);
  const { year, month } = civilDate(day);
  return unit === 'month' ? year * 12 + (month - 1) : year;
}

/** With no anchors, the day the schedule becomes billable sets the one anchor. */
function effectiveAnchors(cadence: Cadence, billableFrom: number): Anchor[] {
  if (cadence.anchors.length > 0) return cadence.anchors;
  const { month, day } = civilDate(billableFrom);
  switch (cadence.unit) {
    case 'day':
      return [];
    case 'week':
      return [{ kind: 'weekday', weekday: isoWeekday(billableFrom) }];
    case 'month':
      return [{ kind: 'dayOfMonth', day }];
    case 'year':
      return [{ kind: 'dayOfYear', month, day }];
  }
}

/** The anchored day of a month, after the short-month rule; null when the month is skipped. */
function dayInMonth(cadence: Cadence, year: number, month: number, day: number | 'last'): number | null {
  const length = daysInMonth(year, month);
  if (day === 'last') return dayNumber({ year, month, day: length });
  if (day <= length) return dayNumber({ year, month, day });
  return cadence.shortMonths === 'clamp' ? dayNumber({ year, month, day: length }) : null;
}

/** The anchored dates of one period, ascending, each once. */
function datesInPeriod(cadence: Cadence, anchors: readonly Anchor[], period: number): number[] {
  const days: (number | null)[] = [];
  if (cadence.unit === 'day') days.push(period);
  else if (cadence.unit === 'week') {
    for (const a of anchors) if (a.kind === 'weekday') days.push(mondayOfWeek(period) + a.weekday - 1);
  } else if (cadence.unit === 'month') {
    const year = Math.floor(period / 12);
    const month = period - year * 12 + 1;
    for (const a of anchors) {
      if (a.kind === 'dayOfMonth') days.push(dayInMonth(cadence, year, month, a.day));
      if (a.kind === 'lastDayOfMonth') days.push(dayInMonth(cadence, year, month, 'last'));
    }
  } else {
    for (const a of anchors) if (a.kind === 'dayOfYear') days.push(dayInMonth(cadence, period, a.month, a.day));
  }
  const real = days.filter((d): d is number => d !== null && d <= LAST_DAY);
  return [...new Set(real)].sort((a, b) => a - b);
}

/** A schedule placed on the calendar: its first date and what bounds the rest. */
interface Placed {
  cadence: Cadence;
  anchors: Anchor[];
  first: number;
  firstPeriod: number;
  lastDay: number;
  maxOccurrences: number | undefined;
}

function place(schedule: Schedule): Placed | null {
  const billable = toDayNumber(schedule.start) + (schedule.trialDays ?? 0);
  const anchors = effectiveAnchors(schedule, billable);
  const lastDay = schedule.end === undefined ? LAST_DAY : Math.min(LAST_DAY, toDayNumber(schedule.end));
  const startPeriod = periodOf(schedule.unit, billable);
  for (let period = startPeriod; period <= startPeriod + EMPTY_PERIODS_LIMIT; period++) {
    const first = datesInPeriod(schedule, anchors, period).find((d) => d >= billable);
    if (first === undefined) continue;
    if (first > lastDay) return null;
    return { cadence: schedule, anchors, first, firstPeriod: period, lastDay, maxOccurrences: schedule.maxOccurrences };
  }
  return null;
}

/** Occurrence dates on or after `from`, in order, without the occurrence cap (callers count). */
function* datesFrom(placed: Placed, from: number): Generator<number> {
  const { cadence, anchors, first, firstPeriod, lastDay } = placed;
  const lower = Math.max(from, first);
  // The first period of the sequence that can hold a date ≥ lower: periods step by the interval from F's.
  const behind = periodOf(cadence.unit, lower) - firstPeriod;
  let period = firstPeriod + Math.ceil(behind / cadence.interval) * cadence.interval;
  for (let empty = 0; empty <= EMPTY_PERIODS_LIMIT; period += cadence.interval) {
    const dates = datesInPeriod(cadence, anchors, period).filter((d) => d >= lower);
    empty = dates.length === 0 ? empty + 1 : 0;
    for (const d of dates) {
      if (d > lastDay) return;
      yield d;
    }
  }
}

/** The first occurrence ≥ `from` that the occurrence cap still allows, as a day number. */
function firstFrom(placed: Placed, from: number): number | null {
  if (placed.maxOccurrences === undefined) {
    const next = datesFrom(placed, from).next();
    return next.done ? null : next.value;
  }
  // Counting from the first occurrence costs at most maxOccurrences steps.
  let count = 0;
  for (const d of datesFrom(placed, placed.first)) {
    if (++count > placed.maxOccurrences) return null;
    if (d >= from) return d;
  }
  return null;
}

const placedAt = (schedule: Cadence | Schedule, start: string): Schedule => ('start' in schedule ? schedule : { ...schedule, start });

/** The schedule's first date, or null when it has none (its end comes first). */
export function firstOccurrence(schedule: Schedule): string | null {
  const placed = place(schedule);
  return placed ? fromDayNumber(placed.first) : null;
}

/**
 * The first occurrence on or after `from`, or null when the schedule has ended by then. A bare
 * cadence (a plan's) starts at `from`.
 */
export function firstBillDate(schedule: Schedule, from: string): string | null;
export function firstBillDate(cadence: Cadence, from: string): string;
export function firstBillDate(schedule: Cadence | Schedule, from: string): string | null {
  const placed = place(placedAt(schedule, from));
  if (!placed) return null;
  const day = firstFrom(placed, toDayNumber(from));
  return day === null ? null : fromDayNumber(day);
}

/**
 * The first occurrence strictly after `after`, or null when the schedule has ended. A bare cadence
 * starts at `after`: the date a period after it (the next bill after one just billed).
 */
export function nextBillDate(schedule: Schedule, after: string): string | null;
export function nextBillDate(cadence: Cadence, after: string): string;
export function nextBillDate(schedule: Cadence | Schedule, after: string): string | null {
  const placed = place(placedAt(schedule, after));
  if (!placed) return null;
  const day = firstFrom(placed, toDayNumber(after) + 1);
  return day === null ? null : fromDayNumber(day);
}

/** The schedule's first `limit` dates (fewer when it ends sooner). */
export function occurrenceDates(schedule: Schedule, limit: number): string[] {
  const placed = place(schedule);
  if (!placed) return [];
  const cap = Math.min(limit, placed.maxOccurrences ?? Infinity);
  const out: string[] = [];
  if (cap <= 0) return out;
  for (const d of datesFrom(placed, placed.first)) {
    out.push(fromDayNumber(d));
    if (out.length >= cap) break;
  }
  return out;
}
