// HS256 JWTs for token-auth, signed with node:crypto HMAC-SHA256. No library: the door only signs
// and verifies its own three-segment tokens with one algorithm, which node:crypto does in a few
// lines (and so there is no algorithm negotiation to get wrong: "alg" must be HS256).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SecretBox } from '../../core/crypto/secrets.ts';

export interface Claims {
  sub: string;
  mid: string;
  jti: string;
  iat: number;
  exp: number;
}

export const JWT_TTL_MS = 24 * 60 * 60 * 1000;

const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url');
const keyOf = (secrets: SecretBox) => Buffer.from(secrets.fingerprint('fluidpay:jwt:hs256:v1') + secrets.fingerprint('fluidpay:jwt:hs256:v1:b'));

export function signJwt(secrets: SecretBox, claims: Claims): string {
  const input = `${b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64(JSON.stringify(claims))}`;
  return `${input}.${createHmac('sha256', keyOf(secrets)).update(input).digest('base64url')}`;
}

/** The claims of a token this server signed, or null (bad shape, algorithm or signature). Expiry is the caller's. */
export function verifyJwt(secrets: SecretBox, token: string): Claims | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [header, payload, signature] = parts;
  const expected = createHmac('sha256', keyOf(secrets)).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: string };
    if (head.alg !== 'HS256') return null;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Claims;
    return typeof claims.jti === 'string' ? claims : null;
  } catch {
    return null;
  }
}
