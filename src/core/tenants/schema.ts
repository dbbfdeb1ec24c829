// The tenants domain's tables as the database holds them: times are epoch milliseconds, money is
// integer minor units, JSON columns are text (core/database.ts composes every domain's tables).
import type { Generated, Selectable } from 'kysely';

export interface TenantsTable {
  id: Generated<number>;
  name: string;
  slug: string;
  is_test: number;
  is_demo: number;
  clock_offset_ms: number;
  clock_frozen_at: number | null;
  timezone: string;
  settlement_cutoff: string; // HH:MM in the tenant's timezone (UTC only for now)
  last_settlement_at: number | null;
  txn_seq: number;
  faults: string; // JSON FaultKnobs
  settings: string; // JSON
  created_at: number;
}

export type Tenant = Selectable<TenantsTable>;

export interface CredentialsTable {
  id: Generated<number>;
  tenant_id: number;
  vendor: string;
  kind: string;
  mode: string; // test | live
  label: string;
  lookup: string; // public identifier or sha256 of a high-entropy secret
  secret_hash: string | null;
  secret_enc: string | null;
  created_at: number;
  revoked_at: number | null;
  /** The user an API key acts as (FluidPay keys belong to the user who created them). */
  user_id?: number | null;
  /** JSON: what a front door knows about the credential (FluidPay key type and name). */
  meta?: string;
}

export type Credential = Selectable<CredentialsTable>;

export interface SettingsTable {
  key: string;
  value: string;
}

export interface NoncesTable {
  scope: string;
  nonce: string;
  expires_at: number;
}
