// A merchant's processing accounts: where card payments (a merchant account) and bank payments (an
// ACH account) are processed and deposited, each in one mode (test or live), one of each kind the
// primary per mode, each with its own rules — card verification (CVV/AVS), accepted brands, the
// payment fields a payer must give, whether credits may be sent. AffiniPay shows them (Operating,
// Trust, a test bank account); any gateway with several deposit accounts per merchant needs the
// same choice of account per payment, so the choice and its refusals live here once.
//
// Kept in the tenant's settings (JSON, `merchant_accounts`), read with the tenant the credential
// resolved: choosing the account of a payment costs no query. Changes lock the tenant row.
import type { Tenant } from '../database.ts';
import { forUpdate } from '../db.ts';
import type { Mode, TenantContext } from '../context.ts';
import { DomainError, ErrorCode, invalid, notFound } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import type { CardBrand } from '../processor/cards.ts';
import type { VerificationPolicy } from '../processor/verification.ts';
import { inWork, type TxContext } from '../work.ts';

export type AccountKind = 'card' | 'bank';
export type AccountStatus = 'active' | 'inactive' | 'deleted';

/** Fields of a payment method a payer may be required to give (besides number and expiry). */
export const PAYMENT_FIELDS = ['card_type', 'cvv', 'name', 'address1', 'city', 'state', 'postal_code', 'country', 'email', 'phone'] as const;
export type PaymentField = (typeof PAYMENT_FIELDS)[number];

export interface DepositAccount {
  routingNumber: string;
  /** Only the last digits and the length are kept. */
  accountLast4: string;
  accountLength: number;
  accountType: 'checking' | 'savings';
  bankName: string | null;
}

export interface MerchantAccount {
  id: number;
  mode: Mode;
  kind: AccountKind;
  name: string;
  primary: boolean;
  status: AccountStatus;
  currency: string;
  /** A client trust account (IOLTA): money held for the merchant's clients. */
  trust: boolean;
  /** Card accounts: CVV/AVS rules for keyed cards, and for swiped ones. */
  verification?: VerificationPolicy;
  swipeVerification?: VerificationPolicy;
  /** Card accounts: the brands accepted; absent means all. */
  acceptedBrands?: CardBrand[];
  requiredFields: PaymentField[];
  swipeRequiredFields?: PaymentField[];
  /** ISO 3166 alpha-2 codes payments may come from; empty means the tenant's default (any). */
  allowedCountries: string[];
  creditsEnabled: boolean;
  /** Bank accounts: the account money is debited into. */
  deposit?: DepositAccount;
  createdAt: number;
  updatedAt: number;
}

export type AccountSeed = Omit<MerchantAccount, 'id' | 'createdAt' | 'updatedAt'>;

interface Stored {
  merchant_accounts?: MerchantAccount[];
}

function stored(tenant: Pick<Tenant, 'settings'>): Stored {
  return JSON.parse(tenant.settings || '{}') as Stored;
}

/** The tenant's accounts, as read with the tenant (no query). */
export function merchantAccounts(tenant: Pick<Tenant, 'settings'>): MerchantAccount[] {
  return stored(tenant).merchant_accounts ?? [];
}

async function lockedTenant(ctx: TxContext): Promise<Tenant> {
  return forUpdate(ctx.db.selectFrom('tenants').selectAll().where('id', '=', ctx.tenant.id), ctx.dialect).executeTakeFirstOrThrow();
}

async function write(ctx: TxContext, tenant: Tenant, accounts: MerchantAccount[]): Promise<void> {
  const settings = { ...(JSON.parse(tenant.settings || '{}') as Record<string, unknown>), merchant_accounts: accounts };
  await ctx.db
    .updateTable('tenants')
    .set({ settings: JSON.stringify(settings) })
    .where('id', '=', tenant.id)
    .execute();
}

/**
 * The tenant's accounts, giving it `seed` first when it has none (a door's default set: the first
 * request of a new merchant makes them; concurrent first requests make them once).
 */
export async function ensureMerchantAccounts(ctx: TenantContext, seed: () => AccountSeed[]): Promise<MerchantAccount[]> {
  const existing = merchantAccounts(ctx.tenant);
  if (existing.length > 0) return existing;
  return inWork(ctx, async (ctx) => {
    const tenant = await lockedTenant(ctx);
    const current = merchantAccounts(tenant);
    if (current.length > 0) return current;
    const now = ctx.clock.now();
    const accounts = seed().map((account, i) => ({ ...account, id: i + 1, createdAt: now, updatedAt: now }));
    await write(ctx, tenant, accounts);
    for (const account of accounts) await recordEvent(ctx, 'merchant_account.created', 'merchant_account', account.id, account, account.mode);
    return accounts;
  });
}

export interface AccountChanges {
  name?: string;
  primary?: boolean;
  requiredFields?: PaymentField[];
  allowedCountries?: string[];
  verification?: VerificationPolicy;
  acceptedBrands?: CardBrand[] | null;
  creditsEnabled?: boolean;
}

/**
 * Changes one account of the acting mode. Making it primary demotes the other primary of its kind
 * and mode; unmaking the only primary is refused (reason one_primary): there is always one.
 */
export async function updateMerchantAccount(ctx: TenantContext, id: number, kind: AccountKind, changes: AccountChanges, mode: Mode): Promise<MerchantAccount> {
  return inWork(ctx, async (ctx) => {
    const tenant = await lockedTenant(ctx);
    const accounts = merchantAccounts(tenant);
    const account = accounts.find((a) => a.id === id && a.kind === kind && a.mode === mode && a.status !== 'deleted');
    if (!account) throw notFound('merchant account', id);
    const now = ctx.clock.now();
    if (changes.primary === false && account.primary) {
      throw new DomainError(ErrorCode.INVALID, 'Exactly one account of each kind must be primary', { field: 'primary', details: { reason: 'one_primary' } });
    }
    if (changes.primary === true && !account.primary) {
      for (const other of accounts) if (other.kind === kind && other.mode === mode && other.primary) Object.assign(other, { primary: false, updatedAt: now });
    }
    if (changes.name !== undefined) account.name = changes.name;
    if (changes.primary !== undefined) account.primary = changes.primary;
    if (changes.requiredFields !== undefined) account.requiredFields = changes.requiredFields;
    if (changes.allowedCountries !== undefined) account.allowedCountries = changes.allowedCountries;
    if (changes.verification !== undefined) account.verification = changes.verification;
    if (changes.acceptedBrands !== undefined) account.acceptedBrands = changes.acceptedBrands ?? undefined;
    if (changes.creditsEnabled !== undefined) account.creditsEnabled = changes.creditsEnabled;
    account.updatedAt = now;
    await write(ctx, tenant, accounts);
    await recordEvent(ctx, 'merchant_account.updated', 'merchant_account', account.id, account, account.mode);
    return account;
  });
}

/** Why no account can take a payment (details.reason of the refusal). */
export const AccountRefusal = {
  /** The named account does not exist (or is deleted). */
  NOT_FOUND: 'account_not_found',
  /** The named account belongs to the other mode. */
  MODE_MISMATCH: 'account_mode_mismatch',
  NOT_ACTIVE: 'account_not_active',
  /** The named account processes the other kind of payment. */
  KIND_MISMATCH: 'account_kind_mismatch',
  /** No account was named and none of this kind is primary in this mode. */
  NONE_FOR_KIND: 'no_account_for_kind',
  /** The account does not send credits. */
  CREDITS_DISABLED: 'credits_disabled',
  /** The account takes payments in another currency. */
  CURRENCY_NOT_SUPPORTED: 'currency_not_supported',
} as const;
export type AccountRefusal = (typeof AccountRefusal)[keyof typeof AccountRefusal];

function refuse(reason: AccountRefusal, message: string, details: Record<string, unknown> = {}): DomainError {
  return new DomainError(reason === AccountRefusal.NOT_FOUND ? ErrorCode.NOT_FOUND : ErrorCode.ILLEGAL_TRANSITION, message, { field: 'account_id', details: { reason, ...details } });
}

export interface AccountChoice {
  /** The account named by the client, if any. */
  id?: number;
  mode: Mode;
  kind: AccountKind;
  /** A credit (money sent), which the account must allow. */
  credit?: boolean;
  /** The payment's currency, which must be the account's. */
  currency?: string;
}

/**
 * The account a payment goes through: the one named (of this merchant, in this mode, active, of
 * the payment's kind), else the primary of the payment's kind in this mode; it must take the
 * payment's currency and, for a credit, send credits. Refusals carry
 * details.reason (AccountRefusal) for the door to say in its words.
 */
export function chooseAccount(accounts: readonly MerchantAccount[], choice: AccountChoice): MerchantAccount {
  let account: MerchantAccount | undefined;
  if (choice.id !== undefined) {
    account = accounts.find((a) => a.id === choice.id && a.status !== 'deleted');
    if (!account) throw refuse(AccountRefusal.NOT_FOUND, 'Requested resource not found');
    if (account.mode !== choice.mode)
      throw refuse(AccountRefusal.MODE_MISMATCH, `Mode ${choice.mode.toUpperCase()} not supported for account of type ${account.mode.toUpperCase()}`, { account_mode: account.mode });
    if (account.status !== 'active') throw refuse(AccountRefusal.NOT_ACTIVE, 'Account is not active');
    if (account.kind !== choice.kind) throw refuse(AccountRefusal.KIND_MISMATCH, 'Payment method type not supported by the target account');
  } else {
    account = accounts.find((a) => a.kind === choice.kind && a.mode === choice.mode && a.primary && a.status === 'active');
    if (!account) throw refuse(AccountRefusal.NONE_FOR_KIND, 'Merchant does not have an account that supports the requested payment method');
  }
  if (choice.credit && !account.creditsEnabled) throw refuse(AccountRefusal.CREDITS_DISABLED, 'The operation is unavailable due to the current merchant policy');
  if (choice.currency !== undefined && choice.currency !== account.currency) throw refuse(AccountRefusal.CURRENCY_NOT_SUPPORTED, `The account takes ${account.currency} only`);
  return account;
}

/** The payment fields an account requires that the given values leave blank, in the account's order. */
export function missingPaymentFields(account: Pick<MerchantAccount, 'requiredFields'>, given: Partial<Record<PaymentField, unknown>>): PaymentField[] {
  return account.requiredFields.filter((field) => {
    const value = given[field];
    return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
  });
}

export function checkPaymentFields(fields: readonly string[]): PaymentField[] {
  for (const field of fields) if (!(PAYMENT_FIELDS as readonly string[]).includes(field)) throw invalid(`Unknown payment field ${field}`, 'required_payment_fields');
  return fields as PaymentField[];
}
