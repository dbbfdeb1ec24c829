// Standard Webhooks signatures (https://www.standardwebhooks.com): every delivery carries
// webhook-id, webhook-timestamp (seconds, real time: receivers check it against their own clocks)
// and webhook-signature `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`. The key is the base64
// part of a `whsec_` secret; a vendor secret of another form (ChargeOver's 32 characters, FluidPay's
// UUID) signs as `whsec_` + base64 of its UTF-8 bytes, shown beside it as standard_webhooks_secret.
import { createHmac, randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';

export function newStandardSecret(): string {
  return PREFIX + randomBytes(24).toString('base64');
}

/** The Standard Webhooks secret a receiver configures for this endpoint secret. */
export function standardSecretOf(secret: string): string {
  return secret.startsWith(PREFIX) ? secret : PREFIX + Buffer.from(secret, 'utf8').toString('base64');
}

export function standardHeaders(secret: string, messageId: string, timestampSeconds: number, body: string): Record<string, string> {
  const key = Buffer.from(standardSecretOf(secret).slice(PREFIX.length), 'base64');
  const signature = createHmac('sha256', key).update(`${messageId}.${timestampSeconds}.${body}`).digest('base64');
  return { 'webhook-id': messageId, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': `v1,${signature}` };
}

export function hmacSha256(key: string, body: string, encoding: 'hex' | 'base64' | 'base64url'): string {
  return createHmac('sha256', key).update(body).digest(encoding);
}
