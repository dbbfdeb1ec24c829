// The customers domain's tables as the database holds them: times are epoch milliseconds, money is
// integer minor units, JSON columns are text (core/database.ts composes every domain's tables).
import type { Generated, Selectable } from 'kysely';

export interface CustomersTable {
  id: Generated<number>;
  tenant_id: number;
  token: string;
  first_name: string | null;
  last_name: string | null;
  company: string | null;
  email: string | null;
  phone: string | null;
  currency: string;
  status: string;
  parent_id: number | null;
  /** The customer's defaults: one home for what every door shows as "the" address or card. */
  billing_address_id: number | null;
  shipping_address_id: number | null;
  default_payment_method_id: number | null;
  custom_fields: string; // JSON
  vendor_data: string; // JSON, per vendor
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
  invoice_recipient: Generated<number>; // 1: made by the core for an invoice's recipient (see core/invoices/recipients.ts)
}

export type CustomerRow = Selectable<CustomersTable>;

export interface ContactsTable {
  id: Generated<number>;
  tenant_id: number;
  customer_id: number;
  token: string;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  title: string | null;
  is_primary: number;
  vendor_data: string;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

export type ContactRow = Selectable<ContactsTable>;

export interface AddressesTable {
  id: Generated<number>;
  tenant_id: number;
  customer_id: number;
  first_name: string;
  last_name: string;
  company: string;
  line1: string;
  line2: string;
  line3: string;
  city: string;
  state: string;
  postal_code: string;
  country: string;
  email: string;
  phone: string;
  fax: string;
  vendor_data: string;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

export type AddressRow = Selectable<AddressesTable>;

export interface ContactLoginsTable {
  id: Generated<number>;
  tenant_id: number;
  contact_id: number;
  username: string;
  password_hash: string | null;
  login_token_hash: string | null;
  login_token_expires_at: number | null;
  updated_at: number;
}
