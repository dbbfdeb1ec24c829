// Baseline: a plain Fastify app that returns the JSON body it was sent — the floor for any
// Fastify route on this machine, which every Bursar row is divided by.
import Fastify from 'fastify';
import { defineScenario } from '../lib/scenario.ts';
import { CARD_SALE_BODY } from '../lib/payloads.ts';

export default defineScenario({
  name: 'bare Fastify POST /echo',
  backends: ['none'],
  baseline: true,
  concurrencies: [1, 8, 50],
  floorRole: 'echo',
  async setup() {
    const app = Fastify({ logger: false });
    app.post('/echo', async (request) => request.body);
    return { app, context: null };
  },
  request: () => ({ method: 'POST', path: '/echo', headers: { 'content-type': 'application/json' }, body: CARD_SALE_BODY }),
});
