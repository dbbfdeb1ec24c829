// ChargeDesk's gateway card charge through its front door: Basic auth with the secret key, a form
// body with bracket nesting as chargedesk-php sends it, the customer's card on file, the simulated
// processor, transaction + ledger entry + event, and the 50-field charge object in its wrapper.
import { buildApp } from '../../src/http/app.ts';
import { issueDoorCredential } from '../../src/vendors/index.ts';
import { createTenant, contextFor } from '../../src/core/tenants/tenants.ts';
import { openVaultCustomer } from '../../src/core/flows/vault-customer.ts';
import { defineScenario } from '../lib/scenario.ts';

const BODY = 'using=card&customer%5Bid%5D=bench%40example.com&amount=34.00&currency=USD&description=bench%20charge&metadata%5Border%5D=bench';

export default defineScenario({
  name: 'ChargeDesk POST /v1/gateway/products/charge (card on file)',
  backends: ['sqlite', 'postgres'],
  async setup({ services }) {
    if (!services) throw new Error('this scenario needs a database');
    const tenant = await createTenant(services, { name: 'Bench ChargeDesk', slug: 'bench-cd' });
    const key = await issueDoorCredential(services, tenant.id, { vendor: 'chargedesk', label: 'secret' });
    await openVaultCustomer(contextFor(services, tenant), {
      customer: { email: 'bench@example.com', refs: [{ vendor: 'chargedesk', kind: 'customer_id', value: 'bench@example.com' }] },
      card: { number: '4242424242424242', expMonth: 12, expYear: 2099 },
    });
    const app = await buildApp({ services });
    return { app, context: { auth: `Basic ${Buffer.from(`${key.secret}:`).toString('base64')}` } };
  },
  request: ({ auth }) => ({
    method: 'POST',
    path: '/chargedesk/v1/gateway/products/charge',
    headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
    body: BODY,
  }),
});
