// A FluidPay client over HTTP against a fresh test server: an API key for the test tenant, the
// /fluidpay/api base the PHP client uses, and a second merchant for tenancy checks.
import { issueDoorCredential as issueCredential } from '../../src/vendors/index.ts';
import { createTenant } from '../../src/core/tenants/tenants.ts';
import { verify } from '../../src/core/verify/verify.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

export interface Reply {
  status: number;
  body: any;
  text: string;
}

export interface FluidPayClient {
  server: TestServer;
  key: string;
  call(method: string, path: string, body?: unknown, options?: { key?: string | null; headers?: Record<string, string>; raw?: string }): Promise<Reply>;
  /** Advances the test tenant's clock (settlement runs at each cut-off passed). */
  advance(by: string): Promise<void>;
  /** The ledger invariants for the test tenant. */
  assertLedger(): Promise<void>;
  otherKey(): Promise<string>;
  close(): Promise<void>;
}

export async function startFluidPay(): Promise<FluidPayClient> {
  const server = await startTestServer();
  const { secret: key } = await issueCredential(server.store.services, server.tenant.id, { vendor: 'fluidpay', label: 'api' });
  const base = `${server.url}/fluidpay/api`;
  const client: FluidPayClient = {
    server,
    key,
    async call(method, path, body, options = {}) {
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      const auth = options.key === undefined ? key : options.key;
      if (auth !== null) headers.authorization = auth;
      let payload: string | undefined;
      if (options.raw !== undefined) payload = options.raw;
      else if (body !== undefined) payload = JSON.stringify(body);
      if (payload !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
      const response = await fetch(base + path, { method, headers, body: payload });
      const text = await response.text();
      let parsed: unknown = null;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        parsed = text;
      }
      return { status: response.status, body: parsed, text };
    },
    async advance(by) {
      const reply = await server.admin(`/_admin/tenants/${server.tenant.slug}/clock/advance`, { body: { by } });
      if (reply.status !== 200) throw new Error(`clock advance failed: ${JSON.stringify(reply.body)}`);
    },
    async assertLedger() {
      const report = await verify(server.store.services, server.tenant.id);
      if (!report.ok) throw new Error(`ledger violation: ${report.violation}`);
    },
    async otherKey() {
      const other = await createTenant(server.store.services, { name: 'Other Merchant', slug: `other-${Math.random().toString(36).slice(2, 8)}` });
      return (await issueCredential(server.store.services, other.id, { vendor: 'fluidpay', label: 'api' })).secret;
    },
    close: () => server.close(),
  };
  return client;
}

/** The documented sale body (spec §4.2, seed L548-640), card variant. */
export function docSale(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const address = {
    first_name: 'John',
    last_name: 'Smith',
    company: 'Test Company',
    address_line_1: '123 Some St',
    city: 'Wheaton',
    state: 'IL',
    postal_code: '60187',
    country: 'US',
    phone: '5555555555',
    fax: '5555555555',
    email: 'help@website.com',
  };
  return {
    type: 'sale',
    amount: 1112,
    tax_amount: 100,
    shipping_amount: 100,
    currency: 'USD',
    description: 'test transaction',
    order_id: 'someOrderID',
    po_number: 'somePONumber',
    ip_address: '4.2.2.2',
    email_receipt: false,
    email_address: 'user@home.com',
    create_vault_record: false,
    payment_method: { card: { entry_type: 'keyed', number: '4012000098765439', expiration_date: '12/20', cvc: '999' } },
    billing_address: { ...address },
    shipping_address: { ...address },
    ...overrides,
  };
}

export const XID = /^[0-9a-v]{20}$/;
