// /customers (spec 2.2 16-21, 4.7): create (duplicate=update upserts by the client id's unique
// reference), list with filters, retrieve, update (a new customer_id renames), grouped billing
// history, the three delete modes, and the PHP client's /customers/history.
import type { FastifyInstance } from 'fastify';
import type { CustomerRow } from '../../core/database.ts';
import type { TenantContext } from '../../core/context.ts';
import { customersByIds, listCustomers } from '../../core/customers/queries.ts';
import { updateCustomer } from '../../core/customers/customers.ts';
import { upsertCustomer } from '../../core/customers/by-ref.ts';
import { eraseCustomer } from '../../core/customers/erase.ts';
import { openVaultCustomer } from '../../core/flows/vault-customer.ts';
import { deletePaymentMethod, listPaymentMethods, storeCard } from '../../core/vault/vault.ts';
import { listTransactions } from '../../core/payments/queries.ts';
import { subscriptionsNewestFirst } from '../../core/subscriptions/lists.ts';
import { randomAlnum } from '../../core/crypto/secrets.ts';
import type { Condition } from '../../core/query/conditions.ts';
import { cdRequest, params, type CdRequest } from './context.ts';
import { customerData, renderCharges } from './charge-view.ts';
import { customerRelations, customerWrite, renderCustomer, type CustomerWrite } from './customer-view.ts';
import { badParam, notFoundHere } from './errors.ts';
import { checkClientId, customerIdOf, REF, refValue } from './ids.ts';
import { CHARGE_TYPES, envelope, rangeConditions, readPage, readRange, visibleCharges } from './lists.ts';
import { renderSubscriptions } from './views.ts';
import { nested, optText, readCountry, reqText, VENDOR } from './wire.ts';

const RESERVED = ['grouped', 'history'];
const links = (req: CdRequest) => ({ company: req.company, base: req.base, now: req.ctx.clock.now() });

export async function customerByPath(ctx: TenantContext, text: string): Promise<CustomerRow> {
  const id = await customerIdOf(ctx, text);
  const [row] = id === null ? [] : await customersByIds(ctx, [id]);
  if (!row) throw notFoundHere('customer');
  return row;
}

export async function renderCustomers(req: CdRequest, rows: readonly CustomerRow[], withItems = false): Promise<Array<Record<string, unknown>>> {
  const rel = await customerRelations(req.ctx, rows);
  const out = [];
  for (const row of rows) {
    const subs = await subscriptionsNewestFirst(req.ctx, { customerIds: [row.id], limit: 100 });
    const items = withItems
      ? await renderCharges(
          req.ctx,
          (
            await listTransactions(req.ctx, CHARGE_TYPES, {
              where: [...visibleCharges(), { field: 'customer_id', op: 'eq', value: row.id }],
              order: [{ field: 'created_at', direction: 'desc' }],
              tieBreak: 'desc',
              limit: 100,
            })
          ).rows,
          links(req),
        )
      : [];
    out.push(renderCustomer(row, rel, links(req), await renderSubscriptions(req.ctx, subs, links(req)), items));
  }
  return out;
}

/** The card side of a write (card_on_file): a separate vault change after the customer's. */
async function applyCard(ctx: TenantContext, customerId: number, write: CustomerWrite): Promise<void> {
  if (write.card === undefined) return;
  const stored = await listPaymentMethods(ctx, customerId);
  if (write.card === false) {
    for (const method of stored) if (method.kind === 'card') await deletePaymentMethod(ctx, method.id);
    return;
  }
  const card = write.card;
  if (!stored.some((m) => m.kind === 'card' && m.last4 === card.number.slice(-4))) await storeCard(ctx, card, { customerId });
}

export async function customerRoutes(app: FastifyInstance): Promise<void> {
  app.post('/customers', async (request) => {
    const req = cdRequest(request);
    const id = reqText(req.body, 'customer_id');
    const problem = checkClientId(id, 'customer_id', RESERVED);
    if (problem) throw badParam(problem, 'customer_id');
    const create = customerWrite(req.body, { creating: true, idForDefaults: id });
    let row: CustomerRow;
    if (optText(req.body, 'duplicate') === 'update') {
      const update = customerWrite(req.body, { creating: false });
      ({ customer: row } = await upsertCustomer(req.ctx, refValue('customer', id), create.input, update.input));
      await applyCard(req.ctx, row.id, create);
    } else if (create.card) {
      row = await openVaultCustomer(req.ctx, { customer: { ...create.input, refs: [{ ...REF.customer, value: id }] }, card: create.card });
    } else {
      ({ customer: row } = await upsertCustomer(req.ctx, refValue('customer', id), create.input, null).then(async (result) => {
        if (!result.created) throw badParam('A customer with this customer_id already exists', 'customer_id');
        return result;
      }));
    }
    const [fresh] = await customersByIds(req.ctx, [row.id]);
    return (await renderCustomers(req, [fresh]))[0];
  });

  app.get('/customers', async (request) => {
    const req = cdRequest(request);
    const q = req.query;
    const page = readPage(q, 50_000);
    const where: Condition[] = [];
    const id = optText(q, 'customer_id');
    if (id !== undefined) where.push({ field: 'id', op: 'eq', value: (await customerIdOf(req.ctx, id)) ?? -1 });
    const email = optText(q, 'email');
    if (email !== undefined) where.push({ field: 'email', op: 'eq', value: email });
    const name = optText(q, 'name');
    if (name !== undefined) where.push({ field: 'full_name', op: 'eq', value: name });
    const username = optText(q, 'username');
    if (username !== undefined) where.push({ field: { vendor: VENDOR, key: 'username' }, op: 'eq', value: username });
    const country = optText(q, 'country');
    if (country !== undefined) where.push({ field: 'billing.country', op: 'eq', value: readCountry(country) });
    where.push(...rangeConditions('created_at', readRange(q, 'first_seen')));
    const { rows } = await listCustomers(req.ctx, { where, order: [{ field: 'created_at', direction: 'desc' }], tieBreak: 'desc', ...page });
    return envelope(page, await renderCustomers(req, rows));
  });

  const grouped = async (req: CdRequest) => {
    const q = req.query;
    const text = optText(q, 'query');
    const customer = nested(q, 'customer');
    const fields: Array<[string, string, number]> = [];
    for (const [key, score] of [
      ['id', 1],
      ['email', 1],
      ['username', 0.8],
      ['phone', 0.8],
      ['name', 0.6],
    ] as const) {
      const value = optText(customer, key, { field: `customer[${key}]` });
      if (value) fields.push([key, value, score]);
    }
    if (!text && fields.length === 0) throw badParam('Provide a query or customer parameters', 'query');
    const search = text ?? fields[0][1];
    const matchOne = (field: string, value: string, contains: boolean): Condition => {
      const target = field === 'id' ? { ref: REF.customer } : field === 'name' ? 'full_name' : field === 'username' ? { vendor: VENDOR, key: 'username' } : field;
      return { field: target, op: contains ? 'contains' : 'eq', value } as Condition;
    };
    const where: Condition[] = text
      ? [{ any: ['id', 'email', 'username', 'name', 'phone'].map((f) => matchOne(f, text, f !== 'id' && f !== 'email')) }]
      : fields.map(([f, v]) => matchOne(f, v, false));
    const { rows } = await listCustomers(req.ctx, { where, order: [{ field: 'created_at', direction: 'desc' }], tieBreak: 'desc', limit: 100 });
    const rendered = await renderCustomers(req, rows, true);
    const scoreOf = (c: Record<string, unknown>): [number, string] => {
      const probes = text
        ? ([
            ['customer_id', 1],
            ['email', 1],
            ['username', 0.8],
            ['phone', 0.8],
            ['name', 0.6],
          ] as const)
        : fields.map(([f, , s]) => [f === 'id' ? 'customer_id' : f, s] as const);
      for (const [key, score] of probes) {
        const value = String(c[key] ?? '').toLowerCase();
        const wanted = (text ?? fields.find(([f]) => (f === 'id' ? 'customer_id' : f) === key)?.[1] ?? '').toLowerCase();
        if (value && wanted && (value === wanted || (text && value.includes(wanted)))) return [score, key === 'customer_id' ? 'customer[id]' : `customer[${key}]`];
      }
      return [0.6, 'query'];
    };
    const scored = rendered.map((c) => ({ c, s: scoreOf(c) })).sort((a, b) => b.s[0] - a.s[0] || Number(b.c.first_seen) - Number(a.c.first_seen));
    const best = scored[0];
    return {
      search,
      match: best ? { param: text ? 'query' : best.s[1], matches: search, score: best.s[0] } : { param: '', matches: '', score: 0 },
      customers: scored.map(({ c }) => c),
    };
  };
  app.get('/customers/grouped', async (request) => grouped(cdRequest(request)));
  // The PHP client's Customer::history: the grouped billing history.
  app.get('/customers/history', async (request) => grouped(cdRequest(request)));

  app.get('/customers/:id', async (request) => {
    const req = cdRequest(request);
    return (await renderCustomers(req, [await customerByPath(req.ctx, (request.params as { id: string }).id)]))[0];
  });

  app.post('/customers/:id', async (request) => {
    const req = cdRequest(request);
    const row = await customerByPath(req.ctx, (request.params as { id: string }).id);
    const write = customerWrite(req.body, { creating: false, storedMetadata: customerData(row).metadata });
    const rename = optText(req.body, 'customer_id');
    if (rename !== undefined) {
      const problem = rename.trim() === '' ? 'customer_id cannot be empty' : checkClientId(rename, 'customer_id', RESERVED);
      if (problem) throw badParam(problem, 'customer_id');
      write.input.refs = [{ ...REF.customer, value: rename }];
    }
    const updated = await updateCustomer(req.ctx, row.id, write.input);
    await applyCard(req.ctx, row.id, write);
    const [fresh] = await customersByIds(req.ctx, [updated.id]);
    return (await renderCustomers(req, [fresh]))[0];
  });

  app.delete('/customers/:id', async (request) => {
    const req = cdRequest(request);
    const wire = (request.params as { id: string }).id;
    const row = await customerByPath(req.ctx, wire);
    const p = params(request);
    const modeText = p.delete_all === undefined || p.delete_all === '' ? '1' : String(p.delete_all).trim();
    if (!['0', '1', '2'].includes(modeText)) throw badParam('delete_all must be 0, 1 or 2', 'delete_all');
    const anon = `anon-${randomAlnum(10)}`;
    const mode = modeText === '1' ? 'everything' : modeText === '0' ? 'customer_only' : 'anonymise';
    const result = await eraseCustomer(req.ctx, row.id, {
      mode,
      vendor: VENDOR,
      releaseKind: REF.customer.kind,
      tombstone: mode === 'anonymise' ? { customer_id: anon, username: null, anonymised: true } : { customer_id: wire },
      anonymise: { metadata: {}, anonymised: true },
      removedMark: { removed: true },
    });
    return {
      deleted: true,
      object: 'customer',
      customer_id: wire,
      charges_deleted: mode === 'everything' ? result.charges : 0,
      subscriptions_deleted: mode === 'everything' ? result.subscriptions : 0,
    };
  });
}
