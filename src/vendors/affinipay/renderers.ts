// AffiniPay's objects without a request (webhook payloads): a transaction as the gateway shows it.
import { transactionsInOrder } from '../../core/payments/queries.ts';
import type { Renderers } from '../kit/door.ts';
import { renderOne } from './transactions.ts';

export const affiniPayRenderers: Renderers = {
  async transaction(ctx, id) {
    const [txn] = await transactionsInOrder(ctx, [id]);
    return txn ? renderOne(ctx, txn) : null;
  },
};
