// POST /_bulk (spec 1.12): up to 25 sub-requests run in order, each on its own (a failure does not
// undo the others), answered as {code,status,message,response}; "<x>_jsonpath": "<id>:<JSONPath>"
// payload keys take a value from an earlier answer and become "<x>_id".
import { JSONPath } from 'jsonpath-plus';
import { parseForm } from '../../http/body.ts';
import { bad, fromDomain, INVALID_ENDPOINT, ok, type CoRequest, type CoResult } from './envelope.ts';

/** The dispatcher sub-requests go through (router.ts passes its own). */
export type Dispatch = (req: CoRequest) => Promise<CoResult>;

export const BULK_MAX = 25;
const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE']);

interface BulkItem {
  code: number;
  status: string;
  message: string;
  response: unknown;
}

function resolveRefs(value: unknown, answers: Map<string, BulkItem>): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveRefs(v, answers));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (!key.endsWith('_jsonpath')) {
      out[key] = resolveRefs(v, answers);
      continue;
    }
    const text = typeof v === 'string' ? v : '';
    const colon = text.indexOf(':');
    const earlier = colon > 0 ? answers.get(text.slice(0, colon)) : undefined;
    if (!earlier || earlier.status !== 'OK') throw bad(`Could not resolve JSONPath reference "${text}"`);
    let found: unknown[] = [];
    try {
      found = JSONPath({ path: text.slice(colon + 1), json: earlier as unknown as object, wrap: true }) as unknown[];
    } catch {
      found = [];
    }
    if (found.length === 0 || found[0] === undefined) throw bad(`Could not resolve JSONPath reference "${text}"`);
    out[`${key.slice(0, -'_jsonpath'.length)}_id`] = found[0];
  }
  return out;
}

function subRequest(parent: CoRequest, raw: unknown, answers: Map<string, BulkItem>): CoRequest {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw bad('Each bulk request must be an object');
  const item = raw as Record<string, unknown>;
  const method = String(item.request_method ?? '').toUpperCase();
  if (!METHODS.has(method)) throw bad('request_method must be GET, POST, PUT or DELETE');
  if (typeof item.uri !== 'string' || !item.uri) throw bad('uri is required');
  const [path, queryText = ''] = item.uri.split('?');
  const at = path.indexOf('/api/v3/');
  const rest = at >= 0 ? path.slice(at + '/api/v3'.length) : path.startsWith('/') ? path : `/${path}`;
  const segments = rest
    .split('/')
    .filter(Boolean)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  if (segments[0] === '_bulk') throw bad('A bulk request cannot contain another bulk request');
  const query = parseForm(queryText);
  const payload = item.payload === undefined ? null : resolveRefs(item.payload, answers);
  return { ...parent, method, segments, query, body: payload, inBulk: true, emails: parent.emails && String(query._flag_emails ?? '1') !== '0' };
}

export async function runBulk(req: CoRequest, dispatch: Dispatch): Promise<CoResult | null> {
  if (req.segments.length !== 1) throw bad(INVALID_ENDPOINT);
  if (req.method !== 'POST') throw bad(INVALID_ENDPOINT);
  if (!Array.isArray(req.body)) throw bad('The bulk request body must be a JSON array of requests');
  if (req.body.length > BULK_MAX) throw bad(`A maximum of ${BULK_MAX} requests are allowed per bulk request`);
  const answers = new Map<string, BulkItem>();
  const results: BulkItem[] = [];
  for (const raw of req.body as unknown[]) {
    let item: BulkItem;
    try {
      const result = await dispatch(subRequest(req, raw, answers));
      item = { code: result.status, status: 'OK', message: '', response: result.response };
    } catch (error) {
      const co = fromDomain(error);
      if (!co) {
        req.ctx.log.error({ err: error }, 'bulk sub-request failed');
        item = { code: 500, status: 'Error', message: 'Internal server error', response: false };
      } else
        item = {
          code: co.status,
          status: 'Error',
          message: co.message,
          response: co.status === 404 && String((raw as Record<string, unknown>)?.request_method ?? '').toUpperCase() === 'GET' ? null : false,
        };
    }
    results.push(item);
    const id = raw && typeof raw === 'object' ? (raw as Record<string, unknown>).id : undefined;
    if (typeof id === 'string' && id) answers.set(id, item);
  }
  return ok({ _bulk: results });
}
