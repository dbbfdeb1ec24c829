// The request journal over the admin API: a tenant's last requests through the front doors (or
// everyone's, with the unauthenticated ones), filterable by door, status and path; clearable.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { CoreServices } from '../core/context.ts';
import { invalid } from '../core/errors/domain-error.ts';
import { getTenant } from '../core/tenants/tenants.ts';
import type { Journal, JournalFilter } from '../http/journal.ts';

type Query = { door?: string; status?: string; path?: string; limit?: string };

export function journalFilter(query: Query): JournalFilter {
  if (query.status !== undefined && !/^(\d{3}|[1-5]xx)$/i.test(query.status)) throw invalid('status must be a status code (404) or a class (4xx)', 'status');
  if (query.limit !== undefined && !/^\d{1,6}$/.test(query.limit)) throw invalid('limit must be a positive integer', 'limit');
  return {
    door: query.door || undefined,
    status: query.status || undefined,
    path: query.path || undefined,
    limit: query.limit === undefined ? undefined : Math.max(1, Number(query.limit)),
  };
}

export function journalRoutes(services: CoreServices, journal: Journal) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const tenantId = async (slug: string) => (await getTenant(services, slug)).id;
    app.get<{ Querystring: Query }>('/requests', async (request) => ({ size: journal.size, requests: journal.list(null, journalFilter(request.query)) }));
    app.delete('/requests', async (_request, reply: FastifyReply) => {
      journal.clear(null);
      return reply.code(204).send();
    });
    app.get<{ Params: { tenant: string }; Querystring: Query }>('/tenants/:tenant/requests', async (request) => ({
      size: journal.size,
      requests: journal.list(await tenantId(request.params.tenant), journalFilter(request.query)),
    }));
    app.delete<{ Params: { tenant: string } }>('/tenants/:tenant/requests', async (request, reply: FastifyReply) => {
      journal.clear(await tenantId(request.params.tenant));
      return reply.code(204).send();
    });
  };
}
