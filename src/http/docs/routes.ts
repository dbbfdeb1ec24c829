// The server's own pages: GET / (what this server is and where everything lives), /_health (also
// pings the database), /_docs (the API reference of each door, HTML for a browser, JSON otherwise)
// and /_docs/files/… (the repository's READMEs the references link to).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CoreServices } from '../../core/context.ts';
import type { FrontDoor } from '../front-door.ts';
import { VERSION } from '../../version.ts';
import { PROJECT_ROOT } from '../../project-root.ts';
import { doorInfo } from './door-info.ts';
import { indexPage, referencePage } from './html.ts';
import { referenceRoutes } from './reference.ts';
import type { RouteCatalog } from './route-catalog.ts';

/** Only these files are served: the READMEs and docs/*.md, never source or data. */
const SERVED_FILE = /^(README\.md|docs\/[\w-]+\.md|src\/(?:[\w-]+\/)*README\.md)$/;

export interface ServerPagesOptions {
  services: CoreServices;
  doors: readonly FrontDoor[];
  catalog: RouteCatalog;
}

const wantsHtml = (request: FastifyRequest) => (request.headers.accept ?? '').includes('text/html');

async function databaseOk(services: CoreServices): Promise<boolean> {
  try {
    await sql`select 1`.execute(services.db);
    return true;
  } catch {
    return false;
  }
}

/** GET /_health on every port: 200 when the database answers, 503 when it does not. */
export function registerHealth(app: FastifyInstance, options: ServerPagesOptions, atRoot = false): void {
  app.get('/_health', { exposeHeadRoute: true }, async (_request, reply: FastifyReply) => {
    const ok = await databaseOk(options.services);
    reply.code(ok ? 200 : 503);
    return {
      status: ok ? 'ok' : 'unavailable',
      version: VERSION,
      database: { kind: options.services.dialect === 'postgres' ? 'postgresql' : 'sqlite', ok },
      doors: doorInfo(options.doors, options.catalog, atRoot).map(({ vendor, live, base_path }) => ({ vendor, live, base_path })),
    };
  });
}

export function registerServerPages(app: FastifyInstance, options: ServerPagesOptions): void {
  const doors = () => doorInfo(options.doors, options.catalog);
  app.get('/', { exposeHeadRoute: true }, async () => ({
    name: 'bursar',
    version: VERSION,
    database: options.services.dialect === 'postgres' ? 'postgresql' : 'sqlite',
    doors: doors(),
    docs: '/_docs',
    health: '/_health',
    admin: { base_path: '/_admin', openapi: '/_admin/openapi.json' },
  }));
  app.get('/_docs', { exposeHeadRoute: true }, async (request, reply) => {
    if (wantsHtml(request)) return reply.type('text/html; charset=utf-8').send(indexPage(VERSION, doors()));
    return { version: VERSION, doors: doors() };
  });
  app.get<{ Params: { door: string } }>('/_docs/:door', async (request, reply) => {
    const door = doors().find((d) => d.vendor === request.params.door);
    if (!door) return reply.code(404).send({ error: { type: 'not_found', message: `No door named ${request.params.door}; see /_docs` } });
    const routes = referenceRoutes(door.vendor, options.catalog.forDoor(door.vendor));
    if (wantsHtml(request)) return reply.type('text/html; charset=utf-8').send(referencePage(door, routes));
    return { ...door, routes };
  });
  app.get('/_docs/files/*', async (request, reply) => {
    const name = (request.params as { '*': string })['*'];
    if (!SERVED_FILE.test(name)) return reply.code(404).send({ error: { type: 'not_found', message: `${name} is not a served document` } });
    try {
      return reply.type('text/markdown; charset=utf-8').send(await readFile(join(PROJECT_ROOT, name), 'utf8'));
    } catch {
      return reply.code(404).send({ error: { type: 'not_found', message: `${name} is not in this installation` } });
    }
  });
}
