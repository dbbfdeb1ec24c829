// The users domain's tables as the database holds them: times are epoch milliseconds, money is
// integer minor units, JSON columns are text (core/database.ts composes every domain's tables).
import type { Generated, Selectable } from 'kysely';

export interface UsersTable {
  id: Generated<number>;
  tenant_id: number;
  username: string;
  name: string;
  phone: string;
  email: string;
  timezone: string;
  status: string; // active | disabled
  role: string; // admin | standard
  password_hash: string;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

export type UserRow = Selectable<UsersTable>;

export interface UserSessionsTable {
  id: Generated<number>;
  tenant_id: number;
  user_id: number;
  jti: string;
  expires_at: number;
  revoked_at: number | null;
  created_at: number;
}

export interface PasswordResetsTable {
  id: Generated<number>;
  tenant_id: number;
  user_id: number;
  code_hash: string;
  expires_at: number;
  used_at: number | null;
  created_at: number;
}
