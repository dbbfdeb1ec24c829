// Billing schedules (FluidPay's billing_frequency / billing_cycle_interval / billing_days, spec §4.6):
//   daily          every interval × N days (N = the one billing day count)
//   monthly        on day D every interval months (29-31 clamp to the month's last day)
//   twice_monthly  on both days D1 < D2, every interval months
// Dates are YYYY-MM-DD in UTC. Pure functions; the recurring engine charges on them (later issue).
import { invalid } from '../errors/domain-error.ts';
import { addDays, isoDate } from '../clock/clock.ts';

export const FREQUENCIES = ['daily', 'monthly', 'twice_monthly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

export interface Schedule {
  frequency: Frequency;
  interval: number;
  days: number[];
}

/** Validates the three wire fields into a schedule; anything else is a 400. */
export function parseSchedule(frequency: string, interval: number, billingDays: string): Schedule {
  if (!(FREQUENCIES as readonly string[]).includes(frequency)) throw invalid(`billing_frequency must be one of ${FREQUENCIES.join(', ')}`, 'billing_frequency');
  if (!Number.isInteger(interval) || interval < 1) throw invalid('billing_cycle_interval must be at least 1', 'billing_cycle_interval');
  const parts = billingDays.split(',').map((p) => p.trim());
  if (parts.some((p) => !/^\d+$/.test(p))) throw invalid('billing_days must be whole numbers', 'billing_days');
  const days = parts.map(Number);
  if (frequency === 'daily' && (days.length !== 1 || days[0] < 1)) throw invalid('billing_days for daily is one day count of at least 1', 'billing_days');
  if (frequency === 'monthly' && (days.length !== 1 || days[0] < 1 || days[0] > 31)) throw invalid('billing_days for monthly is one day of the month (1-31)', 'billing_days');
  if (frequency === 'twice_monthly' && (days.length !== 2 || days[0] < 1 || days[1] > 31 || days[0] >= days[1])) {
    throw invalid('billing_days for twice_monthly is two ascending days of the month, e.g. "1,15"', 'billing_days');
  }
  return { frequency: frequency as Frequency, interval, days };
}

function daysInMonth(year: number, month0: number): number {
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
}

function onDay(year: number, month0: number, day: number): string {
  const y = year + Math.floor(month0 / 12);
  const m = ((month0 % 12) + 12) % 12;
  return isoDate(Date.UTC(y, m, Math.min(day, daysInMonth(y, m))));
}

/** The first date on the schedule on or after `from`. */
export function firstBillDate(schedule: Schedule, from: string): string {
  if (schedule.frequency === 'daily') return from;
  const [y, m] = from.split('-').map(Number);
  for (let offset = 0; offset < 3; offset++) {
    for (const day of schedule.days) {
      const candidate = onDay(y, m - 1 + offset, day);
      if (candidate >= from) return candidate;
    }
  }
  throw new Error('unreachable: a schedule always has a date within two months');
}

/** The bill date after `current`. */
export function nextBillDate(schedule: Schedule, current: string): string {
  if (schedule.frequency === 'daily') return addDays(current, schedule.interval * schedule.days[0]);
  const [y, m, d] = current.split('-').map(Number);
  if (schedule.frequency === 'twice_monthly') {
    const later = schedule.days.find((day) => onDay(y, m - 1, day) > current && day > d);
    if (later !== undefined) return onDay(y, m - 1, later);
    return onDay(y, m - 1 + schedule.interval, schedule.days[0]);
  }
  return onDay(y, m - 1 + schedule.interval, schedule.days[0]);
}
