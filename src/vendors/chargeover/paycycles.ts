// ChargeOver's 18 paycycle codes (chargeover-extra §11.4) ↔ the core's neutral cadence. A package
// without anchors bills on its start's weekday or day of the month (clamped in short months); 116
// bills on the 1st and the 16th. `evy` is a line's "the package's cycle" (no cadence of its own).
import type { Cadence, Schedule } from '../../core/subscriptions/schedule.ts';

const cycle = (unit: Cadence['unit'], interval: number, days: number[] = []): Cadence => ({
  unit,
  interval,
  anchors: days.map((day) => ({ kind: 'dayOfMonth' as const, day })),
  shortMonths: 'clamp',
});

export const PAYCYCLES: Readonly<Record<string, Cadence>> = {
  dly: cycle('day', 1),
  '1wk': cycle('week', 1),
  '2wk': cycle('week', 2),
  '116': cycle('month', 1, [1, 16]),
  '4wk': cycle('week', 4),
  '8wk': cycle('week', 8),
  '30d': cycle('day', 30),
  mon: cycle('month', 1),
  '2mn': cycle('month', 2),
  '12w': cycle('week', 12),
  qtr: cycle('month', 3),
  six: cycle('month', 6),
  yrl: cycle('year', 1),
  '2yr': cycle('year', 2),
  '3yr': cycle('year', 3),
  '4yr': cycle('year', 4),
  '5yr': cycle('year', 5),
  '10y': cycle('year', 10),
};

export const EVERY = 'evy';

export const isPaycycle = (code: unknown): code is string => typeof code === 'string' && Object.hasOwn(PAYCYCLES, code);

/** The code of a cadence (anchors beyond 116's are not ChargeOver's: the unit and interval decide); null when none fits. */
export function paycycleOf(cadence: Pick<Schedule, 'unit' | 'interval' | 'anchors'>): string | null {
  const twice = cadence.unit === 'month' && cadence.interval === 1 && cadence.anchors.length === 2;
  if (twice) return '116';
  for (const [code, c] of Object.entries(PAYCYCLES)) if (code !== '116' && c.unit === cadence.unit && c.interval === cadence.interval) return code;
  return null;
}

/** The core `cadence` filter values ("unit:interval:anchors") a code matches (where=paycycle:…). */
export function cadenceKeys(code: string): string[] {
  const c = PAYCYCLES[code];
  if (!c) return [];
  if (code === '116') return ['month:1:2'];
  const anchors = c.unit === 'day' ? [0] : c.unit === 'month' ? [0, 1] : [0, 1];
  return anchors.map((n) => `${c.unit}:${c.interval}:${n}`);
}
