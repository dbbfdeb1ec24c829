// Quick Bill (spec §1.6, §2.E, §4.20), with Bearer tokens: contacts, bank accounts, invoices (the
// singular spellings of the doc's headings too), messages, attachments and payments.
import type { FastifyInstance } from 'fastify';
import { tenantOf } from '../../../http/auth.ts';
import type { Router } from '../routing.ts';
import { attachmentHandlers, acceptUploads } from './attachments.ts';
import { renderBankAccounts } from './bank-accounts.ts';
import { createContact, getContact, patchContact, searchContacts } from './contacts.ts';
import { invoiceHandlers } from './invoices.ts';
import { searchPayments } from './payments.ts';

export function quickBillRoutes(router: Router, app: FastifyInstance): void {
  acceptUploads(app);
  router.get('/contacts', searchContacts);
  router.post('/contacts', createContact);
  router.get('/bank-accounts', async (request) => renderBankAccounts(tenantOf(request).tenant));
  router.get('/invoices', invoiceHandlers.search);
  router.post('/invoices', invoiceHandlers.create);
  router.get('/payments', searchPayments);
  for (const contacts of ['/contacts', '/contact']) {
    router.get(`${contacts}/:id`, getContact);
    router.patch(`${contacts}/:id`, patchContact);
    router.post(`${contacts}/:id/attachments`, attachmentHandlers.upload);
    router.get(`${contacts}/:id/attachments/:attachment`, attachmentHandlers.one);
    router.delete(`${contacts}/:id/attachments/:attachment`, attachmentHandlers.remove);
  }
  for (const invoices of ['/invoices', '/invoice']) {
    router.get(`${invoices}/:id`, invoiceHandlers.one);
    router.patch(`${invoices}/:id`, invoiceHandlers.patch);
    router.delete(`${invoices}/:id`, invoiceHandlers.remove);
    router.post(`${invoices}/:id/messages`, invoiceHandlers.sendMessage);
    router.post(`${invoices}/:id/payments`, invoiceHandlers.pay);
    router.get(`${invoices}/:id/attachments/:attachment`, invoiceHandlers.attachment);
    router.delete(`${invoices}/:id/attachments/:attachment`, invoiceHandlers.detach);
  }
}
