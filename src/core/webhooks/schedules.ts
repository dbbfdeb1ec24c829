// Retry schedules: when each attempt of a delivery falls due, as offsets from the first attempt's
// due time. Anchoring to the first attempt (not to when the last one ran) is what lets a test clock
// advanced by three days run every attempt that fell due in those three days, in order.
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface RetrySchedule {
  /** Due times of attempts 1..n, ms after the first; offsets[0] is 0. */
  offsets: readonly number[];
  /** How the schedule reads, for docs and the admin API. */
  describe: string;
}

/** Every `every` ms after the first attempt, `retries` more times. */
export function fixedInterval(every: number, retries: number, describe: string): RetrySchedule {
  return { offsets: Array.from({ length: retries + 1 }, (_, i) => i * every), describe };
}

/**
 * Exponential back-off for `span` ms: retries after 1, 2, 4, 8 ... minutes (cumulative 1, 3, 7, 15
 * ... minutes after the first attempt), and a last attempt at `span` itself.
 */
export function exponentialBackoff(span = 3 * DAY, first = MINUTE): RetrySchedule {
  const offsets = [0];
  for (let delay = first, at = first; at < span; delay *= 2, at += delay) offsets.push(at);
  offsets.push(span);
  return { offsets, describe: `exponential back-off from ${first / MINUTE} min, doubling, for ${span / DAY} days (${offsets.length} attempts)` };
}

export const SCHEDULES = {
  /** ChargeDesk: once an hour for up to 3 days. */
  hourlyFor3Days: fixedInterval(HOUR, 72, 'hourly for 3 days (73 attempts)'),
  /** AffiniPay gateway events: t0, then t0+1h ... t0+6h. */
  hourlySixTimes: fixedInterval(HOUR, 6, 'hourly, 6 retries (7 attempts)'),
  /** AffiniPay partner events: every 10 minutes, 25 attempts. */
  tenMinutes25: fixedInterval(10 * MINUTE, 24, 'every 10 minutes, 25 attempts'),
  exponential3Days: exponentialBackoff(),
} as const;

/** When attempt `attempt + 1` falls due, or null when `attempt` was the last. */
export function nextDue(schedule: RetrySchedule, start: number, attempt: number): number | null {
  return attempt < schedule.offsets.length ? start + schedule.offsets[attempt] : null;
}
