// ChargeOver's own examples are not always valid JSON (spec 1.4, X17): // and /* */ comments and
// trailing commas. The door reads JSON leniently: strict first, then with those stripped; anything
// else is still a 400. Raw bytes stay on the request for the signature check.
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Removes comments and trailing commas outside strings. */
export function relaxJson(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else out += c;
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    try {
      return JSON.parse(relaxJson(text)) as unknown;
    } catch {
      throw Object.assign(new Error('Malformed JSON in request body'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_BODY' });
    }
  }
}

const BODYLESS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);

export function registerLenientJson(app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: 10 * 1024 * 1024 }, async (request: FastifyRequest, body: Buffer) => {
    request.rawBody = body;
    if (BODYLESS.has(request.method) || body.length === 0) return undefined;
    return parse(body.toString('utf8'));
  });
}
