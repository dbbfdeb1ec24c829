// Who an invoice bills when the client addressed it to someone who is not a customer (FluidPay's
// bill_to without a vault address; any vendor whose invoice carries free-form recipient details).
//
// An issued invoice is money someone owes, and the ledger, payments, credits and every other
// vendor (ChargeOver, Invoiced, AffiniPay contacts) hang that on a customer. So the recipient does
// become a customer, but deliberately: a core customer marked `invoice_recipient`, made once per
// recipient and reused for that recipient's later invoices (matched by e-mail and currency among
// the customers made this way, never among customers a client registered, whose accounts an
// address typed on an invoice must not join). Without an e-mail nothing identifies the recipient,
// so each such invoice gets its own. The invoice keeps the details as they were sent (the
// recipient as addressed on that invoice); the customer holds the current contact. There is no
// unique index on the match: two first invoices to one new recipient at the same instant may make
// two customers, which is untidy but owes nothing wrong (an e-mail is too weak an identity to make
// the second invoice fail).
import { normalizeCurrency } from '../money/currencies.ts';
import { invalid } from '../errors/domain-error.ts';
import { createCustomer } from '../customers/customers.ts';
import type { AddressFields } from '../customers/addresses.ts';
import type { TxContext } from '../work.ts';

export interface RecipientInput {
  firstName?: string | null;
  lastName?: string | null;
  company?: string | null;
  email?: string | null;
  phone?: string | null;
  billingAddress?: AddressFields;
  currency: string;
}

/** The id of the customer an invoice to this recipient bills: a recipient customer made earlier, or a new one. */
export async function recipientCustomer(ctx: TxContext, recipient: RecipientInput): Promise<number> {
  const currency = normalizeCurrency(recipient.currency);
  if (!currency) throw invalid(`Unknown currency ${recipient.currency}`, 'currency');
  const email = recipient.email?.trim() || null;
  if (email) {
    const earlier = await ctx.db
      .selectFrom('customers')
      .select('id')
      .where('tenant_id', '=', ctx.tenant.id)
      .where('invoice_recipient', '=', 1)
      .where('deleted_at', 'is', null)
      .where('currency', '=', currency)
      .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    if (earlier) return earlier.id;
  }
  const customer = await createCustomer(ctx, {
    firstName: recipient.firstName || null,
    lastName: recipient.lastName || null,
    company: recipient.company || null,
    email,
    phone: recipient.phone || null,
    billingAddress: recipient.billingAddress,
    currency,
    invoiceRecipient: true,
  });
  return customer.id;
}
