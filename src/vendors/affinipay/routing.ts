// The door's routes in one place per family: each path with its methods, answered in AffiniPay's
// words (200 with the object, errors in its envelope); any other method on a known path is
// AffiniPay's 400 invalid_request, not a 405 (spec §1.5).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../core/errors/domain-error.ts';
import { ApError, apError, fromDomain, sendApError } from './errors.ts';

/** A handler's answer: an object (200), or a status with a body and headers. */
export class Answer {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Record<string, string>;
  constructor(status: number, body: unknown, headers: Record<string, string> = {}) {
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

export type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
type Method = (typeof METHODS)[number];

/** Errors raised while answering, in AffiniPay's envelope (a core refusal no translation caught, in its nearest words). */
export function inWords(error: unknown): ApError | null {
  if (error instanceof ApError) return error;
  if (error instanceof DomainError) return fromDomain(error);
  return null;
}

function wrap(handler: Handler) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    let result: unknown;
    try {
      result = await handler(request, reply);
    } catch (error) {
      const words = inWords(error);
      if (!words) throw error;
      return sendApError(reply, words);
    }
    if (reply.sent) return reply;
    if (result instanceof Answer) {
      reply.code(result.status).headers(result.headers);
      if (result.body === null || result.body === undefined) return reply.send();
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(result.body));
    }
    return reply.code(200).type('application/json; charset=utf-8').send(JSON.stringify(result));
  };
}

export class Router {
  private readonly app: FastifyInstance;
  private readonly methods = new Map<string, Set<Method>>();
  constructor(app: FastifyInstance) {
    this.app = app;
  }
  on(method: Method, url: string, handler: Handler): this {
    this.app.route({ method, url, handler: wrap(handler) });
    const known = this.methods.get(url) ?? new Set<Method>();
    known.add(method);
    this.methods.set(url, known);
    return this;
  }
  get(url: string, handler: Handler) {
    return this.on('GET', url, handler);
  }
  post(url: string, handler: Handler) {
    return this.on('POST', url, handler);
  }
  put(url: string, handler: Handler) {
    return this.on('PUT', url, handler);
  }
  patch(url: string, handler: Handler) {
    return this.on('PATCH', url, handler);
  }
  delete(url: string, handler: Handler) {
    return this.on('DELETE', url, handler);
  }
  /** Every other method on the known paths: 400 invalid_request (call once all routes are in). */
  refuseOtherMethods(except: readonly string[] = []): void {
    for (const [url, known] of this.methods) {
      const others = METHODS.filter((m) => !known.has(m) && !(m === 'GET' && known.has('GET')));
      const refused = others.filter((m) => !except.includes(`${m} ${url}`));
      if (refused.length > 0) this.app.route({ method: refused, url, handler: wrap(async () => Promise.reject(apError('invalid_request'))) });
    }
  }
}
