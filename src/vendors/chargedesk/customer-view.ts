// The customer object (spec 3.2) from a core customer, and ChargeDesk's customer fields as core
// input: name → first and last name, customer_company → company, country and billing_address →
// the default billing address row (its lines), shipping_address → the shipping row, phone
// normalised; the rest (username, website, tax number, delinquent, invoice details, metadata …) in
// the door's vendor_data namespace. card_on_file is the vault: a stored card is "on file".
import type { AddressRow, CustomerRow } from '../../core/database.ts';
import type { TenantContext } from '../../core/context.ts';
import type { CustomerInput } from '../../core/customers/customers.ts';
import type { AddressFields } from '../../core/customers/addresses.ts';
import { addressesByIds } from '../../core/customers/addresses.ts';
import { countTransactions } from '../../core/payments/queries.ts';
import { defaultPaymentMethods } from '../../core/vault/queries.ts';
import { invalid } from '../../core/errors/domain-error.ts';
import type { Body } from '../kit/fields.ts';
import { customerData, fullName } from './charge-view.ts';
import { customerWireIds } from './ids.ts';
import { countryName, mergeMetadata, normalizePhone, optFlag, optText, readCountry, readMetadata, seconds, VENDOR } from './wire.ts';
import { CHARGE_TYPES, visibleCharges } from './lists.ts';

/** Address text (multi-line) → core lines: the first two lines, then the rest in line3. */
export function addressLines(text: string): AddressFields {
  const lines = text.split(/\r?\n/);
  return { line1: lines[0] ?? '', line2: lines[1] ?? '', line3: lines.slice(2).join('\n') };
}

export function addressText(row: AddressRow | undefined): string {
  if (!row) return '';
  const place = [row.city, [row.state, row.postal_code].filter((p) => p).join(' ')].filter((p) => p).join(', ');
  return [row.line1, row.line2, row.line3, place].filter((line) => line).join('\n');
}

export interface CustomerWrite {
  input: CustomerInput;
  /** Attach the simulator's card (card_on_file=1, or card[number]); false removes stored cards. */
  card?: { number: string; expMonth: number; expYear: number } | false;
}

const TEXT_FIELDS = ['username', 'website', 'tax_number', 'tax_number_abr', 'gateway_id', 'send_email_to'] as const;

/**
 * ChargeDesk customer fields (top-level on /customers, or under `customer[...]` on charges, with
 * `prefix` naming them in errors) as core input. Only the fields given are set.
 */
export function customerWrite(body: Body, options: { prefix?: string; storedCountry?: string; storedMetadata?: unknown; creating: boolean; idForDefaults?: string }): CustomerWrite {
  const name = (key: string) => (options.prefix ? `${options.prefix}[${key}]` : key);
  const text = (key: string, max?: number) => optText(body, key, { field: name(key), ...(max ? { max } : {}) });
  const input: CustomerInput = {};
  const vendor: Record<string, unknown> = {};
  const fullname = text('name');
  if (fullname !== undefined) {
    const [first, ...rest] = fullname.trim().split(/\s+/);
    input.firstName = first || null;
    input.lastName = rest.join(' ') || null;
  }
  let email = text('email');
  if (email !== undefined && email !== '' && !email.includes('@')) throw invalid(`${name('email')} must be an e-mail address`, name('email'));
  if (email === undefined && options.creating && options.idForDefaults?.includes('@')) email = options.idForDefaults;
  if (email !== undefined) input.email = email || null;
  const countryText = text('country');
  const country = countryText !== undefined ? readCountry(countryText, name('country')) : undefined;
  const phone = text('phone');
  if (phone !== undefined) input.phone = normalizePhone(phone, country ?? options.storedCountry ?? '') || null;
  const company = text('customer_company');
  if (company !== undefined) input.company = company || null;
  const billing = text('billing_address', 255);
  if (billing !== undefined || country !== undefined) input.billingAddress = { ...(billing !== undefined ? addressLines(billing) : {}), ...(country !== undefined ? { country } : {}) };
  const shipping = text('shipping_address', 255);
  if (shipping !== undefined) input.shippingAddress = addressLines(shipping);
  const description = text('description', 255);
  if (description !== undefined) vendor.description = description;
  const details = text('invoice_details', 255);
  if (details !== undefined) vendor.invoice_details = details;
  for (const key of TEXT_FIELDS) {
    const value = text(key);
    if (value !== undefined) vendor[key] = value;
  }
  if (vendor.username === undefined && options.creating && input.email) vendor.username = input.email;
  const delinquent = optFlag(body, 'delinquent', name('delinquent'));
  if (delinquent !== undefined) vendor.delinquent = delinquent ? 1 : 0;
  const metadata = readMetadata(body);
  if (metadata !== undefined) vendor.metadata = mergeMetadata(options.storedMetadata, metadata);
  if (Object.keys(vendor).length > 0) {
    input.vendor = VENDOR;
    input.vendorData = vendor;
  }
  const write: CustomerWrite = { input };
  const onFile = optFlag(body, 'card_on_file', name('card_on_file'));
  const card = body.card && typeof body.card === 'object' ? (body.card as Body) : undefined;
  if (card?.number !== undefined) {
    const number = String(card.number).replace(/[\s-]/g, '');
    if (!/^\d{12,19}$/.test(number)) throw invalid('card[number] must be a card number', 'card[number]');
    write.card = { number, expMonth: Number(card.exp_month ?? 12), expYear: Number(card.exp_year ?? 2099) };
  } else if (onFile === true) write.card = { number: '4242424242424242', expMonth: 12, expYear: 2099 };
  else if (onFile === false) write.card = false;
  return write;
}

export interface CustomerRelations {
  ids: Map<number, string>;
  addresses: Map<number, AddressRow>;
  cards: Set<number>;
  charges: Map<number, number>;
}

export async function customerRelations(ctx: TenantContext, rows: readonly CustomerRow[]): Promise<CustomerRelations> {
  const addressIds = rows.flatMap((r) => [r.billing_address_id, r.shipping_address_id]).filter((id): id is number => id !== null);
  const charges = new Map<number, number>();
  for (const row of rows) charges.set(row.id, await countTransactions(ctx, CHARGE_TYPES, { where: [...visibleCharges(), { field: 'customer_id', op: 'eq', value: row.id }] }));
  const cards = await defaultPaymentMethods(
    ctx,
    rows.map((r) => r.id),
  );
  return {
    ids: await customerWireIds(ctx, rows),
    addresses: await addressesByIds(ctx, addressIds),
    cards: new Set([...cards.entries()].filter(([, m]) => m.kind === 'card').map(([id]) => id)),
    charges,
  };
}

export function renderCustomer(row: CustomerRow, rel: CustomerRelations, links: { company: string; base: string }, subscriptions: unknown[] = [], items: unknown[] = []): Record<string, unknown> {
  const data = customerData(row);
  const billing = row.billing_address_id !== null ? rel.addresses.get(row.billing_address_id) : undefined;
  const shipping = row.shipping_address_id !== null ? rel.addresses.get(row.shipping_address_id) : undefined;
  const country = billing?.country ?? '';
  const id = rel.ids.get(row.id) as string;
  const name = fullName(row);
  const str = (key: string) => (typeof data[key] === 'string' ? (data[key] as string) : '');
  const methods = row.email || row.phone ? ['invoice', 'edit'] : ['edit'];
  return {
    billing_address: addressText(billing),
    card_on_file: rel.cards.has(row.id) ? 1 : 0,
    charges: rel.charges.get(row.id) ?? 0,
    company: links.company,
    country,
    customer_company: row.company ?? '',
    customer_id: id,
    delinquent: data.delinquent === 1 ? 1 : 0,
    description: str('description'),
    edited: 0,
    email: row.email ?? '',
    first_name: row.first_name ?? '',
    first_seen: seconds(row.created_at),
    gateway_id: str('gateway_id'),
    gateway_url: '',
    invoice_details: str('invoice_details') || addressText(billing),
    items,
    logs: [],
    manage_url: `${links.base}/manage/${links.company}/customers/${id}`,
    metadata: (data.metadata as Record<string, string> | undefined) ?? {},
    methods_active: methods,
    methods_supported: ['invoice', 'edit'],
    name,
    object: 'customer',
    phone: row.phone ?? '',
    readable_country: countryName(country),
    send_email_to: str('send_email_to'),
    shipping_address: addressText(shipping),
    subscriptions,
    tax_number: str('tax_number'),
    tax_number_abr: str('tax_number_abr'),
    username: str('username'),
    website: str('website'),
  };
}
