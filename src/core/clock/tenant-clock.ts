// Moving a tenant's clock. Time only moves forward; when it moves, every job that fell due in
// between (settlement cut-offs, and later renewals and expiries) runs before the call returns.
import type { Tenant } from '../database.ts';
import type { CoreServices } from '../context.ts';
import { DomainError, ErrorCode, invalid } from '../errors/domain-error.ts';
import { runDueWork, type DueWorkReport } from '../jobs/runner.ts';
import { systemTime, tenantClock } from './clock.ts';

export interface ClockState {
  now: number;
  iso: string;
  frozen: boolean;
  offset_ms: number;
}

export function clockState(tenant: Tenant): ClockState {
  const now = tenantClock(tenant).now();
  return { now, iso: new Date(now).toISOString(), frozen: tenant.clock_frozen_at !== null, offset_ms: Number(tenant.clock_offset_ms) };
}

export interface SetClockInput {
  /** Target instant (ms or ISO 8601). */
  to: number | string;
  /** Freeze the clock at the target instead of letting it run on from there. */
  freeze?: boolean;
}

function toInstant(value: number | string): number {
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) throw invalid(`not a time: ${String(value)}`, 'to');
  return ms;
}

/** A clock that moved, and what fell due on the way (counts per kind of due work). */
export interface ClockMove {
  tenant: Tenant;
  ran: DueWorkReport['ran'];
}

async function moveTo(services: CoreServices, tenant: Tenant, target: number, freeze: boolean): Promise<ClockMove> {
  if (!tenant.is_test) throw new DomainError(ErrorCode.ILLEGAL_TRANSITION, 'only a test tenant’s clock can be moved');
  const current = tenantClock(tenant).now();
  if (target < current) {
    throw new DomainError(ErrorCode.ILLEGAL_TRANSITION, `the clock only moves forward (now ${new Date(current).toISOString()})`, { field: 'to' });
  }
  const updated = await services.db
    .updateTable('tenants')
    .set(freeze ? { clock_frozen_at: target, clock_offset_ms: 0 } : { clock_frozen_at: null, clock_offset_ms: target - systemTime() })
    .where('id', '=', tenant.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  // Everything due between the old time and the new runs now, each item as of its own moment.
  const report = await runDueWork(services, updated, { until: target });
  return { tenant: await services.db.selectFrom('tenants').selectAll().where('id', '=', tenant.id).executeTakeFirstOrThrow(), ran: report.ran };
}

export async function setClock(services: CoreServices, tenant: Tenant, input: SetClockInput): Promise<Tenant> {
  return (await moveClockTo(services, tenant, input)).tenant;
}

export async function advanceClock(services: CoreServices, tenant: Tenant, ms: number): Promise<Tenant> {
  return (await moveClockBy(services, tenant, ms)).tenant;
}

/** setClock, with what ran on the way. */
export async function moveClockTo(services: CoreServices, tenant: Tenant, input: SetClockInput): Promise<ClockMove> {
  return moveTo(services, tenant, toInstant(input.to), input.freeze ?? tenant.clock_frozen_at !== null);
}

/** advanceClock, with what ran on the way. */
export async function moveClockBy(services: CoreServices, tenant: Tenant, ms: number): Promise<ClockMove> {
  if (!Number.isSafeInteger(ms) || ms < 0) throw invalid('advance by a non-negative number of milliseconds', 'ms');
  return moveTo(services, tenant, tenantClock(tenant).now() + ms, tenant.clock_frozen_at !== null);
}

/** Parses "90s", "15m", "2h", "3d", "1w" or plain milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d|w)?$/.exec(text.trim());
  if (!match) throw invalid(`not a duration: ${text} (use e.g. 90s, 15m, 2h, 3d)`, 'by');
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[match[2] ?? 'ms'] as number;
  return Number(match[1]) * unit;
}
