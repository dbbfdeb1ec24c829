// ChargeOver's outgoing webhooks for `_resthook` subscriptions (spec chargeover-extra.md §4.3-4.4):
// POST {context_str, context_id, event: <bare verb>, data: {<context>: OBJECT, ...related},
// security_token: <shared secret>} with X-ChargeOver-Key (the secret) and X-ChargeOver-Source (the
// instance host). Subscriptions name `<context>.<verb>`. The optional encrypted variant (endpoint
// option encrypt: true) sends base64(IV ‖ AES-256 in 8-bit OFB mode of the JSON), the key being the
// 32-character secret, with security_salt instead of security_token, as the PHP sample decrypts it.
// Retries: exponential back-off for 3 days (the rule for vendors without a documented one;
// the digest's [RES] 1/5/15/60-minute schedule is not ChargeOver's documentation).
import { createCipheriv, randomBytes } from 'node:crypto';
import type { TenantContext } from '../../core/context.ts';
import { randomAlnum } from '../../core/crypto/secrets.ts';
import { contactsByIds, primaryContacts } from '../../core/customers/contact-queries.ts';
import { changesOf, type Change } from '../../core/webhooks/changes.ts';
import { TEST_EVENT, type RenderInput, type WebhookFormat } from '../../core/webhooks/format.ts';
import { SCHEDULES } from '../../core/webhooks/schedules.ts';
import { snapshotOf } from '../kit/webhooks.ts';
import { chargeOverRenderers, requestFree } from './renderers.ts';
import { renderUsers } from './users.ts';

const CONTEXTS = ['customer', 'user', 'invoice', 'transaction', 'package', 'creditcard', 'ach'] as const;
const VERBS = ['insert', 'update', 'delete'] as const;

/** §4.3: `<context>.<verb>`, plus invoice/package status, package paycycle and upgrade. */
export const CHARGEOVER_EVENTS: readonly string[] = [
  ...CONTEXTS.flatMap((context) => VERBS.map((verb) => `${context}.${verb}`)),
  'invoice.status',
  'package.status',
  'package.paycycle',
  'package.upgrade',
];

const VERB: Record<string, string> = { created: 'insert', updated: 'update', deleted: 'delete' };
const STATUS_CAUSES = new Set(['invoice.paid', 'invoice.voided', 'invoice.written_off', 'invoice.issued']);

function contextOf(change: Change): string | null {
  switch (change.object) {
    case 'customer':
    case 'invoice':
    case 'transaction':
      return change.object;
    case 'contact':
      return 'user';
    case 'subscription':
      return 'package';
    case 'payment_method':
      return change.kind === 'bank' ? 'ach' : change.kind === 'card' ? 'creditcard' : null;
    default:
      return null;
  }
}

function eventFor(change: Change): string | null {
  const context = contextOf(change);
  if (!context) return null;
  if (change.object === 'invoice' && STATUS_CAUSES.has(change.cause)) return 'invoice.status';
  return `${context}.${VERB[change.action]}`;
}

/** AES-256 in 8-bit output feedback mode (mcrypt's "ofb"): encryption and decryption are the same. */
export function aesOfb8(key: Buffer, iv: Buffer, input: Buffer): Buffer {
  const ecb = createCipheriv('aes-256-ecb', key, null);
  ecb.setAutoPadding(false);
  const register = Buffer.from(iv);
  const out = Buffer.alloc(input.length);
  for (let i = 0; i < input.length; i++) {
    const k = ecb.update(register)[0];
    out[i] = input[i] ^ k;
    register.copy(register, 0, 1);
    register[15] = k;
  }
  return out;
}

export function encryptPayload(secret: string, json: string): string {
  const iv = randomBytes(16);
  return Buffer.concat([iv, aesOfb8(Buffer.from(secret, 'utf8'), iv, Buffer.from(json, 'utf8'))]).toString('base64');
}

async function customerAndUser(ctx: TenantContext, customerId: unknown, baseUrl: string): Promise<Record<string, unknown>> {
  if (typeof customerId !== 'number') return {};
  const req = requestFree(ctx, baseUrl);
  const customer = await chargeOverRenderers.customer!(ctx, customerId, baseUrl);
  const contact = (await primaryContacts(ctx, [customerId])).get(customerId);
  const [user] = contact ? await renderUsers(req, [contact]) : [];
  return { customer: customer ?? null, user: user ?? null };
}

async function dataOf(ctx: TenantContext, context: string, input: RenderInput): Promise<Record<string, unknown>> {
  const { objectId } = input.notification;
  const snapshot = snapshotOf(input);
  switch (context) {
    case 'customer':
      return customerAndUser(ctx, objectId, input.baseUrl);
    case 'user': {
      const [user] = await renderUsers(requestFree(ctx, input.baseUrl), await contactsByIds(ctx, [objectId]));
      return { user: user ?? snapshot };
    }
    case 'invoice': {
      const invoice = (await chargeOverRenderers.invoice!(ctx, objectId, input.baseUrl)) ?? snapshot;
      return { invoice, ...(await customerAndUser(ctx, (invoice as { customer_id?: unknown }).customer_id, input.baseUrl)) };
    }
    case 'transaction':
      return { transaction: (await chargeOverRenderers.transaction!(ctx, objectId, input.baseUrl)) ?? snapshot };
    case 'package':
      return { package: snapshot, ...(await customerAndUser(ctx, snapshot.customer_id, input.baseUrl)) };
    default:
      return { [context]: snapshot };
  }
}

export const chargeOverWebhooks: WebhookFormat = {
  name: 'chargeover',
  title: 'ChargeOver REST hooks (_resthook)',
  events: CHARGEOVER_EVENTS,
  schedule: SCHEDULES.exponential3Days,
  timeoutMs: 15_000,
  options: ['encrypt'],
  newSecret: () => randomAlnum(32),
  notifications: (event) =>
    changesOf(event).flatMap((change) => {
      const name = eventFor(change);
      return name ? [{ event: name, objectType: change.object, objectId: change.id }] : [];
    }),
  async render(ctx, input) {
    const [context, verb] = input.notification.event === TEST_EVENT ? ['test', 'test'] : input.notification.event.split('.');
    const data = context === 'test' ? {} : await dataOf(ctx, context, input);
    const payload = { context_str: context, context_id: input.notification.objectId, event: verb, data };
    if (input.endpoint.options.encrypt === true) {
      return { body: encryptPayload(input.endpoint.secret, JSON.stringify({ ...payload, security_salt: randomAlnum(32) })), contentType: 'text/plain' };
    }
    return { body: JSON.stringify({ ...payload, security_token: input.endpoint.secret }) };
  },
  headers: ({ endpoint, baseUrl }) => ({ 'x-chargeover-key': endpoint.secret, 'x-chargeover-source': new URL(baseUrl).host }),
};
