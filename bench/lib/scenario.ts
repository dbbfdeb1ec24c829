// The contract for an HTTP benchmark scenario. bench/run.ts loads every module in bench/scenarios/
// (alphabetical order) and measures each one on each database it lists.
//
// To add a scenario (e.g. a new front door's sale endpoint), create bench/scenarios/<name>.ts:
//
//   import { buildApp } from '../../src/http/app.ts';
//   import { defineScenario } from '../lib/scenario.ts';
//   export default defineScenario({
//     name: 'FluidPay POST /api/transaction (card sale)',
//     backends: ['sqlite', 'postgres'],
//     async setup({ services }) {
//       // services: fresh, migrated CoreServices on this backend; create a tenant, issue a
//       // credential, then build the real app as `npm start` does (default log level: its
//       // logging is part of what a request costs). Do not listen: the harness does.
//       const app = await buildApp({ services: services! });
//       return { app, context: { apiKey: '…' } };
//     },
//     request: ({ apiKey }) => ({
//       method: 'POST',
//       path: '/fluidpay/api/transaction',
//       headers: { authorization: apiKey, 'content-type': 'application/json' },
//       body: JSON.stringify({ type: 'sale', amount: 1000, payment_method: { card: { … } } }),
//     }),
//   });
//
// The harness runs setup in a child process (so the load generator does not share the server's
// event loop; its stdout, where the request log goes, is /dev/null), listens on 127.0.0.1 port 0,
// checks that one request answers 2xx, then drives the same request with autocannon at each of
// the scenario's concurrencies in turn, reading the child's CPU time around each measured window.
// Each scenario gets its own fresh database, disposed afterwards. The row marked baseline (the
// bare Fastify echo) is what every other row's Bursar/bare ratio divides by; the rows with a
// `floor` role are set beside each other in the sale-vs-floor table.
import type { FastifyInstance } from 'fastify';
import type { CoreServices } from '../../src/core/context.ts';
import type { StoreOptions } from '../../src/store/db.ts';
import type { Backend } from './backends.ts';

export type ScenarioBackend = Backend | 'none';

export interface HttpRequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path and query string, e.g. /_admin/tenants/bench/payments. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface ScenarioEnv {
  backend: ScenarioBackend;
  /** A fresh, migrated database's services; null when backend is 'none'. */
  services: CoreServices | null;
  /** How to open the same database again (the write floor's raw connection); null when backend is 'none'. */
  storeOptions: StoreOptions | null;
}

/** A place in the sale-vs-floor comparison (bench/run.ts): the bare echo, the raw write floor, the sale. */
export type FloorRole = 'echo' | 'floor' | 'sale';

export interface HttpScenario<C = unknown> {
  name: string;
  /** Databases to run on; ['none'] for a scenario that needs none. PostgreSQL rows are skipped when it is unreachable. */
  backends: readonly ScenarioBackend[];
  /** The reference every other scenario is compared with (exactly one: the bare Fastify echo). */
  baseline?: boolean;
  /** Connection counts to measure at, one row each; [8] when not given. */
  concurrencies?: readonly number[];
  /** Set for the rows of the sale-vs-floor table (run with `--only floor`); the others run with `--only http`. */
  floorRole?: FloorRole;
  /** Builds the app (not listening) and whatever request() needs. */
  setup(env: ScenarioEnv): Promise<{ app: FastifyInstance; context: C }>;
  /** The request to repeat; the same bytes every time. */
  request(context: C): HttpRequestSpec;
  /** After the measured run, before teardown: extra figures for the report (one line each). */
  report?(context: C): Promise<string[]>;
}

export function defineScenario<C>(scenario: HttpScenario<C>): HttpScenario<C> {
  return scenario;
}

export function isScenario(value: unknown): value is HttpScenario {
  const s = value as Partial<HttpScenario> | null;
  return !!s && typeof s.name === 'string' && Array.isArray(s.backends) && typeof s.setup === 'function' && typeof s.request === 'function';
}
