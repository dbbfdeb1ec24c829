// The vendor-neutral vocabulary of recurring billing, shaped so every door's words fit it
// (mapping table in ./README.md): a unit (day, week, month, year), an interval, the days a period
// bills on (anchors, the month's last day included), and for a schedule its start, trial, end,
// occurrence cap and amount cap. Doors parse their wire words into these types and render them
// back; the rules about dates and caps live here once. Pure: dates are YYYY-MM-DD strings, time
// comes from callers (the tenant clock), money is integer minor units.
import { invalid } from '../errors/domain-error.ts';
import { daysInMonth, isCalendarDate } from './calendar.ts';
import { firstOccurrence } from './schedule-dates.ts';

export const SCHEDULE_UNITS = ['day', 'week', 'month', 'year'] as const;
export type ScheduleUnit = (typeof SCHEDULE_UNITS)[number];

/** A day a billing period bills on. Which kinds a unit takes is in ANCHOR_KINDS. */
export type Anchor =
  /** 1..31; a month without that day follows the cadence's shortMonths rule. */
  | { kind: 'dayOfMonth'; day: number }
  /** The month's last day, whatever its length. */
  | { kind: 'lastDayOfMonth' }
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  | { kind: 'weekday'; weekday: number }
  /** month 1..12 and a day that month can have (Feb 29 included; common years follow shortMonths). */
  | { kind: 'dayOfYear'; month: number; day: number };
export type AnchorKind = Anchor['kind'];

export const ANCHOR_KINDS: Record<ScheduleUnit, readonly AnchorKind[]> = {
  day: [],
  week: ['weekday'],
  month: ['dayOfMonth', 'lastDayOfMonth'],
  year: ['dayOfYear'],
};

/**
 * What a month without an anchored day does (the 31st in April, Feb 29 in a common year):
 * 'clamp' bills on the month's last day instead (FluidPay, ChargeDesk, ChargeOver, AffiniPay without
 * days); 'skip' leaves that month out (AffiniPay's explicit days, spec §4.10).
 */
export const SHORT_MONTH_RULES = ['clamp', 'skip'] as const;
export type ShortMonthRule = (typeof SHORT_MONTH_RULES)[number];

/** How often a bill falls, not yet placed in time: the cadence of a plan, product or paycycle. */
export interface Cadence {
  unit: ScheduleUnit;
  /** Every `interval` units, ≥ 1. */
  interval: number;
  /**
   * The days each billing period bills on, in any order. Empty: the day the schedule becomes
   * billable (start + trial) sets it — its weekday, day of month, or month and day.
   */
  anchors: Anchor[];
  shortMonths: ShortMonthRule;
}

/**
 * A cadence placed in time and bounded: a subscription's or recurring charge's schedule.
 * The first occurrence is the first anchored date on or after start + trialDays; each later one
 * lies in the same period or `interval` periods after the previous one (periods: days, ISO weeks
 * Monday to Sunday, calendar months, calendar years).
 */
export interface Schedule extends Cadence {
  /** YYYY-MM-DD the schedule begins. */
  start: string;
  /** Days after start before the first bill can fall (a free trial); absent = none. */
  trialDays?: number;
  /** YYYY-MM-DD: no occurrence after it; absent = open-ended. */
  end?: string;
  /** At most this many occurrences (≥ 1); absent = no limit. */
  maxOccurrences?: number;
  /** Minor units the charges may add up to (≥ 1); the last charge is smaller to meet it exactly. */
  maxAmount?: number;
}

/** A schedule before it is placed: the core starts it today on the tenant clock when start is absent. */
export type ScheduleDraft = Omit<Schedule, 'start'> & { start?: string };

export type ScheduleField = keyof Schedule;
export type ScheduleProblemCode = 'required' | 'invalid' | 'out_of_range' | 'not_allowed' | 'duplicate' | 'below_amount' | 'no_occurrences';

/**
 * What is wrong with a schedule, in neutral words: `message` follows the field name, so a door
 * writes `${its own field name} ${message}` (or its own words for the code).
 */
export interface ScheduleProblem {
  field: ScheduleField;
  code: ScheduleProblemCode;
  message: string;
  /** For anchor problems: which anchor. */
  anchorIndex?: number;
}

const isWholeAtLeast = (value: unknown, min: number): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= min;

const anchorKey = (a: Anchor): string => JSON.stringify(a);

function anchorProblem(unit: ScheduleUnit, anchor: Anchor, anchorIndex: number): ScheduleProblem | null {
  const problem = (code: ScheduleProblemCode, message: string): ScheduleProblem => ({ field: 'anchors', code, message, anchorIndex });
  if (!ANCHOR_KINDS[unit].includes(anchor.kind)) {
    return ANCHOR_KINDS[unit].length === 0 ? problem('not_allowed', `are not allowed with a ${unit} unit`) : problem('not_allowed', `of a ${unit} unit must be ${ANCHOR_KINDS[unit].join(' or ')}`);
  }
  switch (anchor.kind) {
    case 'dayOfMonth':
      return isWholeAtLeast(anchor.day, 1) && anchor.day <= 31 ? null : problem('out_of_range', 'must be days of the month from 1 to 31');
    case 'weekday':
      return isWholeAtLeast(anchor.weekday, 1) && anchor.weekday <= 7 ? null : problem('out_of_range', 'must be ISO weekdays from 1 (Monday) to 7 (Sunday)');
    case 'dayOfYear':
      if (!isWholeAtLeast(anchor.month, 1) || anchor.month > 12) return problem('out_of_range', 'must name months from 1 to 12');
      // 2000 is a leap year: Feb 29 is a day the month can have.
      return isWholeAtLeast(anchor.day, 1) && anchor.day <= daysInMonth(2000, anchor.month) ? null : problem('out_of_range', 'must name a day the month has');
    case 'lastDayOfMonth':
      return null;
  }
}

/** Problems with the cadence alone (plans and products have no start). Empty when valid. */
export function cadenceProblems(cadence: Cadence): ScheduleProblem[] {
  const problems: ScheduleProblem[] = [];
  if (!(SCHEDULE_UNITS as readonly string[]).includes(cadence.unit)) {
    problems.push({ field: 'unit', code: 'invalid', message: `must be one of ${SCHEDULE_UNITS.join(', ')}` });
    return problems;
  }
  if (!isWholeAtLeast(cadence.interval, 1)) problems.push({ field: 'interval', code: 'out_of_range', message: 'must be a whole number of at least 1' });
  if (!(SHORT_MONTH_RULES as readonly string[]).includes(cadence.shortMonths)) problems.push({ field: 'shortMonths', code: 'invalid', message: `must be one of ${SHORT_MONTH_RULES.join(', ')}` });
  const seen = new Set<string>();
  cadence.anchors.forEach((anchor, i) => {
    const problem = anchorProblem(cadence.unit, anchor, i);
    if (problem) problems.push(problem);
    else if (seen.has(anchorKey(anchor))) problems.push({ field: 'anchors', code: 'duplicate', message: 'must not repeat a day', anchorIndex: i });
    seen.add(anchorKey(anchor));
  });
  return problems;
}

/**
 * Problems with a whole schedule. With `amount` (the per-charge amount, minor units), a cap below
 * it is one. A schedule with no occurrence at all (its end before its first date) is one too.
 */
export function scheduleProblems(schedule: Schedule, options: { amount?: number } = {}): ScheduleProblem[] {
  const problems = cadenceProblems(schedule);
  if (!isCalendarDate(schedule.start)) problems.push({ field: 'start', code: 'invalid', message: 'must be a calendar date YYYY-MM-DD' });
  if (schedule.end !== undefined && !isCalendarDate(schedule.end)) problems.push({ field: 'end', code: 'invalid', message: 'must be a calendar date YYYY-MM-DD' });
  if (schedule.trialDays !== undefined && !isWholeAtLeast(schedule.trialDays, 0)) problems.push({ field: 'trialDays', code: 'out_of_range', message: 'must be a whole number of days, 0 or more' });
  if (schedule.maxOccurrences !== undefined && !isWholeAtLeast(schedule.maxOccurrences, 1))
    problems.push({ field: 'maxOccurrences', code: 'out_of_range', message: 'must be a whole number of at least 1' });
  if (schedule.maxAmount !== undefined && !isWholeAtLeast(schedule.maxAmount, 1))
    problems.push({ field: 'maxAmount', code: 'out_of_range', message: 'must be a whole number of minor units, at least 1' });
  else if (schedule.maxAmount !== undefined && options.amount !== undefined && schedule.maxAmount < options.amount)
    problems.push({ field: 'maxAmount', code: 'below_amount', message: 'must not be less than the amount of one charge' });
  if (problems.length === 0 && firstOccurrence(schedule) === null) {
    // Only an end (or a start at the end of the calendar) can leave a valid cadence without a date.
    const field: ScheduleField = schedule.end !== undefined ? 'end' : 'start';
    problems.push({ field, code: 'no_occurrences', message: 'leaves no date to bill on' });
  }
  return problems;
}

/** The core's backstop for a schedule a door let through: a 400 naming the neutral field. */
export function assertValidSchedule(schedule: Schedule, options: { amount?: number } = {}): void {
  const [problem] = scheduleProblems(schedule, options);
  if (problem) throw invalid(`schedule.${problem.field} ${problem.message}`, `schedule.${problem.field}`);
}

/** The stored form: the fields in one order and absent bounds left out, so equal schedules compare equal as JSON. */
export function canonicalSchedule(schedule: Schedule): Schedule {
  const out: Schedule = { unit: schedule.unit, interval: schedule.interval, anchors: schedule.anchors.map(canonicalAnchor), shortMonths: schedule.shortMonths, start: schedule.start };
  if (schedule.trialDays !== undefined && schedule.trialDays > 0) out.trialDays = schedule.trialDays;
  if (schedule.end !== undefined) out.end = schedule.end;
  if (schedule.maxOccurrences !== undefined) out.maxOccurrences = schedule.maxOccurrences;
  if (schedule.maxAmount !== undefined) out.maxAmount = schedule.maxAmount;
  return out;
}

function canonicalAnchor(anchor: Anchor): Anchor {
  switch (anchor.kind) {
    case 'dayOfMonth':
      return { kind: 'dayOfMonth', day: anchor.day };
    case 'lastDayOfMonth':
      return { kind: 'lastDayOfMonth' };
    case 'weekday':
      return { kind: 'weekday', weekday: anchor.weekday };
    case 'dayOfYear':
      return { kind: 'dayOfYear', month: anchor.month, day: anchor.day };
  }
}

export { firstBillDate, firstOccurrence, nextBillDate, occurrenceDates } from './schedule-dates.ts';
export { chargeAmount, occurrences, type Occurrence } from './schedule-amounts.ts';
