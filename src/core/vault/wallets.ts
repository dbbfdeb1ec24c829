// Wallet payment methods (FluidPay's vault `/applepay` and `/googlepay`): the simulator cannot
// decrypt a wallet payload, so the payload is kept only as a fingerprint and the method is stored
// as a card the simulated processor approves (the approved test number), its brand named by the
// payload's network when it names one. No real gateway would do this; a connector would decrypt.
import type { PaymentMethodRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { invalid } from '../errors/domain-error.ts';
import { inWork } from '../work.ts';
import { insertMethod, PaymentMethodStatus, type StoreOptions } from './vault.ts';

const APPROVED_TEST_CARD = '4111111111111111';
const NETWORKS: Record<string, string> = { visa: 'visa', mastercard: 'mastercard', amex: 'amex', americanexpress: 'amex', discover: 'discover', jcb: 'jcb' };

export interface WalletInput {
  wallet: 'apple_pay' | 'google_pay';
  /** The opaque payload (encrypted token data) as the client sent it. */
  payload: string;
  /** The card network the payload names, if any (Visa, MasterCard, ...). */
  network?: string | null;
}

export async function storeWallet(ctx: TenantContext, input: WalletInput, options: StoreOptions = {}): Promise<PaymentMethodRow> {
  if (!input.payload) throw invalid('A wallet payment needs its token data', input.wallet);
  const brand =
    NETWORKS[
      String(input.network ?? '')
        .toLowerCase()
        .replace(/[^a-z]/g, '')
    ] ?? 'visa';
  return inWork(ctx, (ctx) =>
    insertMethod(
      ctx,
      {
        customer_id: options.customerId ?? null,
        kind: 'card',
        status: options.transient ? PaymentMethodStatus.TRANSIENT : PaymentMethodStatus.ACTIVE,
        holder_name: null,
        billing_address: '{}',
        brand,
        first6: APPROVED_TEST_CARD.slice(0, 6),
        last4: APPROVED_TEST_CARD.slice(-4),
        exp_month: 12,
        exp_year: new Date(ctx.clock.now()).getUTCFullYear() + 5,
        fingerprint: ctx.secrets.fingerprint(`${input.wallet}:${input.payload}`),
        secret_enc: ctx.secrets.encrypt(APPROVED_TEST_CARD),
        routing_number: null,
        account_type: null,
        holder_type: null,
        vendor_data: JSON.stringify(options.vendorData ?? {}),
      },
      options.refs,
    ),
  );
}
