// What happens around a processor call: the simulated latency and the sequence numbers are taken
// before the database transaction opens (so a slow processor holds no lock and stalls no other
// tenant on SQLite), and the processor's answer becomes a transaction row with its ledger entry.
import type { PaymentMethodRow, TransactionRow } from '../database.ts';
import type { TenantContext } from '../context.ts';
import { DomainError, ErrorCode, invalid, notFound } from '../errors/domain-error.ts';
import { recordEvent } from '../events/events.ts';
import { Account } from '../ledger/accounts.ts';
import { post, type LedgerPosting } from '../ledger/ledger.ts';
import { normalizeCurrency } from '../money/currencies.ts';
import type { ChargeOptions, Processor, ProcessorOutcome } from '../processor/processor.ts';
export type { ChargeOptions } from '../processor/processor.ts';
import { simulator } from '../processor/simulator.ts';
import { faultsOf } from '../tenants/tenants.ts';
import { recurringSettings } from '../tenants/recurring-settings.ts';
import { consumeToken, instrumentOf, storeBank, storeCard, type BankInput, type CardInput } from '../vault/vault.ts';
import type { TxContext } from '../work.ts';
import { setRefs, type RefChange } from '../refs/refs.ts';
import type { PaymentResult } from './operations.ts';
import { insertTransaction, nextSeq, requireAmount, requireCustomer, reserveSeq } from './rows.ts';
import { TxnStatus, TxnType } from './states.ts';

export type PaymentSource = { methodId: number; cvv?: string | null } | { token: string } | { card: CardInput & { cvv?: string | null } } | { bank: BankInput };

export interface PaymentInput {
  type: 'sale' | 'authorize' | 'credit';
  amount: number;
  currency: string;
  source: PaymentSource;
  customerId?: number | null;
  orderId?: string | null;
  description?: string | null;
  /** Why the money moves, when a flow decided the amount (see verify). */
  purpose?: string | null;
  vendorData?: Record<string, unknown>;
  processor?: ChargeOptions;
  /** The merchant account processing it (core/merchant-accounts), when the door names one. */
  accountId?: number | null;
  /** External references of the new transaction (a client-chosen source id): a duplicate refuses the whole payment. */
  refs?: RefChange[];
  /** The subscription the charge collects for (a renewal's retry). */
  subscriptionId?: number | null;
  /** An authorization not captured within this many ms is released; absent: the tenant's setting (none by default). */
  authorizationWindowMs?: number | null;
  /** The kind of method the caller says it is paying with: another kind is refused before the processor is asked (reason method_kind_mismatch). */
  expectKind?: 'card' | 'bank';
}

export function processorOf(ctx: TenantContext): Processor {
  return ctx.processor ?? simulator;
}

/** Checks what can be checked before anything is written; returns the normalized currency. */
export function checkPaymentInput(input: Pick<PaymentInput, 'amount' | 'currency'>): string {
  requireAmount(input.amount);
  const currency = normalizeCurrency(input.currency);
  if (!currency) throw invalid(`Unknown currency ${String(input.currency)}`, 'currency');
  return currency;
}

/**
 * Outside any transaction: waits the tenant's simulated processor latency and reserves `calls`
 * sequence numbers. Returns the first reserved number (null inside a transaction: then each call
 * takes its number there).
 */
export async function beforeProcessor(ctx: TenantContext, calls = 1): Promise<number | null> {
  if (ctx.db.isTransaction) return null;
  const latency = faultsOf(ctx.tenant).latency_ms;
  if (latency) await new Promise((resolve) => setTimeout(resolve, latency));
  return reserveSeq(ctx, calls);
}

/**
 * beforeProcessor for a single charge. On SQLite there is one writer at a time anyway, so the
 * number is taken inside the charge's own transaction (null here): nothing waits longer for it, and
 * the charge needs one commit instead of two. On PostgreSQL it is reserved before, as above, so the
 * tenant's counter row is not held locked until the charge commits. (A charge refused inside its
 * transaction then leaves no gap on SQLite; no two committed transactions ever share a number.)
 */
export async function beforeCharge(ctx: TenantContext): Promise<number | null> {
  if (ctx.dialect !== 'sqlite' || ctx.db.isTransaction) return beforeProcessor(ctx);
  const latency = faultsOf(ctx.tenant).latency_ms;
  if (latency) await new Promise((resolve) => setTimeout(resolve, latency));
  return null;
}

/** The payment method a source names (a stored one, a one-time token, or a card or account given now). */
export async function resolveSource(ctx: TxContext, source: PaymentSource, customerId: number | null): Promise<{ method: PaymentMethodRow; cvv: string | null }> {
  if ('methodId' in source) {
    const method = await ctx.db.selectFrom('payment_methods').selectAll().where('tenant_id', '=', ctx.tenant.id).where('id', '=', source.methodId).where('status', '!=', 'deleted').executeTakeFirst();
    if (!method) throw notFound('payment method', source.methodId);
    return { method, cvv: source.cvv ?? null };
  }
  if ('token' in source) return consumeToken(ctx, source.token);
  if ('card' in source) return { method: await storeCard(ctx, source.card, { customerId, transient: true }), cvv: source.card.cvv ?? null };
  return { method: await storeBank(ctx, source.bank, { customerId, transient: true }), cvv: null };
}

/** The state a processor's answer puts a new transaction in. */
export function statusOf(type: PaymentInput['type'], outcome: ProcessorOutcome): TxnStatus {
  if (outcome.result === 'unknown') return TxnStatus.UNKNOWN;
  if (!outcome.approved) return outcome.declineReason === 'processor_error' ? TxnStatus.ERROR : TxnStatus.DECLINED;
  return type === TxnType.AUTHORIZE ? TxnStatus.AUTHORIZED : TxnStatus.CAPTURED;
}

/** Money captured: into clearing, held for the customer (or paid out, for a credit). */
export function capturePosting(txn: Pick<TransactionRow, 'id' | 'type' | 'currency' | 'customer_id'>, amount: number): LedgerPosting {
  const credit = txn.type === TxnType.CREDIT;
  const sign = credit ? -1 : 1;
  return {
    kind: credit ? 'credit' : 'capture',
    refType: 'transaction',
    refId: txn.id,
    currency: txn.currency,
    lines: [
      { account: Account.PROCESSOR_CLEARING, amount: sign * amount, transactionId: txn.id },
      { account: credit ? Account.PAYOUTS : Account.CUSTOMER_CREDIT, amount: -sign * amount, customerId: txn.customer_id, transactionId: txn.id },
    ],
  };
}

export async function postCapture(ctx: TxContext, txn: TransactionRow, amount: number): Promise<void> {
  await post(ctx, capturePosting(txn, amount));
}

const DAY = 86_400_000;

/** When an authorization made now lapses: the payment's own window, else the tenant's, else never. */
function authorizationExpiry(ctx: TenantContext, input: PaymentInput, now: number): number | null {
  if (input.authorizationWindowMs !== undefined) return input.authorizationWindowMs === null ? null : now + input.authorizationWindowMs;
  const days = recurringSettings(ctx.tenant).authorizationExpiryDays;
  return days === null ? null : now + days * DAY;
}

/** One processor charge (sale, authorization or credit) inside the caller's transaction. Declines are stored too. */
export async function chargeWithin(ctx: TxContext, input: PaymentInput, reservedSeq?: number | null): Promise<PaymentResult> {
  const currency = checkPaymentInput(input);
  const customerId = input.customerId ?? null;
  if (customerId !== null) await requireCustomer(ctx, customerId);
  const { method, cvv } = await resolveSource(ctx, input.source, customerId);
  if (input.expectKind && method.kind !== input.expectKind) {
    throw new DomainError(ErrorCode.INVALID, `The payment source is not a ${input.expectKind === 'card' ? 'card' : 'bank account'}`, {
      field: 'method',
      details: { reason: 'method_kind_mismatch', kind: method.kind },
    });
  }
  const seq = await nextSeq(ctx, reservedSeq);
  const now = ctx.clock.now();
  const request = {
    tenantId: ctx.tenant.id,
    seq,
    operation: input.type,
    amount: input.amount,
    currency,
    instrument: instrumentOf(ctx, method, { cvv }),
    now,
    faults: faultsOf(ctx.tenant),
    options: input.processor,
  };
  const processor = processorOf(ctx);
  const outcome = input.type === TxnType.CREDIT ? await processor.credit(request) : await processor.authorize(request);
  const status = statusOf(input.type, outcome);
  const captures = status === TxnStatus.CAPTURED;
  const approved = captures || status === TxnStatus.AUTHORIZED;
  const transaction = await insertTransaction(ctx, seq, {
    type: input.type,
    status,
    currency,
    amount: input.amount,
    amount_authorized: approved ? input.amount : 0,
    amount_captured: captures ? input.amount : 0,
    payment_method_id: method.id,
    payment_kind: method.kind,
    customer_id: customerId ?? method.customer_id,
    decline_reason: outcome.declineReason,
    auth_code: outcome.authCode,
    gateway_ref: outcome.gatewayRef,
    avs_result: outcome.avsResult,
    cvv_result: outcome.cvvResult,
    order_id: input.orderId ?? null,
    description: input.description ?? null,
    purpose: input.purpose ?? null,
    vendor_data: JSON.stringify(input.vendorData ?? {}),
    account_id: input.accountId ?? null,
    authorized_at: approved ? now : null,
    captured_at: captures ? now : null,
    subscription_id: input.subscriptionId ?? null,
    auth_expires_at: status === TxnStatus.AUTHORIZED ? authorizationExpiry(ctx, input, now) : null,
  });
  await setRefs(ctx, 'transaction', transaction.id, input.refs);
  if (captures) await postCapture(ctx, transaction, input.amount);
  const event = approved ? `transaction.${status}` : status === TxnStatus.UNKNOWN ? 'transaction.unknown' : 'transaction.declined';
  await recordEvent(ctx, event, 'transaction', transaction.id, transaction);
  return { transaction, outcome, replayed: false, method };
}
