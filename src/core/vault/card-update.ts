// Replacing a stored card's number or expiry in place (FluidPay's payment-method update keeps the
// token id). The number is encrypted again and its brand, first6/last4 and fingerprint recomputed.
import type { PaymentMethodRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { invalid, notFound } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { cleanCardNumber, detectBrand } from '../processor/cards.ts';
import { publicView } from './vault.ts';
import { inWork } from '../work.ts';

export interface CardChanges {
  number?: string;
  expMonth?: number;
  expYear?: number;
  vendor?: string;
  vendorData?: Record<string, unknown>;
}

export async function updateCard(ctx: TenantContext, id: number, changes: CardChanges): Promise<PaymentMethodRow> {
  return inWork(ctx, async (ctx) => {
    const row = await ctx.db.selectFrom('payment_methods').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', id).where('status', '=', 'active').executeTakeFirst();
    if (!row || row.kind !== 'card') throw notFound('payment method', id);
    const set: Partial<PaymentMethodRow> = {};
    if (changes.number !== undefined) {
      const number = cleanCardNumber(changes.number);
      if (!/^\d{12,19}$/.test(number)) throw invalid('Card number length is invalid', 'number');
      Object.assign(set, { brand: detectBrand(number), first6: number.slice(0, 6), last4: number.slice(-4), fingerprint: ctx.secrets.fingerprint(number), secret_enc: ctx.secrets.encrypt(number) });
    }
    if (changes.expMonth !== undefined) set.exp_month = changes.expMonth;
    if (changes.expYear !== undefined) set.exp_year = changes.expYear;
    if (changes.vendor && changes.vendorData) {
      const all = JSON.parse(row.vendor_data) as Record<string, Record<string, unknown>>;
      all[changes.vendor] = { ...(all[changes.vendor] ?? {}), ...changes.vendorData };
      set.vendor_data = JSON.stringify(all);
    }
    const updated = Object.keys(set).length ? await ctx.db.updateTable('payment_methods').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow() : row;
    await recordEvent(ctx, 'payment_method.updated', 'payment_method', id, publicView(updated));
    return updated;
  });
}
