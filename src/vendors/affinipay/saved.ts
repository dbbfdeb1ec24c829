// Saved cards and banks (spec §2.C #35–42, §4.13): stored payment methods of the key's mode, made
// from details or from a token (which it uses up), listed with reference and expiry filters. Cards
// and bank accounts stored through any other door (a customer's card) are the same methods here.
import type { FastifyRequest } from 'fastify';
import { modeOf, type TenantContext } from '../../core/context.ts';
import type { PaymentMethodRow } from '../../core/database.ts';
import { deletePaymentMethod, findToken, storeBank, storeCard, storeFromToken } from '../../core/vault/vault.ts';
import { listPaymentMethodsBy } from '../../core/vault/queries.ts';
import type { Condition } from '../../core/query/conditions.ts';
import { parseVendorData } from '../../core/vendor-data.ts';
import { tenantOf } from '../../http/auth.ts';
import { savedMethod } from './charges.ts';
import { apError, notFoundError } from './errors.ts';
import { encodeId } from './ids.ts';
import { VENDOR, parseBank, parseCard, renderSaved } from './methods.ts';
import type { Router } from './routing.ts';
import { jsonBody, readInteger, readOrderBy, readPage, readString, searchResults, type Body } from './wire.ts';

export const savedId = (row: Pick<PaymentMethodRow, 'id' | 'kind' | 'created_at'>): string => encodeId(row.kind === 'bank' ? 'bank' : 'card', row.id, row.created_at);

export const renderSavedMethod = (row: PaymentMethodRow): Record<string, unknown> => renderSaved(row, savedId(row));

function labels(body: Body): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const reference = readString(body.reference, 'reference', 64);
  const description = readString(body.description, 'description', 64);
  if (reference !== undefined) fields.reference = reference;
  if (description !== undefined) fields.description = description;
  return fields;
}

async function create(request: FastifyRequest, kind: 'card' | 'bank'): Promise<Record<string, unknown>> {
  const ctx = tenantOf(request);
  const body = jsonBody(request);
  const fields = labels(body);
  if (body.token_id !== undefined && body.token_id !== null && body.token_id !== '') {
    const token = typeof body.token_id === 'string' ? await findToken(ctx, body.token_id) : null;
    if (!token || token.method.kind !== kind) throw apError(kind === 'bank' ? 'no_bank_details_or_token_present' : 'no_card_details_or_token_present', { context: 'token_id' });
    // The token's details (and this door's fields on them: the number's length) become a saved method in the key's mode.
    const own = (parseVendorData(token.method.vendor_data)[VENDOR] ?? {}) as Record<string, unknown>;
    const { reference: _reference, description: _description, form_data: _formData, card_type_given: _given, ...kept } = own;
    const row = await storeFromToken(ctx, token.token, { vendorData: { [VENDOR]: { ...kept, ...fields } } });
    return renderSavedMethod(row);
  }
  if (kind === 'card') {
    const { card } = parseCard(body, '');
    const vendorData = { [VENDOR]: { ...(card.vendorData?.[VENDOR] as object), ...fields } };
    return renderSavedMethod(await storeCard(ctx, card, { vendorData }));
  }
  const { bank } = parseBank(body, '');
  const vendorData = { [VENDOR]: { ...(bank.vendorData?.[VENDOR] as object), ...fields } };
  return renderSavedMethod(await storeBank(ctx, bank, { vendorData }));
}

async function one(ctx: TenantContext, idText: unknown, kind: 'card' | 'bank'): Promise<PaymentMethodRow> {
  const row = await savedMethod(ctx, idText, kind);
  if (!row) throw notFoundError();
  return row;
}

async function list(request: FastifyRequest, kind: 'card' | 'bank'): Promise<Record<string, unknown>> {
  const ctx = tenantOf(request);
  const query = request.query as Body;
  const page = readPage(query);
  const where: Condition[] = [
    { field: 'mode', op: 'eq', value: modeOf(ctx) },
    { field: 'kind', op: 'eq', value: kind },
  ];
  const reference = readString(query.reference, 'reference');
  if (reference !== undefined && reference !== '') where.push({ field: { vendor: VENDOR, key: 'reference', type: 'string' }, op: 'eq', value: reference });
  if (kind === 'card') {
    const month = readInteger(query.exp_month, 'exp_month');
    const year = readInteger(query.exp_year, 'exp_year');
    if (month !== undefined) where.push({ field: 'exp_month', op: 'eq', value: month });
    if (year !== undefined) where.push({ field: 'exp_year', op: 'eq', value: year < 100 ? 2000 + year : year });
  }
  const order = readOrderBy(query.order_by, ['created', 'id'], [{ field: 'created', direction: 'desc' }]).map((o) => ({ field: o.field === 'created' ? 'created_at' : 'id', direction: o.direction }));
  const result = await listPaymentMethodsBy(ctx, { where, order, offset: page.offset, limit: page.pageSize, total: true, tieBreak: order[0]?.direction ?? 'desc' });
  return searchResults(page, result.total ?? 0, result.rows.map(renderSavedMethod));
}

export function savedMethodRoutes(router: Router): void {
  for (const kind of ['card', 'bank'] as const) {
    const base = `/v1/${kind}s`;
    router.post(base, (request) => create(request, kind));
    router.get(base, (request) => list(request, kind));
    router.get(`${base}/:id`, async (request) => renderSavedMethod(await one(tenantOf(request), (request.params as Body).id, kind)));
    router.delete(`${base}/:id`, async (request) => {
      const ctx = tenantOf(request);
      const row = await one(ctx, (request.params as Body).id, kind);
      return renderSavedMethod(await deletePaymentMethod(ctx, row.id));
    });
  }
}
