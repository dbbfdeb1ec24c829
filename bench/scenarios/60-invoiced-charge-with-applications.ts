// Invoiced's POST /charges as the seed shows it: Basic API-key auth, a saved card, two payment
// applications (17.10 + 2.90) on two open invoices, the simulated processor, the transaction, its
// capture and two allocations with their ledger entries and events, and the Payment with its nested
// charge rendered. The two invoices are large enough that the same request applies to them for
// the whole run.
import { buildApp } from '../../src/http/app.ts';
import { issueDoorCredential } from '../../src/vendors/index.ts';
import { createTenant } from '../../src/core/tenants/tenants.ts';
import { defineScenario } from '../lib/scenario.ts';

export default defineScenario({
  name: 'Invoiced POST /charges (saved card, two invoice applications)',
  backends: ['sqlite', 'postgres'],
  async setup({ services }) {
    if (!services) throw new Error('this scenario needs a database');
    const tenant = await createTenant(services, { name: 'Bench Invoiced', slug: 'bench-inv' });
    const key = await issueDoorCredential(services, tenant.id, { vendor: 'invoiced', label: 'api' });
    const authorization = `Basic ${Buffer.from(`${key.secret}:`).toString('base64')}`;
    const app = await buildApp({ services });
    const post = async (path: string, payload: unknown): Promise<{ id: number }> => {
      const answer = await app.inject({ method: 'POST', url: `/invoiced${path}`, headers: { authorization, 'content-type': 'application/json' }, payload: JSON.stringify(payload) });
      if (answer.statusCode !== 201) throw new Error(`setup ${path}: ${answer.statusCode} ${answer.body}`);
      return answer.json() as { id: number };
    };
    const customer = await post('/customers', { name: 'Bench Customer', currency: 'usd' });
    const token = (await post('/tokens', { card: { number: '4111111111111111', exp_month: 12, exp_year: 2099 } })) as unknown as { id: string };
    const card = await post(`/customers/${customer.id}/payment_sources`, { method: 'credit_card', invoiced_token: token.id });
    const invoices = [];
    for (const name of ['Bench A', 'Bench B']) invoices.push(await post('/invoices', { customer: customer.id, items: [{ name, quantity: 1, unit_cost: 100_000_000 }] }));
    const body = JSON.stringify({
      customer: customer.id,
      currency: 'usd',
      amount: 20,
      applied_to: [
        { type: 'invoice', invoice: invoices[0].id, amount: 17.1 },
        { type: 'invoice', invoice: invoices[1].id, amount: 2.9 },
      ],
      method: 'credit_card',
      payment_source_type: 'card',
      payment_source_id: card.id,
    });
    return { app, context: { authorization, body } };
  },
  request: ({ authorization, body }) => ({
    method: 'POST',
    path: '/invoiced/charges',
    headers: { authorization, 'content-type': 'application/json' },
    body,
  }),
});
