// The admin API's OpenAPI document (@fastify/swagger) at /_admin/openapi.json, built from the route
// schemas in schemas.ts. The document is public (it holds no secrets); the API needs the token.
import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { VERSION } from '../version.ts';
import { ADMIN_SCHEMAS } from './schemas.ts';

export const OPENAPI_PATH = '/openapi.json';

/** Call first in the admin plugin: schemas attach to the routes declared after it. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  // Schemas document; the handlers validate with the admin API's own messages and answer as before.
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.addHook('onRoute', (route) => {
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
      const schema = ADMIN_SCHEMAS[`${method} ${route.url}`];
      if (schema) route.schema = { ...schema, ...(route.schema ?? {}) };
    }
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Bursar admin API',
        version: VERSION,
        description:
          'Operate a Bursar server: tenants, credentials per front door, test clocks, processor fault knobs, rate limits, ledger checks, the request journal, and core operations for seeding data. Every route needs `Authorization: Bearer <admin token>` (printed at start).',
      },
      components: { securitySchemes: { adminToken: { type: 'http', scheme: 'bearer' } } },
    },
  });
  app.get(OPENAPI_PATH, { schema: { hide: true } }, async () => app.swagger());
}
