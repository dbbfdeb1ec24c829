// A door's own settings for a tenant (ChargeDesk's webhooks, agents, tax table), kept in the
// tenant's settings under the door's name. Changes run under the tenant row's lock, so two writers
// do not lose each other's change; `change` may refuse (a DomainError) and then nothing is written.
import type { Tenant } from '../database.ts';
import { forUpdate, inTransaction } from '../db.ts';
import type { TenantContext } from '../context.ts';

type Settings = Record<string, unknown> & { doors?: Record<string, Record<string, unknown>> };

export function doorSettings(tenant: Pick<Tenant, 'settings'>, vendor: string): Record<string, unknown> {
  const settings = JSON.parse(tenant.settings) as Settings;
  return settings.doors?.[vendor] ?? {};
}

/** Reads the door's settings under lock, applies `change`, stores the result and returns it with the change's answer. */
export async function changeDoorSettings<T>(ctx: TenantContext, vendor: string, change: (current: Record<string, unknown>) => { next: Record<string, unknown>; result: T }): Promise<T> {
  return inTransaction(ctx.db, async (tx) => {
    const row = await forUpdate(tx.selectFrom('tenants').select(['settings']).where('id', '=', ctx.tenant.id), ctx.dialect).executeTakeFirstOrThrow();
    const settings = JSON.parse(row.settings) as Settings;
    const { next, result } = change(settings.doors?.[vendor] ?? {});
    settings.doors = { ...(settings.doors ?? {}), [vendor]: next };
    await tx
      .updateTable('tenants')
      .set({ settings: JSON.stringify(settings) })
      .where('id', '=', ctx.tenant.id)
      .execute();
    return result;
  });
}
