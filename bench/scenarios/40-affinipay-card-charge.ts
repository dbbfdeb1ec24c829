// AffiniPay's documented card charge (spec §5 case 15): Basic auth with the test secret key, the
// merchant's accounts read with the tenant (no query), the card checked (Luhn, expiry, CVV), the
// account's CVV/AVS policy applied by the simulated processor, the transaction with its capture
// ledger entry and event, and the charge rendered with its masked card. The accounts are seeded by
// a first request in setup, as a merchant's first gateway call makes them.
import { buildApp } from '../../src/http/app.ts';
import { createTenant } from '../../src/core/tenants/tenants.ts';
import { issueDoorCredential } from '../../src/vendors/index.ts';
import { defineScenario } from '../lib/scenario.ts';

const BODY = JSON.stringify({
  amount: '100',
  currency: 'USD',
  reference: 'bench',
  method: { type: 'card', number: '4242424242424242', exp_month: 10, exp_year: 2099, cvv: '123', name: 'Some Customer', address1: '123 Main St', postal_code: '78730' },
});

export default defineScenario({
  name: 'AffiniPay POST /v1/charges (card charge)',
  backends: ['sqlite', 'postgres'],
  async setup({ services }) {
    if (!services) throw new Error('this scenario needs a database');
    const tenant = await createTenant(services, { name: 'Bench AffiniPay', slug: 'bench-ap' });
    const key = await issueDoorCredential(services, tenant.id, { vendor: 'affinipay', label: 'secret', mode: 'test' });
    const authorization = `Basic ${Buffer.from(`${key.secret}:`).toString('base64')}`;
    const app = await buildApp({ services });
    const first = await app.inject({ method: 'GET', url: '/affinipay/v1/merchant', headers: { authorization } });
    if (first.statusCode !== 200) throw new Error(`setup: ${first.statusCode} ${first.body}`);
    return { app, context: { authorization } };
  },
  request: ({ authorization }) => ({
    method: 'POST',
    path: '/affinipay/v1/charges',
    headers: { authorization, 'content-type': 'application/json' },
    body: BODY,
  }),
});
