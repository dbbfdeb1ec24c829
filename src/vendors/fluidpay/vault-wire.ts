// Vault objects in FluidPay's shape (spec §3.7-3.9): customer with its default card and addresses
// expanded, address tokens, card tokens. The PAN is never rendered.
import type { TenantContext } from '../../core/context.ts';
import { addressesByIds } from '../../core/customers/addresses.ts';
import { paymentMethodsByIds } from '../../core/vault/queries.ts';
import type { AddressFields } from '../../core/customers/addresses.ts';
import type { AddressRow, CustomerRow, PaymentMethodRow } from '../../core/database.ts';
import { encodeId } from './ids.ts';
import { cardType, maskedCard } from './transaction-wire.ts';
import { expirationText, ts, type WireAddress } from './wire.ts';

/** What the door keeps under customers.vendor_data.fluidpay (its defaults are the core's columns). */
export interface FluidPayCustomerData {
  description?: string;
}

export function customerData(customer: CustomerRow): FluidPayCustomerData {
  return (JSON.parse(customer.vendor_data || '{}') as { fluidpay?: FluidPayCustomerData }).fluidpay ?? {};
}

export const customerId = (customer: Pick<CustomerRow, 'id' | 'created_at'>) => encodeId('customer', customer.id, customer.created_at);

export function toCoreAddress(address: WireAddress | Partial<WireAddress>): AddressFields {
  return {
    first_name: address.first_name,
    last_name: address.last_name,
    company: address.company,
    line1: address.address_line_1,
    line2: address.address_line_2,
    city: address.city,
    state: address.state,
    postal_code: address.postal_code,
    country: address.country,
    email: address.email,
    phone: address.phone,
    fax: address.fax,
  };
}

export function wireAddressOf(row: AddressRow): WireAddress {
  return {
    first_name: row.first_name,
    last_name: row.last_name,
    company: row.company,
    address_line_1: row.line1,
    address_line_2: row.line2,
    city: row.city,
    state: row.state,
    postal_code: row.postal_code,
    country: row.country,
    phone: row.phone,
    fax: row.fax,
    email: row.email,
  };
}

export function renderAddress(row: AddressRow, customer: Pick<CustomerRow, 'id' | 'created_at'>) {
  return {
    id: encodeId('address', row.id, row.created_at),
    customer_id: customerId(customer),
    ...wireAddressOf(row),
    created_at: ts(row.created_at),
    updated_at: ts(row.updated_at),
  };
}

export function renderCard(method: PaymentMethodRow) {
  const data = (JSON.parse(method.vendor_data || '{}') as { fluidpay?: { number_length?: number; updated_at?: number } }).fluidpay ?? {};
  return {
    id: encodeId('card', method.id, method.created_at),
    card_type: cardType(method.brand),
    first_six: method.first6 ?? '',
    last_four: method.last4,
    masked_card: maskedCard(method.first6, method.last4, data.number_length ?? 16),
    expiration_date: expirationText(method.exp_month, method.exp_year),
    created_at: ts(method.created_at),
    updated_at: ts(data.updated_at ?? method.created_at),
  };
}

export async function renderCustomers(ctx: TenantContext, customers: readonly CustomerRow[]) {
  const [methods, addresses] = await Promise.all([
    paymentMethodsByIds(
      ctx,
      customers.flatMap((c) => (c.default_payment_method_id ? [c.default_payment_method_id] : [])),
    ),
    addressesByIds(
      ctx,
      customers.flatMap((c) => [c.billing_address_id, c.shipping_address_id].filter((id): id is number => typeof id === 'number')),
    ),
  ]);
  return customers.map((customer) => {
    const method = customer.default_payment_method_id ? methods.get(customer.default_payment_method_id) : undefined;
    const billing = customer.billing_address_id ? addresses.get(customer.billing_address_id) : undefined;
    const shipping = customer.shipping_address_id ? addresses.get(customer.shipping_address_id) : undefined;
    return {
      id: customerId(customer),
      description: customerData(customer).description ?? '',
      payment_method: method && method.status === 'active' ? { card: renderCard(method) } : null,
      billing_address: billing && billing.deleted_at === null ? renderAddress(billing, customer) : null,
      shipping_address: shipping && shipping.deleted_at === null ? renderAddress(shipping, customer) : null,
      created_at: ts(customer.created_at),
      updated_at: ts(customer.updated_at),
    };
  });
}
