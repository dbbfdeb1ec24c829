// What the due-work runner needs from each kind of work that falls due as time passes: when its
// next item is due, and doing what is due at a moment. Each kind is one entry of the registry
// (./registry.ts); adding work that time triggers is adding one entry (webhook deliveries are one).
import type { TenantContext } from '../context.ts';

export interface DueItem {
  kind: string;
  /** Epoch ms on the tenant's clock. */
  dueAt: number;
  objectType: string;
  objectId: number;
  detail?: Record<string, unknown>;
}

export interface DueWorkKind {
  /** The name reports count under ("renewal", "settlement", …). */
  name: string;
  /**
   * The earliest instant an item of this kind is due, or null when nothing is pending. `until` is
   * the run's target: work that is due whenever the runner runs (an inquiry) answers it.
   */
  nextDue(ctx: TenantContext, until: number): Promise<number | null>;
  /**
   * Does what is due at or before `moment`; ctx.clock reads `moment`, so what it writes is dated
   * then. Returns how many items it handled (0 when another runner took them).
   */
  run(ctx: TenantContext, moment: number): Promise<number>;
  /** Items due at or before `until`, for operators (at most `limit`). */
  pending(ctx: TenantContext, until: number, limit: number): Promise<DueItem[]>;
}
