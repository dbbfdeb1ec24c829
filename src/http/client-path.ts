// Doors whose paths are also served without their client path (FluidPay's G1: /transaction as
// /api/transaction). The router knows each route once, under the client path, and a request
// without it is routed as if it had it (Fastify's rewriteUrl): half the routes to build at start.
// request.originalUrl keeps the path the client sent, for the request log and the journal.
import type { FrontDoor } from './front-door.ts';

const startsSegment = (url: string, prefix: string) => url.startsWith(prefix) && (url.length === prefix.length || url[prefix.length] === '/' || url[prefix.length] === '?');

/** The rewrite for an app serving `doors` (on a door's own port, `atRoot`: its paths sit at the root). */
export function clientPathRewrite(doors: readonly FrontDoor[], atRoot: boolean): ((url: string) => string) | undefined {
  const rules = doors.filter((door) => door.alsoWithoutClientPath && door.clientPath).map((door) => ({ base: atRoot ? '' : door.prefix, clientPath: door.clientPath! }));
  if (!rules.length) return undefined;
  return (url) => {
    for (const { base, clientPath } of rules) {
      if (base && !startsSegment(url, base)) continue;
      const tail = url.slice(base.length);
      // Already under the client path, or the server's own pages on a door's port (/_health).
      if (startsSegment(tail, clientPath) || (!base && tail.startsWith('/_'))) return url;
      return `${base}${clientPath}${tail.startsWith('/') ? '' : '/'}${tail}`;
    }
    return url;
  };
}
