// A tenant's settings for time-driven work: its time zone (bill dates, retry days and settlement
// cut-offs are days and times there; UTC by default), the dunning ladder (days after a failed
// renewal on which it is retried; 1, 3, 5 by default, as ChargeDesk's document describes) and what
// happens after its last step (cancel, or mark unpaid), and how long an uncaptured authorization
// holds before it is released (none by default; a door or a payment may set its own window).
import type { Tenant } from '../database.ts';
import type { CoreServices } from '../context.ts';
import { invalid } from '../errors/domain-error.ts';
import { isTimeZone } from '../clock/zone.ts';

export const DUNNING_FINAL = ['cancel', 'unpaid'] as const;
export type DunningFinal = (typeof DUNNING_FINAL)[number];

export interface RecurringSettings {
  timezone: string;
  /** Days after the failed renewal's date, ascending. Empty: no retries. */
  dunningDays: number[];
  dunningFinal: DunningFinal;
  /** Days an authorization holds before it is voided; null: until captured or voided. */
  authorizationExpiryDays: number | null;
  /** HH:MM in the tenant's zone. */
  settlementCutoff: string;
  /** Days ahead a coming payment or trial end is noticed, and a payment request reminded (0: never). */
  noticeDays: number;
}

interface StoredSettings {
  recurring?: { dunning_days?: number[]; dunning_final?: DunningFinal; authorization_expiry_days?: number | null; notice_days?: number };
  [key: string]: unknown;
}

export const DEFAULT_DUNNING_DAYS = [1, 3, 5];
/** ChargeDesk's "X days" (its spec's resolution: 3). */
export const DEFAULT_NOTICE_DAYS = 3;

function stored(tenant: Pick<Tenant, 'settings'>): StoredSettings {
  try {
    return JSON.parse(tenant.settings || '{}') as StoredSettings;
  } catch {
    return {};
  }
}

export function recurringSettings(tenant: Pick<Tenant, 'settings' | 'timezone' | 'settlement_cutoff'>): RecurringSettings {
  const r = stored(tenant).recurring ?? {};
  return {
    timezone: tenant.timezone || 'UTC',
    dunningDays: r.dunning_days ?? DEFAULT_DUNNING_DAYS,
    dunningFinal: r.dunning_final ?? 'cancel',
    authorizationExpiryDays: r.authorization_expiry_days ?? null,
    settlementCutoff: tenant.settlement_cutoff || '00:00',
    noticeDays: r.notice_days ?? DEFAULT_NOTICE_DAYS,
  };
}

export interface RecurringSettingsChange {
  timezone?: unknown;
  dunningDays?: unknown;
  dunningFinal?: unknown;
  authorizationExpiryDays?: unknown;
  settlementCutoff?: unknown;
  noticeDays?: unknown;
}

/** Checks and stores the settings given; the others keep their values. Returns the tenant as stored. */
export async function setRecurringSettings(services: CoreServices, tenant: Tenant, change: RecurringSettingsChange): Promise<Tenant> {
  const all = stored(tenant);
  const recurring = { ...(all.recurring ?? {}) };
  const columns: Partial<Pick<Tenant, 'timezone' | 'settlement_cutoff'>> = {};
  if (change.timezone !== undefined) {
    if (!isTimeZone(change.timezone)) throw invalid('timezone must be an IANA time zone name such as UTC or America/New_York', 'timezone');
    columns.timezone = change.timezone;
  }
  if (change.dunningDays !== undefined) {
    const days = change.dunningDays;
    if (!Array.isArray(days) || days.length > 20 || days.some((d) => !Number.isSafeInteger(d) || d < 1 || d > 365)) {
      throw invalid('dunning_days must be a list of whole days from 1 to 365', 'dunning_days');
    }
    for (let i = 1; i < days.length; i++) if (days[i] <= days[i - 1]) throw invalid('dunning_days must be ascending', 'dunning_days');
    recurring.dunning_days = days as number[];
  }
  if (change.dunningFinal !== undefined) {
    if (!(DUNNING_FINAL as readonly unknown[]).includes(change.dunningFinal)) throw invalid(`dunning_final must be one of ${DUNNING_FINAL.join(', ')}`, 'dunning_final');
    recurring.dunning_final = change.dunningFinal as DunningFinal;
  }
  if (change.authorizationExpiryDays !== undefined) {
    const days = change.authorizationExpiryDays;
    if (days !== null && (!Number.isSafeInteger(days) || (days as number) < 1 || (days as number) > 365)) {
      throw invalid('authorization_expiry_days must be a whole number of days from 1 to 365, or null', 'authorization_expiry_days');
    }
    recurring.authorization_expiry_days = days as number | null;
  }
  if (change.noticeDays !== undefined) {
    const days = change.noticeDays;
    if (!Number.isSafeInteger(days) || (days as number) < 0 || (days as number) > 365) throw invalid('notice_days must be a whole number of days from 0 to 365', 'notice_days');
    recurring.notice_days = days as number;
  }
  if (change.settlementCutoff !== undefined) {
    if (typeof change.settlementCutoff !== 'string' || !/^([01]\d|2[0-3]):[0-5]\d$/.test(change.settlementCutoff)) throw invalid('settlement_cutoff must be HH:MM', 'settlement_cutoff');
    columns.settlement_cutoff = change.settlementCutoff;
  }
  return services.db
    .updateTable('tenants')
    .set({ ...columns, settings: JSON.stringify({ ...all, recurring }) })
    .where('id', '=', tenant.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
