// The FluidPay card sale of 20-fluidpay-card-sale.ts with 5 webhook endpoints subscribed to it
// (FluidPay format, a local receiver in its own process answering 200), the delivery loop running
// in the server process as `npm start` runs it. Compare its latency with that row: delivery is not
// on the request path, so the difference is the outbox rows written with the sale and the worker's
// share of the machine. After the run it reports the events delivered per second: during the run,
// and draining the backlog with no API load.
import { spawn, type ChildProcess } from 'node:child_process';
import { buildApp } from '../../src/http/app.ts';
import { issueDoorCredential } from '../../src/vendors/index.ts';
import { contextFor, createTenant } from '../../src/core/tenants/tenants.ts';
import { createWebhookRuntime } from '../../src/core/webhooks/runtime.ts';
import { createEndpoint } from '../../src/core/webhooks/endpoints.ts';
import { startDeliveryLoop, type DeliveryLoop } from '../../src/core/webhooks/loop.ts';
import type { CoreServices } from '../../src/core/context.ts';
import { webhookFormats } from '../../src/vendors/index.ts';
import { defineScenario } from '../lib/scenario.ts';

const ENDPOINTS = 5;

const BODY = JSON.stringify({
  type: 'sale',
  amount: 1112,
  tax_amount: 100,
  shipping_amount: 100,
  currency: 'USD',
  description: 'bench sale',
  order_id: 'bench',
  payment_method: { card: { entry_type: 'keyed', number: '4012000098765439', expiration_date: '12/20', cvc: '999' } },
});

// A receiver answering 200 to everything, in its own process (not sharing the server's event loop).
const RECEIVER = `
const http = require('node:http');
const server = http.createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200); res.end('ok'); }); });
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
process.on('disconnect', () => process.exit(0));
setInterval(() => { if (process.ppid === 1) process.exit(0); }, 1000).unref();
`;

function startReceiver(): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', RECEIVER], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout!.once('data', (chunk: Buffer) => resolve({ child, url: `http://127.0.0.1:${chunk.toString().trim()}` }));
    child.once('exit', (code) => reject(new Error(`receiver exited with ${code}`)));
  });
}

interface Context {
  apiKey: string;
  services: CoreServices;
  loop: DeliveryLoop;
  receiver: ChildProcess;
  tenantId: number;
}

async function counts(services: CoreServices, tenantId: number): Promise<{ pending: number; delivered: number }> {
  const rows = await services.db
    .selectFrom('webhook_deliveries')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('tenant_id', '=', tenantId)
    .groupBy('status')
    .execute();
  const of = (status: string) => Number(rows.find((r) => r.status === status)?.n ?? 0);
  return { pending: of('pending'), delivered: of('delivered') };
}

export default defineScenario<Context>({
  name: `FluidPay POST /api/transaction (card sale), ${ENDPOINTS} webhook endpoints subscribed`,
  backends: ['sqlite', 'postgres'],
  async setup({ services: base }) {
    if (!base) throw new Error('this scenario needs a database');
    const services: CoreServices = { ...base, webhooks: createWebhookRuntime(webhookFormats(), { timeoutMs: 5000 }) };
    const tenant = await createTenant(services, { name: 'Bench Webhooks', slug: 'bench-hooks' });
    const key = await issueDoorCredential(services, tenant.id, { vendor: 'fluidpay', label: 'api' });
    const receiver = await startReceiver();
    const ctx = contextFor(services, tenant);
    for (let i = 0; i < ENDPOINTS; i++) await createEndpoint(ctx, { format: 'fluidpay', url: `${receiver.url}/hook/${i}` });
    const app = await buildApp({ services });
    const loop = startDeliveryLoop(services);
    return { app, context: { apiKey: key.secret, services, loop, receiver: receiver.child, tenantId: tenant.id } };
  },
  request: ({ apiKey }) => ({
    method: 'POST',
    path: '/fluidpay/api/transaction',
    headers: { authorization: apiKey, 'content-type': 'application/json' },
    body: BODY,
  }),
  async report({ services, loop, receiver, tenantId }) {
    const atEnd = await counts(services, tenantId);
    const started = performance.now();
    // The harness allows the target 15 s to close: drain for at most 8 s and report the rate seen.
    const deadline = started + 8000;
    while (performance.now() < deadline && (await counts(services, tenantId)).pending > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    const seconds = (performance.now() - started) / 1000;
    const final = await counts(services, tenantId);
    receiver.kill();
    await loop.stop();
    const drained = final.delivered - atEnd.delivered;
    return [
      `${final.delivered + final.pending} deliveries queued (${ENDPOINTS} per sale, in the sale's transaction); ${atEnd.delivered} delivered while the API was under load, ${atEnd.pending} still queued when the load stopped`,
      `backlog drained with no API load: ${drained} deliveries in ${seconds.toFixed(1)} s = ${Math.round(drained / Math.max(seconds, 0.001))} events/s delivered to a local receiver answering 200 (${ENDPOINTS} endpoints, each in order, one in flight per endpoint)${final.pending ? `; ${final.pending} left after 8 s` : ''}`,
    ];
  },
});
