// FluidPay's documented card sale through its front door: API-key auth, the wire mapping, the
// simulated processor, transaction + ledger entry + event, and the documented response body.
import { buildApp } from '../../src/http/app.ts';
import { issueDoorCredential } from '../../src/vendors/index.ts';
import { createTenant } from '../../src/core/tenants/tenants.ts';
import { defineScenario } from '../lib/scenario.ts';

export const FLUIDPAY_SALE_BODY = JSON.stringify({
  type: 'sale',
  amount: 1112,
  tax_amount: 100,
  shipping_amount: 100,
  currency: 'USD',
  description: 'bench sale',
  order_id: 'bench',
  payment_method: { card: { entry_type: 'keyed', number: '4012000098765439', expiration_date: '12/20', cvc: '999' } },
});

export default defineScenario({
  name: 'FluidPay POST /api/transaction (card sale)',
  backends: ['sqlite', 'postgres'],
  concurrencies: [1, 8, 50],
  floorRole: 'sale',
  async setup({ services }) {
    if (!services) throw new Error('this scenario needs a database');
    const tenant = await createTenant(services, { name: 'Bench FluidPay', slug: 'bench-fp' });
    const key = await issueDoorCredential(services, tenant.id, { vendor: 'fluidpay', label: 'api' });
    const app = await buildApp({ services });
    return { app, context: { apiKey: key.secret } };
  },
  request: ({ apiKey }) => ({
    method: 'POST',
    path: '/fluidpay/api/transaction',
    headers: { authorization: apiKey, 'content-type': 'application/json' },
    body: FLUIDPAY_SALE_BODY,
  }),
});
