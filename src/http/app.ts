// The app factory, separate from listen(), so tests start servers in-process on ephemeral ports.
import Fastify, { type FastifyInstance } from 'fastify';
import type { CoreServices } from '../core/context.ts';
import { FRONT_DOORS } from '../vendors/index.ts';
import { adminDoorBase, adminRoutes } from '../admin/routes.ts';
import type { FrontDoor } from './front-door.ts';
import { querystringParser, registerBodyParsers } from './body.ts';
import { mountDoor } from './door-scope.ts';
import { toFailure } from './failures.ts';
import { FailureKind } from './front-door.ts';
import { loggerOptions } from './logger.ts';

export interface AppOptions {
  services: CoreServices;
  logLevel?: string;
  /** Mount only this door, with its paths at the root (a vendor's own port). */
  only?: FrontDoor;
  doors?: readonly FrontDoor[];
  /** Where logs go (tests capture them); stdout by default. */
  logStream?: NodeJS.WritableStream;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(options.logLevel ?? 'info', options.logStream),
    routerOptions: { querystringParser, ignoreTrailingSlash: true, maxParamLength: 500 },
    // Some FluidPay clients write a body after a `Connection: close` GET: answer, do not drop.
    forceCloseConnections: false,
    return503OnClosing: true,
    clientErrorHandler: (error, socket) => {
      const code = (error as { code?: string }).code;
      // Bytes after a `Connection: close` request: the request in flight still gets its answer,
      // then the socket closes as asked.
      if (code === 'HPE_CLOSED_CONNECTION' || code === 'ECONNRESET' || socket.destroyed) return;
      if (socket.writable) {
        const body = JSON.stringify({ error: 'Bad Request', message: 'Client Error', statusCode: 400 });
        socket.write(`HTTP/1.1 400 Bad Request\r\nContent-Length: ${body.length}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`);
      }
      socket.destroy(error);
    },
    genReqId: (() => {
      let n = 0;
      const prefix = Math.random().toString(36).slice(2, 8);
      return () => `req_${prefix}${(++n).toString(36)}`;
    })(),
  });
  registerBodyParsers(app);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  app.get('/_health', async () => ({ status: 'ok' }));

  if (options.only) {
    await mountDoor(app, options.only, options.services, '');
  } else {
    await mountDoor(app, { ...adminDoorBase, routes: adminRoutes(options.services) }, options.services, '/_admin');
    for (const door of options.doors ?? FRONT_DOORS) await mountDoor(app, door, options.services, door.prefix);
    app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: { type: 'route_not_found', message: `No route for ${request.method} ${request.url.split('?')[0]}` } }));
    app.setErrorHandler((error, request, reply) => {
      const failure = toFailure(error, request);
      if (failure.kind === FailureKind.INTERNAL) request.log.error({ err: error }, 'unhandled error');
      return reply.code(failure.status).send({ error: { type: failure.kind, message: failure.message } });
    });
  }
  return app;
}
