// The url_* links ChargeOver objects carry, resolving on this server (spec 1.15): public pages by
// token (invoice view and pay page, statement, pay-method page, one-time portal login) answer JSON
// summaries; the invoice PDF answers 501 until the PDF issue; /admin/r/{type}/view/{id} answers the
// API object to an authenticated caller.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { CoreServices } from '../../core/context.ts';
import { consumeLoginToken } from '../../core/customers/contacts.ts';
import { customerByPublicToken } from '../../core/customers/queries.ts';
import { invoiceForPublicLink } from '../../core/invoices/queries.ts';
import { contextFor, getTenant } from '../../core/tenants/tenants.ts';
import { isoDate } from '../../core/clock/clock.ts';
import { invoiceStatus } from '../../core/invoices/status.ts';
import { invoiceStatusStr } from './invoice-view.ts';

const TOKEN = /^[a-z0-9]{6,40}$/;
const invoiceByToken = async (services: CoreServices, token: string) => (TOKEN.test(token) ? invoiceForPublicLink(services, token) : undefined);
const customerByToken = async (services: CoreServices, token: string) => (TOKEN.test(token) ? customerByPublicToken(services, token) : undefined);

function page(reply: FastifyReply, status: number, body: Record<string, unknown>): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(body));
}

export const PUBLIC_LINK = /(?<!\/admin)\/(r\/(invoice\/view|invoice\/pdf|trans\/pay|statement\/view|paymethod\/i)|signup\/r\/logintoken)\/[^/]+\/?$/;

export function registerLinks(app: FastifyInstance, services: CoreServices): void {
  const notFound = (reply: FastifyReply) => page(reply, 404, { code: 404, status: 'Error', message: 'This link is not valid.', details: {}, response: false });
  const invoicePage = (kind: string) => async (request: { params: unknown }, reply: FastifyReply) => {
    const invoice = await invoiceByToken(services, (request.params as { token: string }).token);
    if (!invoice) return notFound(reply);
    // Paid, partially paid and overdue are derived from the balance and the tenant's clock, not stored.
    const today = isoDate(contextFor(services, await getTenant(services, invoice.tenant_id)).clock.now());
    return page(reply, 200, {
      page: kind,
      invoice_id: invoice.id,
      status: invoiceStatus(invoice, today),
      invoice_status_str: invoiceStatusStr(invoice, today),
      currency: invoice.currency,
      total_minor: invoice.total,
      balance_minor: invoice.balance,
      due_date: invoice.due_date,
    });
  };
  app.get('/r/invoice/view/:token', invoicePage('invoice'));
  app.get('/r/trans/pay/:token', invoicePage('pay'));
  app.get('/r/invoice/pdf/:token', async (request, reply) => {
    const invoice = await invoiceByToken(services, (request.params as { token: string }).token);
    if (!invoice) return notFound(reply);
    return page(reply, 501, { code: 501, status: 'Error', message: 'Invoice PDFs are not available yet on this server.', details: {}, response: false });
  });
  const customerPage = (kind: string) => async (request: { params: unknown }, reply: FastifyReply) => {
    const customer = await customerByToken(services, (request.params as { token: string }).token);
    if (!customer) return notFound(reply);
    return page(reply, 200, { page: kind, customer_id: customer.id, company: customer.company });
  };
  app.get('/r/statement/view/:token', customerPage('statement'));
  app.get('/r/paymethod/i/:token', customerPage('paymethod'));
  app.get('/signup/r/logintoken/:token', async (request, reply) => {
    const used = await consumeLoginToken(services, (request.params as { token: string }).token, async (tenantId) => contextFor(services, await getTenant(services, tenantId)).clock.now());
    if (!used) return notFound(reply);
    return page(reply, 200, { page: 'portal', logged_in: true, user_id: used.contactId });
  });
}
