// Core objects in Invoiced's shapes without a request (webhook payloads): the same renderers the
// routes use, with the server's public base for links.
import { getCustomer } from '../../core/customers/customers.ts';
import { getInvoice } from '../../core/invoices/invoices.ts';
import { getTransaction } from '../../core/payments/payments.ts';
import type { Renderers } from '../kit/door.ts';
import { renderCustomers, renderInvoices, renderPayments } from './render.ts';
import { PREFIX } from './wire.ts';

export const invoicedRenderers: Renderers = {
  customer: async (ctx, id) => (await renderCustomers(ctx, [await getCustomer(ctx, id)]))[0],
  invoice: async (ctx, id, baseUrl) => (await renderInvoices(ctx, [await getInvoice(ctx, id)], baseUrl + PREFIX))[0],
  transaction: async (ctx, id, baseUrl) => (await renderPayments(ctx, [await getTransaction(ctx, id)], baseUrl + PREFIX))[0],
};
