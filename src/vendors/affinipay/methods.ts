// Payment methods in AffiniPay's words (spec §3.C4, §3.C5, §4.1, §4.2): a card or bank hash parsed
// into the core's card or bank input with the field contexts the messages need (`method.number` on
// charges, `number` on /v1/cards and /v1/tokens), and a stored method rendered masked.
import type { PaymentMethodRow } from '../../core/database.ts';
import type { BankInput, CardInput } from '../../core/vault/vault.ts';
import { cleanCardNumber, detectBrand, isValidCardNumber } from '../../core/processor/cards.ts';
import type { PaymentField } from '../../core/merchant-accounts/accounts.ts';
import { parseVendorData } from '../../core/vendor-data.ts';
import { apError, invalidData, type ApError } from './errors.ts';
import { brandOf, CARD_TYPES, cardType } from './accounts.ts';
import { blankError, invalidError, isObject, lengthError, maskRouting, maskTail, readInteger, readString, timestamp, type Body } from './wire.ts';

export const VENDOR = 'affinipay';

/** Test routing numbers and their banks (spec §3.C5). */
const BANK_NAMES: Record<string, string> = { '000000013': 'FIRST BANK OF TESTING', '000000000': 'TEST FEDERAL CREDIT UNION' };

const TEXT_LIMIT = 255;

export interface HolderFields {
  name?: string;
  address1?: string;
  address2?: string;
  city?: string;
  state?: string;
  postal_code?: string;
  country?: string;
  email?: string;
  phone?: string;
}

export interface ParsedCard {
  kind: 'card';
  card: CardInput & { cvv?: string | null };
  /** Read from track data (a swiped card: the account's swipe policies apply). */
  swiped: boolean;
  /** What the account's required fields are checked against. */
  given: Partial<Record<PaymentField, string>>;
}

export interface ParsedBank {
  kind: 'bank';
  bank: BankInput;
  given: Partial<Record<PaymentField, string>>;
}

export type ParsedMethod = ParsedCard | ParsedBank;

const at = (prefix: string, field: string) => (prefix ? `${prefix}.${field}` : field);

/** Whether a hash is a card or a bank: its `type`, else what it carries (spec §4.3). */
export function methodKind(hash: Body, prefix: string): 'card' | 'bank' {
  const type = hash.type;
  if (type === 'card' || type === 'bank') return type;
  if (type !== undefined && type !== null && type !== '') throw invalidError(at(prefix, 'type'));
  if (hash.number !== undefined || hash.track1 !== undefined || hash.track2 !== undefined) return 'card';
  if (hash.routing_number !== undefined || hash.account_number !== undefined) return 'bank';
  throw invalidData(at(prefix, 'type'), 'not_blank', 'Type cannot be blank');
}

function holder(hash: Body, prefix: string): HolderFields {
  const fields: HolderFields = {};
  const text = (key: keyof HolderFields, max: number) => {
    const value = readString(hash[key], at(prefix, key), max);
    if (value !== undefined && value.trim() !== '') fields[key] = value.trim();
  };
  text('name', TEXT_LIMIT);
  text('address1', TEXT_LIMIT);
  text('address2', TEXT_LIMIT);
  text('city', TEXT_LIMIT);
  text('email', 254);
  text('phone', 22);
  const country = readString(hash.country, at(prefix, 'country'));
  if (country !== undefined && country.trim() !== '') {
    const code = country.trim();
    if (code.length !== 2) throw lengthError(at(prefix, 'country'));
    if (!/^[A-Za-z]{2}$/.test(code)) throw invalidError(at(prefix, 'country'));
    fields.country = code.toUpperCase();
  }
  const state = readString(hash.state, at(prefix, 'state'), 64);
  if (state !== undefined && state.trim() !== '') {
    const usOrCa = fields.country === undefined || fields.country === 'US' || fields.country === 'CA';
    if (usOrCa && !/^[A-Za-z]{2}$/.test(state.trim())) throw invalidError(at(prefix, 'state'));
    fields.state = usOrCa ? state.trim().toUpperCase() : state.trim();
  }
  const postal = readString(hash.postal_code, at(prefix, 'postal_code'));
  if (postal !== undefined && postal.trim() !== '') {
    const code = postal.trim();
    const alnum = code.replace(/[\s-]/g, '');
    if (!/^[A-Za-z0-9 -]+$/.test(code) || code.length > 10 || alnum.length < 3 || alnum.length > 9) throw invalidError(at(prefix, 'postal_code'));
    fields.postal_code = code;
  }
  return fields;
}

function address(fields: HolderFields) {
  return {
    line1: fields.address1 ?? null,
    line2: fields.address2 ?? null,
    city: fields.city ?? null,
    state: fields.state ?? null,
    postal_code: fields.postal_code ?? null,
    country: fields.country ?? null,
    email: fields.email ?? null,
    phone: fields.phone ?? null,
  };
}

interface Track {
  number: string;
  expMonth: number;
  expYear: number;
  name?: string;
}

/** Track 1 (`B<PAN>^<NAME>^<YYMM>...`) or track 2 (`<PAN>=<YYMM>...`) data, sentinels stripped. */
function readTrack(hash: Body, prefix: string): Track | null {
  const one = readString(hash.track1, at(prefix, 'track1'), 79);
  if (one) {
    const match = /^%?B?(\d{12,19})\^([^^]*)\^(\d{2})(\d{2})/.exec(one.trim());
    if (!match) throw invalidError(at(prefix, 'track1'));
    const name = match[2].split('/').reverse().join(' ').trim();
    return { number: match[1], expYear: 2000 + Number(match[3]), expMonth: Number(match[4]), ...(name ? { name } : {}) };
  }
  const two = readString(hash.track2, at(prefix, 'track2'), 40);
  if (two) {
    const match = /^;?(\d{12,19})=(\d{2})(\d{2})/.exec(two.trim());
    if (!match) throw invalidError(at(prefix, 'track2'));
    return { number: match[1], expYear: 2000 + Number(match[2]), expMonth: Number(match[3]) };
  }
  return null;
}

/** The card's number, expiry and CVV as AffiniPay checks them (spec §4.1): each failure names its field. */
export function parseCard(hash: Body, prefix: string): ParsedCard {
  const fields = holder(hash, prefix);
  const track = readTrack(hash, prefix);
  let number: string;
  let expMonth: number;
  let expYear: number;
  if (track) {
    ({ number, expMonth, expYear } = track);
    if (track.name && !fields.name) fields.name = track.name;
  } else {
    const raw = readString(hash.number, at(prefix, 'number'));
    if (raw === undefined || raw.trim() === '') throw blankError(at(prefix, 'number'));
    number = cleanCardNumber(raw);
    if (!/^\d+$/.test(number)) throw apError('card_number_invalid', { context: at(prefix, 'number') });
    if (number.length < 12 || number.length > 19) throw lengthError(at(prefix, 'number'));
    const month = readInteger(hash.exp_month, at(prefix, 'exp_month'));
    if (month === undefined) throw blankError(at(prefix, 'exp_month'));
    if (month < 1 || month > 12) throw invalidData(at(prefix, 'exp_month'), 'number_out_of_range', 'Expiration month is invalid');
    const year = readInteger(hash.exp_year, at(prefix, 'exp_year'));
    if (year === undefined) throw blankError(at(prefix, 'exp_year'));
    if (!(year >= 0 && year <= 99) && !(year >= 1000 && year <= 9999)) throw invalidData(at(prefix, 'exp_year'), 'number_out_of_range', 'Expiration year is invalid');
    expMonth = month;
    expYear = year < 100 ? 2000 + year : year;
  }
  if (!isValidCardNumber(number)) throw apError('card_number_invalid', { context: at(prefix, 'number') });
  const typeWord = readString(hash.card_type, at(prefix, 'card_type'));
  let cardTypeGiven: string | undefined;
  if (typeWord !== undefined && typeWord !== '') {
    if (!(CARD_TYPES as readonly string[]).includes(typeWord)) throw invalidError(at(prefix, 'card_type'));
    if (typeWord !== 'UNKNOWN' && brandOf(typeWord) !== detectBrand(number)) throw apError('card_number_incorrect', { context: at(prefix, 'number') });
    cardTypeGiven = typeWord;
  }
  const cvvText = readString(hash.cvv, at(prefix, 'cvv'));
  let cvv: string | null = null;
  if (cvvText !== undefined && cvvText.trim() !== '') {
    if (!/^\d+$/.test(cvvText.trim())) throw invalidError(at(prefix, 'cvv'));
    if (cvvText.trim().length < 3 || cvvText.trim().length > 4) throw lengthError(at(prefix, 'cvv'));
    cvv = cvvText.trim();
  }
  return {
    kind: 'card',
    swiped: track !== null,
    card: { number, expMonth, expYear, cvv, holderName: fields.name ?? null, address: address(fields), vendorData: { [VENDOR]: { number_length: number.length } } },
    given: { ...fields, ...(cardTypeGiven ? { card_type: cardTypeGiven } : {}), ...(cvv ? { cvv } : {}) },
  };
}

export function parseBank(hash: Body, prefix: string): ParsedBank {
  const fields = holder(hash, prefix);
  const routing = readString(hash.routing_number, at(prefix, 'routing_number'));
  if (routing === undefined || routing.trim() === '') throw blankError(at(prefix, 'routing_number'));
  if (!/^\d{9}$/.test(routing.trim())) throw invalidError(at(prefix, 'routing_number'));
  const account = readString(hash.account_number, at(prefix, 'account_number'));
  if (account === undefined || account.trim() === '') throw blankError(at(prefix, 'account_number'));
  if (!/^\d{4,17}$/.test(account.trim())) throw invalidError(at(prefix, 'account_number'));
  const typeText = readString(hash.account_type, at(prefix, 'account_type'));
  let accountType = 'checking';
  if (typeText !== undefined && typeText !== '') {
    if (typeText !== 'CHECKING' && typeText !== 'SAVINGS') throw invalidError(at(prefix, 'account_type'));
    accountType = typeText.toLowerCase();
  }
  return {
    kind: 'bank',
    bank: {
      routingNumber: routing.trim(),
      accountNumber: account.trim(),
      accountType,
      holderName: fields.name ?? null,
      address: address(fields),
      vendorData: { [VENDOR]: { number_length: account.trim().length } },
    },
    given: fields,
  };
}

export function parseMethod(hash: Body, prefix: string): ParsedMethod {
  return methodKind(hash, prefix) === 'card' ? parseCard(hash, prefix) : parseBank(hash, prefix);
}

/** The required fields (spec §4.1) a parsed method leaves blank, as one answer naming each. */
export function requiredFieldsError(missing: readonly PaymentField[], prefix: string): ApError | null {
  if (missing.length === 0) return null;
  const error = blankError(at(prefix, missing[0]));
  error.messages.push(...missing.slice(1).map((field) => blankError(at(prefix, field)).messages[0]));
  return error;
}

// ---- rendering ----------------------------------------------------------------------------------

interface StoredAddress {
  line1?: string | null;
  line2?: string | null;
  city?: string | null;
  state?: string | null;
  postal_code?: string | null;
  country?: string | null;
  email?: string | null;
  phone?: string | null;
}

/** This door's fields on a stored method. */
export function methodFields(row: Pick<PaymentMethodRow, 'vendor_data'>): Record<string, unknown> {
  return parseVendorData(row.vendor_data)[VENDOR] ?? {};
}

/** The masked number's length: as given here, else the brand's usual one. */
function cardLength(row: PaymentMethodRow): number {
  const given = methodFields(row).number_length;
  if (typeof given === 'number') return given;
  return row.brand === 'amex' ? 15 : row.brand === 'diners' ? 14 : 16;
}

function holderOf(row: PaymentMethodRow): Record<string, unknown> {
  const a = JSON.parse(row.billing_address || '{}') as StoredAddress;
  const out: Record<string, unknown> = {};
  const put = (key: string, value: string | null | undefined) => {
    if (value !== undefined && value !== null && value !== '') out[key] = value;
  };
  put('name', row.holder_name);
  put('address1', a.line1);
  put('address2', a.line2);
  put('city', a.city);
  put('state', a.state);
  put('postal_code', a.postal_code);
  put('country', a.country);
  put('email', a.email);
  put('phone', a.phone);
  return out;
}

/** A method as a transaction shows it (type, masked numbers, fingerprint, holder fields). */
export function renderMethod(row: PaymentMethodRow): Record<string, unknown> {
  const fingerprint = row.fingerprint.slice(0, 20);
  if (row.kind === 'bank') {
    const length = methodFields(row).number_length;
    const bankName = BANK_NAMES[row.routing_number ?? ''];
    return {
      type: 'bank',
      ...holderOf(row),
      routing_number: maskRouting(row.routing_number ?? ''),
      account_number: maskTail(row.last4, typeof length === 'number' ? length : Math.max(row.last4.length, 8)),
      account_type: (row.account_type ?? 'checking').toUpperCase(),
      ...(bankName ? { bank_name: bankName } : {}),
      fingerprint,
    };
  }
  return {
    type: 'card',
    ...holderOf(row),
    number: maskTail(row.last4, cardLength(row)),
    fingerprint,
    card_type: cardType(row.brand),
    exp_month: row.exp_month,
    exp_year: row.exp_year,
  };
}

/** A saved card or bank (spec §3.C4, §3.C5): the method with its id, reference and description. */
export function renderSaved(row: PaymentMethodRow, id: string): Record<string, unknown> {
  const own = methodFields(row);
  const extra: Record<string, unknown> = {};
  if (typeof own.reference === 'string') extra.reference = own.reference;
  if (typeof own.description === 'string') extra.description = own.description;
  return { id, created: timestamp(row.created_at), modified: timestamp(row.deleted_at ?? row.created_at), ...renderMethod(row), ...extra };
}

/** A hash given where a method is expected, or the id string. */
export function methodValue(value: unknown): Body | string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value;
  if (isObject(value)) return value;
  return undefined;
}

/** What a hash gives of the fields an account may require (read before the details are checked, spec §7). */
export function givenFields(hash: Body): Partial<Record<PaymentField, string>> {
  const out: Partial<Record<PaymentField, string>> = {};
  for (const field of ['card_type', 'cvv', 'name', 'address1', 'city', 'state', 'postal_code', 'country', 'email', 'phone'] as const) {
    const value = hash[field];
    if ((typeof value === 'string' && value.trim() !== '') || typeof value === 'number') out[field] = String(value);
  }
  return out;
}
