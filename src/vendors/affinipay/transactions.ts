// Transactions in AffiniPay's words (spec §3.C7–C9, §4.4, §4.15): a core payment, authorization,
// credit or refund rendered as a CHARGE, REFUND or CREDIT, and the reads — by id, by source_id, and
// the search with q, qf, dates, account and order_by. Only the credential's mode is ever seen, and
// only money that went through the processor (cards and bank accounts), whichever door made it.
import { modeOf, type TenantContext } from '../../core/context.ts';
import type { PaymentMethodRow, TransactionRow } from '../../core/database.ts';
import { getTransaction } from '../../core/payments/payments.ts';
import { listTransactions, refundsOf, transactionsByIds } from '../../core/payments/queries.ts';
import { TxnStatus, TxnType } from '../../core/payments/states.ts';
import { paymentMethodsByIds } from '../../core/vault/queries.ts';
import { occurrencesOfCharges, type ChargeOccurrence } from '../../core/subscriptions/occurrences.ts';
import { findByRef } from '../../core/refs/refs.ts';
import type { Condition, FieldRef } from '../../core/query/conditions.ts';
import { DomainError } from '../../core/errors/domain-error.ts';
import type { MerchantAccount } from '../../core/merchant-accounts/accounts.ts';
import { tenantOf } from '../../http/auth.ts';
import { accountId, accountsOf, brandOf, findAccount } from './accounts.ts';
import { apError, apMessage, notFoundError, type ApMessage } from './errors.ts';
import { decodeId, encodeId, occurrenceId, recurringId, sameSecond } from './ids.ts';
import { VENDOR, renderMethod } from './methods.ts';
import { parseVendorData } from '../../core/vendor-data.ts';
import { listParam, readInstant, readOrderBy, readPage, searchResults, timestamp, type Body } from './wire.ts';
import type { Router } from './routing.ts';

export const GATEWAY_TYPES = [TxnType.SALE, TxnType.AUTHORIZE, TxnType.CREDIT, TxnType.REFUND] as const;
const PROCESSED = ['card', 'bank'];

/** This door's fields on a transaction (data, capture and void references, capture timing). */
export function txnFields(row: Pick<TransactionRow, 'vendor_data'>): Record<string, unknown> {
  return parseVendorData(row.vendor_data)[VENDOR] ?? {};
}

export const transactionId = (row: Pick<TransactionRow, 'id' | 'created_at'>): string => encodeId('transaction', row.id, row.created_at);

export function wireType(row: Pick<TransactionRow, 'type'>): 'CHARGE' | 'REFUND' | 'CREDIT' {
  return row.type === TxnType.REFUND ? 'REFUND' : row.type === TxnType.CREDIT ? 'CREDIT' : 'CHARGE';
}

/** AffiniPay's status of a core transaction (spec §4.4): captured-but-unsettled is still AUTHORIZED until the daily capture. */
export function wireStatus(row: TransactionRow, parent?: TransactionRow): string {
  switch (row.status) {
    case TxnStatus.DECLINED:
    case TxnStatus.ERROR:
      return 'FAILED';
    case TxnStatus.UNKNOWN:
      return 'PENDING';
    case TxnStatus.PENDING:
      // A bank refund waits for its charge to settle (spec §4.6); after that it is authorized.
      return row.type === TxnType.REFUND && parent && parent.status !== TxnStatus.SETTLED ? 'PENDING' : 'AUTHORIZED';
    case TxnStatus.SETTLED:
      return 'COMPLETED';
    case TxnStatus.VOIDED:
      return 'VOIDED';
    default:
      return 'AUTHORIZED';
  }
}

const CARD_FAILURES: Record<string, string> = {
  declined: 'card_declined',
  insufficient_funds: 'card_declined_insufficient_funds',
  limit_exceeded: 'card_declined_limit_exceeded',
  expired_card: 'card_expired',
  processing_error: 'card_declined_processing_error',
  hold: 'card_declined_hold',
  invalid_number: 'card_number_invalid',
  type_not_accepted: 'card_type_not_accepted',
  cvv_mismatch: 'card_cvv_incorrect',
  avs_rejected: 'card_avs_rejected',
  processor_error: 'card_processor_not_available',
};

/** The core's decline reason as AffiniPay's failure code (spec §3.C14). */
export function failureCode(row: Pick<TransactionRow, 'decline_reason' | 'payment_kind'>): string | null {
  const reason = row.decline_reason;
  if (!reason) return null;
  if (row.payment_kind === 'bank') {
    if (reason.startsWith('ach_')) return reason;
    return reason === 'processor_error' ? 'ach_processing_error' : 'ach_declined';
  }
  return CARD_FAILURES[reason] ?? 'card_declined';
}

export interface RenderContext {
  methods: Map<number, PaymentMethodRow>;
  parents: Map<number, TransactionRow>;
  accounts: MerchantAccount[];
  /** Charges made for a recurring charge: which one, and which occurrence. */
  occurrences?: Map<number, ChargeOccurrence>;
}

export async function renderContext(ctx: TenantContext, rows: readonly TransactionRow[]): Promise<RenderContext> {
  const [methods, parents, accounts, occurrences] = await Promise.all([
    paymentMethodsByIds(
      ctx,
      rows.flatMap((t) => (t.payment_method_id === null ? [] : [t.payment_method_id])),
    ),
    transactionsByIds(
      ctx,
      rows.flatMap((t) => (t.parent_id === null ? [] : [t.parent_id])),
    ),
    accountsOf(ctx),
    occurrencesOfCharges(ctx, rows),
  ]);
  return { methods, parents, accounts, occurrences };
}

/** The account a transaction went through: the one it names, else (made through another door) the primary of its kind. */
function accountOf(row: TransactionRow, accounts: readonly MerchantAccount[]): MerchantAccount | undefined {
  return (
    accounts.find((a) => a.id === row.account_id) ?? accounts.find((a) => a.mode === (row.mode === 'live' ? 'live' : 'test') && a.kind === (row.payment_kind === 'bank' ? 'bank' : 'card') && a.primary)
  );
}

export interface RenderOptions {
  /** Shown as it was when created (the transaction.created event): PENDING, nothing decided yet. */
  asCreated?: boolean;
  refunds?: TransactionRow[];
}

export function renderTransaction(row: TransactionRow, rc: RenderContext, options: RenderOptions = {}): Record<string, unknown> {
  const own = txnFields(row);
  const type = wireType(row);
  const parent = row.parent_id === null ? undefined : rc.parents.get(row.parent_id);
  const status = options.asCreated ? 'PENDING' : wireStatus(row, parent);
  const account = accountOf(row, rc.accounts);
  const method = row.payment_method_id === null ? undefined : rc.methods.get(row.payment_method_id);
  const captured = row.type === TxnType.AUTHORIZE && row.amount_captured > 0;
  const out: Record<string, unknown> = {
    id: transactionId(row),
    created: timestamp(row.created_at),
    modified: timestamp(options.asCreated ? row.created_at : row.updated_at),
    type,
    ...(account ? { account_id: accountId(account) } : {}),
    status,
  };
  const failure = status === 'FAILED' ? failureCode(row) : null;
  if (failure) out.failure_code = failure;
  out.amount = captured ? row.amount_captured : row.amount;
  out.currency = row.currency;
  out.auto_capture = row.type === TxnType.AUTHORIZE ? own.auto_capture === true : true;
  if (type === 'CHARGE') out.amount_refunded = row.amount_refunded;
  if (row.auth_code && !options.asCreated && status !== 'FAILED') out.authorization_code = row.auth_code;
  if (method) out.method = renderMethod(method);
  if (own.data !== undefined) out.data = own.data;
  const reference = type === 'REFUND' ? own.reference : row.order_id;
  if (typeof reference === 'string') out.reference = reference;
  if (typeof own.capture_reference === 'string') out.capture_reference = own.capture_reference;
  if (typeof own.void_reference === 'string') out.void_reference = own.void_reference;
  if (!options.asCreated) {
    if (row.cvv_result) out.cvv_result = row.cvv_result;
    if (row.avs_result) out.avs_result = row.avs_result;
  }
  if (type === 'REFUND' && parent) out.charge_id = transactionId(parent);
  const occurrence = rc.occurrences?.get(row.id);
  if (occurrence && occurrence.subscription.vendor === VENDOR) {
    out.recurring_charge_id = recurringId(occurrence.subscription);
    out.recurring_charge_occurrence_id = occurrenceId(occurrence.subscription, occurrence.n);
  }
  if (options.refunds && options.refunds.length > 0) {
    out.refunds = options.refunds.map((refund) => renderTransaction(refund, { ...rc, parents: new Map([[row.id, row]]) }));
  }
  return out;
}

export async function renderOne(ctx: TenantContext, row: TransactionRow, options: { withRefunds?: boolean } = {}): Promise<Record<string, unknown>> {
  const refunds = options.withRefunds && row.type !== TxnType.REFUND && row.type !== TxnType.CREDIT ? await refundsOf(ctx, row.id) : [];
  const rc = await renderContext(ctx, [row, ...refunds]);
  return renderTransaction(row, rc, { refunds });
}

/** The messages of a failed transaction (spec §4.1): its failure code, with the processor's facility where it is the processor's. */
export function failureMessages(row: TransactionRow): ApMessage[] {
  const code = failureCode(row) ?? 'card_declined';
  return [apMessage(code, code.endsWith('_not_available') || code.endsWith('_processing_error') ? { entity_id: transactionId(row) } : {})];
}

/** Whether a core transaction is one this door shows to this credential. */
export function visible(ctx: TenantContext, row: TransactionRow): boolean {
  return row.mode === modeOf(ctx) && (GATEWAY_TYPES as readonly string[]).includes(row.type) && PROCESSED.includes(row.payment_kind ?? '');
}

/** A transaction of the credential's mode by its AffiniPay id; anything else is not found. */
export async function findTransaction(ctx: TenantContext, idText: unknown): Promise<TransactionRow> {
  const decoded = decodeId('transaction', idText);
  if (!decoded) throw notFoundError();
  let row: TransactionRow;
  try {
    row = await getTransaction(ctx, decoded.id);
  } catch (error) {
    if (error instanceof DomainError) throw notFoundError();
    throw error;
  }
  if (!sameSecond(decoded, row.created_at) || !visible(ctx, row)) throw notFoundError();
  return row;
}

// ---- search -------------------------------------------------------------------------------------

const ap = (field: FieldRef, value: string | number, op: 'eq' | 'contains' = 'contains'): Condition => ({ field, op, value });
const anyOf = (field: FieldRef, values: Array<string | number>): Condition => ({ field, op: 'in', value: values });

const STATUS_WORDS: Record<string, string[]> = {
  FAILED: ['declined', 'error'],
  PENDING: ['unknown', 'pending'],
  AUTHORIZED: ['authorized', 'captured'],
  COMPLETED: ['settled'],
  VOIDED: ['voided'],
};
const TYPE_WORDS: Record<string, string[]> = { CHARGE: ['sale', 'authorize'], REFUND: ['refund'], CREDIT: ['credit'] };
const FAILURE_REASONS = Object.fromEntries(Object.entries(CARD_FAILURES).map(([reason, code]) => [code, reason]));

/** A method field of the search (`method.name`, or `name` for short: spec §4.15) as a core field. */
const METHOD_FIELDS: Record<string, FieldRef> = {
  name: 'method.holder_name',
  address1: 'method.line1',
  address2: 'method.line2',
  city: 'method.city',
  state: 'method.state',
  postal_code: 'method.postal_code',
  country: 'method.country',
  email: 'method.email',
  phone: 'method.phone',
  number: 'method.last4',
  fingerprint: 'method.fingerprint',
  routing_number: 'method.routing_number',
  account_number: 'method.last4',
};

function qfCondition(property: string, text: string): Condition {
  const value = text.trim();
  switch (property) {
    case 'type':
      return anyOf('type', TYPE_WORDS[value.toUpperCase()] ?? ['none']);
    case 'status':
      return anyOf('status', STATUS_WORDS[value.toUpperCase()] ?? ['none']);
    case 'amount':
    case 'amount_refunded': {
      if (!/^\d+$/.test(value)) throw apError('search_failed', { context: 'qf' });
      return ap(property, Number(value), 'eq');
    }
    case 'currency':
      return ap('currency', value, 'eq');
    case 'reference':
      return ap('order_id', value);
    case 'authorization_code':
      return ap('auth_code', value);
    case 'failure_code':
      return value.startsWith('ach_') ? ap('decline_reason', value, 'eq') : anyOf('decline_reason', [FAILURE_REASONS[value] ?? value]);
    case 'method.type':
      return ap('payment_kind', value.toLowerCase(), 'eq');
    case 'method.card_type':
      return ap('method.brand', brandOf(value.toUpperCase()) ?? value.toLowerCase(), 'eq');
    case 'method.account_type':
      return ap('method.account_type', value.toLowerCase(), 'eq');
    case 'method.exp_month':
    case 'method.exp_year':
      if (!/^\d+$/.test(value)) throw apError('search_failed', { context: 'qf' });
      return ap(property, Number(value), 'eq');
  }
  const short = property.startsWith('method.') ? property.slice('method.'.length) : property;
  const field = METHOD_FIELDS[short];
  if (!field) throw apError('search_failed', { context: 'qf' });
  return ap(field, short === 'number' || short === 'account_number' ? value.replace(/\D/g, '').slice(-4) : value);
}

const Q_FIELDS: FieldRef[] = [
  'order_id',
  'auth_code',
  'currency',
  'method.holder_name',
  'method.line1',
  'method.city',
  'method.state',
  'method.postal_code',
  'method.email',
  'method.phone',
  'method.last4',
];
const ORDER_FIELDS: Record<string, string> = { created: 'created_at', amount: 'amount', type: 'type', status: 'status', currency: 'currency', id: 'id' };

/** The conditions of a transaction search (q, qf, start_date, end_date, account_id), always within the credential's mode. */
export function searchConditions(ctx: TenantContext, query: Body, accounts: readonly MerchantAccount[]): Condition[] {
  const where: Condition[] = [ap('mode', modeOf(ctx), 'eq'), anyOf('payment_kind', PROCESSED)];
  const q = typeof query.q === 'string' ? query.q.trim() : '';
  if (q) where.push({ any: Q_FIELDS.map((field) => ap(field, q)) });
  for (const filter of listParam(query.qf)) {
    const colon = filter.indexOf(':');
    if (colon <= 0) throw apError('search_failed', { context: 'qf' });
    where.push(qfCondition(filter.slice(0, colon).trim(), filter.slice(colon + 1)));
  }
  const start = readInstant(query.start_date, 'start_date');
  const end = readInstant(query.end_date, 'end_date');
  if (start !== undefined) where.push({ field: 'created_at', op: 'gt', value: start });
  if (end !== undefined) where.push({ field: 'created_at', op: 'lt', value: end });
  if (query.account_id !== undefined && query.account_id !== '') {
    const account = findAccount(accounts, query.account_id);
    where.push(ap('account_id', account ? account.id : -1, 'eq'));
  }
  return where;
}

export async function searchTransactions(ctx: TenantContext, query: Body, types: readonly string[], extra: Condition[] = []): Promise<Record<string, unknown>> {
  const page = readPage(query);
  const accounts = await accountsOf(ctx);
  const where = [...searchConditions(ctx, query, accounts), ...extra];
  const order = readOrderBy(query.order_by, Object.keys(ORDER_FIELDS), [{ field: 'created', direction: 'desc' }]).map((item) => ({ field: ORDER_FIELDS[item.field], direction: item.direction }));
  let result;
  try {
    result = await listTransactions(ctx, types, { where, order, offset: page.offset, limit: page.pageSize, total: true, tieBreak: order[0]?.direction ?? 'desc' });
  } catch (error) {
    if (error instanceof DomainError) throw apError('search_failed');
    throw error;
  }
  const rc = await renderContext(ctx, result.rows);
  return searchResults(
    page,
    result.total ?? 0,
    result.rows.map((row) => renderTransaction(row, rc)),
  );
}

// ---- routes -------------------------------------------------------------------------------------

export function transactionReadRoutes(router: Router): void {
  router.get('/v1/transactions', async (request) => searchTransactions(tenantOf(request), request.query as Body, GATEWAY_TYPES));
  router.get('/v1/transactions/source-id', async (request) => {
    const ctx = tenantOf(request);
    const sourceId = (request.query as Body).id;
    if (typeof sourceId !== 'string' || sourceId === '') throw notFoundError();
    const id = await findByRef(ctx, { vendor: VENDOR, objectType: 'transaction', kind: 'source_id' }, sourceId);
    if (id === null) throw notFoundError();
    const row = await getTransaction(ctx, id);
    if (!visible(ctx, row)) throw notFoundError();
    return renderOne(ctx, row, { withRefunds: true });
  });
  router.get('/v1/transactions/:id', async (request) => {
    const ctx = tenantOf(request);
    const row = await findTransaction(ctx, (request.params as Body).id);
    return renderOne(ctx, row, { withRefunds: true });
  });
}
