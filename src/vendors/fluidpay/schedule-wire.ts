// FluidPay's schedule words (spec §4.6, G28) ↔ the core's neutral cadence and schedule.
//   billing_frequency  billing_cycle_interval k  billing_days     core
//   daily              k                         "N"              every k×N days; a whole number of
//                                                                 weeks is unit week (so another door
//                                                                 reads "every 2 weeks", not 14 days)
//   monthly            k                         "D"              unit month, interval k, anchor D
//                                                                 (29-31 clamp to the month's end)
//   twice_monthly      k                         "D1,D2"          unit month, interval k, anchors D1, D2
//   duration n (billings; 0 = until cancelled)                    maxOccurrences n (absent for 0)
//   next_bill_date when sent                                      start (the schedule counts from it)
// FluidPay can say "every 14 days" as 1 × "14" or 2 × "7": the client's billing_cycle_interval is
// kept in the door's vendor_data (`billingCycleIntervalHint`) so the same words come back.
import { invalid } from '../../core/errors/domain-error.ts';
import { isCalendarDate } from '../../core/subscriptions/calendar.ts';
import { cadenceProblems, firstOccurrence, type Anchor, type Cadence, type Schedule, type ScheduleField, type ScheduleProblem } from '../../core/subscriptions/schedule.ts';
import { optInt, optString, type Body } from './wire.ts';

export const FREQUENCIES = ['daily', 'monthly', 'twice_monthly'] as const;

/** The three wire fields as FluidPay shows them. */
export interface ScheduleFields {
  billing_cycle_interval: number;
  billing_frequency: string;
  billing_days: string;
}

const WIRE_NAMES: Partial<Record<ScheduleField, string>> = {
  unit: 'billing_frequency',
  interval: 'billing_cycle_interval',
  anchors: 'billing_days',
  shortMonths: 'billing_frequency',
  start: 'next_bill_date',
  maxOccurrences: 'duration',
};

/** A core schedule problem as a FluidPay 400 naming FluidPay's field. */
export function refuseInFluidPayWords(problem: ScheduleProblem): never {
  const field = WIRE_NAMES[problem.field] ?? problem.field;
  throw invalid(`${field} ${problem.message}`, field);
}

/** The three wire fields into a core cadence; anything FluidPay does not allow is a 400 in its words. */
export function parseSchedule(frequency: string, interval: number, billingDays: string): Cadence {
  if (!(FREQUENCIES as readonly string[]).includes(frequency)) throw invalid(`billing_frequency must be one of ${FREQUENCIES.join(', ')}`, 'billing_frequency');
  if (!Number.isSafeInteger(interval) || interval < 1) throw invalid('billing_cycle_interval must be at least 1', 'billing_cycle_interval');
  const parts = billingDays.split(',').map((p) => p.trim());
  if (parts.some((p) => !/^\d+$/.test(p))) throw invalid('billing_days must be whole numbers', 'billing_days');
  const days = parts.map(Number);
  let cadence: Cadence;
  if (frequency === 'daily') {
    if (days.length !== 1 || days[0] < 1) throw invalid('billing_days for daily is one day count of at least 1', 'billing_days');
    const everyDays = interval * days[0];
    if (!Number.isSafeInteger(everyDays)) throw invalid('billing_days × billing_cycle_interval is too many days', 'billing_days');
    cadence = everyDays % 7 === 0 ? { unit: 'week', interval: everyDays / 7, anchors: [], shortMonths: 'clamp' } : { unit: 'day', interval: everyDays, anchors: [], shortMonths: 'clamp' };
  } else if (frequency === 'monthly') {
    if (days.length !== 1 || days[0] < 1 || days[0] > 31) throw invalid('billing_days for monthly is one day of the month (1-31)', 'billing_days');
    cadence = { unit: 'month', interval, anchors: [{ kind: 'dayOfMonth', day: days[0] }], shortMonths: 'clamp' };
  } else {
    if (days.length !== 2 || days[0] < 1 || days[1] > 31 || days[0] >= days[1]) throw invalid('billing_days for twice_monthly is two ascending days of the month, e.g. "1,15"', 'billing_days');
    cadence = { unit: 'month', interval, anchors: days.map((day): Anchor => ({ kind: 'dayOfMonth', day })), shortMonths: 'clamp' };
  }
  const [problem] = cadenceProblems(cadence);
  if (problem) refuseInFluidPayWords(problem);
  return cadence;
}

/** The schedule fields of a body over defaults (a plan's, or the stored ones), validated together. */
export function parseScheduleFields(body: Body, defaults?: ScheduleFields): { fields: ScheduleFields; cadence: Cadence } {
  const interval = optInt(body, 'billing_cycle_interval') ?? defaults?.billing_cycle_interval;
  const frequency = optString(body, 'billing_frequency') ?? defaults?.billing_frequency;
  const daysValue = body.billing_days;
  if (daysValue !== undefined && daysValue !== null && typeof daysValue !== 'string' && typeof daysValue !== 'number') throw invalid('billing_days must be a string', 'billing_days');
  const days = daysValue === undefined || daysValue === null ? defaults?.billing_days : String(daysValue);
  if (interval === undefined) throw invalid('billing_cycle_interval is required', 'billing_cycle_interval');
  if (frequency === undefined) throw invalid('billing_frequency is required', 'billing_frequency');
  if (days === undefined) throw invalid('billing_days is required', 'billing_days');
  return { fields: { billing_cycle_interval: interval, billing_frequency: frequency, billing_days: days }, cadence: parseSchedule(frequency, interval, days) };
}

/** Whether a body says anything about the cadence (so an update without it leaves the stored one alone). */
export const sendsCadence = (body: Body): boolean => ['billing_cycle_interval', 'billing_frequency', 'billing_days'].some((field) => body[field] !== undefined);

/** FluidPay's duration (billings, 0 = until cancelled) as the core's occurrence cap. */
export const maxOccurrencesOf = (duration: number): number | undefined => (duration > 0 ? duration : undefined);
export const durationOf = (schedule: Pick<Schedule, 'maxOccurrences'>): number => schedule.maxOccurrences ?? 0;

/** next_bill_date: YYYY-MM-DD of a real day, or absent ('' too). */
export function parseNextBillDate(body: Body): string | undefined {
  const value = optString(body, 'next_bill_date');
  if (value !== undefined && value !== '' && !isCalendarDate(value)) throw invalid('next_bill_date must be YYYY-MM-DD', 'next_bill_date');
  return value || undefined;
}

/** Every `count` days as FluidPay's daily words, keeping the client's own interval when it divides. */
function daily(count: number, hint: number | undefined, fallbackInterval: number): ScheduleFields {
  const interval = hint !== undefined && hint >= 1 && count % hint === 0 ? hint : fallbackInterval;
  return { billing_frequency: 'daily', billing_cycle_interval: interval, billing_days: String(count / interval) };
}

/**
 * The wire fields of a core cadence. Exact for everything FluidPay can say. Shapes it cannot say
 * (set through another door) come out as the nearest FluidPay words: several weekdays as the week,
 * more than two days of the month as the first two, a yearly date as every 12 months on that day.
 */
export function renderScheduleFields(cadence: Cadence | Schedule, billingCycleIntervalHint?: number): ScheduleFields {
  if (cadence.unit === 'day') return daily(cadence.interval, billingCycleIntervalHint, 1);
  // FluidPay's own "every other week" is 2 × "7" (§4.6), so weeks default to k × "7".
  if (cadence.unit === 'week') return daily(cadence.interval * 7, billingCycleIntervalHint, cadence.interval);
  const monthDays = cadence.anchors.flatMap((a) => (a.kind === 'dayOfMonth' || a.kind === 'dayOfYear' ? [a.day] : a.kind === 'lastDayOfMonth' ? [31] : []));
  // No anchors: the schedule's first date sets the day (clamping like FluidPay's own 29-31).
  if (monthDays.length === 0) monthDays.push(firstDayOfMonth(cadence));
  const days = [...new Set(monthDays)].sort((a, b) => a - b).slice(0, 2);
  const interval = cadence.unit === 'year' ? cadence.interval * 12 : cadence.interval;
  return { billing_frequency: days.length === 2 ? 'twice_monthly' : 'monthly', billing_cycle_interval: interval, billing_days: days.join(',') };
}

function firstDayOfMonth(cadence: Cadence | Schedule): number {
  const first = 'start' in cadence ? firstOccurrence(cadence) : null;
  return first ? Number(first.slice(8, 10)) : 1;
}
