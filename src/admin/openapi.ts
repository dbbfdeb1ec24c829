// The admin API's OpenAPI document (@fastify/swagger) at /_admin/openapi.json, built from the route
// schemas in schemas.ts. The document is public (it holds no secrets); the API needs the token.
// It is built on its first request, not at every start: the admin routes are noted as they are
// declared, and the first GET registers them (schemas only) on a scratch Fastify with the swagger
// plugin, which loads only then (~30 ms of a start otherwise).
import Fastify, { type FastifyInstance, type HTTPMethods } from 'fastify';
import type { FastifySchema } from 'fastify';
import { VERSION } from '../version.ts';
import { ADMIN_SCHEMAS } from './schemas.ts';

export const OPENAPI_PATH = '/openapi.json';

const DOCUMENT = {
  openapi: {
    openapi: '3.1.0',
    info: {
      title: 'Bursar admin API',
      version: VERSION,
      description:
        'Operate a Bursar server: tenants, credentials per front door, test clocks, processor fault knobs, rate limits, ledger checks, the request journal, and core operations for seeding data. Every route needs `Authorization: Bearer <admin token>` (printed at start).',
    },
    components: { securitySchemes: { adminToken: { type: 'http' as const, scheme: 'bearer' } } },
  },
};

interface NotedRoute {
  method: HTTPMethods | HTTPMethods[];
  url: string;
  schema: FastifySchema | undefined;
}

async function buildDocument(routes: readonly NotedRoute[]): Promise<unknown> {
  const { default: swagger } = await import('@fastify/swagger');
  const scratch = Fastify();
  scratch.setValidatorCompiler(() => () => true);
  scratch.setSerializerCompiler(() => (data) => JSON.stringify(data));
  await scratch.register(swagger, DOCUMENT);
  for (const route of routes) scratch.route({ method: route.method, url: route.url, schema: route.schema, handler: async () => null });
  await scratch.ready();
  const document = scratch.swagger();
  await scratch.close();
  return document;
}

/** Call first in the admin plugin: schemas attach to the routes declared after it. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  // Schemas document; the handlers validate with the admin API's own messages and answer as before.
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  const routes: NotedRoute[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
      const schema = ADMIN_SCHEMAS[`${method} ${route.url}`];
      if (schema) route.schema = { ...schema, ...(route.schema ?? {}) };
    }
    routes.push({ method: route.method, url: route.url, schema: route.schema });
  });
  let document: Promise<unknown> | undefined;
  app.get(OPENAPI_PATH, { schema: { hide: true } }, async () => {
    // A failed build is not kept: the next request tries again.
    document ??= buildDocument(routes).catch((error: unknown) => {
      document = undefined;
      throw error;
    });
    return document;
  });
}
