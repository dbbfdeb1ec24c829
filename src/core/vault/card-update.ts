// Replacing a stored card's number or expiry in place (FluidPay's payment-method update keeps the
// token id). The number is encrypted again and its brand, first6/last4 and fingerprint recomputed.
import type { PaymentMethodRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { invalid, notFound } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { cleanCardNumber, detectBrand } from '../processor/cards.ts';
import { consumeToken, publicView } from './vault.ts';
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

export interface BankChanges {
  routingNumber?: string;
  accountNumber?: string;
  accountType?: string;
  vendor?: string;
  vendorData?: Record<string, unknown>;
}

/** Replacing a stored bank account's numbers or type in place (FluidPay's vault `/ach/{id}` update). */
export async function updateBank(ctx: TenantContext, id: number, changes: BankChanges): Promise<PaymentMethodRow> {
  if (changes.routingNumber !== undefined && !/^\d{9}$/.test(changes.routingNumber)) throw invalid('Routing number is invalid', 'routing_number');
  if (changes.accountNumber !== undefined && !/^\d{4,17}$/.test(changes.accountNumber)) throw invalid('Account number is invalid', 'account_number');
  if (changes.accountType !== undefined && changes.accountType !== 'checking' && changes.accountType !== 'savings') throw invalid('Account type is invalid', 'account_type');
  return inWork(ctx, async (ctx) => {
    const row = await ctx.db.selectFrom('payment_methods').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', id).where('status', '=', 'active').executeTakeFirst();
    if (!row || row.kind !== 'bank') throw notFound('payment method', id);
    const routing = changes.routingNumber ?? row.routing_number ?? '';
    const set: Partial<PaymentMethodRow> = {};
    if (changes.routingNumber !== undefined) set.routing_number = changes.routingNumber;
    if (changes.accountNumber !== undefined)
      Object.assign(set, {
        last4: changes.accountNumber.slice(-4),
        secret_enc: ctx.secrets.encrypt(changes.accountNumber),
        fingerprint: ctx.secrets.fingerprint(`${routing}:${changes.accountNumber}`),
      });
    else if (changes.routingNumber !== undefined) set.fingerprint = ctx.secrets.fingerprint(`${routing}:${ctx.secrets.decrypt(row.secret_enc)}`);
    if (changes.accountType !== undefined) set.account_type = changes.accountType;
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

/** Replacing a stored method's card or bank account with the one a new one-time token holds (the method keeps its id). */
export async function updateFromToken(ctx: TenantContext, id: number, token: string, vendorPatch?: { vendor: string; fields: Record<string, unknown> }): Promise<PaymentMethodRow> {
  return inWork(ctx, async (ctx) => {
    const row = await ctx.db.selectFrom('payment_methods').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', id).where('status', '=', 'active').executeTakeFirst();
    if (!row) throw notFound('payment method', id);
    const { method } = await consumeToken(ctx, token);
    const all = JSON.parse(row.vendor_data) as Record<string, Record<string, unknown>>;
    if (vendorPatch) all[vendorPatch.vendor] = { ...(all[vendorPatch.vendor] ?? {}), ...vendorPatch.fields };
    const updated = await ctx.db
      .updateTable('payment_methods')
      .set({
        kind: method.kind,
        brand: method.brand,
        first6: method.first6,
        last4: method.last4,
        exp_month: method.exp_month,
        exp_year: method.exp_year,
        fingerprint: method.fingerprint,
        secret_enc: method.secret_enc,
        routing_number: method.routing_number,
        account_type: method.account_type,
        holder_type: method.holder_type,
        holder_name: method.holder_name,
        vendor_data: JSON.stringify(all),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordEvent(ctx, 'payment_method.updated', 'payment_method', id, publicView(updated));
    return updated;
  });
}
