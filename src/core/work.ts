// The core's one unit-of-work convention: a use-case receives a TenantContext; when it must write
// atomically it calls inWork(ctx, fn), and fn receives a TxContext whose db is the open
// transaction. Every core call made with that TxContext joins the same transaction, so building
// blocks take a TxContext and never open one of their own. The first business transaction of a
// request also records the request's idempotency key (see idempotency/keyed.ts).
import type { Tx } from './db.ts';
import { keyedWork } from './idempotency/keyed.ts';
import type { TenantContext } from './context.ts';

export interface TxContext extends TenantContext {
  db: Tx;
}

/** Runs fn in the context's transaction, opening one (with retries on serialization failures) if none is open. */
export function inWork<T>(ctx: TenantContext, fn: (ctx: TxContext) => Promise<T>): Promise<T> {
  return keyedWork(ctx, null, fn);
}

export function isInWork(ctx: TenantContext): ctx is TxContext {
  return ctx.db.isTransaction;
}
