// One-time values a front door's signed requests carry (ChargeOver's signature-v1 co_nonce): a
// nonce may be used once per scope until it expires. The primary key on (scope, nonce) decides
// two requests racing with the same nonce, never a check-then-insert.
import { isUniqueViolation } from '../db.ts';
import type { CoreServices } from '../context.ts';

/**
 * Uses a nonce: true the first time (scope, nonce) is seen, false when it was already used and
 * has not expired. Expired nonces (before `now`) are forgotten first.
 */
export async function useNonce(services: Pick<CoreServices, 'db'>, scope: string, nonce: string, expiresAt: number, now: number = Date.now()): Promise<boolean> {
  await services.db.deleteFrom('nonces').where('expires_at', '<', now).execute();
  try {
    await services.db.insertInto('nonces').values({ scope, nonce, expires_at: expiresAt }).execute();
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}
