// Body parsing shared by every front door: raw bytes kept for signature checks, JSON and
// form-encoded bodies with bracket nesting (a[b][0][c]=…), any body on GET and DELETE ignored.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import qs from 'qs';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
  }
}

const BODYLESS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);

function bad(message: string): Error & { statusCode: number; code: string } {
  return Object.assign(new Error(message), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_BODY' });
}

export function parseForm(text: string): Record<string, unknown> {
  return qs.parse(text, { depth: 10, arrayLimit: 1000, parameterLimit: 5000, allowDots: false });
}

export function registerBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  const parse = (kind: 'json' | 'form' | 'raw') => async (request: FastifyRequest, body: Buffer) => {
    request.rawBody = body;
    if (BODYLESS.has(request.method) || body.length === 0) return undefined;
    const text = body.toString('utf8');
    if (kind === 'raw') return text;
    if (kind === 'form') return parseForm(text);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw bad('Malformed JSON in request body');
    }
  };
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: 10 * 1024 * 1024 }, parse('json'));
  app.addContentTypeParser(/^application\/.*\+json$/, { parseAs: 'buffer' }, parse('json'));
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, parse('form'));
  app.addContentTypeParser('*', { parseAs: 'buffer' }, async (request: FastifyRequest, body: Buffer) => {
    request.rawBody = body;
    if (BODYLESS.has(request.method) || body.length === 0) return undefined;
    const text = body.toString('utf8').trim();
    // Clients that forget the content type usually send JSON; try it, else keep the text.
    if (text.startsWith('{') || text.startsWith('[')) {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw bad('Malformed JSON in request body');
      }
    }
    return text.includes('=') ? parseForm(text) : text;
  });
}

/** Query strings with the same bracket nesting as form bodies. */
export function querystringParser(text: string): Record<string, unknown> {
  return parseForm(text);
}
