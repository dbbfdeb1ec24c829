// Authorizations not captured within their window (the payment's own, else the tenant's setting;
// AffiniPay's 7 days) are released: voided through the payment state machine, with an event.
import { DomainError } from '../../errors/domain-error.ts';
import { recordEvent } from '../../events/events.ts';
import { voidTransaction } from '../../payments/payments.ts';
import { TxnStatus } from '../../payments/states.ts';
import { inWork } from '../../work.ts';
import type { DueWorkKind } from '../kind.ts';

export const authorizationExpiry: DueWorkKind = {
  name: 'authorization_expiry',
  async nextDue(ctx) {
    const row = await ctx.db
      .selectFrom('transactions')
      .select((eb) => eb.fn.min('auth_expires_at').as('at'))
      .where('tenant_id', '=', ctx.tenant.id)
      .where('status', '=', TxnStatus.AUTHORIZED)
      .where('auth_expires_at', 'is not', null)
      .executeTakeFirst();
    return row?.at === null || row?.at === undefined ? null : Number(row.at);
  },
  async run(ctx, moment) {
    const rows = await ctx.db
      .selectFrom('transactions')
      .select(['id', 'mode'])
      .where('tenant_id', '=', ctx.tenant.id)
      .where('status', '=', TxnStatus.AUTHORIZED)
      .where('auth_expires_at', '<=', moment)
      .orderBy('auth_expires_at')
      .orderBy('id')
      .execute();
    let done = 0;
    for (const { id, mode } of rows) {
      try {
        // In the authorization's mode: the runner's context has no credential, and the void's events belong to the hold's mode.
        await inWork({ ...ctx, mode: mode === 'live' ? 'live' : 'test' }, async (w) => {
          const voided = await voidTransaction(w, id);
          await recordEvent(w, 'transaction.authorization_expired', 'transaction', id, voided);
        });
        done++;
      } catch (error) {
        // Captured or voided meanwhile (another runner, a client): nothing left to release.
        if (!(error instanceof DomainError)) throw error;
      }
    }
    return done;
  },
  async pending(ctx, until, limit) {
    const rows = await ctx.db
      .selectFrom('transactions')
      .select(['id', 'auth_expires_at'])
      .where('tenant_id', '=', ctx.tenant.id)
      .where('status', '=', TxnStatus.AUTHORIZED)
      .where('auth_expires_at', '<=', until)
      .orderBy('auth_expires_at')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ kind: 'authorization_expiry', dueAt: Number(r.auth_expires_at), objectType: 'transaction', objectId: r.id }));
  },
};
