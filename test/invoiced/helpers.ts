// An Invoiced client on a running test server: Basic auth with the API key and an empty password,
// JSON bodies, GET/DELETE parameters flattened into the query string the way invoiced-python does
// (a[b]=…, a[]=…), and the list metadata parsed exactly as invoiced-python's List does.
import assert from 'node:assert/strict';
import { issueDoorCredential } from '../../src/vendors/index.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

export interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

export interface InvoicedClient {
  server: TestServer;
  key: string;
  call(method: string, path: string, body?: unknown, options?: { key?: string | null; headers?: Record<string, string> }): Promise<Answer>;
  /** A 2xx answer's body, failing the test otherwise. */
  ok(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<any>;
}

/** invoiced-python's util.uri_encode: sorted keys, nested objects as a[b], lists as a[]. */
export function uriEncode(params: Record<string, unknown>, parent?: string): string[] {
  const out: string[] = [];
  for (const key of Object.keys(params).sort()) {
    const value = params[key];
    const name = parent ? `${parent}[${encodeURIComponent(key)}]` : encodeURIComponent(key);
    if (value && typeof value === 'object' && !Array.isArray(value)) out.push(...uriEncode(value as Record<string, unknown>, name));
    else if (Array.isArray(value)) for (const v of value) out.push(`${name}[]=${encodeURIComponent(String(v))}`);
    else out.push(`${name}=${encodeURIComponent(String(value))}`);
  }
  return out;
}

/** invoiced-python's List: both headers required; the Link header split on "," then ";". */
export function parseListMetadata(headers: Headers): { totalCount: number; links: Record<string, string> } {
  const link = headers.get('link');
  const total = headers.get('x-total-count');
  if (link === null || total === null) throw new Error('invoiced-python raises: a list needs both Link and X-Total-Count');
  const links: Record<string, string> = {};
  for (const part of link.split(',')) {
    const section = part.split(';');
    const url = /<(.*)>/.exec(section[0])?.[1];
    const name = /rel="(.*)"/.exec(section[1])?.[1];
    if (url === undefined || name === undefined) throw new Error(`unparseable Link part: ${part}`);
    links[name] = url;
  }
  const totalCount = Number.parseInt(total, 10);
  if (!Number.isInteger(totalCount)) throw new Error(`X-Total-Count is not an integer: ${total}`);
  return { totalCount, links };
}

export async function invoicedOn(server: TestServer): Promise<InvoicedClient> {
  const cred = await issueDoorCredential(server.store.services, server.tenant.id, { vendor: 'invoiced' });
  const client: InvoicedClient = {
    server,
    key: cred.secret,
    async call(method, path, body, options = {}) {
      const key = options.key === undefined ? cred.secret : options.key;
      const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
      if (key !== null) headers.authorization = `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
      let url = `${server.url}/invoiced${path}`;
      let payload: string | undefined;
      if (method === 'GET' || method === 'DELETE') {
        if (body && Object.keys(body as object).length > 0) url += `${path.includes('?') ? '&' : '?'}${uriEncode(body as Record<string, unknown>).join('&')}`;
      } else payload = JSON.stringify(body ?? {});
      const response = await fetch(url, { method, headers, body: payload });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
    },
    async ok(method, path, body, headers) {
      const answer = await client.call(method, path, body, { headers });
      assert.ok(answer.status < 300, `${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body;
    },
  };
  return client;
}

export async function startInvoiced(): Promise<InvoicedClient> {
  return invoicedOn(await startTestServer());
}

/** An error answer in Invoiced's shape: {type, message, param?}, never a stack trace. */
export function assertError(answer: Answer, status: number, param?: string, type = 'invalid_request'): void {
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  assert.equal(answer.body.type, type, JSON.stringify(answer.body));
  assert.equal(typeof answer.body.message, 'string');
  if (param !== undefined) assert.equal(answer.body.param, param, JSON.stringify(answer.body));
  assert.doesNotMatch(JSON.stringify(answer.body), /\.ts:\d+|node_modules|\bat .+:\d+:\d+/);
}

export const CARD = { number: '4242424242424242', exp_month: 12, exp_year: 2099, cvc: '123' };
export const DECLINED_CARD = { number: '4000000000000002', exp_month: 12, exp_year: 2099 };
export const BANK = { routing_number: '110000000', account_number: '000123456789', account_holder_name: 'Jane Doe', account_holder_type: 'individual' };

/** A customer with a saved card and two open invoices of 1710 and 290 (the seed's figures). */
export async function seedCustomer(client: InvoicedClient, options: { currency?: string } = {}): Promise<{ customer: any; card: any; invoices: any[] }> {
  const customer = await client.ok('POST', '/customers', { name: 'Dunder Mifflin', email: 'billing@dundermifflin.com', currency: options.currency ?? 'usd' });
  const token = await client.ok('POST', '/tokens', { card: CARD });
  const card = await client.ok('POST', `/customers/${customer.id}/payment_sources`, { method: 'credit_card', invoiced_token: token.id });
  const invoices = [];
  for (const amount of [1710, 290]) invoices.push(await client.ok('POST', '/invoices', { customer: customer.id, items: [{ name: 'Paper', quantity: 1, unit_cost: amount }] }));
  return { customer, card, invoices };
}
