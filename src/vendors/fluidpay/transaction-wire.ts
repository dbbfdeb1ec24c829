// Core transaction → FluidPay transaction object (spec §3.3-3.6): the union of the documented
// samples, field for field, with response_body.card / .ach, response codes (§4.1) and statuses.
import { formatDecimal } from '../../core/money/money.ts';
import type { PaymentMethodRow, Tenant, TransactionRow } from '../../core/database.ts';
import { TxnStatus, TxnType } from '../../core/payments/states.ts';
import { DeclineReason } from '../../core/processor/test-numbers.ts';
import { encodeId } from './ids.ts';
import { emptyAddress, expirationText, ts, type WireAddress } from './wire.ts';

/** What the door keeps under vendor_data.fluidpay on a transaction. */
export interface FluidPayTxnData {
  tax_amount?: number;
  tax_exempt?: boolean;
  shipping_amount?: number;
  discount_amount?: number;
  tip_amount?: number;
  payment_adjustment_type?: string;
  payment_adjustment_value?: number;
  po_number?: string;
  ip_address?: string;
  email_receipt?: boolean;
  email_address?: string;
  payment_method?: string; // card | ach | token | terminal
  processor_id?: string;
  idempotency_key?: string;
  idempotency_time?: number;
  billing_address?: WireAddress | null;
  shipping_address?: WireAddress | null;
  entry_type?: string;
  sec_code?: string;
  check_number?: string;
  user_id?: string;
  user_name?: string;
  transaction_source?: string;
  /** Number length and (ACH) first two digits, for masking; the vault keeps only first6/last4. */
  number_length?: number;
  account_first2?: string;
  /** Vault customer created by create_vault_record, and the vault address tokens used (G30). */
  vault_customer_id?: string;
  billing_address_id?: string;
  shipping_address_id?: string;
  /** The terminal a card-present sale ran on. */
  terminal_id?: string;
  /** A capture may override the order id (§4.5). */
  order_id?: string;
  /** The vault payment method a payment_method.customer charge used (fluidpay-v2 §2.9). */
  customer_payment_type?: string;
  customer_payment_id?: string;
}

export function fluidPayData(txn: TransactionRow): FluidPayTxnData {
  const all = JSON.parse(txn.vendor_data || '{}') as { fluidpay?: FluidPayTxnData };
  return all.fluidpay ?? {};
}

// ---- processors (G40): every merchant has two simulated processors, derived from the tenant ------

export interface Processor {
  id: string;
  type: 'tsys_sierra' | 'sage_ach';
  name: string;
}

export function processorsOf(tenant: Tenant): { card: Processor; ach: Processor } {
  return {
    card: { id: encodeId('processor', tenant.id * 2 - 1, tenant.created_at), type: 'tsys_sierra', name: 'main mid' },
    ach: { id: encodeId('processor', tenant.id * 2, tenant.created_at), type: 'sage_ach', name: 'sage11' },
  };
}

export const merchantId = (tenant: Tenant): string => encodeId('merchant', tenant.id, tenant.created_at);

// ---- statuses and response codes ----------------------------------------------------------------

/** Core status → FluidPay status (G9, G10: voided authorizations are `voided`; refunded once any refund exists). */
export function wireStatus(txn: TransactionRow): string {
  switch (txn.status) {
    case TxnStatus.DECLINED:
    case TxnStatus.ERROR:
      return 'declined';
    case TxnStatus.AUTHORIZED:
      return 'authorized';
    case TxnStatus.CAPTURED:
    case TxnStatus.PENDING:
      return 'pending_settlement';
    case TxnStatus.SETTLED:
      return txn.amount_refunded > 0 && txn.type !== TxnType.REFUND ? 'refunded' : 'settled';
    case TxnStatus.VOIDED:
      return 'voided';
    default:
      return 'unknown';
  }
}

interface Code {
  code: number;
  raw: string;
  text: string;
}

const CARD_CODES: Record<string, Code> = {
  [DeclineReason.DECLINED]: { code: 201, raw: '05', text: 'DO NOT HONOR' },
  [DeclineReason.INSUFFICIENT_FUNDS]: { code: 202, raw: '51', text: 'INSUFFICIENT FUNDS' },
  [DeclineReason.LIMIT_EXCEEDED]: { code: 203, raw: '61', text: 'EXCEEDS WITHDRAWAL LIMIT' },
  [DeclineReason.EXPIRED_CARD]: { code: 223, raw: '54', text: 'EXPIRED CARD' },
  [DeclineReason.PROCESSING_ERROR]: { code: 400, raw: '96', text: 'SYSTEM ERROR' },
  [DeclineReason.HOLD]: { code: 250, raw: '04', text: 'PICK UP CARD' },
  [DeclineReason.TYPE_NOT_ACCEPTED]: { code: 204, raw: '57', text: 'TRANSACTION NOT PERMITTED' },
  [DeclineReason.CVV_MISMATCH]: { code: 225, raw: 'N7', text: 'CVV2 MISMATCH' },
  [DeclineReason.AVS_REJECTED]: { code: 200, raw: '05', text: 'AVS MISMATCH' },
  [DeclineReason.INVALID_NUMBER]: { code: 204, raw: '14', text: 'INVALID CARD NUMBER' },
  [DeclineReason.PROCESSOR_ERROR]: { code: 421, raw: '', text: 'COMMUNICATION ERROR' },
};

const ACH_LIMIT_TEXT = 'DECLINE CHECK   CHECK LIMIT EXCEEDED';

function declineCode(txn: TransactionRow): Code {
  const reason = txn.decline_reason ?? DeclineReason.DECLINED;
  if (txn.payment_kind === 'bank') {
    if (reason === DeclineReason.PROCESSOR_ERROR) return CARD_CODES[reason];
    if (reason === DeclineReason.ACH_INSUFFICIENT_FUNDS) return { code: 202, raw: 'D', text: 'DECLINE CHECK   INSUFFICIENT FUNDS' };
    if (reason === DeclineReason.ACH_LIMIT_EXCEEDED) return { code: 200, raw: 'D', text: ACH_LIMIT_TEXT };
    return { code: 200, raw: 'D', text: `DECLINE CHECK   ${reason.replace(/^ach_/, '').replace(/_/g, ' ').toUpperCase()}` };
  }
  return CARD_CODES[reason] ?? { code: 200, raw: '05', text: 'DECLINE' };
}

export function responseOf(txn: TransactionRow): { response: string; code: Code } {
  if (txn.status === TxnStatus.DECLINED || txn.status === TxnStatus.ERROR) {
    const code = declineCode(txn);
    return { response: code.code >= 400 ? 'error' : 'declined', code };
  }
  const approval = txn.auth_code ? `APPROVAL ${txn.auth_code} ` : 'APPROVAL ';
  return { response: 'approved', code: { code: 100, raw: txn.payment_kind === 'bank' ? 'A' : '00', text: txn.payment_kind === 'bank' ? 'ACCEPTED' : approval } };
}

const AVS_CODES: Record<string, string> = { NO_MATCH: 'N', UNAVAILABLE: 'U', AVS_ERROR_INELIGIBLE: 'E' };
const CVV_CODES: Record<string, string> = { MATCHED: 'M', NOT_MATCHED: 'N', UNAVAILABLE: 'U' };

export function cardType(brand: string | null): string {
  if (!brand || brand === 'maestro' || brand === 'unionpay') return 'unknown';
  return brand;
}

export function maskedCard(first6: string | null, last4: string, length = 16): string {
  return `${first6 ?? ''}${'*'.repeat(Math.max(0, length - 10))}${last4}`;
}

/** ACH masking (§3.6): first 2 + stars + last 2; accounts under 5 digits show only the last 2. */
export function maskedAccount(accountLength: number, first2: string, last2: string): string {
  if (accountLength < 5) return `${'*'.repeat(Math.max(0, accountLength - 2))}${last2}`;
  return `${first2}${'*'.repeat(accountLength - 4)}${last2}`;
}

export interface RenderContext {
  tenant: Tenant;
  methods: Map<number, PaymentMethodRow>;
  /** FluidPay ids of the customers the transactions point at. */
  customerIds: Map<number, string>;
  /** Parents of refunds, by internal id. */
  parents: Map<number, TransactionRow>;
  /** FluidPay ids of the subscriptions recurring charges were made for. */
  subscriptionIds?: Map<number, string>;
}

function methodView(method: PaymentMethodRow, data: FluidPayTxnData): { first2: string; length: number } {
  return { first2: data.account_first2 ?? '', length: data.number_length ?? (method.kind === 'card' ? 16 : 4) };
}

function responseBody(txn: TransactionRow, data: FluidPayTxnData, rc: RenderContext, status: { response: string; code: Code }) {
  const method = txn.payment_method_id === null ? undefined : rc.methods.get(txn.payment_method_id);
  if (!method) return {};
  const processors = processorsOf(rc.tenant);
  const id = encodeId('response', txn.id, txn.created_at);
  const view = methodView(method, data);
  if (data.payment_method === 'terminal') return { terminal: terminalBody(txn, data, method, id, status) };
  if (method.kind === 'bank') {
    return {
      ach: {
        id,
        sec_code: data.sec_code ?? '',
        account_type: method.account_type ?? 'checking',
        masked_account_number: maskedAccount(view.length, view.first2, method.last4.slice(-2)),
        routing_number: method.routing_number ?? '',
        auth_code: status.response === 'approved' ? (txn.auth_code ?? '') : '',
        response: status.response,
        response_code: status.code.code,
        processor_response_code: status.code.raw,
        processor_response_text: status.code.text,
        processor_type: processors.ach.type,
        processor_id: processors.ach.id,
        processor_specific:
          status.code.text === ACH_LIMIT_TEXT ? { result_codes: ['Decline Message', 'Transaction Limit Exceeded'], type_codes: ['Unknown Presentment'] } : { result_codes: [], type_codes: [] },
        created_at: ts(txn.created_at),
        updated_at: ts(txn.updated_at),
      },
    };
  }
  return {
    card: {
      id,
      card_type: cardType(method.brand),
      first_six: method.first6 ?? '',
      last_four: method.last4,
      masked_card: maskedCard(method.first6, method.last4, view.length),
      expiration_date: expirationText(method.exp_month, method.exp_year),
      status: status.response,
      response: status.response,
      response_code: status.code.code,
      auth_code: status.response === 'approved' ? (txn.auth_code ?? '') : '',
      processor_response_code: status.code.raw,
      processor_response_text: status.code.text,
      processor_type: processors.card.type,
      processor_id: processors.card.id,
      avs_response_code: txn.avs_result ? (AVS_CODES[txn.avs_result] ?? '0') : '0',
      cvv_response_code: txn.cvv_result ? (CVV_CODES[txn.cvv_result] ?? '') : '',
      processor_specific: {},
      created_at: ts(txn.created_at),
      updated_at: ts(txn.updated_at),
    },
  };
}

const TERMINAL_FIELDS = [
  'BatchNum',
  'CashBack',
  'ClerkID',
  'DISC',
  'EBTCashAvailBalance',
  'EBTCashBeginBalance',
  'EBTCashLedgerBalance',
  'EBTFSAvailBalance',
  'EBTFSBeginBalance',
  'EBTFSLedgerBalance',
  'Fee',
  'InvNum',
  'Language',
  'ProcessData',
  'RefNo',
  'RewardCode',
  'RewardQR',
  'RwdBalance',
  'RwdIssued',
  'RwdPoints',
  'SHFee',
  'SVC',
  'TableNum',
  'TicketNum',
  'Tip',
  'TotalAmt',
];

/** response_body.terminal (§3.5): first four digits, not six; processor_specific strings from the amount and order. */
function terminalBody(txn: TransactionRow, data: FluidPayTxnData, method: PaymentMethodRow, id: string, status: { response: string; code: Code }) {
  const specific: Record<string, string> = Object.fromEntries(TERMINAL_FIELDS.map((f) => [f, '']));
  specific.InvNum = data.order_id ?? txn.order_id ?? '';
  specific.TotalAmt = formatDecimal(txn.amount, txn.currency);
  specific.RefNo = txn.gateway_ref;
  specific.BatchNum = '1';
  specific.Language = 'English';
  const firstFour = (method.first6 ?? '').slice(0, 4);
  return {
    id,
    card_type: cardType(method.brand),
    payment_type: 'credit',
    entry_type: data.entry_type ?? 'swiped',
    first_four: firstFour,
    last_four: method.last4,
    masked_card: `${firstFour}${'*'.repeat(Math.max(0, (data.number_length ?? 16) - 8))}${method.last4}`,
    cardholder_name: method.holder_name ?? '',
    auth_code: status.response === 'approved' ? (txn.auth_code ?? '') : '',
    response_code: status.code.code,
    processor_response_text: status.code.text,
    processor_specific: specific,
    emv_aid: 'A0000000041010',
    emv_app_name: 'MASTERCARD',
    emv_tvr: '0000000000',
    emv_tsi: 'E800',
    signature_data: '',
    created_at: ts(txn.created_at),
    updated_at: ts(txn.updated_at),
  };
}

export function renderTransaction(txn: TransactionRow, rc: RenderContext): Record<string, unknown> {
  const parent = txn.parent_id === null ? undefined : rc.parents.get(txn.parent_id);
  const data = fluidPayData(txn);
  const status = responseOf(txn);
  const processors = processorsOf(rc.tenant);
  const terminal = data.payment_method === 'terminal';
  const processor = terminal ? { id: '', type: '', name: '' } : txn.payment_kind === 'bank' ? processors.ach : processors.card;
  const approved = status.response === 'approved';
  return {
    id: encodeId('transaction', txn.id, txn.created_at),
    user_id: data.user_id ?? '',
    user_name: data.user_name ?? '',
    idempotency_key: data.idempotency_key ?? '',
    idempotency_time: data.idempotency_time ?? 0,
    type: txn.type,
    amount: txn.amount,
    amount_authorized: approved ? txn.amount_authorized : 0,
    amount_captured: txn.amount_captured,
    amount_settled: txn.amount_settled,
    tip_amount: data.tip_amount ?? 0,
    processor_id: processor.id,
    processor_type: processor.type,
    processor_name: processor.name,
    payment_method: data.payment_method ?? (txn.payment_kind === 'bank' ? 'ach' : 'card'),
    payment_type: terminal ? '' : txn.payment_kind === 'bank' ? 'ach' : 'card',
    tax_amount: data.tax_amount ?? 0,
    tax_exempt: data.tax_exempt ?? false,
    shipping_amount: data.shipping_amount ?? 0,
    discount_amount: data.discount_amount ?? 0,
    payment_adjustment_type: data.payment_adjustment_type ?? '',
    payment_adjustment_value: data.payment_adjustment_value ?? 0,
    currency: txn.currency.toLowerCase(),
    description: txn.description ?? '',
    order_id: data.order_id ?? txn.order_id ?? '',
    po_number: data.po_number ?? '',
    ip_address: data.ip_address ?? '',
    // A subscription's charge (its renewal, or a retry of one) is `recurring` and names it (§2.3 R).
    transaction_source: data.transaction_source ?? (txn.subscription_id !== null ? 'recurring' : 'api'),
    subscription_id: txn.subscription_id === null ? '' : (rc.subscriptionIds?.get(txn.subscription_id) ?? ''),
    email_receipt: data.email_receipt ?? false,
    email_address: data.email_address ?? '',
    customer_id: (txn.customer_id === null ? undefined : rc.customerIds.get(txn.customer_id)) ?? data.vault_customer_id ?? '',
    referenced_transaction_id: parent ? encodeId('transaction', parent.id, parent.created_at) : '',
    response_body: responseBody(txn, data, rc, status),
    status: wireStatus(txn),
    response: status.response,
    response_code: status.code.code,
    ...(data.customer_payment_id ? { customer_payment_type: data.customer_payment_type ?? '', customer_payment_id: data.customer_payment_id } : {}),
    billing_address: { ...emptyAddress(), ...(data.billing_address ?? {}) },
    shipping_address: { ...emptyAddress(), ...(data.shipping_address ?? {}) },
    created_at: ts(txn.created_at),
    updated_at: ts(txn.updated_at),
    captured_at: ts(txn.captured_at),
    settled_at: ts(txn.settled_at),
  };
}
