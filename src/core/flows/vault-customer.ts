// A customer opened with what a vault keeps for it, in one transaction: the customer, its card
// (the default payment method), its billing address and its shipping address (the same row when
// they are equal), as the customer's defaults. And closing one: its cards and addresses go, the
// customer is soft-deleted, its payments stay as history.
import type { CustomerRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { createAddress, deleteAddress, listAddresses, type AddressFields } from '../customers/addresses.ts';
import { createCustomer, deleteCustomer, getCustomer, setCustomerDefaults, type CustomerInput } from '../customers/customers.ts';
import { deletePaymentMethod, listPaymentMethods, storeBank, storeCard, storeFromToken, type BankInput, type CardInput, type StoreOptions } from '../vault/vault.ts';
import { storeWallet, type WalletInput } from '../vault/wallets.ts';
import { inWork } from '../work.ts';

/** The customer's first payment method: a card, a bank account, a one-time token's method, or a wallet. */
export type VaultPayment = { card: CardInput } | { bank: BankInput } | { token: string } | { wallet: WalletInput };

export interface VaultCustomerInput {
  customer: CustomerInput;
  card?: CardInput;
  /** Instead of `card`: any kind of first payment method. */
  payment?: VaultPayment;
  cardOptions?: Omit<StoreOptions, 'customerId' | 'transient'>;
  billing?: AddressFields;
  /** A shipping address; `same` points shipping at the billing address row. */
  shipping?: AddressFields | 'same';
}

export async function openVaultCustomer(ctx: TenantContext, input: VaultCustomerInput): Promise<CustomerRow> {
  return inWork(ctx, async (ctx) => {
    const customer = await createCustomer(ctx, input.customer);
    const options = { ...input.cardOptions, customerId: customer.id };
    const payment: VaultPayment | undefined = input.payment ?? (input.card ? { card: input.card } : undefined);
    const card = !payment
      ? undefined
      : 'card' in payment
        ? await storeCard(ctx, payment.card, options)
        : 'bank' in payment
          ? await storeBank(ctx, payment.bank, options)
          : 'token' in payment
            ? await storeFromToken(ctx, payment.token, options)
            : await storeWallet(ctx, payment.wallet, options);
    const billing = input.billing ? await createAddress(ctx, customer.id, input.billing) : undefined;
    const shipping = input.shipping === 'same' ? billing : input.shipping ? await createAddress(ctx, customer.id, input.shipping) : undefined;
    if (!card && !billing && !shipping) return customer;
    return setCustomerDefaults(ctx, customer.id, { paymentMethodId: card?.id, billingAddressId: billing?.id, shippingAddressId: shipping?.id });
  });
}

export async function closeVaultCustomer(ctx: TenantContext, customerId: number): Promise<void> {
  await getCustomer(ctx, customerId);
  await inWork(ctx, async (ctx) => {
    for (const method of await listPaymentMethods(ctx, customerId)) await deletePaymentMethod(ctx, method.id);
    for (const address of await listAddresses(ctx, customerId)) await deleteAddress(ctx, customerId, address.id);
    await deleteCustomer(ctx, customerId, { keepHistory: true });
  });
}
