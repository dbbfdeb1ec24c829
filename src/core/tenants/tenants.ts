import { inTransaction } from '../db.ts';
import type { Tenant } from '../database.ts';
import type { CoreServices, TenantContext } from '../context.ts';
import { systemTime, tenantClock } from '../clock/clock.ts';
import { DomainError, ErrorCode, invalid, notFound } from '../errors/domain-error.ts';

export interface FaultKnobs {
  /** Milliseconds the simulated processor waits before answering. */
  latency_ms?: number;
  /** Every processor call declines with this reason (e.g. "declined", "insufficient_funds"). */
  force_decline?: string | null;
  /** Every processor call fails as if the processor were unreachable. */
  processor_error?: boolean;
  /** The processor's answer to a charge is lost: the payment is `unknown` until inquired about. */
  ambiguous_outcome?: boolean;
  /**
   * Test hook for crash tests: the server process kills itself after a keyed write commits and
   * before it answers. Honoured only when BURSAR_ENABLE_CRASH_FAULT=1 is set for the process.
   */
  crash_after_commit?: boolean;
}

export interface CreateTenantInput {
  name: string;
  slug?: string;
  isTest?: boolean;
  isDemo?: boolean;
}

export async function createTenant(services: CoreServices, input: CreateTenantInput): Promise<Tenant> {
  const name = input.name.trim();
  if (!name) throw invalid('tenant name is required', 'name');
  const slug =
    (input.slug ?? name)
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'tenant';
  try {
    return await services.db
      .insertInto('tenants')
      .values({
        name,
        slug,
        is_test: input.isTest === false ? 0 : 1,
        is_demo: input.isDemo ? 1 : 0,
        clock_offset_ms: 0,
        clock_frozen_at: null,
        timezone: 'UTC',
        settlement_cutoff: '00:00',
        last_settlement_at: null,
        txn_seq: 0,
        faults: '{}',
        settings: '{}',
        created_at: systemTime(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch {
    throw new DomainError(ErrorCode.CONFLICT, `a tenant with slug ${slug} already exists`, { field: 'slug' });
  }
}

export async function getTenant(services: CoreServices, idOrSlug: number | string): Promise<Tenant> {
  const query = services.db.selectFrom('tenants').selectAll();
  const row = typeof idOrSlug === 'number' || /^\d+$/.test(idOrSlug) ? await query.where('id', '=', Number(idOrSlug)).executeTakeFirst() : await query.where('slug', '=', idOrSlug).executeTakeFirst();
  if (!row) throw notFound('tenant', idOrSlug);
  return row;
}

export async function listTenants(services: CoreServices): Promise<Tenant[]> {
  return services.db.selectFrom('tenants').selectAll().orderBy('id').execute();
}

export function contextFor(services: CoreServices, tenant: Tenant): TenantContext {
  return { ...services, tenant, clock: tenantClock(tenant) };
}

export function faultsOf(tenant: Tenant): FaultKnobs {
  return JSON.parse(tenant.faults) as FaultKnobs;
}

export async function setFaults(services: CoreServices, tenant: Tenant, faults: FaultKnobs): Promise<Tenant> {
  const clean: FaultKnobs = {};
  if (faults.latency_ms !== undefined) {
    if (!Number.isInteger(faults.latency_ms) || faults.latency_ms < 0 || faults.latency_ms > 60_000) {
      throw invalid('latency_ms must be an integer from 0 to 60000', 'latency_ms');
    }
    clean.latency_ms = faults.latency_ms;
  }
  if (faults.force_decline !== undefined && faults.force_decline !== null) {
    if (typeof faults.force_decline !== 'string') throw invalid('force_decline must be a decline reason', 'force_decline');
    clean.force_decline = faults.force_decline;
  }
  for (const flag of ['processor_error', 'ambiguous_outcome', 'crash_after_commit'] as const) {
    if (faults[flag] === undefined) continue;
    if (typeof faults[flag] !== 'boolean') throw invalid(`${flag} must be true or false`, flag);
    if (faults[flag]) clean[flag] = true;
  }
  return services.db
    .updateTable('tenants')
    .set({ faults: JSON.stringify(clean) })
    .where('id', '=', tenant.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

// Children before parents, so foreign keys hold while a test tenant's data is wiped.
const TENANT_TABLES = [
  'due_notices',
  'notes',
  'webhook_endpoints',
  'contact_logins',
  'scheduled_payments',
  'payment_attempts',
  'ledger_lines',
  'ledger_entries',
  'webhook_attempts',
  'webhook_deliveries',
  'events',
  'allocations',
  'invoice_lines',
  'invoices',
  'transactions',
  'settlement_batches',
  'payment_tokens',
  'payment_methods',
  'subscription_usage',
  'subscription_lines',
  'renewals',
  'subscriptions',
  'addresses',
  'contacts',
  'customers',
  'catalog_items',
  'outbox',
  'documents',
] as const;

/** Wipes a test tenant's data and clock; its credentials stay. Live tenants cannot be reset. */
export async function resetTenant(services: CoreServices, tenant: Tenant): Promise<Tenant> {
  if (!tenant.is_test) throw new DomainError(ErrorCode.ILLEGAL_TRANSITION, 'only a test tenant can be reset');
  return inTransaction(services.db, async (tx) => {
    await tx.updateTable('transactions').set({ parent_id: null }).where('tenant_id', '=', tenant.id).execute();
    await tx.updateTable('customers').set({ parent_id: null }).where('tenant_id', '=', tenant.id).execute();
    for (const table of TENANT_TABLES) {
      await tx.deleteFrom(table).where('tenant_id', '=', tenant.id).execute();
    }
    return tx
      .updateTable('tenants')
      .set({ clock_offset_ms: 0, clock_frozen_at: null, last_settlement_at: null, txn_seq: 0, faults: '{}' })
      .where('id', '=', tenant.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

interface TenantSettings {
  /** Requests a minute per credential, per front door, overriding the vendor's own limit; 0 = no limit. */
  rate_limits?: Record<string, number>;
}

function settingsOf(tenant: Tenant): TenantSettings {
  return JSON.parse(tenant.settings) as TenantSettings;
}

/** The tenant's own rate limit for a front door, if it set one (load tests, generous sandboxes). */
export function rateLimitOverride(tenant: Tenant, vendor: string): number | undefined {
  return settingsOf(tenant).rate_limits?.[vendor];
}

export async function setRateLimit(services: CoreServices, tenant: Tenant, vendor: string, perMinute: number | null): Promise<Tenant> {
  if (perMinute !== null && (!Number.isSafeInteger(perMinute) || perMinute < 0)) throw invalid('a rate limit is a non-negative whole number of requests a minute (0 = none)', vendor);
  const settings = settingsOf(tenant);
  const limits = { ...(settings.rate_limits ?? {}) };
  if (perMinute === null) delete limits[vendor];
  else limits[vendor] = perMinute;
  return services.db
    .updateTable('tenants')
    .set({ settings: JSON.stringify({ ...settings, rate_limits: limits }) })
    .where('id', '=', tenant.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
