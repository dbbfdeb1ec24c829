// Every tenant has its own clock: real time by default; a test tenant's clock can be frozen, set or
// advanced (forward only). Domain code asks the tenant's clock, never Date.now().
import type { Tenant } from '../database.ts';

/** The one source of real time; everything else derives from a tenant clock. */
export const systemTime = (): number => Date.now();

export interface Clock {
  now(): number;
}

export function tenantClock(tenant: Pick<Tenant, 'clock_offset_ms' | 'clock_frozen_at'>): Clock {
  const frozen = tenant.clock_frozen_at;
  const offset = Number(tenant.clock_offset_ms);
  return { now: () => (frozen === null ? systemTime() + offset : Number(frozen)) };
}

/** YYYY-MM-DD of an instant, in UTC (tenant timezones beyond UTC come with the recurring engine). */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  const ms = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return isoDate(ms);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function isIsoDate(text: unknown): text is string {
  return typeof text === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`));
}
