// One dispatcher for /api/v3/{type}[/{id}][/_count][?action=...]: real requests and _bulk
// sub-requests both come through here. Unknown endpoints and actions are 400 (spec 1.6, X23).
// Every path's first segment is a key of RESOURCES below, so a route is found by grep.
import { bad, INVALID_ENDPOINT, NO_DATA, type CoRequest, type CoResult } from './envelope.ts';
import { customers } from './customers.ts';
import { users } from './users.ts';
import { invoices } from './invoices.ts';
import { transactions } from './transactions.ts';
import { achs, creditcards, tokenized } from './paymethods.ts';
import { items } from './items.ts';
import { packages, usage } from './packages.ts';
import { runBulk } from './bulk.ts';
import { reports } from './reports.ts';
import { notes } from './notes.ts';
import { resthooks } from './resthooks.ts';
import { brands, config, countries, currencies } from './reference.ts';

export interface Resource {
  list?(req: CoRequest): Promise<CoResult>;
  count?(req: CoRequest): Promise<CoResult>;
  create?(req: CoRequest): Promise<CoResult>;
  get?(req: CoRequest, id: string): Promise<CoResult>;
  update?(req: CoRequest, id: string): Promise<CoResult>;
  remove?(req: CoRequest, id: string): Promise<CoResult>;
  /** Actions on one object (POST /type/{id}?action=name). */
  actions?: Record<string, (req: CoRequest, id: string) => Promise<CoResult>>;
  /** Actions on the collection (POST /type?action=name). */
  collectionActions?: Record<string, (req: CoRequest) => Promise<CoResult>>;
  /** Paths that are not the usual shapes (_report/{id}, _bulk). */
  custom?(req: CoRequest): Promise<CoResult | null>;
}

/** /api/v3/{type}: the resource that answers each type. */
const RESOURCES: Readonly<Record<string, Resource>> = {
  customer: customers,
  user: users,
  invoice: invoices,
  transaction: transactions,
  creditcard: creditcards,
  ach: achs,
  tokenized,
  item: items,
  package: packages,
  usage,
  // _bulk sub-requests come back through this dispatcher.
  _bulk: { custom: (req) => runBulk(req, dispatch) },
  _report: reports,
  note: notes,
  brand: brands,
  country: countries,
  currency: currencies,
  _config: config,
  _resthook: resthooks,
};

/** A create with nothing in it (no body, "", {} or []) is the recorded "No data." 400 (extra §2, E3). */
function noData(body: unknown): boolean {
  if (body === undefined || body === null || body === '') return true;
  if (Array.isArray(body)) return body.length === 0;
  return typeof body === 'object' && Object.keys(body).length === 0;
}

export async function dispatch(req: CoRequest): Promise<CoResult> {
  const [type, second, third, fourth] = req.segments;
  const resource = type !== undefined && Object.hasOwn(RESOURCES, type) ? RESOURCES[type] : undefined;
  if (!resource) throw bad(INVALID_ENDPOINT);
  if (resource.custom) {
    const result = await resource.custom(req);
    if (result) return result;
  }
  let action = typeof req.query.action === 'string' ? req.query.action : undefined;
  let segments = req.segments.length;
  // /type/{id}/_action/{name} is an alias of /type/{id}?action=name.
  if (third === '_action' && fourth) {
    action = fourth;
    segments = 2;
  } else if (second === '_action' && third) {
    action = third;
    segments = 1;
  }
  const handle = async <T>(fn: T | undefined, run: (f: T) => Promise<CoResult>): Promise<CoResult> => {
    if (!fn) throw bad(INVALID_ENDPOINT);
    return run(fn);
  };
  if (segments === 1) {
    if (action !== undefined) {
      if (req.method !== 'POST') throw bad(INVALID_ENDPOINT);
      return handle(resource.collectionActions?.[action], (f) => f(req));
    }
    if (req.method === 'GET') return handle(resource.list, (f) => f(req));
    if (req.method === 'POST')
      return handle(resource.create, (f) => {
        if (noData(req.body)) throw bad(NO_DATA);
        return f(req);
      });
    throw bad(INVALID_ENDPOINT);
  }
  if (segments === 2) {
    if (second === '_count' && req.method === 'GET' && action === undefined) return handle(resource.count, (f) => f(req));
    if (action !== undefined) {
      if (req.method !== 'POST') throw bad(INVALID_ENDPOINT);
      return handle(resource.actions?.[action], (f) => f(req, second));
    }
    if (req.method === 'GET') return handle(resource.get, (f) => f(req, second));
    if (req.method === 'PUT') return handle(resource.update, (f) => f(req, second));
    if (req.method === 'DELETE') return handle(resource.remove, (f) => f(req, second));
  }
  throw bad(INVALID_ENDPOINT);
}

/** The registered resources, for the generated API reference (src/http/docs/). */
export function registeredResources(): ReadonlyMap<string, Resource> {
  return new Map(Object.entries(RESOURCES));
}
