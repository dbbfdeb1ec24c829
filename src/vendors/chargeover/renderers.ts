// ChargeOver's objects rendered without a request (webhook payloads): the same renderers the routes
// use, given the links' base instead of the request's host.
import type { TenantContext } from '../../core/context.ts';
import { customersByIds } from '../../core/customers/queries.ts';
import { invoicesByIds } from '../../core/invoices/queries.ts';
import { transactionsInOrder } from '../../core/payments/queries.ts';
import type { Renderers } from '../kit/door.ts';
import { renderCustomers } from './customer-view.ts';
import type { CoRequest } from './envelope.ts';
import { renderInvoices } from './invoice-view.ts';
import { renderTransactions } from './transaction-view.ts';

export function requestFree(ctx: TenantContext, baseUrl: string): CoRequest {
  const siteBase = `${baseUrl}/chargeover`;
  return { ctx, method: 'GET', segments: [], query: {}, body: null, apiBase: `${siteBase}/api/v3`, siteBase, ip: '', emails: false };
}

export const chargeOverRenderers: Renderers = {
  async transaction(ctx, id, baseUrl) {
    return (await renderTransactions(requestFree(ctx, baseUrl), await transactionsInOrder(ctx, [id])))[0] ?? null;
  },
  async customer(ctx, id, baseUrl) {
    return (await renderCustomers(requestFree(ctx, baseUrl), await customersByIds(ctx, [id], { includeDeleted: true })))[0] ?? null;
  },
  async invoice(ctx, id, baseUrl) {
    return (await renderInvoices(requestFree(ctx, baseUrl), await invoicesByIds(ctx, [id]), true))[0] ?? null;
  },
};
