// The app factory, separate from listen(), so tests start servers in-process on ephemeral ports.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { CoreServices } from '../core/context.ts';
import { FRONT_DOORS } from '../vendors/index.ts';
import { adminDoorBase, adminRoutes } from '../admin/routes.ts';
import type { FrontDoor } from './front-door.ts';
import { querystringParser, registerBodyParsers } from './body.ts';
import { mountDoor, send } from './door-scope.ts';
import { STATUS_CODES } from 'node:http';
import { toFailure } from './failures.ts';
import { FailureKind } from './front-door.ts';
import { createLogger } from './logger.ts';
import { Journal } from './journal.ts';
import { registerRequestLog, type DoorOf } from './request-log.ts';
import { collectRoutes, RouteCatalog } from './docs/route-catalog.ts';
import { clientPathRewrite } from './client-path.ts';
import { registerHealth, registerServerPages } from './docs/routes.ts';
import { doorInfo, type DoorInfo } from './docs/door-info.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The doors this app serves: base paths and whether each is live (has routes). */
    doorInfo(): DoorInfo[];
  }
}

export interface AppOptions {
  services: CoreServices;
  logLevel?: string;
  /** Mount only this door, with its paths at the root (a vendor's own port). */
  only?: FrontDoor;
  doors?: readonly FrontDoor[];
  /** Where logs go (tests capture them); stdout by default. */
  logStream?: NodeJS.WritableStream;
  /** A logger to share (the server's); otherwise one is made from logLevel and logStream. */
  logger?: Logger;
  /** The request journal to record into (shared by every app of one process); a new one otherwise. */
  journal?: Journal;
}

/** Which door a URL belongs to: a vendor, 'admin', or 'server' for the server's own pages. */
function doorResolver(options: AppOptions): DoorOf {
  const only = options.only;
  if (only) return (url) => (url === '/_health' || url.startsWith('/_health?') ? 'server' : only.vendor);
  const doors = options.doors ?? FRONT_DOORS;
  const under = (url: string, prefix: string) => url.startsWith(prefix) && (url.length === prefix.length || url[prefix.length] === '/' || url[prefix.length] === '?');
  return (url) => {
    if (under(url, '/_admin')) return 'admin';
    for (const door of doors) if (under(url, door.prefix)) return door.vendor;
    return 'server';
  };
}

/** The door whose envelope answers a request the router could not take (longest prefix wins). */
const ROOT: Pick<FrontDoor, 'renderError'> = { renderError: (failure) => ({ status: failure.status, body: { error: { type: failure.kind, message: failure.message } } }) };

function doorFor(url: string, options: AppOptions): Pick<FrontDoor, 'renderError'> {
  if (options.only) return options.only;
  const path = url.split('?')[0];
  const doors = [adminDoorBase, ...(options.doors ?? FRONT_DOORS)];
  return doors.filter((door) => path === door.prefix || path.startsWith(`${door.prefix}/`)).sort((a, b) => b.prefix.length - a.prefix.length)[0] ?? ROOT;
}

function rawAnswer(status: number, body: unknown, headers: Record<string, string> = {}): string {
  const text = JSON.stringify(body);
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    `Content-Length: ${Buffer.byteLength(text)}`,
    'Content-Type: application/json; charset=utf-8',
    'Connection: close',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n${text}`;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const rewrite = clientPathRewrite(options.only ? [options.only] : (options.doors ?? FRONT_DOORS), Boolean(options.only));
  const app = Fastify({
    loggerInstance: (options.logger ?? createLogger({ level: options.logLevel ?? 'info', stream: options.logStream })) as FastifyBaseLogger,
    // One line per request comes from request-log.ts instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { querystringParser, ignoreTrailingSlash: true, maxParamLength: 500 },
    // No automatic HEAD twin of every GET (a third of the routes to build at every start): no
    // vendor documents HEAD. The server's own pages keep theirs (docs/routes.ts).
    exposeHeadRoutes: false,
    ...(rewrite ? { rewriteUrl: (request: { url?: string }) => rewrite(request.url ?? '/') } : {}),
    // Some FluidPay clients write a body after a `Connection: close` GET: answer, do not drop.
    forceCloseConnections: false,
    return503OnClosing: true,
    clientErrorHandler: (error, socket) => {
      const code = (error as { code?: string }).code;
      // Bytes after a `Connection: close` request: the request in flight still gets its answer,
      // then the socket closes as asked.
      if (code === 'HPE_CLOSED_CONNECTION' || code === 'ECONNRESET' || socket.destroyed) return;
      if (socket.writable) {
        // A request line or headers too long to parse: answer in the envelope of the door it was for.
        const tooLong = code === 'HPE_HEADER_OVERFLOW';
        const target = /^[A-Z]+ (\S+)/.exec((error as unknown as { rawPacket?: Buffer }).rawPacket?.toString('latin1', 0, 512) ?? '')?.[1] ?? '';
        const door = doorFor(target, options);
        const failure = { kind: FailureKind.BAD_REQUEST, status: tooLong ? 431 : 400, message: tooLong ? 'The request line or headers are too long' : 'Malformed HTTP request', requestId: 'none' };
        const rendered = door.renderError(failure, {} as never);
        socket.write(rawAnswer(rendered.status, rendered.body, rendered.headers));
      }
      socket.destroy(error);
    },
    // Malformed percent-encoding and over-long path parameters: the door's envelope, not Fastify's.
    frameworkErrors: (error, request, reply) => {
      const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      const failure = {
        kind: FailureKind.BAD_REQUEST,
        status: tooLong ? 414 : 400,
        message: tooLong ? 'A path segment is too long' : 'The path is not valid percent-encoded UTF-8',
        requestId: String(request.id),
      };
      void send(doorFor(request.url, options), failure, request, reply);
    },
    genReqId: (() => {
      let n = 0;
      const prefix = Math.random().toString(36).slice(2, 8);
      return () => `req_${prefix}${(++n).toString(36)}`;
    })(),
  });
  registerBodyParsers(app);
  const journal = options.journal ?? new Journal();
  const doorOf = doorResolver(options);
  registerRequestLog(app, doorOf, journal);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  const doors = options.only ? [options.only] : (options.doors ?? FRONT_DOORS);
  const catalog = new RouteCatalog();
  const pages = { services: options.services, doors, catalog };
  registerHealth(app, pages, Boolean(options.only));
  if (!options.only) registerServerPages(app, pages);
  collectRoutes(app, doorOf, catalog);
  app.decorate('doorInfo', () => doorInfo(doors, catalog, Boolean(options.only)));

  if (options.only) {
    await mountDoor(app, options.only, options.services, '');
  } else {
    await mountDoor(app, { ...adminDoorBase, routes: adminRoutes(options.services, journal) }, options.services, '/_admin');
    for (const door of doors) await mountDoor(app, door, options.services, door.prefix);
    app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: { type: 'route_not_found', message: `No route for ${request.method} ${request.originalUrl.split('?')[0]}` } }));
    app.setErrorHandler((error, request, reply) => {
      const failure = toFailure(error, request);
      if (failure.kind === FailureKind.INTERNAL) request.log.error({ err: error }, 'unhandled error');
      return reply.code(failure.status).send({ error: { type: failure.kind, message: failure.message } });
    });
  }
  return app;
}
