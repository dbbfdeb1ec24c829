// Stored payment methods (spec G3 extension, recorded traffic): /creditcard, /ach, /tokenized —
// create, get, list/query/count, delete. Full numbers never leave the vault.
import { reasonOf } from '../../core/errors/domain-error.ts';
import { eq, type Condition } from '../../core/query/conditions.ts';
import { refsOf } from '../../core/refs/refs.ts';
import { storeBank, storeCard, deletePaymentMethod } from '../../core/vault/vault.ts';
import { revealGatewayToken, storeGatewayToken } from '../../core/vault/gateway-tokens.ts';
import { activeMethodsInOrder, countPaymentMethods, listPaymentMethodsBy } from '../../core/vault/queries.ts';
import type { PaymentMethodRow } from '../../core/database.ts';
import type { CoRequest, CoResult } from './envelope.ts';
import { created, duplicateKey, ok } from './envelope.ts';
import { EXTERNAL_KEY } from './fields.ts';
import { listing, pageOf, whereOf, type FieldTable } from './lists.ts';
import { payloadRef, target } from './refs.ts';
import type { Resource } from './router.ts';
import { inlineBank, inlineCard } from './invoice-pay.ts';
import { asObject, datetime, optString, VENDOR, vendorData } from './wire.ts';

type Kind = 'creditcard' | 'ach' | 'tokenized';
const CORE_KIND: Record<Kind, string> = { creditcard: 'card', ach: 'bank', tokenized: 'tokenized' };
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const CARD_TYPES: Record<string, [string, string]> = { visa: ['visa', 'Visa'], mastercard: ['mast', 'MasterCard'], amex: ['amex', 'American Express'], discover: ['disc', 'Discover'] };

function render(req: CoRequest, kind: Kind, row: PaymentMethodRow, externalKey: string | null): Record<string, unknown> {
  const v = vendorData(row.vendor_data);
  const common = { external_key: externalKey, token: row.token, write_datetime: datetime(row.created_at), write_ipaddr: v.write_ipaddr ?? null, customer_id: row.customer_id };
  if (kind === 'creditcard') {
    const [type, typeName] = CARD_TYPES[row.brand ?? ''] ?? [row.brand ?? 'unknown', row.brand ?? ''];
    const address = JSON.parse(row.billing_address) as Record<string, string | null>;
    return {
      creditcard_id: row.id,
      ...common,
      type,
      type_name: typeName,
      expdate: `${row.exp_year}-${String(row.exp_month).padStart(2, '0')}-01`,
      expdate_month: String(row.exp_month),
      expdate_year: String(row.exp_year),
      expdate_formatted: `${MONTHS[(row.exp_month ?? 1) - 1]?.slice(0, 3)} ${row.exp_year}`,
      mask_number: `xxxx-xxxx-xxxx-${row.last4}`,
      name: row.holder_name ?? '',
      address: address.line1 ?? null,
      city: address.city ?? null,
      state: address.state ?? null,
      postcode: address.postal_code ?? null,
      country: address.country ?? null,
    };
  }
  if (kind === 'ach') {
    return {
      ach_id: row.id,
      ...common,
      type: row.account_type === 'savings' ? 'savi' : 'chec',
      type_name: row.account_type === 'savings' ? 'Savings' : 'Checking',
      mask_number: `x${row.last4}`,
      routing: row.routing_number,
      name: row.holder_name ?? '',
      bank: v.bank ?? '',
    };
  }
  return { tokenized_id: row.id, type: row.brand, token: revealGatewayToken(req.ctx, row), customer_id: row.customer_id, external_key: externalKey, write_datetime: datetime(row.created_at) };
}

/** where= fields of /creditcard, /ach and /tokenized (README: where fields). */
export const methodFields = (kind: Kind): FieldTable => ({ [`${kind}_id`]: 'id', customer_id: 'customer_id', external_key: EXTERNAL_KEY, token: 'token', type: 'brand' });

function resource(kind: Kind): Resource {
  const fields = methodFields(kind);
  /** Only this type's methods (the core lists active methods of every kind). */
  const within = (conditions: Condition[]): Condition[] => [eq('kind', CORE_KIND[kind]), ...conditions];
  const load = async (req: CoRequest, rows: PaymentMethodRow[]) => {
    const keys = await refsOf(
      req.ctx,
      { vendor: VENDOR, objectType: 'payment_method', kind: 'external_key' },
      rows.map((r) => r.id),
    );
    return rows.map((row) => render(req, kind, row, keys.get(row.id) ?? null));
  };
  const create = async (req: CoRequest): Promise<CoResult> => {
    const body = asObject(req.body);
    const customerId = (await payloadRef(req.ctx, 'customer', body, 'customer', true)) as number;
    const externalKey = optString(body, 'external_key') || null;
    const refs = externalKey ? [{ vendor: VENDOR, kind: 'external_key', value: externalKey }] : undefined;
    const vd = { [VENDOR]: { write_ipaddr: req.ip } };
    const store = (): Promise<PaymentMethodRow> => {
      if (kind === 'creditcard') return storeCard(req.ctx, (inlineCard(body) as { card: Parameters<typeof storeCard>[1] }).card, { customerId, refs, vendorData: vd });
      if (kind === 'ach') return storeBank(req.ctx, (inlineBank(body) as { bank: Parameters<typeof storeBank>[1] }).bank, { customerId, refs, vendorData: vd });
      return storeGatewayToken(req.ctx, { customerId, tokenType: optString(body, 'type') ?? 'customer', token: optString(body, 'token') ?? '', refs, vendorData: vd });
    };
    const row = await store().catch((error: unknown) => {
      if (reasonOf(error) === 'duplicate_ref') throw duplicateKey('payment method', String(externalKey));
      throw error;
    });
    return created(req, kind, row.id);
  };
  return {
    list: async (req) => {
      const page = pageOf(req, fields);
      return ok(await load(req, (await listing(listPaymentMethodsBy(req.ctx, { ...page, where: within(page.where ?? []) }))).rows));
    },
    count: async (req) => ok(await listing(countPaymentMethods(req.ctx, { where: within(whereOf(req, fields)) }))),
    create,
    get: async (req, segment) => ok((await load(req, await activeMethodsInOrder(req.ctx, [await target(req.ctx, kind, segment)])))[0]),
    remove: async (req, segment) => {
      await deletePaymentMethod(req.ctx, await target(req.ctx, kind, segment));
      return ok(true);
    },
  };
}

export const creditcards = resource('creditcard');
export const achs = resource('ach');
export const tokenized = resource('tokenized');
