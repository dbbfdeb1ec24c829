// Keeping a card or bank account on a customer: one that backed a one-off charge or a one-time
// token (a transient method) becomes the customer's own active method, and optionally its default.
// Doors ask for it with their own words (Invoiced's vault_method / make_default, a payment source
// made from a token); the rule of what "kept" means lives here once.
import type { PaymentMethodRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { DomainError, ErrorCode, notFound } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { setCustomerDefaults, getCustomer } from '../customers/customers.ts';
import { inWork, type TxContext } from '../work.ts';
import { consumeToken, PaymentMethodStatus, publicView, storeBank, storeCard, type BankInput, type CardInput } from './vault.ts';

export interface KeepOptions {
  /** Point the customer's default payment method at it. */
  makeDefault?: boolean;
}

export interface VaultOptions extends KeepOptions {
  /** The kind the caller says it is saving: another kind is refused (reason method_kind_mismatch). */
  expectKind?: 'card' | 'bank';
}

/**
 * Inside the caller's transaction: the method becomes the customer's active method (a method of
 * another customer is refused, reason `not_owned`). A customer without a default gets this one, as
 * with any first card; `makeDefault` points the default at it in any case.
 */
export async function keepMethodWithin(ctx: TxContext, methodId: number, customerId: number, options: KeepOptions = {}): Promise<PaymentMethodRow> {
  const method = await ctx.db.selectFrom('payment_methods').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', methodId).executeTakeFirst();
  if (!method || method.status === PaymentMethodStatus.DELETED) throw notFound('payment method', methodId);
  if (method.customer_id !== null && method.customer_id !== customerId) {
    throw new DomainError(ErrorCode.PAYMENT_METHOD_UNUSABLE, `Payment method ${methodId} belongs to another customer`, { details: { reason: 'not_owned', method_id: methodId } });
  }
  let kept = method;
  if (method.status !== PaymentMethodStatus.ACTIVE || method.customer_id === null) {
    kept = await ctx.db.updateTable('payment_methods').set({ status: PaymentMethodStatus.ACTIVE, customer_id: customerId }).where('id', '=', methodId).returningAll().executeTakeFirstOrThrow();
    await recordEvent(ctx, 'payment_method.created', 'payment_method', kept.id, publicView(kept));
  }
  const customer = await ctx.db.selectFrom('customers').select('default_payment_method_id').where('id', '=', customerId).executeTakeFirstOrThrow();
  if (options.makeDefault || customer.default_payment_method_id === null) await setCustomerDefaults(ctx, customerId, { paymentMethodId: kept.id });
  return kept;
}

export type KeepSource = { token: string } | { card: CardInput } | { bank: BankInput };

/** Saves a card or bank account (given, or behind a one-time token) on a customer, in one transaction. */
export async function vaultMethod(ctx: TenantContext, customerId: number, source: KeepSource, options: VaultOptions = {}): Promise<PaymentMethodRow> {
  await getCustomer(ctx, customerId);
  return inWork(ctx, async (ctx) => {
    const method =
      'token' in source
        ? (await consumeToken(ctx, source.token)).method
        : 'card' in source
          ? await storeCard(ctx, source.card, { customerId, transient: true })
          : await storeBank(ctx, source.bank, { customerId, transient: true });
    if (options.expectKind && method.kind !== options.expectKind) {
      throw new DomainError(ErrorCode.INVALID, `The payment source is not a ${options.expectKind === 'card' ? 'card' : 'bank account'}`, {
        field: 'method',
        details: { reason: 'method_kind_mismatch', kind: method.kind },
      });
    }
    return keepMethodWithin(ctx, method.id, customerId, options);
  });
}
