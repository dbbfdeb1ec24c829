// Stored payment methods (spec G3 extension, recorded traffic): /creditcard, /ach, /tokenized —
// create, get, list/query/count, delete. Full numbers never leave the vault.
import type { ExpressionBuilder } from 'kysely';
import { sql } from 'kysely';
import { storeBank, storeCard, deletePaymentMethod } from '../../core/vault/vault.ts';
import { revealGatewayToken, storeGatewayToken } from '../../core/vault/gateway-tokens.ts';
import { expressionCondition, type FieldMap, type Filter } from '../../core/query/filters.ts';
import type { Database, PaymentMethodRow } from '../../store/schema.ts';
import type { CoRequest, CoResult } from './envelope.ts';
import { created, ok } from './envelope.ts';
import { countIds, inOrder, listIds } from './lists.ts';
import { payloadRef, target } from './refs.ts';
import type { Resource } from './router.ts';
import { inlineBank, inlineCard } from './invoice-pay.ts';
import { asObject, datetime, optString, VENDOR, vendorData } from './wire.ts';

type Kind = 'creditcard' | 'ach' | 'tokenized';
const CORE_KIND: Record<Kind, string> = { creditcard: 'card', ach: 'bank', tokenized: 'tokenized' };
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const CARD_TYPES: Record<string, [string, string]> = { visa: ['visa', 'Visa'], mastercard: ['mast', 'MasterCard'], amex: ['amex', 'American Express'], discover: ['disc', 'Discover'] };

function render(req: CoRequest, kind: Kind, row: PaymentMethodRow): Record<string, unknown> {
  const v = vendorData(row.vendor_data);
  const common = { external_key: row.external_key, token: row.token, write_datetime: datetime(row.created_at), write_ipaddr: v.write_ipaddr ?? null, customer_id: row.customer_id };
  if (kind === 'creditcard') {
    const [type, typeName] = CARD_TYPES[row.brand ?? ''] ?? [row.brand ?? 'unknown', row.brand ?? ''];
    const address = JSON.parse(row.billing_address) as Record<string, string | null>;
    return {
      creditcard_id: row.id, ...common, type, type_name: typeName,
      expdate: `${row.exp_year}-${String(row.exp_month).padStart(2, '0')}-01`,
      expdate_month: String(row.exp_month), expdate_year: String(row.exp_year),
      expdate_formatted: `${MONTHS[(row.exp_month ?? 1) - 1]?.slice(0, 3)} ${row.exp_year}`,
      mask_number: `xxxx-xxxx-xxxx-${row.last4}`, name: row.holder_name ?? '',
      address: address.line1 ?? null, city: address.city ?? null, state: address.state ?? null, postcode: address.postal_code ?? null, country: address.country ?? null,
    };
  }
  if (kind === 'ach') {
    return { ach_id: row.id, ...common, type: row.account_type === 'savings' ? 'savi' : 'chec', type_name: row.account_type === 'savings' ? 'Savings' : 'Checking', mask_number: `x${row.last4}`, routing: row.routing_number, name: row.holder_name ?? '', bank: v.bank ?? '' };
  }
  return { tokenized_id: row.id, type: row.brand, token: revealGatewayToken(req.ctx, row), customer_id: row.customer_id, external_key: row.external_key, write_datetime: datetime(row.created_at) };
}

function resource(kind: Kind): Resource {
  const base = (req: CoRequest) => req.ctx.db.selectFrom('payment_methods').select('id').where('tenant_id', '=', req.ctx.tenant.id).where('kind', '=', CORE_KIND[kind]).where('status', '=', 'active');
  const fields: FieldMap<Database, 'payment_methods'> = {
    [`${kind}_id`]: { column: 'id', type: 'number' },
    customer_id: { column: 'customer_id', type: 'number' },
    external_key: { column: 'external_key', type: 'text_ci' },
    token: { column: 'token', type: 'text_ci' },
    type: { condition: (_eb: ExpressionBuilder<Database, 'payment_methods'>, f: Filter) => expressionCondition(sql`payment_methods.brand`, 'text_ci', f) },
  };
  const load = async (req: CoRequest, ids: number[]) => {
    if (ids.length === 0) return [];
    const rows = await req.ctx.db.selectFrom('payment_methods').selectAll().where('tenant_id', '=', req.ctx.tenant.id).where('id', 'in', ids).execute();
    return inOrder(ids, rows, (r) => r.id).map((row) => render(req, kind, row));
  };
  const create = async (req: CoRequest): Promise<CoResult> => {
    const body = asObject(req.body);
    const customerId = (await payloadRef(req.ctx, 'customer', body, 'customer', true)) as number;
    const externalKey = optString(body, 'external_key') || null;
    const vd = { [VENDOR]: { write_ipaddr: req.ip } };
    let row: PaymentMethodRow;
    if (kind === 'creditcard') {
      const source = inlineCard(body) as { card: Parameters<typeof storeCard>[1] };
      row = await storeCard(req.ctx, source.card, { customerId, externalKey, vendorData: vd });
    } else if (kind === 'ach') {
      const source = inlineBank(body) as { bank: Parameters<typeof storeBank>[1] };
      row = await storeBank(req.ctx, source.bank, { customerId, externalKey, vendorData: vd });
    } else {
      row = await storeGatewayToken(req.ctx, { customerId, tokenType: optString(body, 'type') ?? 'customer', token: optString(body, 'token') ?? '', externalKey, vendorData: vd });
    }
    return created(req, kind, row.id);
  };
  return {
    list: async (req) => ok(await load(req, await listIds(req, base(req), fields, `${kind}_id`))),
    count: async (req) => ok(await countIds(req, base(req), fields)),
    create,
    get: async (req, segment) => ok((await load(req, [await target(req.ctx, kind, segment)]))[0]),
    remove: async (req, segment) => {
      await deletePaymentMethod(req.ctx, await target(req.ctx, kind, segment));
      return ok(true);
    },
  };
}

export const creditcards = resource('creditcard');
export const achs = resource('ach');
export const tokenized = resource('tokenized');
