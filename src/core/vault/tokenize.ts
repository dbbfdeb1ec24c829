// One-time tokens for card or bank details (Invoiced's invoiced_token, AffiniPay's /v1/tokens): the
// details are stored as a transient method of no customer, and a token that expires points at it.
// A charge consumes the token; keeping the method on a customer is keep-method.ts.
import type { PaymentMethodRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { inWork } from '../work.ts';
import { createToken, storeBank, storeCard, type BankInput, type CardInput } from './vault.ts';

export interface TokenizeOptions {
  ttlMs?: number;
  prefix?: string;
  cvv?: string | null;
}

export interface Tokenized {
  token: string;
  expiresAt: number;
  method: PaymentMethodRow;
}

export async function tokenizeMethod(ctx: TenantContext, source: { card: CardInput } | { bank: BankInput }, options: TokenizeOptions = {}): Promise<Tokenized> {
  return inWork(ctx, async (ctx) => {
    const method = 'card' in source ? await storeCard(ctx, source.card, { transient: true }) : await storeBank(ctx, source.bank, { transient: true });
    const { token, expiresAt } = await createToken(ctx, method.id, { ttlMs: options.ttlMs, prefix: options.prefix, cvv: options.cvv });
    return { token, expiresAt, method };
  });
}
