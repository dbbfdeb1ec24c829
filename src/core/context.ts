// What every core service receives: the database (or the open transaction), the tenant, its clock,
// the secret box and a logger. Tests build contexts; nothing here is a singleton.
import type { Logger } from 'pino';
import type { SecretBox } from './crypto/secrets.ts';
import type { Clock } from './clock/clock.ts';
import type { Db } from '../store/tx.ts';
import type { Tenant } from '../store/schema.ts';

export interface CoreServices {
  db: Db;
  dialect: 'sqlite' | 'postgres';
  secrets: SecretBox;
  log: Logger;
}

export interface TenantContext extends CoreServices {
  tenant: Tenant;
  clock: Clock;
}

export function withDb<C extends CoreServices>(ctx: C, db: Db): C {
  return { ...ctx, db };
}
