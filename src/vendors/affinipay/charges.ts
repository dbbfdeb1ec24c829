// Money through the gateway (spec §2.C #12–18, §4.1–4.8): charges (card, bank, saved method, token;
// auto-capture or a hold), credits, capture, refund and void. Each request is read in the order of
// spec §7 (fields, source_id, method, account, required fields, card or bank details) and handed to
// one core call; the core decides the amounts, the states and the processor's answer, and this file
// says its refusals in AffiniPay's words.
import type { FastifyRequest } from 'fastify';
import { modeOf, type TenantContext } from '../../core/context.ts';
import type { PaymentMethodRow, TransactionRow } from '../../core/database.ts';
import { DomainError, ErrorCode, reasonOf } from '../../core/errors/domain-error.ts';
import { AccountRefusal, chooseAccount, missingPaymentFields, type MerchantAccount } from '../../core/merchant-accounts/accounts.ts';
import { capture, createPayment, refund, voidTransaction, type PaymentSource } from '../../core/payments/payments.ts';
import type { ChargeOptions, PaymentInput } from '../../core/payments/processing.ts';
import { IllegalReason, TxnStatus, TxnType } from '../../core/payments/states.ts';
import { findByRef } from '../../core/refs/refs.ts';
import { findToken } from '../../core/vault/vault.ts';
import { paymentMethodsByIds } from '../../core/vault/queries.ts';
import { tenantOf } from '../../http/auth.ts';
import { accountsOf, findAccount } from './accounts.ts';
import { ApError, apError, invalidData, notFoundError } from './errors.ts';
import { decodeId, sameSecond } from './ids.ts';
import { VENDOR, givenFields, methodKind, methodValue, parseMethod, requiredFieldsError } from './methods.ts';
import type { Router } from './routing.ts';
import { failureMessages, findTransaction, renderOne, searchTransactions } from './transactions.ts';
import { jsonBody, readAmount, readBoolean, readCurrency, readString, type Body } from './wire.ts';

/** A payment method as the request gave it: a saved card or bank, a token, or details (checked later, once the account is known). */
export type MethodRef = { kind: 'card' | 'bank'; saved: PaymentMethodRow } | { kind: 'card' | 'bank'; token: string } | { kind: 'card' | 'bank'; hash: Body };

/** A saved card or bank of the credential's mode by its AffiniPay id, or null. */
export async function savedMethod(ctx: TenantContext, idText: unknown, kind: 'card' | 'bank'): Promise<PaymentMethodRow | null> {
  const decoded = decodeId(kind, idText);
  if (!decoded) return null;
  const row = (await paymentMethodsByIds(ctx, [decoded.id])).get(decoded.id);
  if (!row || row.kind !== kind || row.status !== 'active' || row.mode !== modeOf(ctx) || !sameSecond(decoded, row.created_at)) return null;
  return row;
}

/** What `method` names (spec §4.3): an id (saved card, saved bank, live token, in that order) or a hash. */
export async function methodRef(ctx: TenantContext, value: unknown, context: string, expected?: 'card' | 'bank'): Promise<MethodRef> {
  const given = methodValue(value);
  if (given === undefined) {
    if (value !== undefined && value !== null && value !== '') throw invalidData(context, 'invalid', 'Method is invalid');
    throw apError('no_payment_method');
  }
  if (typeof given !== 'string') return { kind: methodKind(given, context), hash: given };
  const card = await savedMethod(ctx, given, 'card');
  if (card) return { kind: 'card', saved: card };
  const bank = await savedMethod(ctx, given, 'bank');
  if (bank) return { kind: 'bank', saved: bank };
  const token = await findToken(ctx, given);
  if (token && (token.method.kind === 'card' || token.method.kind === 'bank')) return { kind: token.method.kind, token: given };
  throw apError(expected === 'bank' ? 'no_bank_details_or_token_present' : 'no_card_details_or_token_present');
}

/** The core source of a method: details checked (after the account's required fields), or the saved method or token. */
export function sourceOf(ref: MethodRef, account: MerchantAccount | null, context: string): { source: PaymentSource; swiped: boolean } {
  if ('saved' in ref) return { source: { methodId: ref.saved.id }, swiped: false };
  if ('token' in ref) return { source: { token: ref.token }, swiped: false };
  const swipedHint = ref.hash.track1 !== undefined || ref.hash.track2 !== undefined;
  if (account) {
    const required = swipedHint && account.swipeRequiredFields ? { requiredFields: account.swipeRequiredFields } : account;
    const missing = requiredFieldsError(missingPaymentFields(required, givenFields(ref.hash)), context);
    if (missing) throw missing;
  }
  const parsed = parseMethod(ref.hash, context);
  if (parsed.kind === 'card') {
    const { cvv, ...card } = parsed.card;
    return { source: { card: { ...card, cvv } }, swiped: parsed.swiped };
  }
  return { source: { bank: parsed.bank }, swiped: false };
}

/** The account of a payment (spec §4.3) in AffiniPay's words when none fits. */
export function paymentAccount(ctx: TenantContext, accounts: readonly MerchantAccount[], named: unknown, kind: 'card' | 'bank', credit = false, currency?: string): MerchantAccount {
  let id: number | undefined;
  if (named !== undefined && named !== null && named !== '') {
    const account = findAccount(accounts, named);
    if (!account) throw notFoundError(`Account[${String(named)}]`);
    id = account.id;
  }
  try {
    return chooseAccount(accounts, { id, mode: modeOf(ctx), kind, credit, ...(currency !== undefined ? { currency } : {}) });
  } catch (error) {
    switch (reasonOf(error)) {
      case AccountRefusal.NOT_FOUND:
        throw notFoundError(`Account[${String(named)}]`);
      case AccountRefusal.MODE_MISMATCH:
        throw apError('unavailable_for_merchant_mode', { message: (error as Error).message });
      case AccountRefusal.NOT_ACTIVE:
        throw apError('account_not_active');
      case AccountRefusal.KIND_MISMATCH:
        throw apError('incorrect_payment_type');
      case AccountRefusal.NONE_FOR_KIND:
        throw apError('no_account_for_payment_method');
      case AccountRefusal.CREDITS_DISABLED:
        throw apError('unavailable_for_merchant_policy');
      case AccountRefusal.CURRENCY_NOT_SUPPORTED:
        throw apError('unsupported_currency', { context: 'currency' });
    }
    throw error;
  }
}

/** The processor rules of the account: its CVV/AVS policy (swipe policy for track data), accepted card types; expiry only in live mode (spec §6 #47). */
export function processorOptions(ctx: TenantContext, account: MerchantAccount, swiped: boolean, verify = true): ChargeOptions {
  const verification = account.kind === 'card' && verify ? (swiped ? (account.swipeVerification ?? account.verification) : account.verification) : undefined;
  return { checkExpiry: modeOf(ctx) === 'live', ...(verification ? { verification } : {}), ...(account.acceptedBrands ? { acceptedBrands: account.acceptedBrands } : {}) };
}

/** A client-chosen source_id, refused early when already used (the core's unique index decides races, spec §7 step 6). */
export async function sourceIdRef(ctx: TenantContext, body: Body): Promise<{ vendor: string; kind: string; value: string }[] | undefined> {
  const sourceId = readString(body.source_id, 'source_id', 255);
  if (sourceId === undefined || sourceId === '') return undefined;
  if ((await findByRef(ctx, { vendor: VENDOR, objectType: 'transaction', kind: 'source_id' }, sourceId)) !== null) throw apError('resource_exists', { context: 'source_id' });
  return [{ vendor: VENDOR, kind: 'source_id', value: sourceId }];
}

function readData(body: Body): unknown {
  if (body.data === undefined || body.data === null) return undefined;
  if (typeof body.data !== 'object') throw invalidData('data', 'invalid', 'Data is invalid');
  return body.data;
}

/** A failed transaction's answer (spec §4.1): 422 with the transaction and its messages (500 when the processor failed). */
export async function failed(ctx: TenantContext, row: TransactionRow): Promise<ApError> {
  const messages = failureMessages(row);
  const status = row.status === TxnStatus.ERROR ? 500 : 422;
  return new ApError(status, messages, await renderOne(ctx, row));
}

/** Core refusals of a payment (a token used meanwhile, a source_id taken meanwhile) in AffiniPay's words. */
export function paymentRefusal(error: unknown, kind: 'card' | 'bank'): unknown {
  if (error instanceof DomainError && error.code === ErrorCode.NOT_FOUND) return apError(kind === 'bank' ? 'no_bank_details_or_token_present' : 'no_card_details_or_token_present');
  if (reasonOf(error) === 'duplicate_ref') return apError('resource_exists', { context: 'source_id' });
  return error;
}

/** Days a hold lives before it voids itself (spec §4.4). */
const HOLD_DAYS = 7;

export interface PaymentRequest {
  amount: number;
  currency: string;
  autoCapture: boolean;
  reference?: string;
  data?: unknown;
  refs?: { vendor: string; kind: string; value: string }[];
  account: MerchantAccount;
  source: PaymentSource;
  swiped: boolean;
  /** This door's fields on the transaction besides data (the recurring charge it pays). */
  fields?: Record<string, unknown>;
}

/** Reads a charge or credit body up to its core payment (spec §7 steps 1–10). */
export async function readPayment(ctx: TenantContext, body: Body, credit: boolean): Promise<PaymentRequest> {
  const amount = readAmount(body.amount, 'amount', { required: true }) as number;
  const currency = readCurrency(body.currency);
  const autoCapture = credit ? true : (readBoolean(body.auto_capture, 'auto_capture') ?? true);
  const reference = readString(body.reference, 'reference', 128);
  const data = readData(body);
  const refs = await sourceIdRef(ctx, body);
  const accounts = await accountsOf(ctx);
  const named = body.account_id === undefined || body.account_id === null || body.account_id === '' ? undefined : findAccount(accounts, body.account_id);
  const ref = await methodRef(ctx, body.method, 'method', named?.kind);
  const account = paymentAccount(ctx, accounts, body.account_id, ref.kind, credit, currency);
  if (ref.kind === 'bank' && !autoCapture) throw invalidData('auto_capture', 'invalid', 'Bank payments are always captured automatically');
  const { source, swiped } = sourceOf(ref, account, 'method');
  return { amount, currency, autoCapture, reference, data, refs, account, source, swiped };
}

/** The core payment input of a read request. */
export function paymentInput(ctx: TenantContext, request: PaymentRequest, type: 'sale' | 'authorize' | 'credit'): PaymentInput {
  const fields = { ...(request.data === undefined ? {} : { data: request.data }), ...(request.fields ?? {}) };
  return {
    type,
    amount: request.amount,
    currency: request.currency,
    source: request.source,
    accountId: request.account.id,
    orderId: request.reference ?? null,
    refs: request.refs,
    vendorData: Object.keys(fields).length > 0 ? { [VENDOR]: fields } : {},
    processor: processorOptions(ctx, request.account, request.swiped, type !== TxnType.CREDIT),
    // A hold not captured within 7 days voids itself (spec §4.4): the engine's authorization_expiry job.
    ...(type === TxnType.AUTHORIZE ? { authorizationWindowMs: HOLD_DAYS * 86_400_000 } : {}),
  };
}

export const methodKindOf = (request: PaymentRequest): 'card' | 'bank' => ('card' in request.source ? 'card' : 'bank' in request.source ? 'bank' : request.account.kind);

/** The core payment of a read request; a decline is the 422 with the FAILED transaction. */
export async function pay(ctx: TenantContext, request: PaymentRequest, type: 'sale' | 'authorize' | 'credit'): Promise<TransactionRow> {
  let result;
  try {
    result = await createPayment(ctx, paymentInput(ctx, request, type));
  } catch (error) {
    throw paymentRefusal(error, methodKindOf(request));
  }
  const row = result.transaction;
  if (row.status === TxnStatus.DECLINED || row.status === TxnStatus.ERROR) throw await failed(ctx, row);
  return row;
}

/** A charge or credit without `recur` (a charge with one is recur.ts's). */
export async function charge(request: FastifyRequest, credit: boolean): Promise<Record<string, unknown>> {
  const ctx = tenantOf(request);
  const body = jsonBody(request);
  const payment = await readPayment(ctx, body, credit);
  const row = await pay(ctx, payment, credit ? TxnType.CREDIT : payment.autoCapture ? TxnType.SALE : TxnType.AUTHORIZE);
  return renderOne(ctx, row);
}

/** A capture, refund or void refused for the transaction's state, in AffiniPay's words. */
function stateRefusal(error: unknown, row: TransactionRow, operation: 'capture' | 'refund' | 'void'): unknown {
  if (!(error instanceof DomainError)) return error;
  if (error.code === ErrorCode.ILLEGAL_TRANSITION) {
    if (operation === 'capture' && row.payment_kind === 'bank') return apError('incorrect_payment_type');
    if (operation === 'refund' && reasonOf(error) === IllegalReason.FULLY_REFUNDED) return apError('refund_exceeds_transaction');
    return apError('not_valid_for_transaction_status');
  }
  if (error.code === ErrorCode.PAYMENT_METHOD_UNUSABLE) return apError('incorrect_payment_type');
  if (error.code === ErrorCode.NOT_FOUND && operation === 'refund') return apError(row.payment_kind === 'bank' ? 'no_bank_details_or_token_present' : 'no_card_details_or_token_present');
  if (reasonOf(error) === 'duplicate_ref') return apError('resource_exists', { context: 'source_id' });
  return error;
}

const CAPTURE_TIMES = ['IMMEDIATE', 'NEXT_AUTO_CAPTURE'] as const;

async function captureCharge(request: FastifyRequest): Promise<Record<string, unknown>> {
  const ctx = tenantOf(request);
  const row = await findTransaction(ctx, (request.params as Body).id);
  const body = jsonBody(request, { optional: true });
  const amount = readAmount(body.amount, 'amount');
  const reference = readString(body.reference, 'reference', 128);
  const timeText = readString(body.capture_time, 'capture_time');
  if (timeText !== undefined && timeText !== '' && !(CAPTURE_TIMES as readonly string[]).includes(timeText)) throw invalidData('capture_time', 'invalid', 'Capture time is invalid');
  const later = timeText === 'NEXT_AUTO_CAPTURE';
  const fields: Record<string, unknown> = { capture_time: later ? 'NEXT_AUTO_CAPTURE' : 'IMMEDIATE' };
  if (reference !== undefined) fields.capture_reference = reference;
  if (later) fields.auto_capture = true;
  let captured: TransactionRow;
  try {
    captured = await capture(ctx, row.id, { amount, settleNow: !later, vendorData: { vendor: VENDOR, fields } });
  } catch (error) {
    throw stateRefusal(error, row, 'capture');
  }
  return renderOne(ctx, captured);
}

async function refundCharge(request: FastifyRequest): Promise<Record<string, unknown>> {
  const ctx = tenantOf(request);
  const row = await findTransaction(ctx, (request.params as Body).id);
  const body = jsonBody(request, { optional: true });
  const amount = readAmount(body.amount, 'amount');
  const reference = readString(body.reference, 'reference', 128);
  const currencyText = readString(body.currency, 'currency');
  const data = readData(body);
  const refs = await sourceIdRef(ctx, body);
  let source: PaymentSource | undefined;
  if (body.method !== undefined && body.method !== null && body.method !== '') {
    const ref = await methodRef(ctx, body.method, 'method', row.payment_kind === 'bank' ? 'bank' : 'card');
    if (ref.kind !== row.payment_kind) throw apError('incorrect_payment_type');
    source = sourceOf(ref, null, 'method').source;
  }
  const fields: Record<string, unknown> = {};
  if (reference !== undefined) fields.reference = reference;
  if (data !== undefined) fields.data = data;
  let result;
  try {
    result = await refund(ctx, row.id, {
      amount,
      ...(currencyText ? { currency: currencyText } : {}),
      ...(source ? { source } : {}),
      refs,
      vendorData: Object.keys(fields).length > 0 ? { [VENDOR]: fields } : {},
    });
  } catch (error) {
    throw stateRefusal(error, row, 'refund');
  }
  return renderOne(ctx, result.refund);
}

async function voidOne(request: FastifyRequest): Promise<Record<string, unknown>> {
  const ctx = tenantOf(request);
  const row = await findTransaction(ctx, (request.params as Body).id);
  const body = jsonBody(request, { optional: true });
  const reference = readString(body.reference, 'reference', 128);
  let voided: TransactionRow;
  try {
    voided = await voidTransaction(ctx, row.id, reference === undefined ? {} : { vendorData: { vendor: VENDOR, fields: { void_reference: reference } } });
  } catch (error) {
    throw stateRefusal(error, row, 'void');
  }
  return renderOne(ctx, voided, { withRefunds: true });
}

export function chargeRoutes(router: Router): void {
  router.post('/v1/credits', (request) => charge(request, true));
  router.get('/v1/charges/holds', async (request) => searchTransactions(tenantOf(request), request.query as Body, [TxnType.AUTHORIZE], [{ field: 'status', op: 'eq', value: TxnStatus.AUTHORIZED }]));
  router.post('/v1/charges/:id/capture', captureCharge);
  router.post('/v1/charges/:id/refund', refundCharge);
  router.post('/v1/transactions/:id/void', voidOne);
}
