// Card expiry notices: a card's "expiring" notice falls on the 1st of its expiry month and its
// "expired" notice on the 1st of the month after, at the start of that day in the tenant's zone
// (AffiniPay's payment_method.expiring / .expired; any door may show them). A card stored after a
// notice's day skips it. The due-work runner gives each (../jobs/kinds/card-expiry.ts).
import type { TenantContext } from '../context.ts';
import { dayStart } from '../clock/tenant-time.ts';

const monthStart = (year: number, month: number): string => {
  const y = year + Math.floor((month - 1) / 12);
  const m = ((month - 1) % 12) + 1;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-01`;
};

/** The instant of notice `index` (0: expiring, 1: expired) of a card expiring in month/year. */
export function noticeInstant(ctx: Pick<TenantContext, 'tenant'>, expMonth: number, expYear: number, index: number): number {
  return dayStart(ctx, monthStart(expYear, expMonth + index));
}

/** A new card's notice state: the first notice still ahead of now (notices before it count as given). */
export function initialNotice(ctx: Pick<TenantContext, 'tenant'>, expMonth: number | null, expYear: number | null, now: number): { expiry_notice_at: number | null; expiry_notices: number } {
  if (expMonth === null || expYear === null || expMonth < 1 || expMonth > 12) return { expiry_notice_at: null, expiry_notices: 2 };
  for (const index of [0, 1]) {
    const at = noticeInstant(ctx, expMonth, expYear, index);
    if (at > now) return { expiry_notice_at: at, expiry_notices: index };
  }
  return { expiry_notice_at: null, expiry_notices: 2 };
}
