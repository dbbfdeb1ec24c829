// Amounts under a schedule's cap (maxAmount, minor units): each charge is the per-charge amount
// until what is left under the cap is less, then that remainder, then nothing (AffiniPay §4.10:
// 10000 a charge under 15000 gives 10000, then 5000). Integers only.
import type { Schedule } from './schedule.ts';
import { occurrenceDates } from './schedule-dates.ts';

export interface Occurrence {
  date: string;
  /** Minor units. */
  amount: number;
}

/** The next charge after `chargedSoFar` minor units were charged; null once the cap is met. */
export function chargeAmount(schedule: Pick<Schedule, 'maxAmount'>, amountPerCharge: number, chargedSoFar: number): number | null {
  if (schedule.maxAmount === undefined) return amountPerCharge;
  const remaining = schedule.maxAmount - chargedSoFar;
  return remaining > 0 ? Math.min(amountPerCharge, remaining) : null;
}

/** The schedule's first `limit` occurrences with their amounts; the cap ends it like `end` does. */
export function occurrences(schedule: Schedule, amountPerCharge: number, limit: number): Occurrence[] {
  const out: Occurrence[] = [];
  let charged = 0;
  for (const date of occurrenceDates(schedule, limit)) {
    const amount = chargeAmount(schedule, amountPerCharge, charged);
    if (amount === null) break;
    out.push({ date, amount });
    charged += amount;
  }
  return out;
}
