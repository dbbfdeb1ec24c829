// A ChargeOver client on a running test server (its own key pair for the server's tenant), for
// tests that speak to two doors at once.
import assert from 'node:assert/strict';
import { issueDoorCredential } from '../../src/vendors/index.ts';
import type { TestServer } from '../helpers/server.ts';

export interface ChargeOverOn {
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** A 2xx answer's `response`, failing the test otherwise. */
  ok(method: string, path: string, body?: unknown): Promise<any>;
}

export async function chargeOverOn(server: TestServer): Promise<ChargeOverOn> {
  const cred = await issueDoorCredential(server.store.services, server.tenant.id, { vendor: 'chargeover' });
  const auth = `Basic ${Buffer.from(`${cred.publicId as string}:${cred.secret}`).toString('base64')}`;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}/chargeover/api/v3${path}`, {
      method,
      headers: { authorization: auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };
  return {
    call,
    async ok(method, path, body) {
      const answer = await call(method, path, body);
      assert.ok(answer.status < 300, `${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body.response;
    },
  };
}
