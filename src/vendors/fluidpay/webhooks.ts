// FluidPay webhooks as FluidPay's own clients read them (fluidpay-go webhooks.go and its tests, from
// the documentation's worked example): a JSON POST {status: "success", msg: "success", type,
// account_type: "merchant", account_type_id, transaction_id, action_at, data: TRANSACTION} whose body
// ends with a newline; `Signature` is the unpadded base64url HMAC-SHA256 of the raw body under the
// webhook's signing secret (FluidPay's are UUIDs); test deliveries (type "test") are signed with the
// shared test key instead; X-Webhook-Event-Id names the delivery and X-Webhook-Replay-Of the one a
// replay repeats. Types: transaction_create (documented); transaction_update for a later change to a
// transaction (capture, void, refund, return) is our choice. Retries: exponential back-off, 3 days.
import { randomUUID } from 'node:crypto';
import { transactionsInOrder } from '../../core/payments/queries.ts';
import { changesOf } from '../../core/webhooks/changes.ts';
import { TEST_EVENT, type WebhookFormat } from '../../core/webhooks/format.ts';
import { SCHEDULES } from '../../core/webhooks/schedules.ts';
import { hmacSha256 } from '../../core/webhooks/signing.ts';
import { merchantId } from './transaction-wire.ts';
import { renderOne } from './transactions.ts';

/** The key FluidPay signs its test deliveries with (fluidpay-go's WebhookTestSecret). */
export const FLUIDPAY_WEBHOOK_TEST_SECRET = '00000000-0000-4000-8000-000000000001';

export const fluidPayWebhooks: WebhookFormat = {
  name: 'fluidpay',
  title: 'FluidPay webhooks',
  events: ['transaction_create', 'transaction_update'],
  schedule: SCHEDULES.exponential3Days,
  timeoutMs: 15_000,
  newSecret: () => randomUUID(),
  notifications: (event) =>
    changesOf(event)
      .filter((change) => change.object === 'transaction')
      .map((change) => ({ event: change.action === 'created' ? 'transaction_create' : 'transaction_update', objectType: 'transaction', objectId: change.id })),
  async render(ctx, input) {
    const envelope = { status: 'success', msg: 'success', type: input.notification.event, account_type: 'merchant', account_type_id: merchantId(ctx.tenant) };
    const actionAt = new Date(input.event.createdAt).toISOString();
    if (input.notification.event === TEST_EVENT) return { body: `${JSON.stringify({ ...envelope, action_at: actionAt })}\n` };
    const [txn] = await transactionsInOrder(ctx, [input.notification.objectId]);
    const data = txn ? await renderOne(ctx, txn) : {};
    return { body: `${JSON.stringify({ ...envelope, transaction_id: (data as { id?: string }).id ?? '', action_at: actionAt, data })}\n` };
  },
  headers: ({ body, endpoint, eventType, messageId, replayOf }) => ({
    signature: hmacSha256(eventType === TEST_EVENT ? FLUIDPAY_WEBHOOK_TEST_SECRET : endpoint.secret, body, 'base64url'),
    'x-webhook-event-id': messageId,
    ...(replayOf ? { 'x-webhook-replay-of': replayOf } : {}),
  }),
};
