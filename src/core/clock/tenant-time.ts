// A tenant's calendar: today on its clock and the start of its days, in its time zone.
import type { Tenant } from '../database.ts';
import { localDate, startOfDay } from './zone.ts';

type WithTenant = { tenant: Pick<Tenant, 'timezone'>; clock: { now(): number } };

export const zoneOf = (ctx: { tenant: Pick<Tenant, 'timezone'> }): string => ctx.tenant.timezone || 'UTC';

/** YYYY-MM-DD on the tenant's clock, in its zone. */
export function tenantToday(ctx: WithTenant): string {
  return localDate(ctx.clock.now(), zoneOf(ctx));
}

/** YYYY-MM-DD of an instant in the tenant's zone. */
export function tenantDate(ctx: { tenant: Pick<Tenant, 'timezone'> }, ms: number): string {
  return localDate(ms, zoneOf(ctx));
}

/** The first instant of a day in the tenant's zone. */
export function dayStart(ctx: { tenant: Pick<Tenant, 'timezone'> }, date: string): number {
  return startOfDay(date, zoneOf(ctx));
}
