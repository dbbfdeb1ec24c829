// Vault-backed payment sources for transactions (§4.4): payment_method.customer charges the
// customer's default (or named) card with its default (or named) addresses copied onto the
// transaction; create_vault_record stores an approved card sale's card and addresses as a customer.
import type { TenantContext } from '../../core/context.ts';
import { invalid } from '../../core/errors/domain-error.ts';
import { annotateTransaction } from '../../core/payments/annotations.ts';
import { paymentMethodsByIds } from '../../core/vault/queries.ts';
import type { PaymentSource } from '../../core/payments/payments.ts';
import { addressesByIds } from '../../core/customers/addresses.ts';
import type { TransactionRow } from '../../core/database.ts';
import { decodeId, encodeId } from './ids.ts';
import type { FluidPayTxnData } from './transaction-wire.ts';
import { createVaultCustomer, findCustomer, findMethod } from './vault.ts';
import { customerId, METHOD_TYPES, methodType, wireAddressOf } from './vault-wire.ts';
import { oneOf, optString, reqString, type Body } from './wire.ts';

/**
 * payment_method.customer (fluidpay-v2 §2.9): the payment method is payment_method_id (go spells it
 * payment_merhod_id) when given, which must be the customer's and of payment_method_type when both
 * are given; else the customer's default. Each address is the id given; else (decided by the caller)
 * the request's own address object when it has a non-empty field; else the customer's default.
 */
export async function vaultSource(ctx: TenantContext, spec: Body): Promise<{ source: PaymentSource; data: FluidPayTxnData; customerId?: number; addressIds: { billing: boolean; shipping: boolean } }> {
  const id = reqString(spec, 'id', { path: 'payment_method.customer.id' });
  const type = oneOf(optString(spec, 'payment_method_type', { path: 'payment_method.customer.payment_method_type' }) || undefined, METHOD_TYPES, 'payment_method.customer.payment_method_type');
  const customer = await findCustomer(ctx, id);
  const methodText =
    optString(spec, 'payment_method_id', { path: 'payment_method.customer.payment_method_id' }) || optString(spec, 'payment_merhod_id', { path: 'payment_method.customer.payment_merhod_id' });
  let methodId = customer.default_payment_method_id;
  if (methodText) {
    try {
      methodId = (await findMethod(ctx, customer, methodText, type)).id;
    } catch {
      throw invalid('payment_method.customer.payment_method_id does not belong to this customer', 'payment_method.customer.payment_method_id');
    }
  }
  if (!methodId) throw invalid('The customer has no payment method', 'payment_method.customer.payment_method_id');
  const addressIds: Record<'billing' | 'shipping', number | null> = { billing: customer.billing_address_id, shipping: customer.shipping_address_id };
  const given = { billing: false, shipping: false };
  for (const which of ['billing', 'shipping'] as const) {
    const text = optString(spec, `${which}_address_id`, { path: `payment_method.customer.${which}_address_id` });
    if (text) {
      const decoded = decodeId('address', text);
      const found = decoded ? (await addressesByIds(ctx, [decoded.id])).get(decoded.id) : undefined;
      if (!found || found.customer_id !== customer.id || found.deleted_at !== null)
        throw invalid(`payment_method.customer.${which}_address_id does not belong to this customer`, `payment_method.customer.${which}_address_id`);
      addressIds[which] = found.id;
      given[which] = true;
    }
  }
  const rows = await addressesByIds(
    ctx,
    [addressIds.billing, addressIds.shipping].filter((x): x is number => typeof x === 'number'),
  );
  const billing = addressIds.billing ? rows.get(addressIds.billing) : undefined;
  const shipping = addressIds.shipping ? rows.get(addressIds.shipping) : undefined;
  const method = (await paymentMethodsByIds(ctx, [methodId])).get(methodId);
  const length = (JSON.parse(method?.vendor_data ?? '{}') as { fluidpay?: { number_length?: number } }).fluidpay?.number_length;
  return {
    source: { methodId },
    customerId: customer.id,
    addressIds: given,
    data: {
      payment_method: 'token',
      number_length: length ?? 16,
      billing_address: billing ? wireAddressOf(billing) : null,
      shipping_address: shipping ? wireAddressOf(shipping) : null,
      billing_address_id: billing ? encodeId('address', billing.id, billing.created_at) : '',
      shipping_address_id: shipping ? encodeId('address', shipping.id, shipping.created_at) : '',
      customer_payment_type: method ? methodType(method) : '',
      customer_payment_id: method ? encodeId('card', method.id, method.created_at) : '',
    },
  };
}

/** create_vault_record on an approved card transaction: the customer's id goes on the transaction. */
export async function vaultFromTransaction(ctx: TenantContext, txn: TransactionRow, command: { parsed: { source: PaymentSource; data: FluidPayTxnData } }): Promise<TransactionRow> {
  const source = command.parsed.source;
  if (!('card' in source)) return txn;
  const data = command.parsed.data;
  const customer = await createVaultCustomer(ctx, {
    card: { number: source.card.number, month: source.card.expMonth, year: source.card.expYear },
    billing: data.billing_address ?? undefined,
    shipping: data.shipping_address ?? undefined,
  });
  const ids = await addressesByIds(
    ctx,
    [customer.billing_address_id, customer.shipping_address_id].filter((x): x is number => typeof x === 'number'),
  );
  const idOf = (id: number | null | undefined) => {
    const row = id ? ids.get(id) : undefined;
    return row ? encodeId('address', row.id, row.created_at) : '';
  };
  return annotateTransaction(ctx, txn.id, 'fluidpay', {
    vault_customer_id: customerId(customer),
    billing_address_id: idOf(customer.billing_address_id),
    shipping_address_id: idOf(customer.shipping_address_id),
  });
}
