// Payment methods that live at another gateway and are known here only by that gateway's token
// (ChargeOver's /tokenized: a Stripe customer or card id). Kept encrypted; not chargeable through
// the simulated processor.
import type { PaymentMethodRow } from '../database.ts';
import { modeOf, type TenantContext } from '../context.ts';
import { randomAlnum } from '../crypto/secrets.ts';
import { invalid } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { PaymentMethodStatus, publicView } from './vault.ts';
import { inWork } from '../work.ts';
import { setRefs, type RefChange } from '../refs/refs.ts';

export interface GatewayTokenInput {
  customerId: number;
  /** customer | card, as the gateway names it. */
  tokenType: string;
  token: string;
  refs?: RefChange[];
  vendorData?: Record<string, unknown>;
}

export async function storeGatewayToken(ctx: TenantContext, input: GatewayTokenInput): Promise<PaymentMethodRow> {
  if (!input.token || !input.token.trim()) throw invalid('A gateway token is required', 'token');
  return inWork(ctx, async (ctx) => {
    const row = await ctx.db
      .insertInto('payment_methods')
      .values({
        tenant_id: ctx.tenant.id,
        customer_id: input.customerId,
        kind: 'tokenized',
        status: PaymentMethodStatus.ACTIVE,
        holder_name: null,
        billing_address: '{}',
        brand: input.tokenType,
        first6: null,
        last4: input.token.slice(-4),
        exp_month: null,
        exp_year: null,
        fingerprint: ctx.secrets.fingerprint(`token:${input.token}`),
        secret_enc: ctx.secrets.encrypt(input.token),
        routing_number: null,
        account_type: null,
        holder_type: null,
        token: randomAlnum(16),
        vendor_data: JSON.stringify(input.vendorData ?? {}),
        mode: modeOf(ctx),
        created_at: ctx.clock.now(),
        deleted_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await setRefs(ctx, 'payment_method', row.id, input.refs);
    await recordEvent(ctx, 'payment_method.created', 'payment_method', row.id, publicView(row));
    return row;
  });
}

export function revealGatewayToken(ctx: TenantContext, method: PaymentMethodRow): string {
  return ctx.secrets.decrypt(method.secret_enc);
}
