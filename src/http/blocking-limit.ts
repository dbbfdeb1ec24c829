// A limit that blocks (ChargeDesk, spec 1.3: 60 requests a minute, then every request refused for
// 60 s with 429 and Retry-After = the seconds left): counted per credential in a fixed window that
// starts with its first request, on the tenant's clock, so a test clock moved past the block ends it
// (a real clock is the wall clock). Off while the limit is 0: the door's default, unless the tenant
// set its own (PUT /_admin/tenants/{t}/rate-limits). Counts live in this process (like the shared
// limiter's local store): instances behind a balancer count apart.
import type { FastifyRequest } from 'fastify';
import { rateLimitOverride } from '../core/tenants/tenants.ts';
import type { FrontDoor } from './front-door.ts';
import { callerKey } from './idempotency.ts';

interface Slot {
  windowStart: number;
  count: number;
  blockedUntil: number;
}

const PRUNE_AT = 10_000;

function refused(secondsLeft: number): Error {
  return Object.assign(new Error('Rate limit exceeded'), { statusCode: 429, after: `${secondsLeft} seconds` });
}

export function blockingLimit(door: Pick<FrontDoor, 'vendor' | 'rateLimit'>, blockMs: number): (request: FastifyRequest) => Promise<void> {
  const slots = new Map<string, Slot>();
  const { windowMs } = door.rateLimit;
  return async (request) => {
    const ctx = request.tenantCtx;
    if (!ctx) return;
    const max = rateLimitOverride(ctx.tenant, door.vendor) ?? door.rateLimit.max;
    if (max <= 0) return;
    const now = ctx.clock.now();
    const key = `${ctx.tenant.id}:${callerKey(request)}`;
    let slot = slots.get(key);
    if (slot && slot.blockedUntil > now) throw refused(Math.ceil((slot.blockedUntil - now) / 1000));
    // A new window after the last one ran out (or a clock set back before it began).
    if (!slot || now >= slot.windowStart + windowMs || now < slot.windowStart) {
      if (slots.size >= PRUNE_AT) for (const [k, s] of slots) if (s.blockedUntil <= now && now >= s.windowStart + windowMs) slots.delete(k);
      slot = { windowStart: now, count: 0, blockedUntil: 0 };
      slots.set(key, slot);
    }
    slot.count++;
    if (slot.count > max) {
      slot.blockedUntil = now + blockMs;
      throw refused(Math.ceil(blockMs / 1000));
    }
  };
}
