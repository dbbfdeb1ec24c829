// The vault domain's tables as the database holds them: times are epoch milliseconds, money is
// integer minor units, JSON columns are text (core/database.ts composes every domain's tables).
import type { Generated, Selectable } from 'kysely';

export interface PaymentMethodsTable {
  id: Generated<number>;
  tenant_id: number;
  customer_id: number | null;
  kind: string; // card | bank
  status: string; // active | deleted
  holder_name: string | null;
  billing_address: string;
  brand: string | null;
  first6: string | null;
  last4: string;
  exp_month: number | null;
  exp_year: number | null;
  fingerprint: string;
  secret_enc: string; // card number or bank account number, AES-256-GCM
  routing_number: string | null;
  account_type: string | null;
  holder_type: string | null;
  token: string;
  vendor_data: string;
  /** test | live | purged, as for transactions. */
  mode: Generated<string>;
  created_at: number;
  deleted_at: number | null;
  /** When the card's next expiry notice is due (../jobs/kinds/card-expiry.ts); null: none left. */
  expiry_notice_at: Generated<number | null>;
  /** Notices given: 0, 1 (expiring), 2 (expired). */
  expiry_notices: Generated<number>;
}

export type PaymentMethodRow = Selectable<PaymentMethodsTable>;

export interface PaymentTokensTable {
  id: Generated<number>;
  tenant_id: number;
  token: string;
  payment_method_id: number;
  cvv_enc: string | null;
  expires_at: number;
  used_at: number | null;
  created_at: number;
}
