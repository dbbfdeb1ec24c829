// Every route each door registers, collected from Fastify as the doors mount (onRoute), so the API
// reference and the list of live doors come from the router itself and cannot drift from it.
import type { FastifyInstance } from 'fastify';

export interface RouteEntry {
  door: string;
  method: string;
  path: string;
}

export class RouteCatalog {
  readonly entries: RouteEntry[] = [];
  forDoor(door: string): RouteEntry[] {
    return this.entries.filter((entry) => entry.door === door);
  }
  /** A door is live once it serves at least one route of its own. */
  isLive(door: string): boolean {
    return this.entries.some((entry) => entry.door === door);
  }
}

/** Call before the doors mount: records each route under the door its URL belongs to. */
export function collectRoutes(app: FastifyInstance, doorOf: (url: string) => string, catalog: RouteCatalog): void {
  app.addHook('onRoute', (route) => {
    const door = doorOf(route.url);
    if (door === 'server' || door === 'admin') return;
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      catalog.entries.push({ door, method, path: route.url });
    }
  });
}
