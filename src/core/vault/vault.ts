// Payment-method vault: cards (full number AES-256-GCM encrypted, only brand/first6/last4/expiry
// visible) and bank accounts (routing number, masked account), plus one-time tokens that expire.
import type { PaymentMethodRow } from '../database.ts';
import { initialNotice } from './expiry-notices.ts';
import { modeOf, type TenantContext } from '../context.ts';
import { randomAlnum, randomToken } from '../crypto/secrets.ts';
import { DomainError, ErrorCode, invalid, notFound } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { cleanCardNumber, detectBrand } from '../processor/cards.ts';
import type { BankInstrument, CardInstrument } from '../processor/processor.ts';
import { inWork, type TxContext } from '../work.ts';
import { setRefs, type RefChange } from '../refs/refs.ts';
import { insertOneReturningAll } from '../bulk.ts';

export interface Address {
  line1?: string | null;
  line2?: string | null;
  city?: string | null;
  state?: string | null;
  postal_code?: string | null;
  country?: string | null;
  /** The holder's contact details given with the card or account (AffiniPay's method email and phone). */
  email?: string | null;
  phone?: string | null;
}

export interface CardInput {
  number: string;
  expMonth: number;
  expYear: number;
  holderName?: string | null;
  address?: Address;
  /** The door's own fields on the stored method (the number's length it masks with), when no StoreOptions give them. */
  vendorData?: Record<string, unknown>;
}

export interface BankInput {
  routingNumber: string;
  accountNumber: string;
  accountType?: string | null; // checking | savings
  holderType?: string | null; // personal | business
  holderName?: string | null;
  address?: Address;
  vendorData?: Record<string, unknown>;
}

export interface StoreOptions {
  customerId?: number | null;
  /** transient methods back a one-off charge and are not listed in the customer's vault. */
  transient?: boolean;
  refs?: RefChange[];
  vendorData?: Record<string, unknown>;
}

export const PaymentMethodStatus = { ACTIVE: 'active', TRANSIENT: 'transient', DELETED: 'deleted' } as const;

export function validateCard(card: CardInput): void {
  const number = cleanCardNumber(card.number ?? '');
  if (!/^\d{12,19}$/.test(number)) throw invalid('Card number length is invalid', 'number');
  if (!Number.isInteger(card.expMonth) || card.expMonth < 1 || card.expMonth > 12) throw invalid('Expiration month is invalid', 'exp_month');
  if (!Number.isInteger(card.expYear) || card.expYear < 0 || card.expYear > 9999) throw invalid('Expiration year is invalid', 'exp_year');
}

function normalizeYear(year: number): number {
  return year < 100 ? 2000 + year : year;
}

export async function insertMethod(
  ctx: TxContext,
  values: Omit<PaymentMethodRow, 'id' | 'tenant_id' | 'created_at' | 'deleted_at' | 'token' | 'mode' | 'expiry_notice_at' | 'expiry_notices'>,
  refs?: readonly RefChange[],
): Promise<PaymentMethodRow> {
  const row = await insertOneReturningAll(ctx, 'payment_methods', {
    ...values,
    // A card's expiry notices, due on its expiry month's 1st and the next month's (./expiry-notices.ts).
    ...(values.kind === 'card' ? initialNotice(ctx, values.exp_month, values.exp_year, ctx.clock.now()) : {}),
    mode: modeOf(ctx),
    tenant_id: ctx.tenant.id,
    token: randomAlnum(16),
    created_at: ctx.clock.now(),
    deleted_at: null,
  });
  await setRefs(ctx, 'payment_method', row.id, refs);
  if (row.customer_id !== null && row.status === PaymentMethodStatus.ACTIVE && (row.kind === 'card' || row.kind === 'bank')) {
    // A customer's first card or bank account is its default until it chooses another.
    await ctx.db.updateTable('customers').set({ default_payment_method_id: row.id }).where('id', '=', row.customer_id).where('default_payment_method_id', 'is', null).execute();
  }
  if (values.status !== PaymentMethodStatus.TRANSIENT) {
    await recordEvent(ctx, 'payment_method.created', 'payment_method', row.id, publicView(row));
  }
  return row;
}

export async function storeCard(ctx: TenantContext, card: CardInput, options: StoreOptions = {}): Promise<PaymentMethodRow> {
  validateCard(card);
  const number = cleanCardNumber(card.number);
  return inWork(ctx, (ctx) =>
    insertMethod(
      ctx,
      {
        customer_id: options.customerId ?? null,
        kind: 'card',
        status: options.transient ? PaymentMethodStatus.TRANSIENT : PaymentMethodStatus.ACTIVE,
        holder_name: card.holderName ?? null,
        billing_address: JSON.stringify(card.address ?? {}),
        brand: detectBrand(number),
        first6: number.slice(0, 6),
        last4: number.slice(-4),
        exp_month: card.expMonth,
        exp_year: normalizeYear(card.expYear),
        fingerprint: ctx.secrets.fingerprint(number),
        secret_enc: ctx.secrets.encrypt(number),
        routing_number: null,
        account_type: null,
        holder_type: null,
        vendor_data: JSON.stringify(options.vendorData ?? card.vendorData ?? {}),
      },
      options.refs,
    ),
  );
}

export async function storeBank(ctx: TenantContext, bank: BankInput, options: StoreOptions = {}): Promise<PaymentMethodRow> {
  if (!/^\d{9}$/.test(bank.routingNumber ?? '')) throw invalid('Routing number is invalid', 'routing_number');
  if (!/^\d{4,17}$/.test(bank.accountNumber ?? '')) throw invalid('Account number is invalid', 'account_number');
  return inWork(ctx, (ctx) =>
    insertMethod(
      ctx,
      {
        customer_id: options.customerId ?? null,
        kind: 'bank',
        status: options.transient ? PaymentMethodStatus.TRANSIENT : PaymentMethodStatus.ACTIVE,
        holder_name: bank.holderName ?? null,
        billing_address: JSON.stringify(bank.address ?? {}),
        brand: null,
        first6: null,
        last4: bank.accountNumber.slice(-4),
        exp_month: null,
        exp_year: null,
        fingerprint: ctx.secrets.fingerprint(`${bank.routingNumber}:${bank.accountNumber}`),
        secret_enc: ctx.secrets.encrypt(bank.accountNumber),
        routing_number: bank.routingNumber,
        account_type: bank.accountType ?? 'checking',
        holder_type: bank.holderType ?? 'personal',
        vendor_data: JSON.stringify(options.vendorData ?? bank.vendorData ?? {}),
      },
      options.refs,
    ),
  );
}

export async function getPaymentMethod(ctx: TenantContext, id: number, options: { includeDeleted?: boolean } = {}): Promise<PaymentMethodRow> {
  let query = ctx.db.selectFrom('payment_methods').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', id);
  if (!options.includeDeleted) query = query.where('status', '!=', PaymentMethodStatus.DELETED);
  const row = await query.executeTakeFirst();
  if (!row) throw notFound('payment method', id);
  return row;
}

export async function listPaymentMethods(ctx: TenantContext, customerId: number): Promise<PaymentMethodRow[]> {
  return ctx.db
    .selectFrom('payment_methods')
    .selectAll()
    .where('tenant_id', '=', ctx.tenant.id)
    .where('customer_id', '=', customerId)
    .where('status', '=', PaymentMethodStatus.ACTIVE)
    .orderBy('id')
    .execute();
}

export async function deletePaymentMethod(ctx: TenantContext, id: number): Promise<PaymentMethodRow> {
  return inWork(ctx, async (ctx) => {
    const row = await ctx.db
      .updateTable('payment_methods')
      .set({ status: PaymentMethodStatus.DELETED, deleted_at: ctx.clock.now() })
      .where('tenant_id', '=', ctx.tenant.id)
      .where('id', '=', id)
      .where('status', '!=', PaymentMethodStatus.DELETED)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound('payment method', id);
    if (row.customer_id !== null)
      await ctx.db.updateTable('customers').set({ default_payment_method_id: null }).where('id', '=', row.customer_id).where('default_payment_method_id', '=', row.id).execute();
    await recordEvent(ctx, 'payment_method.deleted', 'payment_method', row.id, publicView(row));
    return row;
  });
}

/** Decrypts a stored method into what the processor needs. Never leaves the core. */
export function instrumentOf(ctx: TenantContext, method: PaymentMethodRow, extra: { cvv?: string | null } = {}): CardInstrument | BankInstrument {
  const secret = ctx.secrets.decrypt(method.secret_enc);
  if (method.kind === 'bank') return { kind: 'bank', routingNumber: method.routing_number ?? '', accountNumber: secret };
  const address = JSON.parse(method.billing_address) as Address;
  return {
    kind: 'card',
    number: secret,
    expMonth: method.exp_month ?? 0,
    expYear: method.exp_year ?? 0,
    cvv: extra.cvv ?? null,
    address1: address.line1 ?? null,
    postalCode: address.postal_code ?? null,
  };
}

/** What any front door may show of a method: never more than first6/last4. */
export function publicView(method: PaymentMethodRow): Record<string, unknown> {
  return {
    id: method.id,
    kind: method.kind,
    customer_id: method.customer_id,
    brand: method.brand,
    first6: method.first6,
    last4: method.last4,
    exp_month: method.exp_month,
    exp_year: method.exp_year,
    routing_number: method.routing_number,
    account_type: method.account_type,
    holder_name: method.holder_name,
    status: method.status,
  };
}

// ---- one-time tokens ----------------------------------------------------------------------------

export const DEFAULT_TOKEN_TTL_MS = 15 * 60 * 1000;

export interface TokenOptions {
  ttlMs?: number;
  cvv?: string | null;
  prefix?: string;
  /** Random bytes after the prefix (base64url: 16 bytes are 22 characters, AffiniPay's id length); 18 by default. */
  bytes?: number;
}

export async function createToken(ctx: TenantContext, methodId: number, options: TokenOptions = {}): Promise<{ token: string; expiresAt: number }> {
  const expiresAt = ctx.clock.now() + (options.ttlMs ?? DEFAULT_TOKEN_TTL_MS);
  const token = `${options.prefix ?? 'tok_'}${randomToken(options.bytes ?? 18)}`;
  await ctx.db
    .insertInto('payment_tokens')
    .values({
      tenant_id: ctx.tenant.id,
      token,
      payment_method_id: methodId,
      cvv_enc: options.cvv ? ctx.secrets.encrypt(options.cvv) : null,
      expires_at: expiresAt,
      used_at: null,
      created_at: ctx.clock.now(),
    })
    .execute();
  return { token, expiresAt };
}

/**
 * A customer's own payment method made from a one-time token (FluidPay's vault `/token`): the token
 * is used up and its card or bank account copied into a new method of the customer, inside the
 * caller's transaction when there is one. Unknown, expired or used tokens are not found.
 */
export async function storeFromToken(ctx: TenantContext, token: string, options: StoreOptions = {}): Promise<PaymentMethodRow> {
  return inWork(ctx, async (ctx) => {
    const { method } = await consumeToken(ctx, token);
    const { id: _id, tenant_id: _t, created_at: _c, deleted_at: _d, token: _tok, ...instrument } = method;
    return insertMethod(
      ctx,
      {
        ...instrument,
        customer_id: options.customerId ?? null,
        status: options.transient ? PaymentMethodStatus.TRANSIENT : PaymentMethodStatus.ACTIVE,
        vendor_data: JSON.stringify(options.vendorData ?? {}),
      },
      options.refs,
    );
  });
}

/** Marks a token used and returns its method; unknown, expired or used tokens are not found. */
export async function consumeToken(ctx: TxContext, token: string): Promise<{ method: PaymentMethodRow; cvv: string | null }> {
  const now = ctx.clock.now();
  const row = await ctx.db
    .updateTable('payment_tokens')
    .set({ used_at: now })
    .where('tenant_id', '=', ctx.tenant.id)
    .where('token', '=', token)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw notFound('token', token);
  const method = await ctx.db.selectFrom('payment_methods').selectAll().where('id', '=', row.payment_method_id).executeTakeFirstOrThrow();
  return { method, cvv: row.cvv_enc ? ctx.secrets.decrypt(row.cvv_enc) : null };
}

export interface TokenView {
  token: string;
  method: PaymentMethodRow;
  /** Whether a CVV was given with the details (it is never shown). */
  hasCvv: boolean;
  createdAt: number;
  expiresAt: number;
}

/** A live token (unused, unexpired on the tenant's clock) and its method, or null. */
export async function findToken(ctx: TenantContext, token: string): Promise<TokenView | null> {
  const row = await ctx.db
    .selectFrom('payment_tokens')
    .innerJoin('payment_methods', 'payment_methods.id', 'payment_tokens.payment_method_id')
    .selectAll('payment_methods')
    .select(['payment_tokens.cvv_enc as t_cvv', 'payment_tokens.created_at as t_created', 'payment_tokens.expires_at as t_expires'])
    .where('payment_tokens.tenant_id', '=', ctx.tenant.id)
    .where('payment_tokens.token', '=', token)
    .where('payment_tokens.used_at', 'is', null)
    .where('payment_tokens.expires_at', '>', ctx.clock.now())
    .executeTakeFirst();
  if (!row) return null;
  const { t_cvv, t_created, t_expires, ...method } = row;
  return { token, method, hasCvv: t_cvv !== null, createdAt: Number(t_created), expiresAt: Number(t_expires) };
}

/**
 * The stored cards and bank accounts a charge for this customer may use, in the order to try them
 * (its default first, then the rest oldest first), or the given ones after checking each is the
 * customer's and usable.
 */
export async function chargeableMethods(ctx: TenantContext, customerId: number, ids?: readonly number[]): Promise<number[]> {
  const rows = await ctx.db
    .selectFrom('payment_methods')
    .select(['id'])
    .where('tenant_id', '=', ctx.tenant.id)
    .where('customer_id', '=', customerId)
    .where('status', '=', PaymentMethodStatus.ACTIVE)
    .where('kind', 'in', ['card', 'bank'])
    .orderBy('id')
    .execute();
  const owned = rows.map((row) => row.id);
  if (ids) {
    for (const id of ids)
      if (!owned.includes(id))
        throw new DomainError(ErrorCode.PAYMENT_METHOD_UNUSABLE, `Payment method ${id} does not belong to customer ${customerId}`, {
          field: 'paymethods',
          details: { reason: 'not_owned', method_id: id },
        });
    return [...ids];
  }
  const customer = await ctx.db.selectFrom('customers').select('default_payment_method_id').where('id', '=', customerId).executeTakeFirst();
  const chosen = customer?.default_payment_method_id ?? null;
  return chosen !== null && owned.includes(chosen) ? [chosen, ...owned.filter((id) => id !== chosen)] : owned;
}
