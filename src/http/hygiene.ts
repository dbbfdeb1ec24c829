// Input hygiene at the edge, for every door: text PostgreSQL cannot store (U+0000, unpaired UTF-16
// surrogates) is refused before it reaches a query, and so are query strings too long to be a real
// request. Malformed percent-encoding and over-long path parameters are caught by the router
// (frameworkErrors in app.ts); each answers in the door's own envelope.
import type { FastifyRequest } from 'fastify';
import { FailureKind } from './front-door.ts';
import { HttpFailureError } from './failures.ts';

/** Longest query string a door accepts (the vendors' own documented URLs are far shorter). */
export const MAX_QUERY_LENGTH = 8 * 1024;

// NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Where in the value (a dotted path) the first unstorable string is, or null. */
export function findUnstorable(value: unknown, path = '', depth = 0): string | null {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path || 'value' : null;
  if (value === null || typeof value !== 'object' || depth > 32) return null;
  for (const [key, item] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (UNSTORABLE.test(key)) return at;
    const found = findUnstorable(item, at, depth + 1);
    if (found) return found;
  }
  return null;
}

export const badRequest = (message: string, status = 400, field?: string): HttpFailureError => new HttpFailureError({ kind: FailureKind.BAD_REQUEST, status, message, ...(field ? { field } : {}) });

export async function refuseUnstorableInput(request: FastifyRequest): Promise<void> {
  const url = request.url;
  const mark = url.indexOf('?');
  if (mark >= 0 && url.length - mark - 1 > MAX_QUERY_LENGTH) throw badRequest(`The query string is longer than ${MAX_QUERY_LENGTH} characters`, 414);
  let path: string;
  try {
    path = decodeURIComponent(mark >= 0 ? url.slice(0, mark) : url);
  } catch {
    throw badRequest('The path is not valid percent-encoded UTF-8');
  }
  const where = (UNSTORABLE.test(path) ? 'path' : null) ?? findUnstorable(request.query, 'query') ?? findUnstorable(request.body, '');
  if (where) throw badRequest('Text must not contain NUL characters or unpaired surrogates', 400, where);
}
