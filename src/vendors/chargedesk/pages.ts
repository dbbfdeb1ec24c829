// The links ChargeDesk objects carry resolve on this server (spec 3.1.2): the pay page of a payment
// request (GET shows it; POST pays it with a card, so test suites can drive it), a charge's support
// page, invoice and invoice download, a product's page and the manage links. Minimal HTML, no
// credentials: the token or the company and charge id are the key.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { CoreServices, TenantContext } from '../../core/context.ts';
import { contextFor, getTenant } from '../../core/tenants/tenants.ts';
import { payRequest, requestByPublicToken } from '../../core/payments/requests.ts';
import { parseForm } from '../../http/body.ts';
import { chargeByPath } from './charges.ts';
import { chargeStatus } from './charge-view.ts';
import { formatted, VENDOR } from './wire.ts';
import { HttpFailureError } from '../../http/failures.ts';
import { FailureKind } from '../../http/front-door.ts';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

function html(reply: FastifyReply, status: number, title: string, body: string): FastifyReply {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .send(`<!doctype html><html><head><meta charset="utf-8"><title>${escape(title)}</title></head><body><h1>${escape(title)}</h1>${body}</body></html>`);
}

async function tenantCtx(services: CoreServices, slugOrId: string | number): Promise<TenantContext | null> {
  try {
    const ctx = contextFor(services, await getTenant(services, slugOrId));
    return { ...ctx, actor: { vendor: VENDOR, source: 'web' } };
  } catch {
    return null;
  }
}

const noRoute = (request: { method: string; url: string }) =>
  new HttpFailureError({ kind: FailureKind.ROUTE_NOT_FOUND, status: 404, message: `No route for ${request.method} ${request.url.split('?')[0]}` });

export function registerPages(app: FastifyInstance, services: CoreServices): void {
  const notFound = (reply: FastifyReply) => html(reply, 404, 'Not found', '<p>This link is not valid.</p>');

  const payPage = async (token: string) => {
    if (!/^[A-Za-z0-9]{6,64}$/.test(token)) return null;
    const row = await requestByPublicToken(services, token);
    if (!row) return null;
    const ctx = await tenantCtx(services, row.tenant_id);
    return ctx ? { row, ctx } : null;
  };

  app.get('/pay/:token', async (request, reply) => {
    const found = await payPage((request.params as { token: string }).token);
    if (!found) return notFound(reply);
    const status = chargeStatus(found.row);
    const amount = formatted(found.row.amount, found.row.currency);
    if (status === 'invoice canceled') return html(reply, 200, 'Payment request', `<p>This charge no longer needs to be paid.</p>`);
    if (status !== 'invoiced' && status !== 'unpaid' && status !== 'past due' && status !== 'open')
      return html(reply, 200, 'Payment request', `<p>Status: ${escape(status)}. Amount ${escape(amount)}.</p>`);
    return html(
      reply,
      200,
      'Payment request',
      `<p>${escape(found.row.description ?? '')} ${escape(amount)}</p><form method="post"><input name="card[number]" placeholder="Card number"><input name="card[exp_month]" placeholder="MM"><input name="card[exp_year]" placeholder="YYYY"><input name="card[cvv]" placeholder="CVV"><button>Pay</button></form>`,
    );
  });

  app.post('/pay/:token', async (request, reply) => {
    const found = await payPage((request.params as { token: string }).token);
    if (!found) return notFound(reply);
    const body = (request.body && typeof request.body === 'object' ? request.body : parseForm(String(request.body ?? ''))) as Record<string, unknown>;
    const card = (body.card && typeof body.card === 'object' ? body.card : body) as Record<string, unknown>;
    const number = String(card.number ?? '').replace(/[\s-]/g, '');
    const expMonth = Number(card.exp_month ?? 12);
    const expYear = Number(card.exp_year ?? 2099);
    if (!/^\d{12,19}$/.test(number) || !Number.isInteger(expMonth) || !Number.isInteger(expYear)) return html(reply, 400, 'Payment request', '<p>Enter a card number and expiry.</p>');
    try {
      const result = await payRequest(found.ctx, found.row.id, { card: { number, expMonth, expYear, cvv: card.cvv ? String(card.cvv) : null } }, { checkExpiry: false });
      if (result.transaction.status !== 'captured') return html(reply, 402, 'Payment request', '<p>Your card was declined.</p>');
      return html(reply, 200, 'Payment request', '<p>Thank you, your payment was received.</p>');
    } catch {
      return html(reply, 400, 'Payment request', '<p>This charge no longer needs to be paid.</p>');
    }
  });

  const chargePage = (suffix: string) => async (request: { params: unknown; method: string; url: string }, reply: FastifyReply) => {
    const { co, id } = request.params as { co: string; id: string };
    const ctx = co === 'v1' ? null : await tenantCtx(services, co);
    const row = ctx ? await chargeByPath(ctx, id).catch(() => null) : null;
    // Not a charge's page: the path is no route of the door (its JSON envelope, as any unknown path).
    if (!row) throw noRoute(request);
    return html(reply, 200, `${suffix} ${id}`, `<p>${escape(row.description ?? '')} ${escape(formatted(row.amount, row.currency))} — ${escape(chargeStatus(row))}</p>`);
  };
  app.get('/:co/:id', chargePage('Charge'));
  app.get('/:co/:id/invoice', chargePage('Invoice'));
  app.get('/:co/:id/invoice/download', chargePage('Invoice'));
  app.get('/manage/:co/charges/:id', chargePage('Charge'));
  const plain = (title: string) => async (request: { params: unknown; method: string; url: string }, reply: FastifyReply) => {
    const { co } = request.params as { co: string };
    if (co === 'v1' || !(await tenantCtx(services, co))) throw noRoute(request);
    return html(reply, 200, title, `<p>${escape(title)}</p>`);
  };
  app.get('/:co/product/:product', plain('Product'));
  app.get('/manage/:co/:kind/:id', plain('ChargeDesk'));
}
