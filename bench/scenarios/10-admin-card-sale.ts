// Bursar's admin API card sale: bearer-token check, tenant lookup, card vaulted (transient), the
// simulated processor, transaction + ledger entry + event in one database transaction, JSON reply.
import { buildApp } from '../../src/http/app.ts';
import { ensureAdminToken } from '../../src/core/tenants/bootstrap.ts';
import { createTenant } from '../../src/core/tenants/tenants.ts';
import { defineScenario } from '../lib/scenario.ts';
import { CARD_SALE_BODY } from '../lib/payloads.ts';

export default defineScenario({
  name: 'Bursar POST /_admin/tenants/bench/payments (card sale)',
  backends: ['sqlite', 'postgres'],
  async setup({ services }) {
    if (!services) throw new Error('this scenario needs a database');
    const adminToken = await ensureAdminToken(services);
    const tenant = await createTenant(services, { name: 'Bench Merchant', slug: 'bench' });
    const app = await buildApp({ services });
    return { app, context: { adminToken, slug: tenant.slug } };
  },
  request: ({ adminToken, slug }) => ({
    method: 'POST',
    path: `/_admin/tenants/${slug}/payments`,
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: CARD_SALE_BODY,
  }),
});
