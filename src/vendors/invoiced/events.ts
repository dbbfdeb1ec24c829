// GET /events (beyond the seed): the tenant's core event log, newest first, in Invoiced's event
// words, each with its object as it is now in Invoiced's shape (customers, invoices, payments; other
// objects as {id, object}). filter[type] takes the core's event word (customer.created, invoice.paid,
// transaction.captured …); filter[object] the kind of object (customer, invoice, payment …).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalid, notFound } from '../../core/errors/domain-error.ts';
import { getEvent, listEventsPage } from '../../core/events/events.ts';
import { tenantOf } from '../../http/auth.ts';
import { isObject } from '../kit/fields.ts';
import { renderEvents } from './render.ts';
import { idParam, readList, sendList, siteBase } from './wire.ts';

const OBJECTS: Record<string, string> = { customer: 'customer', invoice: 'invoice', payment: 'transaction', charge: 'transaction', payment_source: 'payment_method', subscription: 'subscription' };

export async function eventRoutes(app: FastifyInstance): Promise<void> {
  app.get('/events', async (request, reply) => {
    const ctx = tenantOf(request);
    const query = (request.query ?? {}) as Record<string, unknown>;
    const filter = isObject(query.filter) ? query.filter : {};
    for (const key of Object.keys(filter)) if (key !== 'type' && key !== 'object') throw invalid(`Unknown field ${key}`, `filter[${key}]`);
    const list = readList(request, {}, { ownFilters: true });
    const objectWord = typeof filter.object === 'string' ? filter.object : undefined;
    if (objectWord !== undefined && !OBJECTS[objectWord]) throw invalid(`filter[object] must be one of ${Object.keys(OBJECTS).join(', ')}`, 'filter[object]');
    const page = await listEventsPage(ctx, {
      offset: list.offset,
      limit: list.perPage,
      type: typeof filter.type === 'string' ? filter.type : undefined,
      objectType: objectWord ? OBJECTS[objectWord] : undefined,
    });
    return sendList(request, reply, list, await renderEvents(ctx, page.rows, siteBase(request)), page.total);
  });

  app.get('/events/:id', async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const ctx = tenantOf(request);
    const row = await getEvent(ctx, idParam(request.params.id, 'event'));
    if (!row) throw notFound('event', request.params.id);
    return (await renderEvents(ctx, [row], siteBase(request)))[0];
  });
}
