// The API reference of one door, generated from its routes: every method and path with a link to
// the door's README section. ChargeOver mounts one catch-all and dispatches itself, so its
// reference is generated from its dispatcher's registry of resources instead.
import { registeredResources, type Resource } from '../../vendors/chargeover/router.ts';
import type { RouteEntry } from './route-catalog.ts';

export interface ReferenceRoute {
  method: string;
  path: string;
  does?: string;
}

function chargeOverRoutes(base: string): ReferenceRoute[] {
  const out: ReferenceRoute[] = [];
  const add = (method: string, path: string, does: string) => out.push({ method, path: `${base}${path}`, does });
  for (const [type, r] of [...registeredResources().entries()].sort(([a], [b]) => a.localeCompare(b)) as Array<[string, Resource]>) {
    if (r.list) add('GET', `/${type}`, `list (where, order, offset, limit)`);
    if (r.count) add('GET', `/${type}/_count`, 'count (where)');
    if (r.create) add('POST', `/${type}`, 'create');
    if (r.get) add('GET', `/${type}/{id}`, 'one object (id, external_key:…, token:…)');
    if (r.update) add('PUT', `/${type}/{id}`, 'update');
    if (r.remove) add('DELETE', `/${type}/{id}`, 'delete');
    for (const action of Object.keys(r.actions ?? {}).sort()) add('POST', `/${type}/{id}?action=${action}`, `action ${action}`);
    for (const action of Object.keys(r.collectionActions ?? {}).sort()) add('POST', `/${type}?action=${action}`, `action ${action}`);
    if (r.custom && !r.list && !r.get && !r.create) add('POST', `/${type}`, type === '_bulk' ? 'several requests in one' : 'custom');
  }
  return out;
}

/** The reference of a door from the routes it mounted (under its prefix on the main port). */
export function referenceRoutes(vendor: string, mounted: RouteEntry[]): ReferenceRoute[] {
  const out: ReferenceRoute[] = [];
  const seen = new Set<string>();
  for (const route of mounted) {
    // ChargeOver's catch-all (…/api/v3 and …/api/v3/*) stands for its dispatcher's resources.
    if (vendor === 'chargeover' && /\/api\/v3(\/\*)?$/.test(route.path)) {
      const base = route.path.replace(/\/\*$/, '');
      if (!seen.has(base)) out.push(...chargeOverRoutes(base));
      seen.add(base);
      continue;
    }
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    const key = `${route.method} ${path}`;
    if (!seen.has(key)) out.push({ method: route.method, path });
    seen.add(key);
  }
  return out;
}
