// ChargeOver: create an invoice and pay it by card in one request, as a _bulk of two sub-requests
// (the second names the first's invoice through a JSONPath reference): Basic auth, two invoice
// lines' arithmetic, a charge on the customer's stored card, the allocation and their ledger entries.
import { buildApp } from '../../src/http/app.ts';
import { issueDoorCredential } from '../../src/vendors/index.ts';
import { createTenant, setRateLimit } from '../../src/core/tenants/tenants.ts';
import { defineScenario } from '../lib/scenario.ts';

export default defineScenario({
  name: 'ChargeOver POST /api/v3/_bulk (create invoice + pay by card)',
  backends: ['sqlite', 'postgres'],
  async setup({ services }) {
    if (!services) throw new Error('this scenario needs a database');
    // ChargeOver's 250 requests a minute would cap the measurement itself: this tenant lifts it.
    const tenant = await setRateLimit(services, await createTenant(services, { name: 'Bench ChargeOver', slug: 'bench-co' }), 'chargeover', 0);
    const pair = await issueDoorCredential(services, tenant.id, { vendor: 'chargeover' });
    const authorization = `Basic ${Buffer.from(`${pair.publicId}:${pair.secret}`).toString('base64')}`;
    const app = await buildApp({ services });
    const post = async (path: string, payload: unknown): Promise<number> => {
      const answer = await app.inject({ method: 'POST', url: `/chargeover/api/v3${path}`, headers: { authorization, 'content-type': 'application/json' }, payload: JSON.stringify(payload) });
      if (answer.statusCode !== 201) throw new Error(`setup ${path}: ${answer.statusCode} ${answer.body}`);
      return (answer.json() as { response: { id: number } }).response.id;
    };
    const customer = await post('/customer', { company: 'Bench Customer' });
    await post('/creditcard', { customer_id: customer, number: '4111111111111111', expdate_month: '12', expdate_year: '2099', name: 'Bench Payer' });
    const item = await post('/item', { name: 'Bench item', pricemodel: { base: 10 } });
    return { app, context: { authorization, customer, item } };
  },
  request: ({ authorization, customer, item }) => ({
    method: 'POST',
    path: '/chargeover/api/v3/_bulk',
    headers: { authorization, 'content-type': 'application/json' },
    body: JSON.stringify([
      {
        request_method: 'POST',
        uri: '/api/v3/invoice',
        id: 'inv',
        payload: {
          customer_id: customer,
          line_items: [
            { item_id: item, line_rate: 12.5, line_quantity: 2 },
            { item_id: item, line_rate: 5, line_quantity: 1 },
          ],
        },
      },
      { request_method: 'POST', uri: '/api/v3/transaction?action=pay', payload: { customer_id: customer, applied_to: [{ invoice_jsonpath: 'inv:$.response.id' }] } },
    ]),
  }),
});
