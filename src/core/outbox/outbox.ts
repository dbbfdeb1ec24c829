// Outgoing e-mail: written to the outbox table (the admin API lists it); nothing is sent for real.
import type { TenantContext } from '../context.ts';
import type { TxContext } from '../work.ts';
import { insertRows } from '../bulk.ts';

export interface EmailInput {
  to: string;
  subject: string;
  body: string;
  meta?: Record<string, unknown>;
}

export async function queueEmail(ctx: TenantContext, email: EmailInput): Promise<void> {
  await ctx.db
    .insertInto('outbox')
    .values({ tenant_id: ctx.tenant.id, channel: 'email', recipient: email.to, subject: email.subject, body: email.body, meta: JSON.stringify(email.meta ?? {}), created_at: ctx.clock.now() })
    .execute();
}

/** Many e-mails in a few statements (batch work). */
export async function queueEmails(ctx: TxContext, emails: readonly EmailInput[]): Promise<void> {
  const now = ctx.clock.now();
  await insertRows(
    ctx,
    'outbox',
    emails.map((email) => ({ tenant_id: ctx.tenant.id, channel: 'email', recipient: email.to, subject: email.subject, body: email.body, meta: JSON.stringify(email.meta ?? {}), created_at: now })),
  );
}
