// Vault objects in FluidPay's shape (spec §3.7-3.9): customer with its default card and addresses
// expanded, address tokens, card tokens. The PAN is never rendered.
import { createHash } from 'node:crypto';
import type { TenantContext } from '../../core/context.ts';
import { addressesOfCustomers } from '../../core/customers/addresses.ts';
import { paymentMethodsOfCustomers } from '../../core/vault/queries.ts';
import { parseVendorData } from '../../core/vendor-data.ts';
import type { AddressFields } from '../../core/customers/addresses.ts';
import type { AddressRow, CustomerRow, PaymentMethodRow } from '../../core/database.ts';
import { encodeId } from './ids.ts';
import { cardType, maskedCard, merchantId } from './transaction-wire.ts';
import { expirationText, ts, type WireAddress } from './wire.ts';

/** What the door keeps under customers.vendor_data.fluidpay (its defaults are the core's columns). */
export interface FluidPayCustomerData {
  description?: string;
  notes?: string;
  flags?: string[];
}

/** The v2 vault's payment method types (fluidpay-v2 §2.7); kept on the method in the door's namespace. */
export const METHOD_TYPES = ['card', 'ach', 'token', 'applepay', 'googlepay'] as const;
export type MethodType = (typeof METHOD_TYPES)[number];

/** A method's FluidPay type: the route it was added through, else its kind (made by another door). */
export function methodType(method: PaymentMethodRow): MethodType {
  const type = parseVendorData(method.vendor_data).fluidpay?.type;
  if (typeof type === 'string' && (METHOD_TYPES as readonly string[]).includes(type)) return type as MethodType;
  return method.kind === 'bank' ? 'ach' : 'card';
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

/** An address token with both street spellings: the seed's address_line_1/2 and v2's line_1/2 (fluidpay-v2 §2.3). */
export function renderAddress(row: AddressRow, customer: Pick<CustomerRow, 'id' | 'created_at'>) {
  const wire = wireAddressOf(row);
  return {
    id: encodeId('address', row.id, row.created_at),
    customer_id: customerId(customer),
    ...wire,
    line_1: wire.address_line_1,
    line_2: wire.address_line_2,
    created_at: ts(row.created_at),
    updated_at: ts(row.updated_at),
  };
}

/** An address inside the v2 record: line_1/line_2 and a stable digest of the fields (hex SHA-1). */
function v2Address(row: AddressRow) {
  const wire = wireAddressOf(row);
  const { address_line_1, address_line_2, ...rest } = wire;
  const fields = {
    first_name: rest.first_name,
    last_name: rest.last_name,
    company: rest.company,
    line_1: address_line_1,
    line_2: address_line_2,
    city: rest.city,
    state: rest.state,
    postal_code: rest.postal_code,
    country: rest.country,
    email: rest.email,
    phone: rest.phone,
    fax: rest.fax,
  };
  return {
    id: encodeId('address', row.id, row.created_at),
    ...fields,
    hash: createHash('sha1')
      .update(JSON.stringify(Object.values(fields)))
      .digest('hex'),
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

/** The v2 customer record (data.data.customer) beside the seed's keys (fluidpay-v2 §2.3). */
export async function renderCustomers(ctx: TenantContext, customers: readonly CustomerRow[]) {
  const ids = customers.map((c) => c.id);
  const [methodsOf, addressesOf] = await Promise.all([paymentMethodsOfCustomers(ctx, ids), addressesOfCustomers(ctx, ids)]);
  return customers.map((customer) => {
    const methods = methodsOf.get(customer.id) ?? [];
    const addresses = addressesOf.get(customer.id) ?? [];
    const method = methods.find((m) => m.id === customer.default_payment_method_id);
    const billing = addresses.find((a) => a.id === customer.billing_address_id);
    const shipping = addresses.find((a) => a.id === customer.shipping_address_id);
    const data = customerData(customer);
    const type = method ? methodType(method) : '';
    return {
      id: customerId(customer),
      owner_id: merchantId(ctx.tenant),
      data: {
        customer: {
          description: data.description ?? '',
          notes: data.notes ?? '',
          flags: data.flags ?? [],
          defaults: {
            billing_address_id: billing ? encodeId('address', billing.id, billing.created_at) : '',
            shipping_address_id: shipping ? encodeId('address', shipping.id, shipping.created_at) : '',
            payment_method_id: method ? encodeId('card', method.id, method.created_at) : '',
            payment_method_type: type,
          },
          addresses: addresses.map(v2Address),
          payments: {
            cards: methods
              .filter((m) => m.kind === 'card')
              .map((m) => {
                const card = renderCard(m);
                return { id: card.id, card_type: card.card_type, masked_number: card.masked_card, expiration_date: card.expiration_date, flags: [], processor_id: '', type: methodType(m) };
              }),
            ach: methods.filter((m) => m.kind === 'bank').map(renderAch),
          },
        },
      },
      description: data.description ?? '',
      payment_method_type: type,
      // java types payment_method as {card, ach: string}: only a card default goes here, never an object under ach.
      payment_method: method && type === 'card' ? { card: renderCard(method) } : null,
      billing_address: billing ? renderAddress(billing, customer) : null,
      shipping_address: shipping ? renderAddress(shipping, customer) : null,
      created_at: ts(customer.created_at),
      updated_at: ts(customer.updated_at),
    };
  });
}

/** A stored bank account in the v2 record (fluidpay-v2 §2.3). */
export function renderAch(method: PaymentMethodRow) {
  const data = (parseVendorData(method.vendor_data).fluidpay ?? {}) as { number_length?: number; sec_code?: string };
  return {
    id: encodeId('card', method.id, method.created_at),
    account_type: method.account_type ?? 'checking',
    sec_code: data.sec_code ?? 'web',
    // The last four digits show (fluidpay-v2 case V2).
    masked_account_number: `${'*'.repeat(Math.max(0, (data.number_length ?? 4) - 4))}${method.last4}`,
    routing_number: method.routing_number ?? '',
  };
}
