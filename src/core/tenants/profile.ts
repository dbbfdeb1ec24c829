// A merchant's profile as its doors show it: the tenant's name, and each door's own fields about
// the merchant (AffiniPay's contact details, address, allowed IP ranges) in that door's namespace
// of the tenant's settings, merged, never replacing another door's; and the webhook endpoints a
// door takes as URL lists (AffiniPay's event URLs), changed in the same transaction.
import type { Tenant } from '../database.ts';
import { forUpdate } from '../db.ts';
import type { TenantContext } from '../context.ts';
import { invalid } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { mergeVendorData, parseVendorData } from '../vendor-data.ts';
import { inWork } from '../work.ts';
import { setEndpointUrls } from '../webhooks/endpoints.ts';

interface Settings {
  vendor_data?: string;
}

/** A door's fields about the merchant (its namespace of the tenant's settings). */
export function merchantFields(tenant: Pick<Tenant, 'settings'>, vendor: string): Record<string, unknown> {
  const settings = JSON.parse(tenant.settings || '{}') as Settings;
  return parseVendorData(settings.vendor_data)[vendor] ?? {};
}

export interface ProfileChange {
  name?: string;
  vendor: string;
  fields: Record<string, unknown>;
  /** Webhook endpoints given as URL lists per mode (AffiniPay's test and live event URLs), made exactly these. */
  endpoints?: { format: string; lists: Array<{ mode: 'test' | 'live'; urls: string[] }> };
}

/** Renames the merchant and/or merges a door's fields about it; returns the tenant as now stored. */
export async function updateMerchantProfile(ctx: TenantContext, change: ProfileChange): Promise<Tenant> {
  if (change.name !== undefined && !change.name.trim()) throw invalid('name is required', 'name');
  return inWork(ctx, async (ctx) => {
    const tenant = await forUpdate(ctx.db.selectFrom('tenants').selectAll().where('id', '=', ctx.tenant.id), ctx.dialect).executeTakeFirstOrThrow();
    const settings = JSON.parse(tenant.settings || '{}') as Settings & Record<string, unknown>;
    settings.vendor_data = mergeVendorData(settings.vendor_data, change.vendor, change.fields);
    const updated = await ctx.db
      .updateTable('tenants')
      .set({ settings: JSON.stringify(settings), ...(change.name !== undefined ? { name: change.name } : {}) })
      .where('id', '=', tenant.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    for (const list of change.endpoints?.lists ?? []) await setEndpointUrls(ctx, change.endpoints!.format, list.mode, list.urls);
    await recordEvent(ctx, 'merchant.updated', 'merchant', tenant.id, { name: updated.name, vendor: change.vendor, fields: change.fields });
    return updated;
  });
}
