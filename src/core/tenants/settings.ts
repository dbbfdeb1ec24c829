// Small per-tenant settings kept in the tenant row's JSON `settings` column under a name of their
// own: a door's configuration values (ChargeOver `_config`) and the tenant's exchange rates. Each
// change reads the row under lock and writes it back in one transaction, so two changes to
// different names (or to one) never lose each other.
import { forUpdate } from '../db.ts';
import { invalid } from '../errors/domain-error.ts';
import type { TenantContext } from '../context.ts';
import { inWork } from '../work.ts';

type Settings = Record<string, unknown>;

/** The tenant's settings object of that name ({} when unset), read fresh. */
export async function tenantSetting<T extends Settings>(ctx: TenantContext, name: string): Promise<T> {
  const row = await ctx.db.selectFrom('tenants').select('settings').where('id', '=', ctx.tenant.id).executeTakeFirstOrThrow();
  const all = JSON.parse(row.settings || '{}') as Settings;
  const value = all[name];
  return (value && typeof value === 'object' && !Array.isArray(value) ? value : {}) as T;
}

/** Merges `patch` into the settings object of that name; returns the merged object. */
export async function mergeTenantSetting<T extends Settings>(ctx: TenantContext, name: string, patch: Partial<T>): Promise<T> {
  return inWork(ctx, async (ctx) => {
    const row = await forUpdate(ctx.db.selectFrom('tenants').select('settings').where('id', '=', ctx.tenant.id), ctx.dialect).executeTakeFirstOrThrow();
    const all = JSON.parse(row.settings || '{}') as Settings;
    const current = all[name] && typeof all[name] === 'object' ? (all[name] as Settings) : {};
    const merged = { ...current, ...patch } as T;
    await ctx.db
      .updateTable('tenants')
      .set({ settings: JSON.stringify({ ...all, [name]: merged }) })
      .where('id', '=', ctx.tenant.id)
      .execute();
    return merged;
  });
}

const CONFIG_KEY = /^[a-z0-9_]{1,64}$/;

/** A door's configuration values (key → string, number or boolean), per tenant. */
export async function doorConfig(ctx: TenantContext, vendor: string): Promise<Record<string, string | number | boolean>> {
  return tenantSetting(ctx, `config.${vendor}`);
}

/** Stores a door's configuration values; keys are [a-z0-9_]{1,64}, values scalars (else a refusal naming the key). */
export async function setDoorConfig(ctx: TenantContext, vendor: string, values: Record<string, unknown>): Promise<Record<string, string | number | boolean>> {
  for (const [key, value] of Object.entries(values)) {
    if (!CONFIG_KEY.test(key)) throw invalid(`Invalid setting name ${key}`, key);
    if (typeof value !== 'string' && typeof value !== 'boolean' && !(typeof value === 'number' && Number.isFinite(value))) throw invalid(`Setting ${key} must be a string, number or boolean`, key);
  }
  return mergeTenantSetting(ctx, `config.${vendor}`, values as Record<string, string | number | boolean>);
}
