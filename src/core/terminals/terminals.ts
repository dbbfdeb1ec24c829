// Card-present terminals. There is no API to register one, so every merchant gets simulated
// devices on first use (an active Dejavoo Z11 and an inactive Z8); a terminal sale "reads" the
// simulated device's test card.
import type { TerminalRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { notFound } from '../errors/domain-error.ts';

/** The Mastercard test card the simulated device reads (Luhn-valid, 5424…3333 as in the vendor's sample). */
export const TERMINAL_TEST_CARD = { number: '5424000000093333', expMonth: 12, expYear: 2049, holderName: 'FDCS TEST CARD /MASTERCARD' };

const SEED = [
  { model: 'z11', serial_number: '18110000001', description: 'front counter z11', status: 'active', register_id: '1' },
  { model: 'z8', serial_number: '18110000002', description: 'back office z8', status: 'inactive', register_id: '2' },
];

async function ensureSeeded(ctx: TenantContext): Promise<void> {
  const existing = await ctx.db.selectFrom('terminals').select('id').where('tenant_id', '=', ctx.tenant.id).executeTakeFirst();
  if (existing) return;
  const now = ctx.clock.now();
  await ctx.db
    .insertInto('terminals')
    .values(
      SEED.map((t, i) => ({
        tenant_id: ctx.tenant.id,
        manufacturer: 'dejavoo',
        model: t.model,
        serial_number: t.serial_number,
        tpn: t.serial_number,
        description: t.description,
        status: t.status,
        auth_key: `sim${String(ctx.tenant.id).padStart(4, '0')}${i}`,
        register_id: t.register_id,
        auto_settle: 1,
        settle_at: '00:00:00',
        created_at: now,
        updated_at: null,
      })),
    )
    .onConflict((oc) => oc.columns(['tenant_id', 'serial_number']).doNothing())
    .execute();
}

export async function listTerminals(ctx: TenantContext): Promise<TerminalRow[]> {
  await ensureSeeded(ctx);
  return ctx.db.selectFrom('terminals').selectAll().where('tenant_id', '=', ctx.tenant.id).orderBy('id').execute();
}

export async function getTerminal(ctx: TenantContext, id: number): Promise<TerminalRow> {
  await ensureSeeded(ctx);
  const row = await ctx.db.selectFrom('terminals').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('terminal', id);
  return row;
}
