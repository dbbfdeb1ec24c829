// FluidPay's objects rendered without a request (webhook payloads): the routes' own renderers.
import { customersByIds } from '../../core/customers/queries.ts';
import { transactionsInOrder } from '../../core/payments/queries.ts';
import type { Renderers } from '../kit/door.ts';
import { renderInvoiceById } from './invoices.ts';
import { renderOne } from './transactions.ts';
import { renderCustomers } from './vault-wire.ts';

export const fluidPayRenderers: Renderers = {
  async transaction(ctx, id) {
    const [txn] = await transactionsInOrder(ctx, [id]);
    return txn ? renderOne(ctx, txn) : null;
  },
  async customer(ctx, id) {
    return (await renderCustomers(ctx, await customersByIds(ctx, [id], { includeDeleted: true })))[0] ?? null;
  },
  async invoice(ctx, id) {
    return renderInvoiceById(ctx, id);
  },
};
