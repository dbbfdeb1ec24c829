// ChargeOver authentication (spec 1.2, clients.md): HTTP Basic public:private, or the signature-v1
// header `ChargeOver co_public_key=".." co_nonce=".." co_timestamp=".." co_signature_method="HMAC-SHA256"
// co_version="1.0" co_signature=".."` over `public||lowercase(full URL)||nonce||timestamp||raw body`.
import { createHmac } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { CoreServices } from '../../core/context.ts';
import { systemTime } from '../../core/clock/clock.ts';
import { safeEqual } from '../../core/crypto/secrets.ts';
import { authenticatePair, CredentialKind, findByPublicId, revealSecret, type Authenticated } from '../../core/tenants/credentials.ts';
import { parseBasic } from '../../http/auth.ts';
import { unauthorized } from '../../http/failures.ts';
import { useNonce } from '../../core/tenants/nonces.ts';

export const SIGNATURE_WINDOW_SECONDS = 300;

export function parseSignatureHeader(header: string): Record<string, string> | null {
  const match = /^ChargeOver\s+(.*)$/i.exec(header.trim());
  if (!match) return null;
  const fields: Record<string, string> = {};
  for (const part of match[1].matchAll(/([a-z_]+)="([^"]*)"/gi)) fields[part[1].toLowerCase()] = part[2];
  return fields;
}

/** The string signature-v1 signs: public||lowercase(full URL)||nonce||timestamp||raw body. */
export function stringToSign(publicKey: string, url: string, nonce: string, timestamp: string, body: Buffer | string): Buffer {
  return Buffer.concat([Buffer.from(`${publicKey}||${url.toLowerCase()}||${nonce}||${timestamp}||`), typeof body === 'string' ? Buffer.from(body) : body]);
}

export function signatureOf(privateKey: string, publicKey: string, url: string, nonce: string, timestamp: string, body: Buffer | string): string {
  return createHmac('sha256', privateKey)
    .update(stringToSign(publicKey, url, nonce, timestamp, body))
    .digest('hex');
}

/** The URLs a client may have signed: the request as received, under http and https, with and without a default port. */
function candidateUrls(request: FastifyRequest): string[] {
  const host = String(request.headers.host ?? '');
  const forwarded = String(request.headers['x-forwarded-proto'] ?? '')
    .split(',')[0]
    .trim();
  const schemes = new Set([forwarded || request.protocol, 'http', 'https']);
  const hosts = new Set([host]);
  const bare = host.replace(/:(80|443)$/, '');
  hosts.add(bare);
  const urls: string[] = [];
  for (const scheme of schemes) {
    for (const h of hosts) urls.push(`${scheme}://${h}${request.url}`);
    if (!/:\d+$/.test(host)) urls.push(`${scheme}://${host}:${scheme === 'https' ? 443 : 80}${request.url}`);
  }
  return urls;
}

export async function authenticateChargeOver(services: CoreServices, request: FastifyRequest): Promise<Authenticated> {
  const header = request.headers.authorization;
  if (!header) throw unauthorized('Invalid or incorrect authorization [Missing (basic) authorization header.]');
  if (/^ChargeOver\s/i.test(header)) return verifySignature(services, request, header);
  const basic = parseBasic(header);
  if (!basic) throw unauthorized('Invalid or incorrect authorization [Unsupported authorization scheme.]');
  const found = await authenticatePair(services, 'chargeover', CredentialKind.KEY_PAIR, basic.user, basic.password);
  if (!found) throw unauthorized('Invalid or incorrect authorization [Invalid credentials.]');
  return found;
}

async function verifySignature(services: CoreServices, request: FastifyRequest, header: string): Promise<Authenticated> {
  const fields = parseSignatureHeader(header);
  const publicKey = fields?.co_public_key;
  const nonce = fields?.co_nonce;
  const timestamp = fields?.co_timestamp;
  const signature = fields?.co_signature?.toLowerCase();
  if (!fields || !publicKey || !nonce || !timestamp || !signature || !/^\d+$/.test(timestamp)) throw unauthorized('Invalid or incorrect authorization [Malformed signature header.]');
  if ((fields.co_signature_method ?? 'HMAC-SHA256').toUpperCase() !== 'HMAC-SHA256') throw unauthorized('Invalid or incorrect authorization [Unsupported signature method.]');
  const now = systemTime();
  if (Math.abs(now / 1000 - Number(timestamp)) > SIGNATURE_WINDOW_SECONDS) throw unauthorized('Invalid or incorrect authorization [Signature timestamp out of range.]');
  const found = await findByPublicId(services, 'chargeover', CredentialKind.KEY_PAIR, publicKey);
  const secret = found ? revealSecret(services, found.credential) : null;
  if (!found || !secret) throw unauthorized('Invalid or incorrect authorization [Invalid credentials.]');
  const body = request.rawBody ?? Buffer.alloc(0);
  const valid = candidateUrls(request).some((url) => safeEqual(signatureOf(secret, publicKey, url, nonce, timestamp, body), signature));
  if (!valid) throw unauthorized('Invalid or incorrect authorization [Signature mismatch.]');
  // One use per nonce inside the window: the primary key on (scope, nonce) decides races.
  const fresh = await useNonce(services, `chargeover:${publicKey}`, nonce, now + 2 * SIGNATURE_WINDOW_SECONDS * 1000, now);
  if (!fresh) throw unauthorized('Invalid or incorrect authorization [Nonce already used.]');
  return found;
}
