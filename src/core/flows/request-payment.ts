// Ask a customer for money with a pay link (and send it), in one transaction: the customer (named
// by a reference, created when missing), the payment request, and the e-mail in the outbox.
import type { CustomerRow, TransactionRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { retryOnDuplicateRef, upsertCustomerWithin, type RefValue } from '../customers/by-ref.ts';
import type { CustomerInput } from '../customers/customers.ts';
import { keyedWork } from '../idempotency/keyed.ts';
import type { EmailInput } from '../outbox/outbox.ts';
import { requestWithin, type PaymentRequestInput } from '../payments/requests.ts';
import { reserveSeq } from '../payments/rows.ts';

export interface RequestPaymentInput {
  request: Omit<PaymentRequestInput, 'customerId'>;
  customerId?: number | null;
  customer?: { ref: RefValue; create: CustomerInput };
  emails?: (request: TransactionRow) => EmailInput[];
}

export async function requestPaymentFor(ctx: TenantContext, input: RequestPaymentInput): Promise<{ charge: TransactionRow; customer: CustomerRow | null }> {
  return retryOnDuplicateRef(
    () =>
      keyedWork(
        ctx,
        null,
        async (w, seq) => {
          const customer = input.customer ? (await upsertCustomerWithin(w, input.customer.ref, input.customer.create, null)).customer : null;
          const charge = await requestWithin(w, { ...input.request, customerId: customer?.id ?? input.customerId ?? null }, seq);
          for (const email of input.emails?.(charge) ?? []) {
            await w.db
              .insertInto('outbox')
              .values({ tenant_id: w.tenant.id, channel: 'email', recipient: email.to, subject: email.subject, body: email.body, meta: JSON.stringify(email.meta ?? {}), created_at: w.clock.now() })
              .execute();
          }
          return { charge, customer };
        },
        () => reserveSeq(ctx),
      ),
    input.customer ? [input.customer.ref.kind] : [],
  );
}
