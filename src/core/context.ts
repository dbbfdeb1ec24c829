// What every core service receives: the database (or the open transaction), the tenant, its clock,
// the secret box and a logger. Tests build contexts; nothing here is a singleton.
import type { Logger } from 'pino';
import type { SecretBox } from './crypto/secrets.ts';
import type { Clock } from './clock/clock.ts';
import type { Db } from './db.ts';
import type { Tenant } from './database.ts';
import type { IdempotencyClaim } from './idempotency/claim.ts';
import type { Processor } from './processor/processor.ts';
import type { WebhookRuntime } from './webhooks/runtime.ts';

export interface CoreServices {
  db: Db;
  dialect: 'sqlite' | 'postgres';
  secrets: SecretBox;
  log: Logger;
  /** The payment processor; the deterministic simulator when not given. */
  processor?: Processor;
  /** Webhook formats and delivery settings (src/core/webhooks); the standard format only when not given. */
  webhooks?: WebhookRuntime;
}

export interface TenantContext extends CoreServices {
  tenant: Tenant;
  clock: Clock;
  /** The request's idempotency key, recorded by the first business transaction it opens. */
  idempotency?: IdempotencyClaim;
  /** Who acts (door, source, address, reason): recorded on every event the request causes. */
  actor?: Actor;
}

export interface Actor {
  vendor?: string;
  /** api | web | due_work ... */
  source: string;
  ip?: string;
  reason?: string;
  /** The request parameters that matter for the record (an amount refunded). */
  params?: Record<string, unknown>;
}

export function withDb<C extends CoreServices>(ctx: C, db: Db): C {
  return { ...ctx, db };
}
