// The merchant's processing accounts in AffiniPay's words (spec §3.C2, §3.C3, §7 seed): merchant
// accounts (cards) and ACH accounts (banks), each of one mode. Every merchant starts with the seed
// the spec describes — test: Operating (primary) and Trust card accounts, Test Bank Account (ACH,
// primary); live: one Operating card account — made on its first gateway request.
import type { Mode, TenantContext } from '../../core/context.ts';
import type { CardBrand } from '../../core/processor/cards.ts';
import { AVS_POLICIES, CVV_POLICIES, type AvsPolicy, type CvvPolicy, type VerificationPolicy } from '../../core/processor/verification.ts';
import { ensureMerchantAccounts, type AccountSeed, type MerchantAccount } from '../../core/merchant-accounts/accounts.ts';
import { decodeId, encodeId, sameSecond } from './ids.ts';
import { maskRouting, maskTail, timestamp } from './wire.ts';

const LENIENT: VerificationPolicy = { cvv: 'require_match_lenient', avs: 'addr_or_postal_code_lenient', ignoreAvsFailureIfCvvMatch: false };

function cardAccount(mode: Mode, name: string, primary: boolean, trust: boolean): AccountSeed {
  return {
    mode,
    kind: 'card',
    name,
    primary,
    status: 'active',
    currency: 'USD',
    trust,
    verification: LENIENT,
    swipeVerification: LENIENT,
    requiredFields: [],
    swipeRequiredFields: [],
    allowedCountries: [],
    creditsEnabled: true,
  };
}

/** The seed of spec §7 (card accounts lenient on CVV and AVS, every card type, no required fields, credits on). */
export function defaultAccounts(): AccountSeed[] {
  return [
    cardAccount('test', 'Operating', true, false),
    cardAccount('test', 'Trust', false, true),
    {
      mode: 'test',
      kind: 'bank',
      name: 'Test Bank Account',
      primary: true,
      status: 'active',
      currency: 'USD',
      trust: false,
      requiredFields: [],
      allowedCountries: [],
      creditsEnabled: true,
      deposit: { routingNumber: '000000013', accountLast4: '8932', accountLength: 9, accountType: 'checking', bankName: 'FIRST BANK OF TESTING' },
    },
    cardAccount('live', 'Operating', true, false),
  ];
}

/** The tenant's accounts (made on first use). */
export function accountsOf(ctx: TenantContext): Promise<MerchantAccount[]> {
  return ensureMerchantAccounts(ctx, defaultAccounts);
}

export function accountId(account: Pick<MerchantAccount, 'id' | 'createdAt'>): string {
  return encodeId('account', account.id, account.createdAt);
}

/** The account an AffiniPay account id names, of any mode (the caller judges the mode); null when none. */
export function findAccount(accounts: readonly MerchantAccount[], text: unknown): MerchantAccount | null {
  const decoded = decodeId('account', text);
  if (!decoded) return null;
  const account = accounts.find((a) => a.id === decoded.id && a.status !== 'deleted');
  return account && sameSecond(decoded, account.createdAt) ? account : null;
}

// ---- words --------------------------------------------------------------------------------------

export const wireCvvPolicy = (policy: CvvPolicy): string => policy.toUpperCase();
export const wireAvsPolicy = (policy: AvsPolicy): string => policy.toUpperCase();
export const parseCvvPolicy = (text: string): CvvPolicy | null => (CVV_POLICIES as readonly string[]).find((p) => p.toUpperCase() === text) as CvvPolicy | null;
export const parseAvsPolicy = (text: string): AvsPolicy | null => (AVS_POLICIES as readonly string[]).find((p) => p.toUpperCase() === text) as AvsPolicy | null;

const BRANDS: Record<string, CardBrand> = {
  VISA: 'visa',
  MASTERCARD: 'mastercard',
  AMERICAN_EXPRESS: 'amex',
  DISCOVER: 'discover',
  DINERS_CLUB: 'diners',
  JCB: 'jcb',
};

/** The core's brand as AffiniPay's card_type. */
export function cardType(brand: string | null): string {
  return Object.entries(BRANDS).find(([, core]) => core === brand)?.[0] ?? 'UNKNOWN';
}

export function brandOf(cardTypeWord: string): CardBrand | null {
  return BRANDS[cardTypeWord] ?? (cardTypeWord === 'UNKNOWN' ? 'unknown' : null);
}

export const CARD_TYPES = ['MASTERCARD', 'VISA', 'AMERICAN_EXPRESS', 'DISCOVER', 'DINERS_CLUB', 'JCB', 'UNKNOWN'] as const;

function acceptedTypes(account: MerchantAccount): string {
  return account.acceptedBrands ? account.acceptedBrands.map(cardType).join(',') : '*';
}

function common(account: MerchantAccount): Record<string, unknown> {
  return {
    id: accountId(account),
    created: timestamp(account.createdAt),
    modified: timestamp(account.updatedAt),
    name: account.name,
    primary: account.primary,
    status: account.status.toUpperCase(),
    trust_account: account.trust,
    currency: account.currency,
  };
}

export function renderMerchantAccount(account: MerchantAccount): Record<string, unknown> {
  const policy = account.verification ?? LENIENT;
  const swipe = account.swipeVerification ?? policy;
  return {
    ...common(account),
    accepted_card_types: acceptedTypes(account),
    cvv_policy: wireCvvPolicy(policy.cvv),
    avs_policy: wireAvsPolicy(policy.avs),
    ignore_avs_failure_if_cvv_match: policy.ignoreAvsFailureIfCvvMatch ?? false,
    required_payment_fields: account.requiredFields.join(','),
    swipe_cvv_policy: wireCvvPolicy(swipe.cvv),
    swipe_avs_policy: wireAvsPolicy(swipe.avs),
    swipe_ignore_avs_failure_if_cvv_match: swipe.ignoreAvsFailureIfCvvMatch ?? false,
    swipe_required_payment_fields: (account.swipeRequiredFields ?? account.requiredFields).join(','),
    transaction_allowed_countries: account.allowedCountries.join(','),
  };
}

export function renderAchAccount(account: MerchantAccount): Record<string, unknown> {
  const deposit = account.deposit;
  return {
    ...common(account),
    ...(deposit
      ? {
          routing_number: maskRouting(deposit.routingNumber),
          account_number: maskTail(deposit.accountLast4, deposit.accountLength),
          account_type: deposit.accountType.toUpperCase(),
          ...(deposit.bankName ? { bank_name: deposit.bankName } : {}),
        }
      : {}),
    required_payment_fields: account.requiredFields.join(','),
    transaction_allowed_countries: account.allowedCountries.join(','),
  };
}
