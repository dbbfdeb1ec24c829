// Subscription schedules become the core's neutral shape (src/core/subscriptions/schedule.ts).
// Before, the column held FluidPay's words: {frequency: daily|monthly|twice_monthly, interval, days,
// wire?: {billing_cycle_interval, billing_frequency, billing_days}}. Now it holds
// {unit, interval, anchors, shortMonths, start, maxOccurrences?}; the client's billing_cycle_interval
// moves to the FluidPay door's vendor_data, so the door answers with the same words as before.
// The conversion is written out here, not imported, so later changes to the core cannot change
// what this migration did. Rows already neutral are left alone (running it twice changes nothing).
import type { Kysely } from 'kysely';
import type { Dialect } from './ddl.ts';

interface LegacySchedule {
  frequency: 'daily' | 'monthly' | 'twice_monthly';
  interval: number;
  days: number[];
  wire?: { billing_cycle_interval?: number };
}

interface Row {
  id: number;
  schedule: string;
  vendor_data: string;
  duration: number;
  next_bill_date: string | null;
  created_at: number;
}

interface Tables {
  subscriptions: Row;
}

function isLegacy(value: unknown): value is LegacySchedule {
  return typeof value === 'object' && value !== null && 'frequency' in value && 'days' in value;
}

export function neutralSchedule(legacy: LegacySchedule, row: Pick<Row, 'duration' | 'next_bill_date' | 'created_at'>): Record<string, unknown> {
  let cadence: Record<string, unknown>;
  if (legacy.frequency === 'daily') {
    const everyDays = legacy.interval * legacy.days[0];
    cadence = everyDays % 7 === 0 ? { unit: 'week', interval: everyDays / 7, anchors: [], shortMonths: 'clamp' } : { unit: 'day', interval: everyDays, anchors: [], shortMonths: 'clamp' };
  } else {
    cadence = { unit: 'month', interval: legacy.interval, anchors: legacy.days.map((day) => ({ kind: 'dayOfMonth', day })), shortMonths: 'clamp' };
  }
  // FluidPay stepped from the next bill date; starting the schedule there keeps every later date.
  const start = row.next_bill_date ?? new Date(Number(row.created_at)).toISOString().slice(0, 10);
  const schedule: Record<string, unknown> = { ...cadence, start };
  if (Number(row.duration) > 0) schedule.maxOccurrences = Number(row.duration);
  return schedule;
}

function withFluidPayInterval(vendorData: string, interval: number): string {
  let all: Record<string, Record<string, unknown>> = {};
  try {
    const parsed = JSON.parse(vendorData || '{}') as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) all = parsed as typeof all;
  } catch {
    // An unreadable vendor_data was unreadable before too; the door's namespace starts afresh.
  }
  all.fluidpay = { ...(all.fluidpay ?? {}), billing_cycle_interval: interval };
  return JSON.stringify(all);
}

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  const store = db as unknown as Kysely<Tables>;
  const rows = await store.selectFrom('subscriptions').select(['id', 'schedule', 'vendor_data', 'duration', 'next_bill_date', 'created_at']).execute();
  for (const row of rows) {
    const legacy = JSON.parse(row.schedule) as unknown;
    if (!isLegacy(legacy)) continue;
    await store
      .updateTable('subscriptions')
      .set({
        schedule: JSON.stringify(neutralSchedule(legacy, row)),
        vendor_data: withFluidPayInterval(row.vendor_data, legacy.wire?.billing_cycle_interval ?? legacy.interval),
      })
      .where('id', '=', row.id)
      .execute();
  }
}
