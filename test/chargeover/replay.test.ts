// Replays every recorded ChargeOver interaction (fixtures/chargeover-recorded in the shared folder
// beside the checkout; skipped with a reason where it is absent, see test/helpers/shared.ts): builds
// the state each one implies (customers, users, invoices, items, transactions, cards the recorded
// answers show), sends the same request with ids translated to ours, and compares the status, the
// envelope and the set of field names and JSON types of the answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { okBody, startChargeOver, type CoClient } from './helpers.ts';
import { sharedData } from '../helpers/shared.ts';

const FIXTURES = sharedData('fixtures/chargeover-recorded');
const DIR = FIXTURES.path;
const TYPES = ['customer', 'user', 'invoice', 'transaction', 'item', 'creditcard', 'tokenized', 'ach', 'package'] as const;
type Type = (typeof TYPES)[number];

interface Interaction {
  method: string;
  path: string;
  request_body: any;
  status: number;
  response_body: any;
}

const kind = (v: unknown): string => (v === null || v === undefined ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** Field names and JSON types the recording has that our answer lacks or types differently. */
export function shapeDiff(expected: any, actual: any, path = 'response'): string[] {
  if (kind(expected) === 'null' || kind(actual) === 'null') return [];
  if (kind(expected) !== kind(actual)) return [`${path}: ${kind(expected)} recorded, ${kind(actual)} here`];
  if (Array.isArray(expected)) return expected.length && actual.length ? shapeDiff(expected[0], actual[0], `${path}[0]`) : [];
  if (kind(expected) !== 'object') return [];
  const out: string[] = [];
  for (const key of Object.keys(expected)) {
    if (!(key in actual)) out.push(`${path}.${key} missing`);
    else if (kind(expected[key]) !== 'object' && kind(expected[key]) !== 'array') {
      if (kind(expected[key]) !== 'null' && kind(actual[key]) !== 'null' && kind(expected[key]) !== kind(actual[key]))
        out.push(`${path}.${key}: ${kind(expected[key])} recorded, ${kind(actual[key])} here`);
    } else out.push(...shapeDiff(expected[key], actual[key], `${path}.${key}`));
  }
  return out;
}

class Replayer {
  co: CoClient;
  ids = new Map<string, number>();
  /** Recorded package line ids → ours (lines are recreated in the recorded order). */
  lines = new Map<number, number>();
  snapshots = new Map<string, any>();
  itemId = 0;
  constructor(co: CoClient, interactions: Interaction[]) {
    this.co = co;
    for (const i of interactions) this.collect(i.response_body?.response);
  }
  collect(value: any): void {
    if (Array.isArray(value)) return value.forEach((v) => this.collect(v));
    if (!value || typeof value !== 'object') return;
    for (const type of TYPES) {
      const id = value[`${type}_id`];
      const marker = {
        customer: 'company',
        user: 'first_name',
        invoice: 'total',
        transaction: 'transaction_type',
        item: 'tiersets',
        creditcard: 'mask_number',
        tokenized: 'type',
        ach: 'routing',
        package: 'paycycle',
      }[type];
      if (id !== undefined && id !== null && marker in value && !this.snapshots.has(`${type}:${Number(id)}`)) this.snapshots.set(`${type}:${Number(id)}`, value);
    }
  }
  key(type: Type, id: unknown): string {
    return `${type}:${Number(id)}`;
  }
  async ensure(type: Type, fid: unknown, hint: Record<string, unknown> = {}): Promise<number> {
    const k = this.key(type, fid);
    const known = this.ids.get(k);
    if (known !== undefined) return known;
    const snap = this.snapshots.get(k) ?? {};
    let id: number;
    switch (type) {
      case 'customer':
        id = okBody(
          await this.co.post('/customer', {
            company: snap.company ?? `Replay ${String(fid)}`,
            external_key: snap.external_key ?? undefined,
            superuser_name: snap.superuser_name || undefined,
            superuser_email: snap.superuser_email ?? 'replay@example.com',
            bill_country: snap.bill_country ?? undefined,
          }),
          201,
        ).id;
        break;
      case 'user': {
        const customer = await this.ensure('customer', snap.customers?.[0]?.customer_id ?? hint.customer_id ?? `u${String(fid)}`);
        id = okBody(
          await this.co.post('/user', { customer_id: customer, first_name: snap.first_name ?? 'Re', last_name: snap.last_name ?? 'Play', email: snap.email ?? 'replay@example.com' }),
          201,
        ).id;
        break;
      }
      case 'item':
        id = okBody(
          await this.co.post('/item', {
            name: snap.name ?? `Item ${String(fid)}`,
            external_key: snap.external_key ?? undefined,
            pricemodel: { base: snap.tiersets?.[0]?.base ?? 10, paycycle: snap.tiersets?.[0]?.paycycle ?? 'evy' },
          }),
          201,
        ).id;
        break;
      case 'invoice': {
        const customer = await this.ensure('customer', snap.customer_id ?? hint.customer_id ?? `i${String(fid)}`);
        const lines = snap.line_items?.length ? snap.line_items : [{ item_id: `inv${String(fid)}`, line_rate: snap.total ?? hint.amount ?? 10, line_quantity: 1 }];
        const lineItems = [];
        for (const l of lines) lineItems.push({ item_id: await this.ensure('item', l.item_id), line_rate: l.line_rate, line_quantity: l.line_quantity ?? 1, descrip: l.descrip ?? undefined });
        id = okBody(await this.co.post('/invoice', { customer_id: customer, date: snap.date, line_items: lineItems }), 201).id;
        if (snap.is_void) okBody(await this.co.post(`/invoice/${id}?action=void`));
        break;
      }
      case 'transaction': {
        const customer = await this.ensure('customer', snap.customer_id ?? hint.customer_id ?? `t${String(fid)}`);
        const type = snap.transaction_type ?? 'pay';
        const amount = Math.abs(Number(snap.amount ?? 10)) || 10;
        const method = { Visa: 'visa', Mastercard: 'mastercard', Credit: 'credit' }[snap.transaction_method as string] ?? (type === 'cre' ? 'credit' : 'check');
        const parent = okBody(
          await this.co.post('/transaction', { customer_id: customer, transaction_type: type === 'cre' ? 'cre' : 'pay', gateway_method: method, amount, gateway_status: snap.gateway_status ?? 1 }),
          201,
        ).id;
        id = type === 'ref' ? Number(okBody(await this.co.post(`/transaction/${parent}?action=refund`, { amount })).id) : parent;
        break;
      }
      case 'creditcard':
      case 'ach':
      case 'tokenized': {
        const customer = await this.ensure('customer', snap.customer_id ?? hint.customer_id ?? `m${String(fid)}`);
        const body =
          type === 'creditcard'
            ? { customer_id: customer, number: String(hint.number ?? '4242424242424242'), expdate_month: snap.expdate_month ?? 5, expdate_year: snap.expdate_year ?? 2099, name: snap.name ?? '' }
            : type === 'ach'
              ? { customer_id: customer, number: '123412341234', routing: '072403004' }
              : { customer_id: customer, type: snap.type ?? 'customer', token: snap.token ?? 'cus_replay' };
        id = okBody(await this.co.post(`/${type}`, body), 201).id;
        break;
      }
      case 'package': {
        const customer = await this.ensure('customer', snap.customer_id ?? hint.customer_id ?? `p${String(fid)}`);
        const recordedLines: any[] = snap.line_items?.length ? snap.line_items : [{ item_id: `pkg${String(fid)}` }];
        const lineItems = [];
        for (const l of recordedLines) {
          const tierset = l.tierset ? { base: l.tierset.base, setup: l.tierset.setup, paycycle: l.tierset.paycycle, pricemodel: l.tierset.pricemodel } : undefined;
          lineItems.push({ item_id: await this.ensure('item', l.item_id), descrip: l.descrip ?? undefined, tierset });
        }
        const body: Record<string, unknown> = { customer_id: customer, paycycle: snap.paycycle ?? 'mon', line_items: lineItems };
        if (snap.creditcard_id) body.creditcard_id = await this.ensure('creditcard', snap.creditcard_id, { customer_id: snap.customer_id });
        if (snap.holduntil_datetime) body.holduntil_datetime = snap.holduntil_datetime;
        id = okBody(await this.co.post('/package', body), 201).id;
        const ours = okBody(await this.co.get(`/package/${id}`)).line_items as any[];
        recordedLines.forEach((l, i) => {
          if (typeof l.line_item_id === 'number' && ours[i]) this.lines.set(l.line_item_id, ours[i].line_item_id);
        });
        if (snap.package_status_state === 'c') okBody(await this.co.post(`/package/${id}?action=cancel`));
        break;
      }
    }
    this.ids.set(k, id);
    return id;
  }
  /** Makes sure the objects a successful recorded answer shows exist here. */
  async prepare(i: Interaction): Promise<void> {
    const response = i.response_body?.response;
    if (i.status >= 400 || i.method !== 'GET') return;
    for (const obj of Array.isArray(response) ? response : [response]) {
      if (!obj || typeof obj !== 'object') continue;
      for (const type of TYPES) if (obj[`${type}_id`] !== undefined && this.snapshots.get(this.key(type, obj[`${type}_id`])) === obj) await this.ensure(type, obj[`${type}_id`]);
    }
  }
  async translatePath(i: Interaction): Promise<string> {
    const [path, query = ''] = i.path.replace(/^\/api\/v3/, '').split('?');
    const segments = path.split('/');
    const type = segments[1] as Type;
    if (TYPES.includes(type) && segments[2] && /^\d+$/.test(segments[2])) {
      const k = this.key(type, segments[2]);
      if (!this.ids.has(k) && i.status < 400) await this.ensure(type, segments[2]);
      segments[2] = String(this.ids.get(k) ?? 99999999);
    }
    const q = await Promise.all(
      query.split('&').map(async (part) => {
        const m = /^where=(customer_id|customers\.customer_id):EQUALS:(\d+)(.*)$/.exec(part);
        if (!m) return part;
        return `where=${m[1]}:EQUALS:${await this.ensure('customer', m[2])}${m[3]}`;
      }),
    );
    return segments.join('/') + (query ? `?${q.join('&')}` : '');
  }
  async translateBody(i: Interaction): Promise<any> {
    const body = i.request_body;
    if (!body || typeof body !== 'object') return body;
    const out = { ...body };
    if (out.customer_id !== undefined) out.customer_id = await this.ensure('customer', out.customer_id);
    // Package upgrades name recorded lines and items.
    if (i.path.includes('/package') && Array.isArray(out.line_items)) {
      const lines = [];
      for (const l of out.line_items) {
        const line = { ...l };
        if (line.line_item_id !== undefined) line.line_item_id = this.lines.get(Number(line.line_item_id)) ?? 99999999;
        if (line.item_id !== undefined) line.item_id = await this.ensure('item', line.item_id);
        lines.push(line);
      }
      out.line_items = lines;
    }
    if (Array.isArray(out.applied_to)) {
      const applied = [];
      for (const a of out.applied_to) {
        const fid = typeof a === 'object' ? a.invoice_id : a;
        applied.push(await this.ensure('invoice', fid, { customer_id: body.customer_id, amount: body.amount }));
      }
      out.applied_to = applied;
      // ?action=pay needs a stored method: a good card, or an expired one when the recording failed.
      if (i.path.includes('action=pay'))
        await this.ensure('creditcard', `pm${String(body.customer_id)}`, { customer_id: body.customer_id, number: i.status >= 400 ? '4000000000000069' : '4242424242424242' });
    }
    return out;
  }
}

interface Outcome {
  file: string;
  method: string;
  path: string;
  ok: boolean;
  reasons: string[];
}

async function replayAll(): Promise<Outcome[]> {
  const co = await startChargeOver();
  const outcomes: Outcome[] = [];
  try {
    for (const file of readdirSync(DIR)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      const { interactions } = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as { interactions: Interaction[] };
      await co.newTenant(`replay-${file.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`.slice(0, 60));
      const r = new Replayer(co, interactions);
      for (const i of interactions) {
        const reasons: string[] = [];
        try {
          await r.prepare(i);
          const path = await r.translatePath(i);
          const body = await r.translateBody(i);
          const answer = await co.call(i.method, path, body === null ? undefined : body);
          if (answer.status !== i.status) reasons.push(`status ${answer.status}, recorded ${i.status}: ${String(answer.body?.message ?? '')}`);
          for (const key of Object.keys(i.response_body)) if (!(key in answer.body)) reasons.push(`envelope lacks ${key}`);
          if (answer.body?.status !== i.response_body.status) reasons.push(`envelope status ${String(answer.body?.status)}`);
          if (i.status < 400 && answer.status === i.status) reasons.push(...shapeDiff(i.response_body.response, answer.body.response));
          const created = i.response_body?.response?.id;
          const type = i.path.replace(/^\/api\/v3\//, '').split(/[/?]/)[0] as Type;
          if (i.method === 'POST' && i.status === 201 && created !== undefined && answer.status === 201) r.ids.set(r.key(type, created), answer.body.response.id);
          if (i.path.includes('action=refund') && answer.status === 200) r.ids.set(r.key('transaction', created), Number(answer.body.response.id));
          if (i.path.includes('transaction?action=pay') && answer.status === 200) r.ids.set(r.key('transaction', created), answer.body.response.id);
        } catch (error) {
          reasons.push(`could not build the implied state: ${(error as Error).message.split('\n')[0]}`);
        }
        outcomes.push({ file, method: i.method, path: i.path, ok: reasons.length === 0, reasons });
      }
    }
  } finally {
    await co.close();
  }
  return outcomes;
}

test('every recorded ChargeOver interaction replays with the same status, envelope and field shapes', { skip: FIXTURES.skip }, async () => {
  const outcomes = await replayAll();
  const matched = outcomes.filter((o) => o.ok).length;
  const misses = outcomes.filter((o) => !o.ok);
  console.log(`chargeover replay: ${matched} of ${outcomes.length} recorded interactions match`);
  for (const o of misses) console.log(`  ${o.file} ${o.method} ${o.path}: ${o.reasons.join('; ')}`);
  assert.equal(outcomes.length, 156);
  // What cannot match, and why: nested ids the recording sends as strings are integers here (spec
  // X11, conformance case 38); one recorded query string is malformed ("EQUALS:44limit=100?offset=0")
  // and is refused with 400; one PUT /package was recorded on 1 April 2015, before ChargeOver
  // supported package updates (it answered 400 "not supported"; two weeks later the same PUT was a
  // 202, chargeover-extra §2): this server answers as the later one.
  const explained = (o: Outcome) =>
    o.reasons.every((r) => /^response\.(applied_to\[0\]\.invoice_id|customers\[0\]\.customer_id): string recorded, number here$/.test(r)) ||
    o.path.includes('EQUALS:44limit=100?offset=0') ||
    (o.file === 'update_custom_package_value.json' && o.method === 'PUT');
  // Every recorded /package interaction matches but the PUT the 2015 server did not support yet.
  assert.deepEqual(
    misses.filter((o) => o.path.includes('/package')).map((o) => `${o.file} ${o.method}`),
    ['update_custom_package_value.json PUT'],
  );
  const unexplained = misses.filter((o) => !explained(o));
  assert.deepEqual(
    unexplained.map((o) => `${o.file} ${o.method} ${o.path}: ${o.reasons.join('; ')}`),
    [],
  );
});
