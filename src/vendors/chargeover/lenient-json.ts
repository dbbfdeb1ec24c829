// ChargeOver's own examples are not always valid JSON (spec 1.4, X17): // and /* */ comments and
// trailing commas. The door reads JSON leniently: strict first, then with jsonc-parser (the JSONC
// parser VS Code uses), which allows exactly those two things and never touches string contents;
// anything else is still a 400. Raw bytes stay on the request for the signature check.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parse as parseJsonc, type ParseError } from 'jsonc-parser';

function malformed(): Error {
  return Object.assign(new Error('Malformed JSON in request body'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_BODY' });
}

export function parseLenientJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const errors: ParseError[] = [];
    const value = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false }) as unknown;
    if (errors.length > 0 || value === undefined) throw malformed();
    return value;
  }
}

const BODYLESS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);

export function registerLenientJson(app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: 10 * 1024 * 1024 }, async (request: FastifyRequest, body: Buffer) => {
    request.rawBody = body;
    if (BODYLESS.has(request.method) || body.length === 0) return undefined;
    return parseLenientJson(body.toString('utf8'));
  });
}
