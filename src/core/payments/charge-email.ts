// E-mail about a charge (a receipt, a refund notice, an invoice): the messages go to the outbox and
// the door's record of the sending (when, to whom) onto the charge, in one transaction.
import type { TransactionRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { recordEvent } from '../events/events.ts';
import type { EmailInput } from '../outbox/outbox.ts';
import { mergeVendorData } from '../vendor-data.ts';
import { inWork } from '../work.ts';
import { lockCharge } from './recorded-charges.ts';

export async function emailAboutCharge(ctx: TenantContext, id: number, emails: readonly EmailInput[], mark: { vendor: string; fields: Record<string, unknown> }): Promise<TransactionRow> {
  return inWork(ctx, async (ctx) => {
    const before = await lockCharge(ctx, id);
    for (const email of emails) {
      await ctx.db
        .insertInto('outbox')
        .values({ tenant_id: ctx.tenant.id, channel: 'email', recipient: email.to, subject: email.subject, body: email.body, meta: JSON.stringify(email.meta ?? {}), created_at: ctx.clock.now() })
        .execute();
    }
    const after = await ctx.db
      .updateTable('transactions')
      .set({ vendor_data: mergeVendorData(before.vendor_data, mark.vendor, mark.fields), updated_at: ctx.clock.now() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordEvent(ctx, 'transaction.emailed', 'transaction', id, { to: emails.map((e) => e.to), meta: emails[0]?.meta ?? {} });
    return after;
  });
}
